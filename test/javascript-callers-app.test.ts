/**
 * JavaScript callers of GitOpsApp and PromotionOrder get path-named messages (#14 item 5), not a TypeError from
 * path.resolve, a log call or a spread.
 */
import { FluxBootstrap, GitOpsApp, GitOpsSynthError, PromotionOrder } from "../lib";
import { cleanupTempDirs, listFiles, thrownBy, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

test("GitOpsApp props of the wrong type (gitopsRoot, log, baseRef, acknowledgedChanges) are all reported in one synth", () => {
  const ws = workspace();
  const app = new GitOpsApp({
    outdir: ws.outdir,
    stackTraces: false,
    gitopsRoot: 5 as never,
    log: "console" as never,
    baseRef: (() => "main") as never,
    acknowledgedChanges: "all" as never,
  });
  new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  const problems = (err as GitOpsSynthError).problems;
  for (const prop of ["gitopsRoot", "log", "baseRef", "acknowledgedChanges"])
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^\\[app\\] ${prop} = `)));
  expect(problems).toContainEqual(expect.stringMatching(/baseRef = <function( baseRef)?>: /));
  expect(listFiles(ws.repo)).toEqual([]);
});

test("a PromotionOrder without props, or with stages that are no array, is refused by path", () => {
  for (const props of [undefined, { stages: { dev: "aks-dev" } }, { stages: "aks-dev,aks-prod" }]) {
    const ws = workspace();
    const app = new GitOpsApp({ outdir: ws.outdir, gitopsRoot: ws.repo, log: () => {}, stackTraces: false });
    new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    new PromotionOrder(app, "order", props as never);
    const err = thrownBy(() => app.synth());
    expect(err).toBeInstanceOf(GitOpsSynthError);
    expect((err as GitOpsSynthError).problems).toContainEqual(expect.stringMatching(/^\[order\] stages = /));
    expect(listFiles(ws.repo)).toEqual([]);
  }
});
