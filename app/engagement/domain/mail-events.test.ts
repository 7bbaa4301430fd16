import { describe, expect, it } from "vitest";
import { readMailEvents } from "./mail-events";

describe("readMailEvents", () => {
  it("reads SendGrid's event webhook: bounces, drops of bounced addresses and spam reports; not soft blocks or deliveries", () => {
    expect(
      readMailEvents([
        { email: "Ada@Example.com", event: "bounce", type: "bounce", "smtp-id": "<abc@treue>" },
        { email: "bo@example.com", event: "bounce", type: "blocked" },
        { email: "cy@example.com", event: "spamreport" },
        { email: "di@example.com", event: "delivered" },
        { email: "ed@example.com", event: "dropped", reason: "Bounced Address" },
      ]),
    ).toEqual([
      { kind: "bounce", email: "ada@example.com", messageId: "abc@treue" },
      { kind: "complaint", email: "cy@example.com", messageId: null },
      { kind: "bounce", email: "ed@example.com", messageId: null },
    ]);
  });

  it("reads Postmark's bounce and spam complaint webhooks; a soft bounce stops nothing", () => {
    expect(readMailEvents({ RecordType: "Bounce", Type: "HardBounce", Email: "ada@example.com", MessageID: "883953f4" })).toEqual([{ kind: "bounce", email: "ada@example.com", messageId: "883953f4" }]);
    expect(readMailEvents({ RecordType: "Bounce", Type: "SoftBounce", Email: "ada@example.com" })).toEqual([]);
    expect(readMailEvents({ RecordType: "SpamComplaint", Email: "ada@example.com" })).toEqual([{ kind: "complaint", email: "ada@example.com", messageId: null }]);
  });

  it("reads the plain format, and refuses what is none of them", () => {
    expect(readMailEvents({ type: "complaint", email: "ada@example.com" })).toEqual([{ kind: "complaint", email: "ada@example.com", messageId: null }]);
    expect(readMailEvents({ type: "bounce", email: "not an address" })).toEqual([]);
    expect(readMailEvents("bounce")).toBeNull();
    expect(readMailEvents([])).toBeNull();
    expect(readMailEvents([{ hello: "world" }])).toBeNull();
  });
});
