import { describe, expect, it } from "vitest";
import { UnusablePayloadError } from "~/webhooks/webhook-worker.server";
import { isTimeZone } from "./domain/zoned";
import { shopSettingsOf } from "./settings.server";

describe("shop/update payloads", () => {
  it("reads the name, currency and IANA time zone with the time they describe", () => {
    expect(shopSettingsOf({ name: " Teeladen ", currency: "CHF", iana_timezone: "Europe/Zurich", updated_at: "2026-12-06T10:00:00+01:00" })).toEqual({
      name: "Teeladen",
      currency: "CHF",
      timezone: "Europe/Zurich",
      settingsAt: new Date("2026-12-06T09:00:00Z"),
    });
  });

  it("drops a field it cannot trust instead of storing it", () => {
    expect(shopSettingsOf({ name: "", currency: "chf", iana_timezone: "Mars/Olympus", updated_at: "2026-12-06T10:00:00Z" })).toMatchObject({ name: null, currency: null, timezone: null });
  });

  it("refuses a payload without a zoned updated_at (it could not be ordered)", () => {
    expect(() => shopSettingsOf({ currency: "EUR" })).toThrow(UnusablePayloadError);
    expect(() => shopSettingsOf({ currency: "EUR", updated_at: "2026-12-06T10:00:00" })).toThrow(/updated_at missing or without time zone/);
  });

  it("knows IANA zones", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("EST")).toBe(false);
  });
});
