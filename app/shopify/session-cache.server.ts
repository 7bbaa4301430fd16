// Remembers loaded sessions for a few seconds. The Shopify library loads the shop's offline session
// for every webhook it verifies; under a burst that is one database query per delivery for the same
// row. Writes and deletes through this storage drop the entry at once; sessions removed elsewhere
// (the uninstall handler) are forgotten via forgetShop or after the TTL, and a stale token can only
// make an Admin call fail with 401, which the library already handles.
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { existingSingleton } from "~/singletons.server";

/** The name of the app's one session cache among the process's singletons (created in app/shopify.server.ts). */
export const SESSION_STORAGE = "sessionStorage";

/**
 * Deletes the shop's sessions inside the caller's transaction and drops them from the app's cache:
 * what the uninstall and shop-erasure handlers do.
 */
export async function removeShopSessions(tx: { session: { deleteMany(args: { where: { shop: string } }): Promise<unknown> } }, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  existingSingleton<CachedSessionStorage>(SESSION_STORAGE)?.forgetShop(shop);
}

export class CachedSessionStorage implements SessionStorage {
  private cache = new Map<string, { session: Session | undefined; until: number }>();

  constructor(
    private readonly storage: SessionStorage,
    private readonly ttlMs = 5_000,
    private readonly now = () => Date.now(),
  ) {}

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return hit.session;
    const session = await this.storage.loadSession(id);
    this.cache.set(id, { session, until: this.now() + this.ttlMs });
    return session;
  }

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    return this.storage.storeSession(session);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.storage.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.storage.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.storage.findSessionsByShop(shop);
  }

  forgetShop(shop: string) {
    for (const [id, entry] of this.cache) if (id.includes(shop) || entry.session?.shop === shop) this.cache.delete(id);
  }
}
