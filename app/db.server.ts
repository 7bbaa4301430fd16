// The app's one database handle, opened from DATABASE_URL (see app/db/connection.server.ts).
import type { PrismaClient } from "@prisma/client";
import { databaseTarget, openDatabase, type Database } from "./db/connection.server";
import { env } from "./env.server";

declare global {
  // Survives Vite's module reloads in development, as in Shopify's template.
  // eslint-disable-next-line no-var
  var treueDatabase: Promise<Database> | undefined;
}

export function database(): Promise<Database> {
  globalThis.treueDatabase ??= openDatabase(databaseTarget(env().DATABASE_URL));
  return globalThis.treueDatabase;
}

// Opening is asynchronous; top-level await keeps every importer simple.
const prisma: PrismaClient = (await database()).prisma;
export default prisma;
