// Node's resolution for the processes the tests start (the example apps, the safe-writes children) in the cdktn flavour
// run: jest-setup.js puts `--require <this file>` into NODE_OPTIONS. The rules are in redirect.js.
const Module = require("module");
const path = require("path");
const { swap, toBuild } = require("./redirect");

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const fromDir = parent && parent.filename ? path.dirname(parent.filename) : process.cwd();
  const swapped = swap(request, fromDir);
  // Resolved by Node's own resolution (not this hook again) from the flavour's node_modules.
  if (swapped) return resolveFilename.call(this, swapped.request, parent, false, { paths: [swapped.fromDir] });
  return toBuild(resolveFilename.call(this, request, parent, ...rest));
};
