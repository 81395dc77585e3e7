// Benchmark (not a test): 1,000 seeds of `sweep-faults` (the random fault
// injector's default schedule, as `wildling sweep sweep-faults --faults
// random` runs them) in headless Chromium on two Web Workers
// (crates/worker), timed with the Performance API (performance.now() in the
// page) from the first request to the merged report with its charts.
// The page drives the workers as crates/lab/src/pool.rs does: an empty chunk sizes
// the grid, then chunks of 31 runs (1,000 / (2 workers × 16)), each worker
// fed as it answers, then one `experiment-report` merges and draws.
// The first repeat includes starting the workers (fetching and compiling
// their wasm); the others start fresh workers from the browser's cache.
// Usage, after `./dev build`: node e2e/bench-experiments.mjs [port] [repeats]
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";

const port = Number(process.argv[2] ?? 4212);
const repeats = Number(process.argv[3] ?? 5);
const experiment = {
  version: 1,
  name: "sweep-faults",
  scenario: "sweep-faults",
  faults: {
    window_ticks: 200, faults_max: 4, drop_per_million_max: 200000,
    partitions: true, one_way: true, crashes: true, loss: true,
  },
  seeds: { first: 0, end: 1000 },
  report: "availability",
};

const server = spawn("node", ["e2e/serve.mjs", String(port), "dist", "/wildling/"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/wildling/`);
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const result = await page.evaluate(async ({ experiment, workers }) => {
      const start = performance.now();
      let id = 0;
      const pool = await Promise.all(
        Array.from({ length: workers }, () => new Promise((resolve, reject) => {
          const w = new Worker("./wildling-worker_loader.js");
          w.onerror = (e) => reject(new Error(e.message));
          w.onmessage = (e) => JSON.parse(e.data).reply === "ready" && resolve(w);
        })),
      );
      const ask = (w, job) => new Promise((resolve, reject) => {
        const mine = ++id;
        w.onmessage = (e) => {
          const r = JSON.parse(e.data);
          if (r.id !== mine) return;
          r.reply.error ? reject(new Error(JSON.stringify(r.reply.error))) : resolve(r.reply);
        };
        w.postMessage(JSON.stringify({ protocol: 1, id: mine, job }));
      });
      const sizing = await ask(pool[0], { "experiment-chunk": { experiment, runs: [0, 0] } });
      const total = sizing.chunk.sums.length * (experiment.seeds.end - experiment.seeds.first);
      const chunk = Math.max(1, Math.floor(total / (workers * 16)));
      const sums = [];
      let next = 0;
      const feed = async (w) => {
        while (next < total) {
          const runs = [next, Math.min(total, next + chunk)];
          next = runs[1];
          sums.push((await ask(w, { "experiment-chunk": { experiment, runs } })).chunk.sums);
        }
      };
      await Promise.all(pool.map(feed));
      const report = await ask(pool[0], { "experiment-report": { experiment, sums } });
      const ms = performance.now() - start;
      pool.forEach((w) => w.terminate());
      return { ms, runs: report.report.runs, charts: report.report.charts.length, ok: report.report.tables[0].rows[0][2] };
    }, { experiment, workers: 2 });
    if (result.runs !== 1000 || result.charts !== 1) throw new Error(JSON.stringify(result));
    times.push(result.ms);
    console.log(`run ${i + 1}: ${result.ms.toFixed(0)} ms (${result.runs} runs, ${result.ok} ok)`);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm.length ? warm[Math.floor(warm.length / 2)] : times[0];
  console.log(`1000 seeds of sweep-faults on 2 workers: first ${times[0].toFixed(0)} ms, median of the rest ${median.toFixed(0)} ms`);
} finally {
  await browser.close();
  server.kill();
}
