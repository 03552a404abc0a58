// Processes the tests start resolve the way the jest run does (require-hook.js).
const path = require("path");

const hook = `--require ${JSON.stringify(path.join(__dirname, "require-hook.js"))}`;
if (!(process.env.NODE_OPTIONS || "").includes(hook)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ""} ${hook}`.trim();
