/**
 * The library on either CDK core (docs/flavours.md, issue #15 item 3), run in both flavours' legs:
 * - CDK Terrain's future flag `failOnConstructsOutsideOfStacks` (`cdktn init` writes it, `Testing.app()` sets it): a
 *   GitOpsApp synthesizes with it on, construct paths unchanged, and refuses what the flag is for;
 * - a construct of the other core in the app is refused before the synth, naming it and what to install. In the cdktn
 *   leg the other core is the real cdktf of the repo's dev install; in the cdktf leg, whose install has no cdktn, a
 *   class with the jsii type information cdktn 0.24 writes (`{ fqn: "cdktn.TerraformStack" }`) stands in for it.
 */
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { buildFleet, FLEET_REPO } from "../examples/fleet";
import { GitOpsApp, GitOpsSynthError, InfrastructureStack } from "../lib";
import { FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS } from "../lib/app/outside-stacks";
import { App, TerraformStack } from "../lib/core/framework";
import { LIBRARY_CORE } from "../lib/core/framework-origin";
import { treeForBinding } from "./flavour-bytes";
import { cleanupTempDirs, listFiles, newApp, readText, SUBSCRIPTION, thrownBy, workspace } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const FLAG_ON = { [FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS]: "true" };

afterAll(cleanupTempDirs);

describe("failOnConstructsOutsideOfStacks", () => {
  test("the core's own App: cdktn refuses a non-stack child of the app, cdktf 0.21 has no such flag", () => {
    const app = new App({ outdir: path.join(workspace().dir, "out"), context: FLAG_ON });
    new Construct(app, "flux");
    if (LIBRARY_CORE === "cdktn") expect(() => app.synth()).toThrow(/Found constructs outside of a TerraformStack[^]*- flux/);
    else expect(() => app.synth()).not.toThrow();
  });

  test("with the flag on, the fleet (Flux constructs and a PromotionOrder directly under the app) writes its committed tree", () => {
    const ws = workspace();
    const app = newApp(ws, { context: { ...JSON.parse(readText(ROOT, "cdktf.json")).context, ...FLAG_ON } });
    buildFleet(app);
    app.synth();
    const committedRoot = path.join(ROOT, ...FLEET_REPO.split("/"));
    const expected = treeForBinding(new Map(listFiles(committedRoot).map((rel) => [rel, readText(committedRoot, rel)])));
    expect(listFiles(ws.repo)).toEqual([...expected.keys()].sort());
    // Same bytes, so the same construct paths in every header.
    for (const rel of listFiles(ws.repo)) expect({ rel, text: readText(ws.repo, rel) }).toEqual({ rel, text: expected.get(rel) });
  });

  test("the flag from cdktf.json's context as the CLI passes it (CDKTF_CONTEXT_JSON) is taken over too", () => {
    const before = process.env.CDKTF_CONTEXT_JSON;
    process.env.CDKTF_CONTEXT_JSON = JSON.stringify(FLAG_ON);
    try {
      const ws = workspace();
      const app = newApp(ws);
      new Construct(app, "stray");
      const err = thrownBy(() => app.synth());
      expect((err as GitOpsSynthError).problems).toEqual([
        expect.stringMatching(/^\[app\] construct outside a TerraformStack = "stray \(Construct\)"/),
      ]);
    } finally {
      if (before === undefined) delete process.env.CDKTF_CONTEXT_JSON;
      else process.env.CDKTF_CONTEXT_JSON = before;
    }
  });

  test("without the flag, a stray construct is not refused (cdktf's and cdktn's default)", () => {
    const ws = workspace();
    const app = newApp(ws);
    new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new Construct(app, "stray");
    expect(() => app.synth()).not.toThrow();
  });
});

