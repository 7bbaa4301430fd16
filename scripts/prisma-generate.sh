#!/usr/bin/env bash
# Generates the Rust-free Prisma client without the native schema engine, which
# can't be downloaded on machines without access to Prisma's binary host.
# Prisma's CLI insists on resolving a schema-engine file and the datasource URL
# even though `generate` uses neither (docs/decisions/002-database-and-migrations.md).
set -euo pipefail
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(dirname "$0")/prisma-generate.sh}"
export DATABASE_URL="${DATABASE_URL:-postgresql://localhost:5432/unused}"
# No update check or telemetry (Prisma's checkpoint): nothing but loopback is needed after npm install.
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
exec prisma generate --no-hints "$@"
