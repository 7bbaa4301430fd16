import { describe, expect, it } from "vitest";
import { checkoutEditorLink, isSetupStep, setupGuide, SETUP_STEPS, themeEmbedLink } from "./setup-guide";

const marks = (entries: Record<string, "app" | "merchant">) => new Map(Object.entries(entries));

describe("the setup guide", () => {
  it("starts with every step open and counts only the required ones", () => {
    const g = setupGuide(marks({}), false);
    expect(g.steps.map((s) => s.id)).toEqual([...SETUP_STEPS]);
    expect(g.steps.every((s) => !s.done)).toBe(true);
    expect({ done: g.done, total: g.total, hidden: g.hidden }).toEqual({ done: 0, total: 4, hidden: false });
    expect(g.steps.filter((s) => s.optional).map((s) => s.id)).toEqual(["checkout", "balances"]);
  });

  it("takes what the app marked as seen, and what the merchant marked as done", () => {
    const g = setupGuide(marks({ earning: "app", storefront: "merchant", balances: "app" }), false);
    const state = Object.fromEntries(g.steps.map((s) => [s.id, [s.done, s.seen]]));
    expect(state).toEqual({
      earning: [true, true],
      rewards: [false, false],
      storefront: [true, false],
      thankYou: [false, false],
      checkout: [false, false],
      balances: [true, true],
    });
    expect(g.done).toBe(2);
  });

  it("hides itself once the required steps are done, or when dismissed", () => {
    expect(setupGuide(marks({ earning: "app", rewards: "app", storefront: "merchant", thankYou: "merchant" }), false).hidden).toBe(true);
    expect(setupGuide(marks({ earning: "app", rewards: "app", storefront: "merchant", checkout: "merchant", balances: "app" }), false).hidden).toBe(false);
    expect(setupGuide(marks({}), true).hidden).toBe(true);
  });

  it("knows its steps", () => {
    expect(isSetupStep("thankYou")).toBe(true);
    expect(isSetupStep("launch-rockets")).toBe(false);
    expect(isSetupStep(undefined)).toBe(false);
  });
});

describe("deep links into Shopify's editors", () => {
  it("open the theme editor with the app embed switched on, and the checkout editor on a page", () => {
    expect(themeEmbedLink("treue-demo.myshopify.com", "abc123", "launcher")).toBe(
      "https://treue-demo.myshopify.com/admin/themes/current/editor?context=apps&activateAppId=abc123/launcher",
    );
    expect(checkoutEditorLink("treue-demo.myshopify.com", "thank-you")).toBe("https://treue-demo.myshopify.com/admin/settings/checkout/editor?page=thank-you&context=apps");
  });

  it("refuse anything but a myshopify domain (no link to another host)", () => {
    expect(() => themeEmbedLink("evil.example.com/x?", "k", "launcher")).toThrow(/myshopify/);
  });
});
