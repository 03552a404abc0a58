#!/usr/bin/env bash
# Consumer test of the cdktn flavour (docs/flavours.md): what test/consumer/run.sh does for cdktf, for cdktn-aks-gitops.
#
#   1. `flavour pack cdktn` (needs `npm run flavour -- install cdktn` first);
#   2. a fresh project outside the repo with the tarball, cdktn 0.24.0, cdktn-cli 0.24.0, @cdktn/provider-azurerm 16.1.0,
#      constructs 10.7.2 and the `overrides` entry the 16.1.0 binding needs, installed on Node 22 (scripts/node22.sh);
#   3. the same fixture (test/consumer/fixture) with its imports rewritten to cdktn and cdktn init's
#      `failOnConstructsOutsideOfStacks: "true"` in cdktf.json, type checked (skipLibCheck off);
#   4. `cdktn synth`: the GitOps tree is written, pinned to the azurerm version the binding records; a mistake
#      (MAX_COUNT=2) is refused once, with exit code 1 and no manifest;
#   5. the documented jest example, once to write the snapshot (--ci=false: CI sets CI=true, and jest then writes no
#      new snapshot), once with --ci;
#   6. the same project moved to TypeScript 7 (test/consumer/typescript7.sh, as in run.sh).
# KEEP_CONSUMER_DIR=1 keeps the temp project.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdktn-aks-gitops-consumer.XXXXXX")"
START=$SECONDS
export CHECKPOINT_DISABLE=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
cleanup() {
  local rc=$?
  if [[ $rc -ne 0 || "${KEEP_CONSUMER_DIR:-}" == 1 ]]; then echo "cdktn consumer test: project kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - START))"; }
fail() { echo "cdktn consumer test FAILED: $*" >&2; exit 1; }

NODE="$(bash "$REPO/scripts/node22.sh")"
step "pack the cdktn flavour"
cd "$REPO"
TARBALL="$(npx ts-node scripts/flavour.ts pack cdktn | tail -n 1)"
[[ -f "$TARBALL" ]] || fail "no tarball"
LIST="$(tar -tzf "$TARBALL" | sed 's|^package/||')"
grep -qx dist/index.js <<<"$LIST" || fail "the tarball lacks dist/index.js"
if tar -xzOf "$TARBALL" --wildcards "package/dist/*.d.ts" | grep -qE 'from "(cdktf"|@cdktf/)'; then fail "a declaration names cdktf"; fi

step "fresh project on Node 22: npm install"
export PATH="$(dirname "$NODE"):$PATH"
APP="$WORK/app"
mkdir -p "$APP"
for f in "$REPO"/test/consumer/fixture/*; do
  name="$(basename "$f")"
  sed -e 's/cdktf-aks-gitops/cdktn-aks-gitops/g' -e 's/"cdktf"/"cdktn"/g' -e 's#@cdktf/provider-azurerm#@cdktn/provider-azurerm#g' "$f" >"$APP/${name%.tmpl}"
done
# As `cdktn init` writes it (issue #15 item 3): the library must work with cdktn's future flag on.
node -e 'const f=process.argv[1],j=JSON.parse(require("fs").readFileSync(f,"utf8"));j.context={...j.context,failOnConstructsOutsideOfStacks:"true"};require("fs").writeFileSync(f,JSON.stringify(j,null,2)+"\n")' "$APP/cdktf.json"
cat >"$APP/package.json" <<JSON
{
  "name": "consumer-gitops-repo-cdktn",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "cdktn-aks-gitops": "file:$TARBALL",
    "cdktn": "0.24.0",
    "@cdktn/provider-azurerm": "16.1.0",
    "constructs": "10.7.2"
  },
  "devDependencies": {
    "cdktn-cli": "0.24.0",
    "typescript": "5.9.3",
    "ts-node": "10.9.2",
    "@types/node": "22.19.0",
    "jest": "29.7.0",
    "ts-jest": "29.4.15",
    "@types/jest": "29.5.14"
  },
  "overrides": { "@cdktn/provider-azurerm": { "cdktn": "\$cdktn" } }
}
JSON
cd "$APP"
npm install --prefer-offline --loglevel=error >"$WORK/npm-install.log" 2>&1 || { cat "$WORK/npm-install.log"; fail "npm install"; }
[[ ! -e node_modules/cdktf ]] || fail "cdktf was installed into a cdktn project"
[[ "$(node --version)" == v22.* ]] || fail "not on Node 22"

step "type check against the package's declarations (skipLibCheck off)"
npx tsc --noEmit -p . || fail "tsc"

step "cdktn synth"
npx cdktn synth >"$WORK/synth.log" 2>&1 || { cat "$WORK/synth.log"; fail "cdktn synth"; }
grep -E '^gitops: ' "$WORK/synth.log" || true
node - <<'JS' || fail "the GitOps tree"
const assert = require("assert");
const fs = require("fs");
const pin = require("@cdktn/provider-azurerm/package.json").cdktn.provider.version;
const tf = JSON.parse(fs.readFileSync("infrastructure/aks-prod/main.tf.json", "utf8"));
assert.deepStrictEqual(tf.terraform.required_providers.azurerm, { source: "hashicorp/azurerm", version: pin });
assert(fs.existsSync(".gitops-generated.json"), "no ownership record");
console.log(`ok: infrastructure/aks-prod/main.tf.json pins hashicorp/azurerm ${pin}`);
JS

step "cdktn synth of a mistake: refused once, exit 1, no manifest, tree unchanged"
snapshot() { find infrastructure clusters .gitops-generated.json -type f -print0 | sort -z | xargs -0 sha256sum; }
BEFORE="$(snapshot)"
if MAX_COUNT=2 npx cdktn synth >"$WORK/synth-refused.log" 2>&1; then cat "$WORK/synth-refused.log"; fail "cdktn synth passed maxCount below minCount"; fi
[[ "$(grep -c 'maxCount = 2: allowed is' "$WORK/synth-refused.log")" == 1 ]] || { cat "$WORK/synth-refused.log"; fail "the problem is not printed exactly once"; }
[[ ! -e cdktf.out/manifest.json ]] || fail "a refused synth left cdktf.out/manifest.json"
[[ "$(snapshot)" == "$BEFORE" ]] || fail "the GitOps tree changed although the synth was refused"
echo "ok: one message, exit != 0"

step "the documented jest example"
npx jest --ci=false >"$WORK/jest.log" 2>&1 || { cat "$WORK/jest.log"; fail "jest (first run)"; }
npx jest --ci >"$WORK/jest-ci.log" 2>&1 || { cat "$WORK/jest-ci.log"; fail "jest --ci"; }

source "$REPO/test/consumer/typescript7.sh"
typescript7_leg cdktn
step "cdktn consumer test passed"
