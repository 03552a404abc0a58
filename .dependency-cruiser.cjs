/**
 * Dependency rules for lib/ (issue #11, item 2): no import cycles, type-only imports included, and imports only go
 * downwards through the domain layers. `npm run lint` runs this (`depcruise lib`): any violation fails it.
 *
 * `tsPreCompilationDeps: true` makes dependency-cruiser read the TypeScript source rather than what tsc emits, so an
 * `import type` (erased from the JavaScript) still counts as an edge. eslint-plugin-import-x's `no-cycle` skips type
 * imports, which is why the cycle check lives here.
 */

/** Lowest first: a folder may import only the folders before it. lib/index.ts (the root barrel) may import them all. */
const LAYERS = ["core", "kubernetes", "schema", "azure", "flux", "tofu", "cluster", "synth", "checks", "app", "policy", "testing", "cli"];

const upwardImportRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment:
    `lib/${layer} may import only ${
      i === 0
        ? "nothing else in lib"
        : LAYERS.slice(0, i)
            .map((l) => `lib/${l}`)
            .join(", ")
    }: ` + `imports go downwards (${LAYERS.join(" → ")}).`,
  severity: "error",
  from: { path: `^lib/${layer}/` },
  to: { path: `^lib/(${LAYERS.slice(i + 1).join("|")})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles in lib/, type-only imports included (a construct depends on an interface, not on the aggregate).",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true },
    },
    ...upwardImportRules,
    {
      name: "no-root-barrel-inside-lib",
      comment: "lib/index.ts is for users; code in the domain folders imports the module it needs.",
      severity: "error",
      from: { path: "^lib/[^/]+/" },
      to: { path: "^lib/index\\.ts$" },
    },
    {
      name: "no-test-code-in-lib",
      comment: "The published library must not depend on the test suite.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^test/" },
    },
    {
      name: "no-azurerm-provider-barrel",
      comment:
        "Import the azurerm provider by deep paths (@cdktf/provider-azurerm/lib/<resource>): " +
        "the barrel loads every resource class (seconds at startup).",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^node_modules/@cdktf/provider-azurerm/lib/index\\.(js|d\\.ts)$" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve is a typo or a missing dependency.",
      severity: "error",
      from: { path: "^lib/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|cdktf\\.out|bench/\\.out)/" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