/** A stack of the other core: the real one in the cdktn leg (the repo's cdktf), jsii's type information in the cdktf leg. */
function otherCoreStack(app: GitOpsApp, id: string): Construct {
  if (LIBRARY_CORE === "cdktn") {
    // An absolute path, so that the cdktn leg's resolver (which sends "cdktf" to cdktn) loads the real cdktf.
    const cdktf = jest.requireActual(path.join(ROOT, "node_modules", "cdktf")) as {
      TerraformStack: new (s: Construct, id: string) => Construct;
    };
    return new cdktf.TerraformStack(app, id);
  }
  class CdktnStack extends Construct {}
  Object.defineProperty(CdktnStack, Symbol.for("jsii.rtti"), { value: { fqn: "cdktn.TerraformStack", version: "0.24.0" } });
  return new CdktnStack(app, id);
}

/** The Construct class a construct's own `constructs` package defines (the base of its core's classes). */
function constructOf(c: Construct): typeof Construct {
  let ctor: unknown = c.constructor;
  while (typeof ctor === "function" && ctor.name !== "Construct") ctor = Object.getPrototypeOf(ctor);
  return ctor as typeof Construct;
}

/** The repo's cdktf binding of resource groups (an absolute path: the cdktn leg's resolver would send it to cdktn's). */
function cdktfResourceGroup(): new (s: Construct, id: string, c: object) => Construct {
  return (jest.requireActual(path.join(ROOT, "node_modules/@cdktf/provider-azurerm/lib/resource-group")) as { ResourceGroup: never })
    .ResourceGroup;
}

describe("a construct of the other core", () => {
  const other = LIBRARY_CORE === "cdktn" ? "cdktf" : "cdktn";

  test("is refused with one message naming its path, its class and what to install; nothing is written", () => {
    const ws = workspace();
    const app = newApp(ws);
    new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    const legacy = otherCoreStack(app, "legacy");
    // Inside the foreign stack: the same mistake, not named again. (Its own `constructs`: in the cdktn leg the repo's
    // cdktf comes with the repo's constructs 10.4, whose nodes take no child of cdktn's 10.7.)
    new (constructOf(legacy))(legacy, "inner");
    const err = thrownBy(() => app.synth());
    expect(err).toBeInstanceOf(GitOpsSynthError);
    expect((err as GitOpsSynthError).problems).toEqual([
      `[legacy] construct = ${legacy.constructor.name} (${other}.TerraformStack, built on ${other}): allowed is a construct built on ` +
        `${LIBRARY_CORE}, the core of this app (${LIBRARY_CORE}-aks-gitops); one app runs on one core. Install ${LIBRARY_CORE} and ` +
        `import TerraformStack from it instead of ${other}, or build the whole app on ${other} with ${other}-aks-gitops`,
    ]);
    expect(listFiles(ws.repo)).toEqual([]);
  });

  if (LIBRARY_CORE === "cdktn") {
    test("a cdktf binding's resource in a cdktn stack names the cdktn binding to install", () => {
      const ws = workspace();
      const app = newApp(ws);
      const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
      const ResourceGroup = cdktfResourceGroup();
      new ResourceGroup(stack, "rg", { name: "rg", location: "westeurope" });
      const err = thrownBy(() => app.synth());
      expect((err as GitOpsSynthError).problems).toEqual([
        expect.stringMatching(
          /^\[infra\/rg\] construct = ResourceGroup \(@cdktf\/provider-azurerm\.ResourceGroup, built on cdktf\): .* Install @cdktn\/provider-azurerm and import ResourceGroup from it instead of @cdktf\/provider-azurerm/,
        ),
      ]);
    });

    test("without the refusal the core fails deep in the synth (what a user saw before)", () => {
      const app = new App({ outdir: path.join(workspace().dir, "out") });
      const ResourceGroup = cdktfResourceGroup();
      new ResourceGroup(new TerraformStack(app, "infra"), "rg", { name: "rg", location: "westeurope" });
      expect(() => app.synth()).toThrow(/_resetResolveDiscoveredProviderFeatureUsage is not a function/);
    });
  }
});

test("the library's core is the one its seam imports (the cdktn build lays flavours/cdktn/seams over lib/)", () => {
  const seam = fs.readFileSync(require.resolve("../lib/core/framework"), "utf8");
  expect(seam).toContain(`} from "${LIBRARY_CORE}";`);
  expect(seam).not.toContain(`} from "${LIBRARY_CORE === "cdktn" ? "cdktf" : "cdktn"}";`);
});
