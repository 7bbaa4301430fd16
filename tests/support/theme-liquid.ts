// A theme app extension's Liquid rendered as Shopify's storefront renders it, for the storefront browser tests:
// liquidjs with Shopify's differences from it — `{% schema %}` is read by Shopify, not output; `t` reads the
// extension's locale file with Shopify's plural keys (`one`/`other`, chosen by `count`) and `{{ name }}`
// interpolation; `divided_by` an integer is integer division (rounded down); `money` formats minor units in
// the shop's currency.
import fs from "node:fs";
import path from "node:path";
import { Liquid, Tag, type Context, type Emitter, type Liquid as LiquidEngine, type TagToken, type TopLevelToken } from "liquidjs";

export type ThemeLocale = "en" | "de";

export interface ThemeRenderer {
  /** Renders blocks/<name>.liquid with the block's setting defaults and `data` as the page's Liquid objects. */
  render(block: string, data: Record<string, unknown>): Promise<string>;
}

export function themeRenderer(extensionDir: string, opts: { locale: ThemeLocale; currency: string }): ThemeRenderer {
  const engine = new Liquid({ strictFilters: true });
  engine.registerTag(
    "schema",
    class extends Tag {
      constructor(token: TagToken, remain: TopLevelToken[], liquid: LiquidEngine) {
        super(token, remain, liquid);
        for (let tok = remain.shift(); tok && !(tok.kind === 4 && (tok as TagToken).name === "endschema"); tok = remain.shift());
      }
      *render(_ctx: Context, _emitter: Emitter) {}
    },
  );
  const messages = JSON.parse(fs.readFileSync(path.join(extensionDir, "locales", opts.locale === "de" ? "de.json" : "en.default.json"), "utf8"));
  const plural = new Intl.PluralRules(opts.locale);
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    const values: Record<string, unknown> = Object.fromEntries(args.filter((a): a is [string, unknown] => Array.isArray(a) && a.length === 2));
    let found: unknown = key.split(".").reduce((v: Record<string, unknown> | undefined, k) => v?.[k] as Record<string, unknown> | undefined, messages);
    if (found && typeof found === "object" && "count" in values) found = (found as Record<string, string>)[plural.select(Number(values.count))] ?? (found as Record<string, string>).other;
    if (typeof found !== "string") return `translation missing: ${opts.locale}.${key}`;
    return found.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => (values[name] != null ? String(values[name]) : ""));
  });
  engine.registerFilter("divided_by", (dividend: number, divisor: number) =>
    Number.isInteger(divisor) && Number.isInteger(dividend) ? Math.floor(dividend / divisor) : dividend / divisor,
  );
  const money = new Intl.NumberFormat(opts.locale === "de" ? "de-DE" : "en-GB", { style: "currency", currency: opts.currency });
  const digits = money.resolvedOptions().maximumFractionDigits ?? 2;
  engine.registerFilter("money", (minor: number) => money.format(minor / 10 ** digits));
  return {
    async render(block, data) {
      const file = path.join(extensionDir, "blocks", `${block}.liquid`);
      const schema = JSON.parse(/\{% schema %\}([\s\S]*)\{% endschema %\}/.exec(fs.readFileSync(file, "utf8"))![1]);
      const settings = Object.fromEntries((schema.settings ?? []).map((s: { id: string; default: unknown }) => [s.id, s.default]));
      return engine.renderFile(file, { block: { settings }, ...data });
    },
  };
}
