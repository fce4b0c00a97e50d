// Bundle every top-level js/src/*.js entry (graphview.js, lossview.js, ...) into
// nngraph/static/ as self-contained ES modules that anywidget can load: no CDN, the
// Graphviz WebAssembly is inlined by @hpcc-js/wasm-graphviz itself.
//   node build.mjs          one production build
//   node build.mjs --watch  rebuild on change (development)
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, "src");
const outDir = join(here, "..", "nngraph", "static");

const entryPoints = readdirSync(srcDir)
  .filter((f) => f.endsWith(".js") && !f.endsWith(".test.js") && !f.endsWith(".bench.js"))
  .map((f) => join(srcDir, f));

const watch = process.argv.includes("--watch");
const options = {
  entryPoints,
  outdir: outDir,
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  legalComments: "none",
  logLevel: "info",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
