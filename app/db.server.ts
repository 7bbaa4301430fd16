// The app's one database handle, opened from DATABASE_URL (see app/db/connection.server.ts).
import type { PrismaClient } from "@prisma/client";
import { databaseTarget, openDatabase, type Database } from "./db/connection.server";
import { env } from "./env.server";
import { processSingleton } from "./singletons.server";

/** The process's database handle (kept across Vite's dev reloads: app/singletons.server.ts). */
export function database(): Promise<Database> {
  return processSingleton("database", () => openDatabase(databaseTarget(env().DATABASE_URL)));
}

// Opening is asynchronous; top-level await keeps every importer simple.
const prisma: PrismaClient = (await database()).prisma;
export default prisma;
