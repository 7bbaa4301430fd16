// customers/data_request: Shopify forwards a customer's request for their data; the merchant must hand it over
// (Shopify's protected customer data rules, GDPR art. 15). Treue records each request (the DataRequest row and a
// log line) and builds the file when the merchant downloads it from the admin, so it holds the data as it is that
// day: the member's profile, every ledger entry, redemptions, referrals (their code, the friends they referred,
// who referred them) and the requested orders as the order history has them.
import type { PrismaClient } from "@prisma/client";
import { sqlOf, utcTextColumn } from "~/db/connection.server";
import { restIdOf } from "~/shopify/domain/rest-id";
import type { Db } from "~/points/points-ledger.server";
import { UnusablePayloadError, type WebhookStep } from "~/webhooks/webhook-worker.server";

export interface DataRequestRow {
  id: string;
  customerId: string;
  requestId: string;
  ordersRequested: string[];
  requestedAt: string;
  downloads: number;
  lastDownloadAt: string | null;
}

/** A REST id of at most 20 digits (a bigint's). */
const wholeNumber = (v: unknown): string | null => {
  const id = restIdOf(v);
  return id !== null && id.length <= 20 ? id : null;
};

/** Records the request once per Shopify data request id (a redelivery or replay is the same request). */
export async function recordDataRequest(tx: Db, event: { shop: string; eventId: string; triggeredAt: Date | null; payload: unknown }): Promise<void> {
  const p = event.payload as { customer?: { id?: unknown }; orders_requested?: unknown; data_request?: { id?: unknown } };
  const customerId = wholeNumber(p.customer?.id);
  if (!customerId) throw new UnusablePayloadError("customers/data_request without customer.id");
  const requestId = wholeNumber(p.data_request?.id) ?? `event:${event.eventId}`;
  const orders = Array.isArray(p.orders_requested) ? p.orders_requested.map(wholeNumber).filter((id): id is string => id !== null) : [];
  const inserted = await sqlOf(tx).execute(
    `INSERT INTO "DataRequest" ("shop", "customerId", "requestId", "ordersRequested", "requestedAt")
     VALUES ($1, $2, $3, $4::jsonb, $5::timestamp(3)) ON CONFLICT ("shop", "requestId") DO NOTHING`,
    [event.shop, customerId, requestId, JSON.stringify(orders), (event.triggeredAt ?? new Date()).toISOString().slice(0, 23)],
  );
  if (inserted) console.log(`[treue] customers/data_request ${requestId} for customer ${customerId} of ${event.shop} recorded; the merchant downloads it under Data requests`);
}

export const dataRequestSteps: Record<string, WebhookStep[]> = {
  CUSTOMERS_DATA_REQUEST: [(tx, event) => recordDataRequest(tx, event)],
};


export async function listDataRequests(prisma: PrismaClient, shop: string): Promise<DataRequestRow[]> {
  return sqlOf(prisma).query<DataRequestRow>(
    `SELECT "id"::text AS id, "customerId", "requestId", "ordersRequested", ${utcTextColumn("requestedAt")}, "downloads", ${utcTextColumn("lastDownloadAt")}
       FROM "DataRequest" WHERE "shop" = $1 ORDER BY "requestedAt" DESC, "id" DESC LIMIT 200`,
    [shop],
  );
}

/** What the merchant hands to the customer. Amounts are minor units with their currency; times are UTC. */
export interface CustomerDataExport {
  request: { id: string; shopifyDataRequestId: string; requestedAt: string; preparedAt: string };
  customer: {
    id: string;
    member: boolean;
    erased: boolean;
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    emailMarketing: string | null;
    birthday: string | null;
    joinedAt: string | null;
    points: number;
    lifetimeEarned: number;
    lifetimeRedeemed: number;
    tier: string | null;
  };
  pointsHistory: { at: string; kind: string; points: number; orderId: string | null; reason: string | null; availableAt: string }[];
  redemptions: { createdAt: string; reward: unknown; pointsCost: number; code: string; status: string; redeemedAt: string | null; orderId: string | null }[];
  referrals: {
    code: string | null;
    contactKeptForFraudChecks: { email: string | null; phone: string | null };
    friendsReferred: { orderId: string; status: string; orderPlacedAt: string; points: number | null }[];
    referredBy: { code: string; orderId: string; status: string }[];
  };
  orders: { id: string; createdAt: string; amountMinor: number; currency: string; cancelledAt: string | null }[];
}

