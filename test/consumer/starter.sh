#!/usr/bin/env bash
# Consumer test of the starter (#16 items 1, 5), called by run.sh with the packed tarball:
#   `cdktf-aks-gitops init` run from the tarball's own files into a fresh temp dir; npm install (the library from the
#   tarball); the first `cdktf synth` (timed from init) prints the open next step; the generated jest test passes with
#   no ts-jest warning; `validate` through the project's installed bin passes on the synthesized tree and fails, one
#   line per problem, on a hand edit; a second synth changes nothing.
# KEEP_CONSUMER_DIR=1 keeps the temp project.
set -euo pipefail

TARBALL="$1"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdktf-aks-gitops-starter.XXXXXX")"
START=$SECONDS
export CHECKPOINT_DISABLE=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
cleanup() {
  local rc=$?
  if [[ $rc -ne 0 || "${KEEP_CONSUMER_DIR:-}" == 1 ]]; then echo "starter test: project kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
step() { printf '\n== starter: %s (%ss)\n' "$1" "$((SECONDS - START))"; }
fail() { echo "starter test FAILED: $*" >&2; exit 1; }

step "init from the tarball"
mkdir -p "$WORK/pkg" && tar -xzf "$TARBALL" -C "$WORK/pkg"
APP="$WORK/platform-gitops"
T0=$(date +%s.%N)
node "$WORK/pkg/package/dist/cli/main.js" init "$APP" --library "file:$TARBALL"
[[ -f "$APP/.github/workflows/gitops.yml" && -f "$APP/.gitignore" ]] || fail "init did not write the workflow and .gitignore"
if node "$WORK/pkg/package/dist/cli/main.js" init "$APP" 2>"$WORK/init-again.log"; then fail "a second init overwrote the project"; fi
grep -q "init never overwrites a file" "$WORK/init-again.log" || { cat "$WORK/init-again.log"; fail "the refusal does not say why"; }

step "npm install"
cd "$APP"
npm install --no-audit --no-fund --prefer-offline --loglevel=error >"$WORK/npm-install.log" 2>&1 || { cat "$WORK/npm-install.log"; fail "npm install"; }
[[ -x node_modules/.bin/cdktf-aks-gitops ]] || fail "the package's bin is not installed"

step "first synth"
npx cdktf synth >"$WORK/synth-1.log" 2>&1 || { cat "$WORK/synth-1.log"; fail "cdktf synth"; }
T1=$(date +%s.%N)
printf 'starter: init to first synth (npm install included): %.1f s\n' "$(echo "$T1 - $T0" | bc)"
grep -E '^gitops: ' "$WORK/synth-1.log" || true
grep -q "gitops: next step for aks-dev: commit and push, apply bootstrap/aks-dev once" "$WORK/synth-1.log" || fail "synth did not print the next step"
[[ "$(grep -c 'gitops: next step' "$WORK/synth-1.log")" == 1 ]] || fail "the next step is not printed exactly once"
[[ -f clusters/aks-dev/terraform/node-pools.yaml && -f bootstrap/aks-dev/main.tf.json ]] || fail "the tree was not written"

step "type check and the generated jest test"
npx tsc --noEmit || fail "tsc"
npx jest --ci=false >"$WORK/jest.log" 2>&1 || { cat "$WORK/jest.log"; fail "jest"; }
if grep -qi "deprecated" "$WORK/jest.log"; then cat "$WORK/jest.log"; fail "jest printed a deprecation warning"; fi
npx jest --ci >"$WORK/jest-ci.log" 2>&1 || { cat "$WORK/jest-ci.log"; fail "jest --ci (snapshot not stable)"; }
grep -E "^(Tests|Snapshots):" "$WORK/jest-ci.log"

step "commit, validate, second synth"
git init -q && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm "initial GitOps repo"
npx cdktf-aks-gitops validate >"$WORK/validate.log" 2>&1 || { cat "$WORK/validate.log"; fail "validate of the synthesized tree"; }
cat "$WORK/validate.log"
npx cdktf synth >"$WORK/synth-2.log" 2>&1 || { cat "$WORK/synth-2.log"; fail "second cdktf synth"; }
grep -q "gitops: 0 written" "$WORK/synth-2.log" || { cat "$WORK/synth-2.log"; fail "the second synth changed files"; }
git diff --exit-code >/dev/null || fail "the second synth left a diff"
[[ -z "$(git ls-files --others --exclude-standard)" ]] || fail "the second synth left untracked files: $(git ls-files --others --exclude-standard)"

step "the team's own Flux objects: a Kustomization, a flux-system patch, a hand-written Component; two synths"
# As a team adds them to the generated app.ts (#16 item 2): nothing a person or bootstrap adds is reverted.
node - <<'JS' || fail "editing app.ts"
const fs = require("fs");
let s = fs.readFileSync("app.ts", "utf8");
s = s.replace("  Approval,\n", "  Approval,\n  KustomizationPatch,\n");
s = s.replace(
  'repositoryUrl: app.node.tryGetContext("gitRepositoryUrl") });',
  'repositoryUrl: app.node.tryGetContext("gitRepositoryUrl"),\n' +
    '    clusterFolder: { userOwnedComponent: true },\n' +
    '    fluxSystem: { patches: [KustomizationPatch.jsonPatch({ kind: "Deployment", name: "kustomize-controller" }, ' +
    '[{ op: "add", path: "/spec/template/spec/containers/0/args/-", value: "--concurrent=20" }])] },\n  });',
);
s = s.replace("  PolicyPack.applyTo(", '  flux.addKustomization("apps", { name: "apps", path: "./apps/dev", dependsOn: [flux.terraformKustomization] });\n  PolicyPack.applyTo(');
if (!s.includes("addKustomization") || !s.includes("userOwnedComponent")) throw new Error("app.ts template changed: edit not applied");
fs.writeFileSync("app.ts", s);
JS
npx cdktf synth >"$WORK/synth-3.log" 2>&1 || { cat "$WORK/synth-3.log"; fail "synth with the team's objects"; }
grep -q "apps.yaml" clusters/aks-dev/kustomization.yaml || fail "the team Kustomization is not listed"
grep -q -- "--concurrent=20" clusters/aks-dev/flux-system/kustomization.yaml || fail "the flux-system patch is not written"
[[ -d clusters/aks-dev/user-owned ]] || fail "no user-owned Component placeholder"
# A person's own resource in the Component, and bootstrap's gotk-sync.yaml as flux bootstrap writes it.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-settings\n  namespace: flux-system\n' >clusters/aks-dev/user-owned/team-settings.yaml
node -e 'const f="clusters/aks-dev/user-owned/kustomization.yaml",fs=require("fs"),t=fs.readFileSync(f,"utf8");if(!t.includes("resources: []"))throw new Error(t);fs.writeFileSync(f,t.replace("resources: []","resources:\n  - team-settings.yaml"))'
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm "team objects"
npx cdktf synth >"$WORK/synth-4.log" 2>&1 || { cat "$WORK/synth-4.log"; fail "second synth with the team's objects"; }
grep -q "gitops: 0 written" "$WORK/synth-4.log" || { cat "$WORK/synth-4.log"; fail "the second synth changed files"; }
git diff --exit-code || fail "the second synth reverted something"
grep -q "team-settings.yaml" clusters/aks-dev/user-owned/kustomization.yaml || fail "the hand-written Component entry was reverted"
kubectl kustomize clusters/aks-dev | grep -q "name: team-settings" || fail "the Component's resource is not in the cluster folder's build"
npx cdktf-aks-gitops validate >"$WORK/validate-team.log" 2>&1 || { cat "$WORK/validate-team.log"; fail "validate with the team's objects"; }
echo "ok: team Kustomization, flux-system patch and a hand-written Component kept over two synths; validate passes"

step "a mistake under cdktf synth: refused once, exit 1, nothing written"
# #16 item 4: the CLI prints a failing app's output twice; the refusal must appear once, and cdktf.out/ stay empty.
snapshot() { find infrastructure clusters bootstrap .gitops-generated.json -type f -print0 | sort -z | xargs -0 sha256sum; }
BEFORE="$(snapshot)"
cp app.ts "$WORK/app.ts.good"
sed -i 's/maxCount: 6,/maxCount: 2,/' app.ts
grep -q 'maxCount: 2,' app.ts || fail "the typo was not applied to app.ts"
if npx cdktf synth >"$WORK/synth-typo.log" 2>&1; then cat "$WORK/synth-typo.log"; fail "cdktf synth passed maxCount below minCount"; fi
[[ "$(grep -c 'maxCount = 2: allowed is' "$WORK/synth-typo.log")" == 1 ]] || { cat "$WORK/synth-typo.log"; fail "the problem is not printed exactly once"; }
grep -q "nothing was written" "$WORK/synth-typo.log" || { cat "$WORK/synth-typo.log"; fail "the refusal does not say nothing was written"; }
if grep -qE '^\s+at ' "$WORK/synth-typo.log"; then cat "$WORK/synth-typo.log"; fail "the refusal printed a stack trace"; fi
[[ ! -e cdktf.out/manifest.json ]] || fail "a refused synth left cdktf.out/manifest.json"
[[ "$(snapshot)" == "$BEFORE" ]] || fail "the GitOps tree changed although the synth was refused"
cp "$WORK/app.ts.good" app.ts
echo "ok: one message, exit != 0, no manifest, tree unchanged"

sed -i 's/interval: 5m/interval: 1m/' clusters/aks-dev/terraform/node-pools.yaml
if npx cdktf-aks-gitops validate >"$WORK/validate-bad.log" 2>&1; then cat "$WORK/validate-bad.log"; fail "validate passed a hand edit"; fi
grep -q "^validate: clusters/aks-dev/terraform/node-pools.yaml: edited by hand" "$WORK/validate-bad.log" || { cat "$WORK/validate-bad.log"; fail "validate did not name the hand edit"; }
echo "ok: validate refuses the hand edit"
step "starter test passed"
