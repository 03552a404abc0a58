// The repo's jest suite against the cdktn flavour, on Node 22 (docs/flavours.md):
//   npm run flavour -- install cdktn && npm run flavour -- build cdktn
//   "$(scripts/node22.sh)" node_modules/.bin/jest -c flavours/cdktn/jest.config.js
const path = require("path");
const base = require("../../jest.config.js");

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, "../.."),
  resolver: path.join(__dirname, "jest-resolver.js"),
  setupFiles: [path.join(__dirname, "jest-setup.js")],
  // Its own cache: the same test files resolve to other modules here.
  cacheDirectory: path.join(__dirname, "build", ".jest-cache"),
};
