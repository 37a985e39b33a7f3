#!/usr/bin/env bash
# Runs schemathesis (every check, not only 5xx) against the OpenAPI document of a served
# argmap. Loopback only. See docs/reliability.md.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]          (default 50 per operation)
#
# It builds argmap, starts it on 127.0.0.1:${ARGMAP_PORT:-4030} with a throwaway data folder
# (the embedded PostgreSQL, the shipped map), makes an admin with an API token so writes are
# exercised too, runs schemathesis from a virtualenv in /tmp/st (created on first use:
# python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis), and stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
port="${ARGMAP_PORT:-4030}"
venv="${SCHEMATHESIS_VENV:-/tmp/st}"
[[ -x "$venv/bin/schemathesis" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
# ARGMAP_BIN: an argmap binary already built (otherwise the debug build is made now).
bin="${ARGMAP_BIN:-}"
if [[ -z "$bin" ]]; then
  cargo build --quiet
  bin="${CARGO_TARGET_DIR:-target}/debug/argmap"
fi
data="$(mktemp -d /tmp/argmap-st.XXXXXX)"
chmod 755 "$data"
export ARGMAP_DATA_DIR="$data" ARGMAP_ADDR="127.0.0.1:$port" ARGMAP_WRITES_PER_MINUTE=1000000 \
  ARGMAP_SIGNUPS_PER_HOUR=1000000 ARGMAP_LOG=warn
"$bin" serve & server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# A token for writes: sign in through the form, then ask the API for one.
jar="$data/cookies"
echo "schemathesis password 1" | "$bin" user add --email st@example.org --role admin >/dev/null 2>&1 || true
csrf() { curl -fs -b "$jar" -c "$jar" "http://127.0.0.1:$port$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
token_csrf="$(csrf /signin)"
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token_csrf" \
  --data-urlencode "email=st@example.org" --data-urlencode "password=schemathesis password 1" \
  "http://127.0.0.1:$port/signin" || true
account_csrf="$(csrf /account)"
token="$(curl -fs -b "$jar" -c "$jar" -H "x-csrf-token: $account_csrf" -H 'content-type: application/json' \
  -d '{"name":"schemathesis"}' "http://127.0.0.1:$port/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
[[ -n "$token" ]] || { echo "schemathesis.sh: could not make an API token (sign-in or /api/v1/tokens failed)" >&2; exit 1; }
headers=(-H "Authorization: Bearer $token")
run() {
  "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port" --checks all --max-examples "$examples" "${headers[@]}" "$@"
}
# Revoking tokens comes last and alone: generated ids soon name the run's own token, and
# every later request would then carry a revoked token and be answered 401.
revoke='/api/v1/tokens/{id}/revoke'
status=0
run --exclude-path "$revoke" || status=$?
run --include-path "$revoke" || status=$?
exit "$status"
