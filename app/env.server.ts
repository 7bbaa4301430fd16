// Validated configuration: the app refuses to start with a clear message instead of failing later.
import { parseQuietHours } from "~/engagement/domain/mail-timing";
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the app's public URL, e.g. https://treue.example.com"),
  SCOPES: z.string().optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  DATABASE_URL: z
    .string({ required_error: "DATABASE_URL is required: postgresql://user:password@host:5432/database (npm run demo starts a PostgreSQL of its own)" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql://user:password@host:5432/database URL"),
  // Demo and tests only: the origin that stands in for https://<shop>.myshopify.com.
  SHOPIFY_SHOP_ORIGIN: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  // What this instance does: "web" answers requests and sends background work to the job engine without working
  // any, "worker" works the jobs (webhook apply, periodic jobs, imports, CLV fits), "all" both (one instance).
  // Run web instances behind the load balancer and worker instances beside them so heavy jobs never share the
  // event loop that answers requests.
  TREUE_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  // Set to "0" in tests that drive the webhook inbox worker themselves.
  WEBHOOK_WORKER: z.enum(["0", "1"]).default("1"),
  // Benchmarks only: "each" applies webhook batches with a savepoint per event (the old path) for comparison.
  WEBHOOK_APPLY: z.enum(["set", "each"]).default("set"),
  // Benchmarks only: "library" verifies every webhook delivery with authenticate.webhook instead of accepting
  // genuine ones on the quick path first (decision 014), for comparison.
  WEBHOOK_VERIFY: z.enum(["quick", "library"]).default("quick"),
  // Set to "0" in tests that run the periodic jobs (tiers, birthdays, expiry) themselves.
  PERIODIC_JOBS: z.enum(["0", "1"]).default("1"),
  // How long after start each periodic job first runs (ms), besides its schedule: a run queued by one instance
  // serves the cluster (the queue keeps one waiting run). The server answers requests first.
  PERIODIC_JOBS_FIRST_RUN_MS: z.coerce.number().int().min(0).default(15_000),
  // The job engine (pg-boss): seconds between polls of an idle queue (a job this instance sends is picked up at
  // once) and between supervision passes (jobs of a crashed instance are handed on after their heartbeat lapses).
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(5),
  // How often a failed job is tried again (with backoff from 2 s to 10 minutes) before it is dead-lettered.
  JOB_RETRIES: z.coerce.number().int().min(0).max(20).default(6),
  // Member e-mails go through this SMTP server (smtp://user:pass@host:587, smtps://… for TLS from the start);
  // without it none are sent. MAIL_FROM is the sender address; the shop's name is its display name.
  SMTP_URL: z.string().url("SMTP_URL must be an smtp:// or smtps:// URL").optional().or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().email("MAIL_FROM must be an e-mail address").default("loyalty@treue.app"),
  // Bounces and complaints from the e-mail service (POST /mail/events) need this token; unset: the endpoint is off.
  MAIL_EVENTS_TOKEN: z.string().min(16, "MAIL_EVENTS_TOKEN must be at least 16 characters").optional().or(z.literal("").transform(() => undefined)),
  // Amazon SNS messages (SES's bounces) are trusted only when signed with a certificate from sns.<region>.amazonaws.com;
  // this names one more base URL whose certificates and confirmation links are trusted (a local SNS in tests).
  MAIL_EVENTS_SNS_URL: z.string().url("MAIL_EVENTS_SNS_URL must be a URL").optional().or(z.literal("").transform(() => undefined)),
  // Member e-mails wait through these hours of the shop's clock ("21-8": 21:00 to 08:00; "off").
  MAIL_QUIET_HOURS: z
    .string()
    .default("21-8")
    .refine((v) => parseQuietHours(v) !== null, 'MAIL_QUIET_HOURS must be "<from>-<to>" in whole hours 0-23 (e.g. 21-8) or "off"'),
});

export type Env = z.infer<typeof schema>;

/** Settings that must never reach production: the demo and the tests set TREUE_DEMO=1 (scripts/demo/app-process.ts). */
function productionProblems(parsed: Env, raw: NodeJS.ProcessEnv): string[] {
  if (parsed.NODE_ENV !== "production" || raw.TREUE_DEMO === "1") return [];
  const problems: string[] = [];
  if (parsed.SHOPIFY_SHOP_ORIGIN) {
    problems.push(
      "  SHOPIFY_SHOP_ORIGIN: is for the demo and the tests only; it sends every Admin API call, access token included, to another origin than the shop's. Remove it.",
    );
  }
  if (!/^https:\/\//.test(parsed.SHOPIFY_APP_URL)) problems.push("  SHOPIFY_APP_URL: must be https:// in production (Shopify loads the app over TLS only).");
  return problems;
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Treue cannot start, its configuration is invalid:\n${problems}\nSee .env.example.`);
  }
  const problems = productionProblems(parsed.data, process.env);
  if (problems.length) throw new Error(`Treue cannot start in production, its configuration is unsafe:\n${problems.join("\n")}\nSee .env.example.`);
  cached = parsed.data;
  return cached;
}
