import { describe, expect, it } from "vitest";
import { json } from "./json";

describe("json answers of the buyer-facing API", () => {
  it("carry their length in bytes (not characters) and the JSON content type", async () => {
    const answer = json({ title: "5,00 € Rabatt" }, { status: 201, headers: { "Cache-Control": "no-store" } });
    const bytes = new Uint8Array(await answer.clone().arrayBuffer());
    expect(answer.status).toBe(201);
    expect(answer.headers.get("Content-Length")).toBe(String(bytes.byteLength));
    expect(bytes.byteLength).toBeGreaterThan(JSON.stringify({ title: "5,00 € Rabatt" }).length);
    expect(answer.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("Cache-Control")).toBe("no-store");
    expect(await answer.json()).toEqual({ title: "5,00 € Rabatt" });
  });

  it("takes a bare status and keeps a content type given", () => {
    expect(json({}, 404).status).toBe(404);
    expect(json({}, { headers: { "Content-Type": "application/problem+json" } }).headers.get("Content-Type")).toBe("application/problem+json");
  });
});
