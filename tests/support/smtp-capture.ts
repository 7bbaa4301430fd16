// A local SMTP server that keeps what it is sent (the tests' and the demo's mail inbox): member e-mails go through
// real SMTP to it, and tests read them parsed (headers, text, HTML). `refuse` makes it answer the next
// messages with an SMTP error, as a relay refusing an address (5xx) or a busy one (4xx) would.
// The demo keeps them as .eml files instead (`dir`), unparsed.
import { SMTPServer } from "smtp-server";
import type { ParsedMail } from "mailparser";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface CapturedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpCapture {
  url: string;
  messages: CapturedMail[];
  refuse(code: number, times?: number): void;
  close(): Promise<void>;
}

export async function startSmtpCapture(opts: { dir?: string; host?: string } = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  let saved = opts.dir ? fs.readdirSync(opts.dir).length : 0;
  let refusal: { code: number; times: number } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refusal && refusal.times !== 0) {
          refusal.times--;
          const error = Object.assign(new Error(refusal.code >= 500 ? "Mailbox unavailable" : "Try again later"), { responseCode: refusal.code });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        if (opts.dir) {
          fs.writeFileSync(path.join(opts.dir, `${String(++saved).padStart(5, "0")}.eml`), raw);
          return callback();
        }
        import("mailparser")
          .then(({ simpleParser }) => simpleParser(raw))
          .then((parsed) => {
            messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuse(code, times = 1) {
      refusal = { code, times };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
