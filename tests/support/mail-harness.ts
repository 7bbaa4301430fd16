// A Treue harness with member e-mail on, as the engagement tests need it: a local SMTP capture that the app's
// SMTP_URL points at, no quiet hours, the webhook worker on; and the test shop's queued mail sent as the shop job
// sends it.
import { sendQueuedMails, type MailSettings, type SendOutcome } from "~/engagement/member-mails.server";
import { smtpTransport } from "~/engagement/mail-transport.server";
import { NO_QUIET_HOURS } from "~/engagement/domain/mail-timing";
import { startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "./treue-harness";
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from "./smtp-capture";

export interface MailHarness {
  t: TreueHarness;
  smtp: SmtpCapture;
  /** The mail job's settings for the test shop (sender, app URL, secret, no quiet hours). */
  settings: MailSettings;
  /** Sends the test shop's queued mail at `now` (default: now). */
  send(now?: Date): Promise<SendOutcome>;
  /** The captured mail to one address, in the order it arrived. */
  mailsTo(address: string): CapturedMail[];
  close(): Promise<void>;
}

export async function startTreueWithMail(opts: Parameters<typeof startTreue>[0] = {}): Promise<MailHarness> {
  const smtp = await startSmtpCapture();
  const t = await startTreue({ ...opts, appEnv: { WEBHOOK_WORKER: "1", SMTP_URL: smtp.url, MAIL_QUIET_HOURS: "off", ...opts.appEnv } });
  const settings: MailSettings = { appUrl: t.app.url, secret: TEST_API_SECRET, from: "loyalty@treue.test", quietHours: NO_QUIET_HOURS };
  return {
    t,
    smtp,
    settings,
    send: (now = new Date()) => sendQueuedMails(t.db.prisma, TEST_SHOP, smtpTransport(smtp.url), now, settings),
    mailsTo: (address) => smtp.messages.filter((m) => m.envelopeTo.includes(address)),
    async close() {
      await t.close();
      await smtp.close();
    },
  };
}
