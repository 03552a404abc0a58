# shellcheck shell=bash
# The TypeScript 7 leg of both consumer tests (run.sh for cdktf, run-cdktn.sh for cdktn), sourced by them and run in
# the consumer project after its TypeScript 5.9 legs: what a team does that moves that project to TypeScript 7.
#
# TypeScript 7 (`typescript` 7.x on npm, the native compiler) has no JavaScript compiler API: its package's main export
# is only the version, so ts-node and ts-jest cannot run on it (docs/migration-cdktn.md, "TypeScript 7", has their
# errors). The project therefore switches, as the docs recommend:
#   1. `typescript` 5.9.3 → 7.x, plus @swc/jest and @swc/core (one `npm install -D`, in the same project);
#   2. `tsc --noEmit` with TypeScript 7 against the package's declarations (skipLibCheck off): any type error in them
#      fails; the run must have read the package's dist/index.d.ts and dist/testing/index.d.ts;
#   3. the app command `npx tsc --outDir .app && node .app/main.js` (compile, then plain node; the outDir keeps
#      compiled siblings from shadowing the .ts files for jest) instead of `npx ts-node main.ts`: `<cli> synth` must
#      leave the GitOps tree written by the TypeScript 5.9 synth byte for byte unchanged;
#   4. jest with the @swc/jest transform instead of ts-jest, --ci against the snapshot the ts-jest run wrote: the same
#      snapshot, or it fails.
# Needs from the caller: step, fail, WORK, the current directory = the consumer project (its GitOps tree synthesized,
# its jest snapshot written). Argument: the CLI (cdktf or cdktn).
TYPESCRIPT7_VERSION="${TYPESCRIPT7_VERSION:-7.0.2}"
SWC_JEST_VERSION=0.2.39
SWC_CORE_VERSION=1.16.22

typescript7_leg() {
  local cli="$1"
  step "TypeScript $TYPESCRIPT7_VERSION: npm install -D typescript@$TYPESCRIPT7_VERSION @swc/jest @swc/core"
  npm install --no-audit --no-fund --prefer-offline --loglevel=error --save-dev --save-exact \
    "typescript@$TYPESCRIPT7_VERSION" "@swc/jest@$SWC_JEST_VERSION" "@swc/core@$SWC_CORE_VERSION" >"$WORK/npm-install-ts7.log" 2>&1 ||
    { cat "$WORK/npm-install-ts7.log"; fail "npm install of TypeScript $TYPESCRIPT7_VERSION"; }
  local version
  version="$(npx tsc --version)"
  [[ "$version" == "Version 7."* ]] || fail "expected TypeScript 7 after the install, tsc says: $version"

  step "TypeScript 7: tsc --noEmit against the package's declarations (skipLibCheck off)"
  [[ "$(npx tsc --showConfig -p . | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).compilerOptions.skipLibCheck)')" == false ]] ||
    fail "the consumer's tsconfig must have skipLibCheck off, or the package's declarations are not checked"
  local started=$SECONDS files
  files="$(npx tsc --noEmit -p . --listFiles)" || { echo "$files"; fail "tsc ($version)"; }
  for declaration in dist/index.d.ts dist/testing/index.d.ts dist/testing/jest.d.ts; do
    grep -q "/node_modules/$cli-aks-gitops/$declaration\$" <<<"$files" || fail "TypeScript 7 did not read $cli-aks-gitops/$declaration"
  done
  echo "ok: $version, $(grep -c "/node_modules/$cli-aks-gitops/dist/.*\.d\.ts\$" <<<"$files") declarations of $cli-aks-gitops checked ($((SECONDS - started))s)"

  step "TypeScript 7: $cli synth with the app command \"npx tsc --outDir .app && node .app/main.js\""
  node -e 'const f = "cdktf.json"; const c = JSON.parse(require("fs").readFileSync(f, "utf8")); c.app = "npx tsc --outDir .app && node .app/main.js"; require("fs").writeFileSync(f, JSON.stringify(c, null, 2) + "\n")'
  local before
  before="$(find infrastructure clusters .gitops-generated.json -type f -print0 | sort -z | xargs -0 sha256sum)"
  npx "$cli" synth >"$WORK/synth-ts7.log" 2>&1 || { cat "$WORK/synth-ts7.log"; fail "$cli synth with tsc $version and node"; }
  [[ -f .app/main.js ]] || fail "the app command did not compile main.ts to .app/main.js"
  grep -q "gitops: 0 written, " "$WORK/synth-ts7.log" || { cat "$WORK/synth-ts7.log"; fail "the TypeScript 7 synth wrote files"; }
  [[ "$(find infrastructure clusters .gitops-generated.json -type f -print0 | sort -z | xargs -0 sha256sum)" == "$before" ]] ||
    fail "the GitOps tree of the TypeScript 7 synth differs from the TypeScript 5.9 one"
  grep -oE "gitops: [0-9]+ written, .*" "$WORK/synth-ts7.log"

  step "TypeScript 7: jest with @swc/jest (no ts-jest), --ci against the ts-jest snapshot"
  cat >jest.config.js <<'JS'
module.exports = {
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
};
JS
  npx jest --ci >"$WORK/jest-swc.log" 2>&1 || { cat "$WORK/jest-swc.log"; fail "jest --ci with @swc/jest"; }
  grep -qE "^Snapshots: +1 passed, 1 total" "$WORK/jest-swc.log" || { cat "$WORK/jest-swc.log"; fail "the ts-jest snapshot was not checked"; }
  grep -E "^(Tests|Snapshots):" "$WORK/jest-swc.log"
}
