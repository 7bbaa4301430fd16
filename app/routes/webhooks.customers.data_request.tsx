import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks.server";

// Subscribed in shopify.app.toml as "customers/data_request".
export const action = (args: ActionFunctionArgs) => receiveWebhook(args);
