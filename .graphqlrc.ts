// Types for every `#graphql` document in app/, generated offline from the real Admin schema:
// `npm run graphql-codegen` (scripts/admin-schema.ts puts the schema where the preset reads it).
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";

export default {
  schema: "https://shopify.dev/admin-graphql-direct-proxy/2026-10",
  documents: ["./app/**/*.{js,ts,jsx,tsx}"],
  projects: {
    default: shopifyApiProject({
      apiType: ApiType.Admin,
      apiVersion: "2026-10",
      documents: ["./app/**/*.{js,ts,jsx,tsx}", "!./app/**/*.test.ts"],
      outputDir: "./app/types",
    }),
  },
};
