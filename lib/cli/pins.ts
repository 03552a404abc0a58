/**
 * The exact versions a project made by `init` depends on, per framework. They are the versions this library is built
 * and tested with: the cdktf ones are the repo's devDependencies, the cdktn ones flavours/cdktn/package.json's
 * (test/cli-init.test.ts holds both to those files, so they cannot go stale).
 */

/** The two frameworks of docs/flavours.md. */
export type Framework = "cdktf" | "cdktn";

export const FRAMEWORKS: readonly Framework[] = ["cdktf", "cdktn"];

/** What differs between the frameworks in a user's project. */
export interface FrameworkPins {
  /** The library's package name in this flavour. */
  readonly library: string;
  /** The core package and its CLI (`cdktf synth` / `cdktn synth`). */
  readonly core: string;
  readonly cli: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** npm overrides the flavour needs (docs/flavours.md: the 16.1.0 binding still peers cdktn ^0.23.0). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** The Node major CI runs on (cdktn-cli 0.24 needs Node >= 22.19). */
  readonly node: string;
  readonly engines: string;
}

/** Test and build tools, the same for both frameworks. */
export const TOOL_PINS: Readonly<Record<string, string>> = {
  "@types/jest": "29.5.14",
  "@types/node": "20.19.9",
  jest: "29.7.0",
  "ts-jest": "29.4.15",
  typescript: "5.9.3",
};

export const FRAMEWORK_PINS: Readonly<Record<Framework, FrameworkPins>> = {
  cdktf: {
    library: "cdktf-aks-gitops",
    core: "cdktf",
    cli: "cdktf",
    dependencies: { "@cdktf/provider-azurerm": "14.23.1", cdktf: "0.21.0", constructs: "10.4.2" },
    devDependencies: { "cdktf-cli": "0.21.0" },
    node: "20",
    engines: ">=20.9.0",
  },
  cdktn: {
    library: "cdktn-aks-gitops",
    core: "cdktn",
    cli: "cdktn",
    dependencies: { "@cdktn/provider-azurerm": "16.1.0", cdktn: "0.24.0", constructs: "10.7.2" },
    devDependencies: { "cdktn-cli": "0.24.0" },
    overrides: { "@cdktn/provider-azurerm": { cdktn: "$cdktn" } },
    node: "22",
    engines: ">=22.19.0",
  },
};

/** The framework of the package this code runs from: `cdktn-aks-gitops` is the cdktn flavour, anything else cdktf. */
export function frameworkOfPackage(packageName: string): Framework {
  return packageName === FRAMEWORK_PINS.cdktn.library ? "cdktn" : "cdktf";
}
