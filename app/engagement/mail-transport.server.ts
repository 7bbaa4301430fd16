// The SMTP connection member e-mails go through (SMTP_URL: the merchant's relay or an ESP's). One transport per
// process; null when SMTP_URL is not set, and then no member e-mail is queued or sent.
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "~/env.server";
import { processSingleton } from "~/singletons.server";

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/** An SMTP error the server gave for this message (5xx: the address is refused, retrying will not help). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

export function smtpTransport(url: string): MailTransport {
  const transporter: Transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      const info = await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
      return { messageId: String(info.messageId ?? "") };
    },
  };
}

/** The process's transport from SMTP_URL, or null without one. */
export function mailTransport(): MailTransport | null {
  const url = env().SMTP_URL;
  return url ? processSingleton(`mailTransport:${url}`, () => smtpTransport(url)) : null;
}
