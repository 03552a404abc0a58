/**
 * The flavour seams (docs/flavours.md): lib/ reaches the CDK core only through lib/core/framework.ts and the azurerm
 * bindings only through lib/azure/provider/<binding>.ts; flavours/cdktn/seams/ mirrors them for cdktn. Runs in both
 * flavours (flavours/cdktn/jest.config.js), so the pin is checked against whichever binding is in use.
 * (`npm run seams -- --check` in .ci/run additionally proves the seams are exactly what the codemod generates.)
 */
import * as fs from "fs";
import * as path from "path";
import { AZURERM_PROVIDER_VERSION } from "../lib";
import { AzurermProvider } from "../lib/azure/provider/provider";
import { App, TerraformStack } from "../lib/core/framework";

const ROOT = path.resolve(__dirname, "..");
const CDKTN_SEAMS = path.join(ROOT, "flavours/cdktn/seams/lib");
const IMPORT_OF = (pkg: string) => new RegExp(`(?:from\\s+|require\\(\\s*|import\\(\\s*)["'](?:${pkg})(?:/[^"']*)?["']`);

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .filter((f) => f.endsWith(".ts"))
    .sort();
}
const isSeam = (f: string) => f === "core/framework.ts" || f.startsWith("azure/provider/");

test("no lib/ file outside the seams imports cdktf or its azurerm bindings (names the file)", () => {
  const offenders = filesUnder(path.join(ROOT, "lib"))
    .filter((f) => !isSeam(f))
    .filter((f) => IMPORT_OF("cdktf|@cdktf/provider-azurerm").test(fs.readFileSync(path.join(ROOT, "lib", f), "utf8")));
  expect(offenders).toEqual([]);
});

test("the cdktn seams mirror the cdktf seams file for file, naming cdktn and its binding instead", () => {
  const cdktf = filesUnder(path.join(ROOT, "lib")).filter(isSeam);
  expect(cdktf).toEqual(expect.arrayContaining(["core/framework.ts", "azure/provider/version.ts", "azure/provider/provider.ts"]));
  expect(filesUnder(CDKTN_SEAMS)).toEqual(cdktf);
  for (const file of cdktf) {
    const ours = fs.readFileSync(path.join(ROOT, "lib", file), "utf8");
    const theirs = fs.readFileSync(path.join(CDKTN_SEAMS, file), "utf8");
    expect(IMPORT_OF("cdktf|@cdktf/provider-azurerm").test(theirs)).toBe(false);
    // Same modules otherwise: the names re-exported, the binding paths, the pin read from the package's own field.
    const asCdktn = ours
      .replace(/@cdktf\//g, "@cdktn/")
      .replace(/"cdktf"/g, '"cdktn"')
      .replace(/\.cdktf\.provider/g, ".cdktn.provider");
    expect({ file, text: theirs }).toEqual({ file, text: asCdktn });
  }
});

test("the azurerm pin is the provider version the binding in use was generated from", () => {
  const stack = new TerraformStack(new App(), "pin");
  const provider = new AzurermProvider(stack, "azurerm", { features: [{}] });
  expect(AZURERM_PROVIDER_VERSION).toMatch(/^4\.\d+\.\d+$/);
  expect(provider.terraformGeneratorMetadata?.providerVersion).toBe(AZURERM_PROVIDER_VERSION);
});
