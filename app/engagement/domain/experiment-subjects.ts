// What an A/B test can be about: one kind of member e-mail. Pure, for the experiments page and the mail job alike.
import { MAIL_KINDS, type MailKind } from "./member-mail";

/** What a test is about: one kind of member e-mail ("points-earned-mail", "win-back-mail", …), one test at a time each. */
export type ExperimentSubject = `${MailKind}-mail`;
export const EXPERIMENT_SUBJECTS: readonly ExperimentSubject[] = MAIL_KINDS.map((kind) => `${kind}-mail` as const);

export const mailSubject = (kind: MailKind): ExperimentSubject => `${kind}-mail`;

/** The mail kind a subject tests, or null for one the app does not know. */
export function subjectMailKind(subject: string): MailKind | null {
  const kind = subject.replace(/-mail$/, "");
  return subject.endsWith("-mail") && (MAIL_KINDS as readonly string[]).includes(kind) ? (kind as MailKind) : null;
}
