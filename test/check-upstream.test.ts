/**
 * scripts/check-upstream.ts (`npm run check:upstream`, CI only) must fail, never skip, when the upstream CRDs are
 * missing or derive something else than what is committed. Its passing run needs the upstream CRDs, which only CI has;
 * here it runs on folders the test makes.
 */
import * as fs from "fs";
import * as path from "path";
import { checkUpstream } from "../scripts/check-upstream";
import { TEST_CRD_DIR } from "../scripts/derive-crd-schemas";
import { cleanupTempDirs, tempDir } from "./helpers";

afterAll(cleanupTempDirs);

const REPO_ROOT = path.resolve(__dirname, "..");
const ALERT_CRD = "notification.toolkit.fluxcd.io_alerts.yaml";

test("no CRD folder, or one without CRDs: one problem that says where the CRDs are expected", () => {
  const missing = path.join(tempDir("check-upstream-"), "crds");
  expect(checkUpstream(missing, REPO_ROOT)).toEqual([expect.stringContaining(`no upstream CRDs at ${missing}`)]);
  fs.mkdirSync(missing);
  fs.writeFileSync(path.join(missing, "README.md"), "not a CRD\n");
  expect(checkUpstream(missing, REPO_ROOT)).toEqual([expect.stringContaining(`no upstream CRDs at ${missing}`)]);
});

test("CRDs that derive other schemas: the stale file is named with the entries that differ; the Alert patch still applies", () => {
  // Only the Alert CRD (its committed derived fixture): the fixture derives itself again, crd-schemas.json loses the rest.
  // Every target's Alert CRD fixture (flux-2.7/, flux-2.8/ and the flat 2.9 one) derives itself again.
  const dir = tempDir("check-upstream-");
  fs.cpSync(path.join(REPO_ROOT, ...TEST_CRD_DIR.split("/")), dir, { recursive: true });
  const problems = checkUpstream(dir, REPO_ROOT);
  expect(problems.map((p) => p.split(" ")[0])).toEqual([
    "lib/schema/crd-schemas.flux-2.7.json",
    "lib/schema/crd-schemas.flux-2.8.json",
    "lib/schema/crd-schemas.json",
    "lib/schema/crd-versions.json",
    // The fixtures have no SOURCES.md, so nothing records which Flux the microsoft.flux extension 1.24.x is.
    path.join(dir, "flux-2.7", "SOURCES.md"),
  ]);
  expect(problems[2]).toMatch(
    /^lib\/schema\/crd-schemas\.json is not what .* derives \(entries that differ: \$comment, helm\.toolkit\.fluxcd\.io\/v2\/HelmRelease, /,
  );
  expect(problems[2]).not.toContain("v1beta3/Alert");
  expect(problems[2]).toContain("run `npm run crd-schemas`");
});

test("an Alert CRD whose first version is not the one the library writes: the patch check fails", () => {
  const dir = tempDir("check-upstream-");
  fs.cpSync(path.join(REPO_ROOT, ...TEST_CRD_DIR.split("/")), dir, { recursive: true });
  const fixture = fs.readFileSync(path.join(REPO_ROOT, ...TEST_CRD_DIR.split("/"), ALERT_CRD), "utf8");
  // Flux 2.7/2.8 shape: a served v1beta2 before v1beta3, so versions/0 is v1beta2.
  const older = fixture.replace("  versions:\n", "  versions:\n    - name: v1beta2\n      served: false\n      storage: false\n");
  expect(older).not.toBe(fixture);
  fs.writeFileSync(path.join(dir, ALERT_CRD), older);
  const problems = checkUpstream(dir, REPO_ROOT);
  expect(problems).toContainEqual(expect.stringContaining("the library's Alert CRD patch (Flux 2.9) does not apply"));
  expect(problems).toContainEqual(expect.stringContaining(`test/fixtures/derived-crds/${ALERT_CRD} is not what`));
});
