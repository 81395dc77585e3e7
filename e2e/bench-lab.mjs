// Benchmark (not a test): the Lab's Experiments panel itself, driven as a
// user drives it, in headless Chromium: the built-in `staleness` over seeds
// 0..125 (8 configurations, 1,000 runs) on navigator.hardwareConcurrency
// workers (crates/lab/src/pool.rs), timed with the Performance API measure
// the panel writes (`experiment`: Run pressed to charts in), and the page's
// frame intervals while it runs (requestAnimationFrame deltas on the main
// thread: the Lab and the playground share it, the workers do not).
// The first repeat includes fetching and starting the Lab and the workers.
// Usage, after `./dev build`: node e2e/bench-lab.mjs [port] [repeats]
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";

const port = Number(process.argv[2] ?? 4213);
const repeats = Number(process.argv[3] ?? 5);
const server = spawn("node", ["e2e/serve.mjs", String(port), "dist", "/wildling/"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/wildling/`);
  await page.getByTestId("open-lab").click();
  await page.getByTestId("experiment-name").selectOption("staleness");
  await page.getByTestId("experiment-first").fill("0");
  await page.getByTestId("experiment-end").fill("125");
  const times = [];
  const frames = [];
  for (let i = 0; i < repeats; i++) {
    await page.evaluate(() => {
      performance.clearMeasures("experiment");
      window.__frames = [];
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (!window.__stop) requestAnimationFrame(tick);
      };
      window.__stop = false;
      requestAnimationFrame(tick);
    });
    await page.getByTestId("experiment-run").click();
    await page.getByTestId("experiment-status").filter({ hasText: /^1000 runs in / }).waitFor({ timeout: 120_000 });
    const { ms, intervals, workers } = await page.evaluate(() => {
      window.__stop = true;
      const m = performance.getEntriesByName("experiment", "measure");
      return { ms: m[m.length - 1].duration, intervals: window.__frames.slice(1), workers: navigator.hardwareConcurrency };
    });
    times.push(ms);
    frames.push(...intervals);
    console.log(
      `run ${i + 1}: ${ms.toFixed(0)} ms on ${workers} workers; frames: median ${quantile(intervals, 0.5).toFixed(1)} ms, ` +
        `p95 ${quantile(intervals, 0.95).toFixed(1)} ms, longest ${Math.max(...intervals).toFixed(1)} ms (${intervals.length} frames)`,
    );
  }
  const warm = times.slice(1);
  console.log(
    `1000 runs of staleness in the Lab: first ${times[0].toFixed(0)} ms, median of the rest ${quantile(warm.length ? warm : times, 0.5).toFixed(0)} ms; ` +
      `frame interval over all runs: median ${quantile(frames, 0.5).toFixed(1)} ms, p95 ${quantile(frames, 0.95).toFixed(1)} ms, ` +
      `share over 20 ms ${((100 * frames.filter((f) => f > 20).length) / frames.length).toFixed(1)}%`,
  );
} finally {
  await browser.close();
  server.kill();
}
