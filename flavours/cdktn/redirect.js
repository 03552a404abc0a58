// How the repo's tests reach the cdktn flavour, shared by the jest resolver (jest-resolver.js) and the require hook that
// the tests' child processes load (require-hook.js):
// - the library's sources resolve to build/lib: lib/ with the cdktn seams laid over it (`npm run flavour -- build cdktn`);
// - the repo's own imports of the cdktf core, the cdktf bindings and constructs resolve to this folder's dev install.
// Requests made from inside node_modules are left alone: packages resolve their dependencies as they always do.
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
const LIB = path.join(ROOT, "lib") + path.sep;
const BUILD_LIB = path.join(__dirname, "build", "lib") + path.sep;
const MODULES = path.join(__dirname, "node_modules");
const SWAPS = [
  [/^cdktf(\/.*)?$/, "cdktn"],
  [/^@cdktf\/provider-azurerm(\/.*)?$/, "@cdktn/provider-azurerm"],
  [/^constructs(\/.*)?$/, "constructs"],
];

/** The request to resolve instead, and from where; undefined: resolve it as asked. */
function swap(request, fromDir) {
  if (fromDir.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
  for (const [pattern, target] of SWAPS) {
    const match = pattern.exec(request);
    if (match) return { request: target + (match[1] || ""), fromDir: MODULES };
  }
  return undefined;
}

/** A resolved file of the repo's lib/ becomes the same file of the flavour's build. */
function toBuild(resolved) {
  return resolved.startsWith(LIB) ? BUILD_LIB + resolved.slice(LIB.length) : resolved;
}

module.exports = { swap, toBuild, MODULES };
