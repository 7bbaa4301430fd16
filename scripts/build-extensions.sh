#!/usr/bin/env bash
# Builds the app's extensions (extensions/*) with the Shopify CLI, offline and without
# prompts, and fails clearly. Output: extensions/<dir>/dist/<handle>.js (+ .js.map and
# .metafile.json); the CLI also (re)writes extensions/<dir>/shopify.d.ts and manifest.json.
#
#   APP_URL=https://treue.example.com bash scripts/build-extensions.sh
#   bash scripts/build-extensions.sh --placeholder-app-url    # CI / size checks only
#
# APP_URL is compiled into the checkout extension (see extensions/treue-checkout/src/config.ts):
# the CLI's esbuild replaces `process.env.APP_URL` with the value from this environment.
# `shopify app deploy` rebuilds the extensions itself, so export APP_URL for deploy too.
#
# Why not just `shopify app build`: when esbuild reports an error the CLI (3.94) prints it
# and then never exits (it keeps retrying), so a plain call hangs CI. This script watches the
# output, stops the CLI's whole process group on the first error, and has an overall timeout.
#
# Env: EXTENSION_BUILD_TIMEOUT (seconds, default 300).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

placeholder=0
for arg in "$@"; do
  case "$arg" in
    --placeholder-app-url) placeholder=1 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "build-extensions: unknown argument: $arg" >&2; exit 64 ;;
  esac
done

if [[ -z "${APP_URL:-}" ]]; then
  if [[ $placeholder == 1 ]]; then
    APP_URL="https://treue-app-url-not-set.invalid"
    echo "build-extensions: APP_URL not set, using placeholder $APP_URL (not deployable)" >&2
  else
    echo "build-extensions: APP_URL is not set. It is compiled into the checkout extension." >&2
    echo "  e.g. APP_URL=https://treue.example.com bash scripts/build-extensions.sh" >&2
    echo "  (or pass --placeholder-app-url for a build that is only measured/tested)" >&2
    exit 2
  fi
fi
if [[ ! "$APP_URL" =~ ^https?://[^/[:space:]]+/?$ ]]; then
  echo "build-extensions: APP_URL must be an origin like https://treue.example.com, got '$APP_URL'" >&2
  exit 2
fi
export APP_URL

# The project's Node 22 and CLI first; never prompt, never wait on a terminal.
export PATH="$ROOT/node_modules/.bin:$PATH"
export CI=1 SHOPIFY_CLI_NO_ANALYTICS=1 NO_COLOR=1 FORCE_COLOR=0 SHOPIFY_FLAG_NO_COLOR=1
if [[ ! -x "$ROOT/node_modules/.bin/shopify" ]]; then
  echo "build-extensions: node_modules/.bin/shopify missing - run npm ci first" >&2
  exit 2
fi

shopt -s nullglob
extension_dirs=(extensions/*/shopify.extension.toml)
if [[ ${#extension_dirs[@]} == 0 ]]; then
  echo "build-extensions: no extensions/*/shopify.extension.toml found" >&2
  exit 2
fi
# No stale bundle may survive a failed build (extension-size.ts reads dist/).
for toml in "${extension_dirs[@]}"; do rm -rf "$(dirname "$toml")/dist"; done

timeout_s="${EXTENSION_BUILD_TIMEOUT:-300}"
log="$(mktemp -t treue-extension-build.XXXXXX.log)"
start_ms=$(( $(date +%s%N) / 1000000 ))

# Own process group, so that the CLI and its esbuild service can be stopped together.
setsid shopify app build --path "$ROOT" --skip-dependencies-installation --no-color \
  </dev/null >"$log" 2>&1 &
cli_pid=$!

stop_cli() {
  kill -TERM -- "-$cli_pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$cli_pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- "-$cli_pid" 2>/dev/null || true
}
trap 'stop_cli; rm -f "$log"' EXIT
trap 'exit 130' INT TERM

outcome=""
deadline=$(( $(date +%s) + timeout_s ))
while kill -0 "$cli_pid" 2>/dev/null; do
  if grep -qE '✘ \[ERROR\]|Failed to bundle|─ error ─' "$log"; then
    sleep 1 # let the CLI finish printing the error
    outcome="error"
    break
  fi
  if (( $(date +%s) >= deadline )); then
    outcome="timeout"
    break
  fi
  sleep 0.25
done

status=0
if [[ -z "$outcome" ]]; then
  wait "$cli_pid" || status=$?
  if [[ $status != 0 ]] || ! grep -q 'built!' "$log"; then outcome="error"; fi
fi
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
elapsed="$(( elapsed_ms / 1000 )).$(( elapsed_ms % 1000 / 100 ))"

# Drop npm's noise about the machine's npmrc; after an error the CLI repeats itself, so cap it.
if [[ -z "$outcome" ]]; then
  grep -v '^npm warn' "$log" || true
else
  grep -v '^npm warn' "$log" | head -n 80 || true
fi

case "$outcome" in
  error)
    if kill -0 "$cli_pid" 2>/dev/null; then
      stop_cli
      echo "build-extensions: FAILED after ${elapsed}s: esbuild reported an error (shown above); stopped the CLI, which does not exit by itself then" >&2
    else
      [[ $status != 0 ]] || wait "$cli_pid" || status=$?
      echo "build-extensions: FAILED after ${elapsed}s: shopify app build exited with status ${status}" >&2
    fi
    exit 1
    ;;
  timeout)
    stop_cli
    echo "build-extensions: TIMED OUT after ${timeout_s}s" >&2
    exit 1
    ;;
esac

# Every UI extension must have produced a bundle, and APP_URL must have been compiled in. A theme app extension
# (type = "theme") is served as its files (blocks/, assets/, locales/) and Flow triggers and actions are their
# configuration alone: the CLI only checks them.
for toml in "${extension_dirs[@]}"; do
  dir="$(dirname "$toml")"
  if grep -qE '^[[:space:]]*type[[:space:]]*=[[:space:]]*"(theme|flow_trigger|flow_action)"' "$toml"; then continue; fi
  handle="$(sed -nE 's/^[[:space:]]*handle[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p' "$toml" | head -n1)"
  bundle="$dir/dist/${handle:-$(basename "$dir")}.js"
  if [[ ! -s "$bundle" ]]; then
    echo "build-extensions: expected bundle $bundle was not written" >&2
    exit 1
  fi
  # Without "jsxImportSource": "preact" in the extension's tsconfig.json, esbuild compiles JSX
  # for React; since the Remix app has react in node_modules, that "succeeds" and bundles React
  # (+7 KB) into an extension whose Preact renderer then cannot render it.
  metafile="$dir/dist/${handle:-$(basename "$dir")}.metafile.json"
  if [[ -f "$metafile" ]] && grep -q '"node_modules/preact/' "$metafile" && grep -qE '"node_modules/react(-dom)?/' "$metafile"; then
    echo "build-extensions: $bundle bundles React next to Preact - set \"jsxImportSource\": \"preact\" in $dir/tsconfig.json" >&2
    exit 1
  fi
  if grep -q 'process\.env\.' "$bundle"; then
    echo "build-extensions: $bundle still contains process.env.* (a variable was not set at build time):" >&2
    grep -oE 'process\.env\.[A-Za-z_$][A-Za-z0-9_$]*' "$bundle" | sort -u >&2
    exit 1
  fi
done

echo "build-extensions: OK in ${elapsed}s (APP_URL=$APP_URL)"
