// Whether a shop has the app installed, for the webhook admission check (admission.ts), on the delivery path:
// "installed" answers are kept for a few seconds (a burst of deliveries costs one query per shop), the others
// are read every time, so a shop reinstalling is admitted at once.
import type { SqlStatements } from "~/db/connection.server";
import type { ShopInstallation } from "./admission";

const INSTALLED_FOR_MS = 5_000;

export class Installations {
  private readonly installed = new Map<string, number>();

  constructor(private readonly sql: Pick<SqlStatements, "query">, private readonly now = () => Date.now()) {}

  async of(shop: string): Promise<ShopInstallation> {
    const until = this.installed.get(shop);
    if (until !== undefined && until > this.now()) return "installed";
    const [row] = await this.sql.query<{ uninstalled: boolean }>(`SELECT "uninstalledAt" IS NOT NULL AS "uninstalled" FROM "Shop" WHERE "domain" = $1`, [shop]);
    if (!row) return "unknown";
    if (row.uninstalled) {
      this.installed.delete(shop);
      return "uninstalled";
    }
    this.installed.set(shop, this.now() + INSTALLED_FOR_MS);
    return "installed";
  }
}
