import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// Subscribed in shopify.app.toml as "bulk_operations/finish". Recorded like every topic; its steps
// dispatch by the payload's operation type: a query wakes the order history import
// (history-webhooks.server.ts), a mutation of a segment tag round wakes or resumes the segment sync
// (segment-sync.server.ts).
export const action = (args: ActionFunctionArgs) => receiveWebhook(args);
