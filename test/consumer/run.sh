#!/usr/bin/env bash
# Consumer test: what a platform team does with the published package.
#
#   1. build, `npm pack`, and check what the tarball holds (dist/ with declarations and maps; no tests, example tree,
#      cdktf.out);
#   2. a fresh project outside the repo (mktemp -d) that depends on the tarball and pinned cdktf 0.21.0, cdktf-cli
#      0.21.0, @cdktf/provider-azurerm 14.23.1, constructs, typescript 5.9.3, ts-node; `npm install` (npm's cache is
#      reused);
#   3. type check the project against the package's declarations (skipLibCheck off, moduleResolution node10 as in a
#      `cdktf init` project, so `cdktf-aks-gitops/testing` resolves through typesVersions);
#   4. `cdktf synth` with an app that uses the public API only (a pool, a bootstrap, a Terraform object, the policy
#      pack) and check the GitOps tree it wrote;
#   5. `cdktf synth` again with a policy finding: it must fail and leave the GitOps tree as it was;
#   6. the documented jest example (docs/testing.md): once to write the snapshot, once with --ci to prove it stable;
#   7. the same project moved to TypeScript 7 (test/consumer/typescript7.sh): tsc --noEmit of the native compiler,
#      cdktf synth with `tsc && node` as the app command (tree unchanged), jest with @swc/jest (same snapshot).
#
# Not part of `npm test` (it takes a minute or two); `.ci/run` runs it after `npm test`.
# KEEP_CONSUMER_DIR=1 keeps the temp project for inspection.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
FIXTURE="$REPO/test/consumer/fixture"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdktf-aks-gitops-consumer.XXXXXX")"
START=$SECONDS
export CHECKPOINT_DISABLE=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

cleanup() {
  local rc=$?
  if [[ $rc -ne 0 || "${KEEP_CONSUMER_DIR:-}" == 1 ]]; then echo "consumer test: project kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - START))"; }
