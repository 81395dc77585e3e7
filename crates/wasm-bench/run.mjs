// Runs the simulator and explorer benchmarks compiled to wasm in Debian's headless
// Chromium and prints its JSON lines (see src/lib.rs). Usage:
//   node crates/wasm-bench/run.mjs <dir with wildling_wasm_bench.js and _bg.wasm>
// ./dev wasm-bench builds that directory and calls this. No server: the page's
// requests are answered from the directory, so no port is taken.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { chromium } from "@playwright/test";

const dir = resolve(process.argv[2] ?? "");
const origin = "http://wasm-bench.localhost";
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.route(`${origin}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1) || "index.html";
    if (name === "index.html") {
      return route.fulfill({ contentType: types[".html"], body: "<!doctype html><title>wasm bench</title>" });
    }
    if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404 });
    const ext = name.slice(name.lastIndexOf("."));
    try {
      return route.fulfill({ contentType: types[ext] ?? "application/octet-stream", body: await readFile(join(dir, name)) });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  await page.goto(`${origin}/`);
  page.setDefaultTimeout(600_000);
  const lines = await page.evaluate(async () => {
    const bench = await import("/wildling_wasm_bench.js");
    await bench.default();
    return bench.measure_in_page();
  });
  process.stdout.write(lines);
} finally {
  await browser.close();
}
