// The Web Worker (crates/worker) in real Chromium: it starts on first use
// only, speaks the versioned protocol of crates/core/src/jobs.rs, answers a
// bad message with an error reply (never a trap), computes an experiment's
// sums equal to the CLI's for the same seeds, and explores a scenario with
// progress messages and the counterexample the CLI finds.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { open } from "./helpers.mjs";

// The staleness experiment over seeds 0..12, and what `wildling experiment
// FILE --json` printed for it (e2e/fixtures/make.sh writes both).
const spec = JSON.parse(readFileSync("e2e/fixtures/staleness-small.json", "utf8"));
const cli = JSON.parse(readFileSync("e2e/fixtures/staleness-small.cli.json", "utf8"));
const staleLww = JSON.parse(readFileSync("scenarios/explore/stale-write-lww.json", "utf8"));

/** In the page: start a worker, wait for `ready`, post each request, and
 *  collect the replies until one is final (not progress) per request. */
async function ask(page, requests) {
  return page.evaluate(async (requests) => {
    const worker = new Worker("./wildling-worker_loader.js");
    const replies = [];
    const done = new Promise((resolve, reject) => {
      let finals = 0;
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      worker.onmessage = (e) => {
        const reply = JSON.parse(e.data);
        replies.push(reply);
        if (reply.reply === "ready") {
          for (const r of requests) worker.postMessage(typeof r === "string" ? r : JSON.stringify(r));
          if (requests.length === 0) resolve();
        } else if (!reply.reply.progress && ++finals === requests.length) {
          resolve();
        }
      };
    });
    await done;
    worker.terminate();
    return replies;
  }, requests);
}

test("the worker loads on first use only", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => fetched.push(r.url()));
  const errors = await open(page);
  expect(fetched.filter((u) => u.includes("wildling-worker"))).toEqual([]);
  const replies = await ask(page, []);
  expect(replies).toEqual([{ protocol: 1, id: 0, reply: "ready" }]);
  expect(fetched.some((u) => u.endsWith("wildling-worker_bg.wasm"))).toBe(true);
  expect(errors).toEqual([]);
});

test("an experiment's chunks in the worker add up to the CLI's numbers", async ({ page }) => {
  const errors = await open(page);
  const runs = 12 * cli.outcome.configurations.length;
  const split = [0, 7, 50, runs];
  const requests = split.slice(1).map((end, i) => ({
    protocol: 1,
    id: i + 1,
    job: { "experiment-chunk": { experiment: spec, runs: [split[i], end] } },
  }));
  const replies = await ask(page, requests);
  const chunks = replies.filter((r) => r.reply.chunk);
  expect(chunks.map((r) => r.id).sort()).toEqual([1, 2, 3]);
  // Add the chunks' run counts per configuration, and compare whole chunks
  // that lie in one configuration with nothing else.
  const runsPer = cli.outcome.configurations.map(() => 0);
  for (const c of chunks) c.reply.chunk.sums.forEach((s, i) => (runsPer[i] += s.runs));
  expect(runsPer).toEqual(cli.outcome.configurations.map((c) => c.measurements.runs));
  // One request for the whole range: the sums equal the CLI's, field by field.
  const [whole] = (await ask(page, [{ protocol: 1, id: 9, job: { "experiment-chunk": { experiment: spec, runs: [0, runs] } } }]))
    .filter((r) => r.id === 9);
  expect(whole.reply.chunk.sums).toEqual(cli.outcome.configurations.map((c) => c.measurements));
  expect(errors).toEqual([]);
});

test("bad messages get error replies naming the field, and the worker goes on", async ({ page }) => {
  const errors = await open(page);
  const replies = await ask(page, [
    "not json",
    { protocol: 2, id: 5, job: { explore: { scenario: "quorum-success" } } },
    { protocol: 1, id: 6, job: { "experiment-chunk": { experiment: "staleness", runs: [9, 2] } } },
    { protocol: 1, id: 7, job: { "experiment-seed": { experiment: "staleness", configuration: 0, seed: 3 } } },
  ]);
  const byId = Object.fromEntries(replies.filter((r) => r.id).map((r) => [r.id, r.reply]));
  expect(replies.find((r) => r.id === 0 && r.reply.error).reply.error.message).not.toEqual("");
  expect(byId[5].error.field).toBe("protocol");
  expect(byId[6].error.field).toBe("job.experiment-chunk.runs");
  const scenario = JSON.parse(byId[7].scenario.text);
  expect(scenario.seed).toBe(3);
  expect(errors).toEqual([]);
});

test("an exploration posts progress, then the shortest lost write as a session", async ({ page }) => {
  const errors = await open(page);
  const replies = await ask(page, [
    { protocol: 1, id: 3, job: { explore: { scenario: staleLww, depth_max: 20, properties: ["no-lost-write"] } } },
  ]);
  const last = replies[replies.length - 1];
  expect(last.id).toBe(3);
  const explored = last.reply.explored;
  expect(explored.ended).toBe("all-broken");
  expect(explored.violations.map((v) => v.property)).toEqual(["no-lost-write"]);
  const session = JSON.parse(explored.violations[0].session);
  expect(session.scenario.schedule.choices.length).toBe(explored.violations[0].length);
  expect(errors).toEqual([]);
});