/**
 * The request's file, and the download counted (the log of who got the customer's data when). Null when the
 * shop has no such request.
 */
export async function prepareDataRequestDownload(prisma: PrismaClient, shop: string, id: string, now = new Date()): Promise<CustomerDataExport | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const sql = sqlOf(prisma);
  const [request] = await sql.query<{ customerId: string; requestId: string; ordersRequested: string[]; requestedAt: string }>(
    `UPDATE "DataRequest" SET "downloads" = "downloads" + 1, "lastDownloadAt" = $3::timestamp(3)
      WHERE "shop" = $1 AND "id" = $2::bigint
      RETURNING "customerId", "requestId", "ordersRequested", ${utcTextColumn("requestedAt")}`,
    [shop, id, now.toISOString().slice(0, 23)],
  );
  if (!request) return null;
  console.log(`[treue] data request ${request.requestId} of customer ${request.customerId} (${shop}) downloaded`);
  const customerId = request.customerId;
  const member = await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } } });
  const ledger = member ? await prisma.ledgerEntry.findMany({ where: { shop, memberId: member.id }, orderBy: [{ at: "asc" }, { id: "asc" }] }) : [];
  const redemptions = await prisma.redemption.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } });
  const code = await prisma.referralCode.findUnique({ where: { shop_customerId: { shop, customerId } } });
  const referred = await prisma.referral.findMany({ where: { shop, advocateCustomerId: customerId }, orderBy: { orderPlacedAt: "asc" } });
  const referredBy = await prisma.referral.findMany({ where: { shop, friendCustomerId: customerId }, orderBy: { orderPlacedAt: "asc" } });
  // The orders Shopify lists in the request, and every other order of the customer the history holds.
  const orderIds = request.ordersRequested.map((o) => BigInt(o));
  const orders = await prisma.historyOrder.findMany({
    where: { shop, OR: [{ customerId: BigInt(customerId) }, ...(orderIds.length ? [{ id: { in: orderIds } }] : [])] },
    orderBy: { createdAt: "asc" },
  });
  const at = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return {
    request: { id, shopifyDataRequestId: request.requestId, requestedAt: request.requestedAt, preparedAt: now.toISOString() },
    customer: {
      id: customerId,
      member: member !== null,
      erased: member?.redactedAt != null,
      email: member?.email ?? null,
      firstName: member?.firstName ?? null,
      lastName: member?.lastName ?? null,
      emailMarketing: member?.emailMarketing ?? null,
      birthday: member?.birthday ?? null,
      joinedAt: at(member?.joinedAt),
      points: member?.points ?? 0,
      lifetimeEarned: member?.lifetimeEarned ?? 0,
      lifetimeRedeemed: member?.lifetimeRedeemed ?? 0,
      tier: member?.tierId ?? null,
    },
    pointsHistory: ledger.map((e) => ({ at: e.at.toISOString(), kind: e.kind, points: e.points, orderId: e.orderId, reason: e.reason, availableAt: e.availableAt.toISOString() })),
    redemptions: redemptions.map((r) => ({
      createdAt: r.createdAt.toISOString(),
      reward: r.reward,
      pointsCost: r.pointsCost,
      code: r.code,
      status: r.status,
      redeemedAt: at(r.redeemedAt),
      orderId: r.orderId,
    })),
    referrals: {
      code: code?.code ?? null,
      contactKeptForFraudChecks: { email: code?.email ?? null, phone: code?.phone ?? null },
      friendsReferred: referred.map((r) => ({ orderId: r.orderId, status: r.status, orderPlacedAt: r.orderPlacedAt.toISOString(), points: r.points })),
      referredBy: referredBy.map((r) => ({ code: r.code, orderId: r.orderId, status: r.status })),
    },
    orders: orders.map((o) => ({ id: String(o.id), createdAt: o.createdAt.toISOString(), amountMinor: Number(o.amountMinor), currency: o.currency, cancelledAt: at(o.cancelledAt) })),
  };
}