fail() { echo "consumer test FAILED: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
step "build and pack"
cd "$REPO"
npm run --silent build
mkdir -p "$WORK/pack"
TARBALL="$WORK/pack/$(npm pack --silent --pack-destination "$WORK/pack" | tail -n 1)"
[[ -f "$TARBALL" ]] || fail "npm pack did not produce a tarball"
echo "tarball: $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"

LIST="$(tar -tzf "$TARBALL" | sed 's|^package/||' | sort)"
for forbidden in test/ examples/ infrastructure/ clusters/ bootstrap/ cdktf.out/ bench/ scripts/ docs/api/ node_modules/ main.ts cdktf.json .gitops-generated.json jest.config.js tsconfig.json; do
  if grep -q "^${forbidden}" <<<"$LIST"; then fail "the tarball holds ${forbidden}: $(grep "^${forbidden}" <<<"$LIST" | head -3 | tr '\n' ' ')"; fi
done
for required in package.json dist/index.js dist/index.d.ts dist/index.d.ts.map dist/testing/index.js dist/testing/index.d.ts \
  dist/testing/index.d.ts.map dist/testing/jest.js dist/testing/jest.d.ts dist/schema/crd-schemas.json lib/index.ts CHANGELOG.md; do
  grep -qx "$required" <<<"$LIST" || fail "the tarball lacks $required"
done
if grep -E '\.test\.(ts|js)$' <<<"$LIST"; then fail "the tarball holds test files"; fi
DTS=$(grep -c '\.d\.ts$' <<<"$LIST"); MAPS=$(grep -c '\.d\.ts\.map$' <<<"$LIST")
[[ "$DTS" -gt 0 && "$DTS" -eq "$MAPS" ]] || fail "expected one .d.ts.map per .d.ts, got $DTS declarations and $MAPS maps"
echo "tarball: $(wc -l <<<"$LIST") files, $DTS declarations with maps, nothing outside dist/, lib/ and the docs"

# ---------------------------------------------------------------------------------------------------------------
step "fresh project: npm install"
APP="$WORK/app"
mkdir -p "$APP"
for f in "$FIXTURE"/*; do
  name="$(basename "$f")"
  cp "$f" "$APP/${name%.tmpl}"
done
cat >"$APP/package.json" <<JSON
{
  "name": "consumer-gitops-repo",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "cdktf-aks-gitops": "file:$TARBALL",
    "cdktf": "0.21.0",
    "@cdktf/provider-azurerm": "14.23.1",
    "constructs": "10.4.2"
  },
  "devDependencies": {
    "cdktf-cli": "0.21.0",
    "typescript": "5.9.3",
    "ts-node": "10.9.2",
    "@types/node": "20.19.9",
    "jest": "29.7.0",
    "ts-jest": "29.4.15",
    "@types/jest": "29.5.14"
  }
}
JSON
cd "$APP"
npm install --no-audit --no-fund --prefer-offline --loglevel=error >"$WORK/npm-install.log" 2>&1 || { cat "$WORK/npm-install.log"; fail "npm install"; }
[[ -f node_modules/cdktf-aks-gitops/dist/index.js ]] || fail "the package was not installed from the tarball"
[[ ! -e node_modules/cdktf-aks-gitops/node_modules/cdktf ]] || fail "a second copy of cdktf was installed under the package (peer dependency not honoured)"

# ---------------------------------------------------------------------------------------------------------------
step "public API: resolution, encapsulation, and a root that loads neither testing nor jest"
node - <<'JS' || fail "package resolution"
const assert = require("assert");
const lib = require("cdktf-aks-gitops");
for (const name of ["GitOpsApp", "InfrastructureStack", "GuardedNodePool", "FluxBootstrap", "TerraformControllerCR", "PolicyPack", "GitOpsChecks", "PolicySuppressions"]) {
  assert.strictEqual(typeof lib[name], "function", `root export ${name}`);
}
const loaded = Object.keys(require.cache);
assert(!loaded.some((k) => k.includes("/cdktf-aks-gitops/dist/testing/")), "the root loaded the testing entry");
assert(!loaded.some((k) => /node_modules\/(jest|expect|@jest)\//.test(k)), "the root loaded jest");
assert(!loaded.some((k) => /@cdktf\/provider-azurerm\/lib\/index\.js$/.test(k)), "the root loaded the provider barrel");
const testing = require("cdktf-aks-gitops/testing");
for (const name of ["synthGitOps", "synthGitOpsFiles", "testApp", "setupGitOpsMatchers", "crdSchemaProblems"]) assert.strictEqual(typeof testing[name], "function", `testing export ${name}`);
assert.throws(() => require("cdktf-aks-gitops/testing/jest"), /needs the global expect of jest/);
assert.throws(() => require("cdktf-aks-gitops/dist/app/pipeline"), (e) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED");
assert.strictEqual(require("cdktf-aks-gitops/package.json").name, "cdktf-aks-gitops");
console.log("ok: root, ./testing, ./testing/jest, ./package.json; internals not exported");
JS

step "type check against the package's declarations (skipLibCheck off)"
npx tsc --noEmit -p . || fail "tsc"

# ---------------------------------------------------------------------------------------------------------------
step "cdktf synth"
npx cdktf synth >"$WORK/synth.log" 2>&1 || { cat "$WORK/synth.log"; fail "cdktf synth"; }
grep -E '^gitops: ' "$WORK/synth.log" || true
node - <<'JS' || fail "the GitOps tree"
const assert = require("assert");
const fs = require("fs");
const crypto = require("crypto");
const read = (p) => fs.readFileSync(p, "utf8");
const record = JSON.parse(read(".gitops-generated.json"));
assert.strictEqual(record.generator, "cdktf-aks-gitops");
const files = Object.keys(record.files).sort();
for (const f of ["infrastructure/aks-prod/main.tf.json", "clusters/aks-prod/kustomization.yaml", "clusters/aks-prod/tofu-controller.yaml", "clusters/aks-prod/terraform.yaml", "clusters/aks-prod/terraform/aks-prod-tf.yaml", "clusters/aks-prod/tofu-controller/helm-release.yaml"]) {
  assert(files.includes(f), `record lists ${f}: ${files.join(", ")}`);
}
for (const [f, hash] of Object.entries(record.files)) assert.strictEqual(crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex"), hash, `hash of ${f}`);
const tf = JSON.parse(read("infrastructure/aks-prod/main.tf.json"));
assert.strictEqual(tf.terraform.backend, undefined, "no backend in main.tf.json");
assert.deepStrictEqual(tf.terraform.required_providers.azurerm, { source: "hashicorp/azurerm", version: "4.55.0" });
const pools = Object.values(tf.resource.azurerm_kubernetes_cluster_node_pool);
assert.strictEqual(pools.length, 1);
const pool = pools[0];
assert.strictEqual(pool.auto_scaling_enabled, true);
assert.strictEqual(pool.min_count, 3);
assert.deepStrictEqual(pool.lifecycle, { ignore_changes: ["node_count"], prevent_destroy: true });
const cr = read("clusters/aks-prod/terraform/aks-prod-tf.yaml");
for (const line of ["kind: Terraform", "path: ./infrastructure/aks-prod", "approvePlan: auto", "secretSuffix: aks-prod"]) assert(cr.includes(line), `Terraform object has ${line}`);
assert(fs.existsSync("cdktf.out/manifest.json"), "cdktf.out/manifest.json");
console.log(`ok: ${files.length} GitOps files, record hashes match`);
JS

step "cdktf synth with a policy error: fails, GitOps tree untouched"
snapshot() { find infrastructure clusters .gitops-generated.json -type f -print0 | sort -z | xargs -0 sha256sum; }
BEFORE="$(snapshot)"
if ORG_FLOOR=4 MAX_COUNT=7 npx cdktf synth >"$WORK/synth-policy.log" 2>&1; then cat "$WORK/synth-policy.log"; fail "cdktf synth passed despite a policy error"; fi
grep -q "GitOps-NP2" "$WORK/synth-policy.log" || { cat "$WORK/synth-policy.log"; fail "the CLI did not report GitOps-NP2"; }
grep -q "gitops: not written" "$WORK/synth-policy.log" || { cat "$WORK/synth-policy.log"; fail "GitOpsApp did not skip the write"; }
[[ "$(snapshot)" == "$BEFORE" ]] || fail "the GitOps tree changed although the synth had a policy error"
echo "ok: exit != 0, GitOps-NP2 reported, tree unchanged"

# ---------------------------------------------------------------------------------------------------------------
step "jest: the documented snapshot test"
npx jest --ci=false >"$WORK/jest-1.log" 2>&1 || { cat "$WORK/jest-1.log"; fail "jest (first run)"; }
[[ -f __snapshots__/gitops.test.ts.snap ]] || fail "no snapshot was written"
npx jest --ci >"$WORK/jest-2.log" 2>&1 || { cat "$WORK/jest-2.log"; fail "jest --ci (snapshot not stable)"; }
grep -E "^(Tests|Snapshots):" "$WORK/jest-2.log"

# ---------------------------------------------------------------------------------------------------------------
source "$REPO/test/consumer/typescript7.sh"
typescript7_leg cdktf

bash "$REPO/test/consumer/starter.sh" "$TARBALL" # the starter (init, synth, its test, validate): its own script

step "consumer test passed"
