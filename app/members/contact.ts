// A member's contact details as Shopify last described them. Customer payloads (customers/create and update,
// and the buyer embedded in every order) arrive in any order, each with the customer's `updated_at`: the newest
// description wins, so a late order webhook carrying the customer as they were last month cannot undo an
// e-mail change. Details without a time (none known) only fill blanks.

export type EmailMarketing = "subscribed" | "not_subscribed" | "unsubscribed" | "pending" | "invalid" | "redacted";
const EMAIL_MARKETING: ReadonlySet<string> = new Set<EmailMarketing>(["subscribed", "not_subscribed", "unsubscribed", "pending", "invalid", "redacted"]);

export interface Contact {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  emailMarketing: EmailMarketing | null;
  /** The customer's updated_at the details come from; null when unknown. */
  contactAt: Date | null;
}

export const NO_CONTACT: Contact = { email: null, firstName: null, lastName: null, emailMarketing: null, contactAt: null };

const text = (v: unknown, max = 320) => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : null);

/** The contact details of a REST customer object (a customers/* payload, or an order's `customer`). */
export function contactOfCustomer(customer: unknown): Contact {
  if (customer === null || typeof customer !== "object") return NO_CONTACT;
  const c = customer as Record<string, unknown>;
  const consent = c.email_marketing_consent as { state?: unknown } | null | undefined;
  const state = typeof consent?.state === "string" ? consent.state.toLowerCase() : null;
  const at = typeof c.updated_at === "string" ? new Date(c.updated_at) : null;
  return {
    email: text(c.email),
    firstName: text(c.first_name, 255),
    lastName: text(c.last_name, 255),
    emailMarketing: state && EMAIL_MARKETING.has(state) ? (state as EmailMarketing) : null,
    contactAt: at && Number.isFinite(at.getTime()) ? at : null,
  };
}

/**
 * The contact details of an Admin GraphQL Customer node (the history import's customers export: firstName,
 * lastName, defaultEmailAddress { emailAddress marketingState }, updatedAt).
 */
export function contactOfAdminCustomer(node: unknown): Contact {
  if (node === null || typeof node !== "object") return NO_CONTACT;
  const c = node as Record<string, unknown>;
  const address = c.defaultEmailAddress as { emailAddress?: unknown; marketingState?: unknown } | null | undefined;
  const state = typeof address?.marketingState === "string" ? address.marketingState.toLowerCase() : null;
  const at = typeof c.updatedAt === "string" ? new Date(c.updatedAt) : null;
  return {
    email: text(address?.emailAddress),
    firstName: text(c.firstName, 255),
    lastName: text(c.lastName, 255),
    emailMarketing: state && EMAIL_MARKETING.has(state) ? (state as EmailMarketing) : null,
    contactAt: at && Number.isFinite(at.getTime()) ? at : null,
  };
}

/** True when `incoming` describes the customer at least as recently as `current` (so its details win). */
export function isNewerContact(current: Pick<Contact, "contactAt">, incoming: Pick<Contact, "contactAt">): boolean {
  if (incoming.contactAt === null) return false;
  return current.contactAt === null || incoming.contactAt.getTime() >= current.contactAt.getTime();
}

/**
 * The details to keep: the newer description's, each field falling back to the other's when it has none;
 * with no time on the incoming one, it only fills blanks. (lockMembers in points-ledger.server.ts says the same
 * in SQL for the stored row.)
 */
export function mergeContact(current: Contact, incoming: Contact): Contact {
  const [first, second] = isNewerContact(current, incoming) ? [incoming, current] : [current, incoming];
  const later = [current.contactAt, incoming.contactAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return {
    email: first.email ?? second.email,
    firstName: first.firstName ?? second.firstName,
    lastName: first.lastName ?? second.lastName,
    emailMarketing: first.emailMarketing ?? second.emailMarketing,
    contactAt: later,
  };
}
