/**
 * JavaScript callers of lib/azure get the same kind of message as TypeScript callers (#14 item 5): a construct path,
 * the prop and what is allowed, never a raw TypeError or RangeError from inside a constructor.
 */
import { GitOpsSynthError, GuardedNodePool, InfrastructureStack } from "../lib";
import { cleanupTempDirs, newApp, SUBSCRIPTION, thrownBy, workspace } from "./helpers";

afterAll(cleanupTempDirs);

test("a GuardedNodePool without any props reports every required prop by path, not a TypeError", () => {
  const app = newApp(workspace());
  new GuardedNodePool(new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION }), "pool", undefined as never);
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  const problems = (err as GitOpsSynthError).problems;
  for (const prop of ["cluster", "name", "vmSize", "minCount"])
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^\\[infra/pool\\] ${prop} = `)));
});

test("wrong-typed props (a string for tags, an object for taints, a number for upgradeSettings) are all reported in one synth", () => {
  const app = newApp(workspace());
  new GuardedNodePool(new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION }), "pool", {
    cluster: undefined as never,
    name: "apps",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
    tags: "abc" as never,
    nodeTaints: {} as never,
    upgradeSettings: 5 as never,
    spot: "yes" as never,
  });
  const problems = (thrownBy(() => app.synth()) as GitOpsSynthError).problems;
  for (const prop of ["cluster", "tags", "nodeTaints", "upgradeSettings", "spot"]) {
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^\\[infra/pool\\] ${prop} = `)));
  }
});
