import { describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { CachedSessionStorage } from "./session-cache.server";

function memoryStorage() {
  const rows = new Map<string, Session>();
  let loads = 0;
  const storage: SessionStorage = {
    async storeSession(s) { rows.set(s.id, s); return true; },
    async loadSession(id) { loads++; return rows.get(id); },
    async deleteSession(id) { return rows.delete(id); },
    async deleteSessions(ids) { ids.forEach((id) => rows.delete(id)); return true; },
    async findSessionsByShop(shop) { return [...rows.values()].filter((s) => s.shop === shop); },
  };
  return { storage, rows, loads: () => loads };
}

const session = (token: string) =>
  new Session({ id: "offline_a.myshopify.com", shop: "a.myshopify.com", state: "", isOnline: false, accessToken: token });

describe("CachedSessionStorage", () => {
  it("loads a session once within the TTL and again after it", async () => {
    let now = 0;
    const m = memoryStorage();
    const cached = new CachedSessionStorage(m.storage, 1000, () => now);
    await m.storage.storeSession(session("t1"));
    expect((await cached.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t1");
    expect((await cached.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t1");
    expect(m.loads()).toBe(1);
    now = 1001;
    await cached.loadSession("offline_a.myshopify.com");
    expect(m.loads()).toBe(2);
  });

  it("never serves a session it stored or deleted itself from the cache", async () => {
    const m = memoryStorage();
    const cached = new CachedSessionStorage(m.storage, 60_000);
    await cached.storeSession(session("t1"));
    await cached.loadSession("offline_a.myshopify.com");
    await cached.storeSession(session("t2"));
    expect((await cached.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t2");
    await cached.deleteSession("offline_a.myshopify.com");
    expect(await cached.loadSession("offline_a.myshopify.com")).toBeUndefined();
  });

  it("forgets a shop's sessions removed behind its back", async () => {
    const m = memoryStorage();
    const cached = new CachedSessionStorage(m.storage, 60_000);
    await cached.storeSession(session("t1"));
    await cached.loadSession("offline_a.myshopify.com");
    m.rows.clear();
    cached.forgetShop("a.myshopify.com");
    expect(await cached.loadSession("offline_a.myshopify.com")).toBeUndefined();
  });
});
