// jest's resolver for the cdktn flavour run (jest.config.js); the rules are in redirect.js.
const { swap, toBuild } = require("./redirect");

module.exports = (request, options) => {
  const swapped = swap(request, options.basedir);
  if (swapped) return options.defaultResolver(swapped.request, { ...options, basedir: swapped.fromDir });
  return toBuild(options.defaultResolver(request, options));
};
