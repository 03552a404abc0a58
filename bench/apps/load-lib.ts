/**
 * Load cost: requires one module in a fresh process and reports the time, the memory it added and what it pulled in.
 * `node load-lib.js <module> [<module>…]`: the modules are required in order, the last one is the one measured
 * (the ones before it are the baseline that is already loaded, e.g. cdktf).
 */
import { performance } from "perf_hooks";

const targets = process.argv.slice(2);
if (targets.length === 0) throw new Error("usage: load-lib <module> [<module>…]");
for (const t of targets.slice(0, -1)) require(t);

const rss0 = process.memoryUsage().rss;
const heap0 = process.memoryUsage().heapUsed;
const modules0 = Object.keys(require.cache).length;
const t0 = performance.now();
require(targets[targets.length - 1]);
const ms = performance.now() - t0;
const mem = process.memoryUsage();
const loaded = Object.keys(require.cache);

const PROVIDER = /[\\/]@cdktf[\\/]provider-azurerm[\\/]/;
process.stdout.write(
  `BENCH ${JSON.stringify({
    ms,
    rssDeltaMb: (mem.rss - rss0) / 2 ** 20,
    heapDeltaMb: (mem.heapUsed - heap0) / 2 ** 20,
    rssMb: mem.rss / 2 ** 20,
    maxRssKb: process.resourceUsage().maxRSS,
    modules: loaded.length - modules0,
    providerModules: loaded.filter((k) => PROVIDER.test(k)).length,
    providerBarrel: loaded.some((k) => /[\\/]@cdktf[\\/]provider-azurerm[\\/]lib[\\/]index\.js$/.test(k)),
    sinceStartMs: performance.now(),
  })}\n`,
);
