import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// Subscribed in shopify.app.toml as "products/update".
export const action = (args: ActionFunctionArgs) => receiveWebhook(args);
