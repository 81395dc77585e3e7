// A counterexample explored in the page opens as a normal session with its
// violating step highlighted: the page's Web Worker (crates/worker) explores
// the stale-write case under LWW, its shortest lost write is imported like
// any session file, and the space-time diagram rings the script's last
// choice (the core's view::steered_step, drawn by drawing::lamport).
// (The Explore panel that does this with buttons is not on main yet: it
// costs the main bundle more than the size rule allows; see docs/size.md.)
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { open } from "./helpers.mjs";

const staleLww = JSON.parse(readFileSync("scenarios/explore/stale-write-lww.json", "utf8"));

/** Explore `scenario` in a worker started by the page; the final reply. */
async function explore(page, scenario) {
  return page.evaluate(async (scenario) => {
    const worker = new Worker("./wildling-worker_loader.js");
    const replies = [];
    await new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      worker.onmessage = (e) => {
        const reply = JSON.parse(e.data);
        replies.push(reply);
        if (reply.reply === "ready") {
          worker.postMessage(JSON.stringify({
            protocol: 1, id: 1, job: { explore: { scenario, depth_max: 20, properties: ["no-lost-write"] } },
          }));
        } else if (!reply.reply.progress) {
          resolve();
        }
      };
    });
    worker.terminate();
    return replies;
  }, scenario);
}

test("a counterexample found in the worker opens with its violating step ringed on the diagram", async ({ page }) => {
  const errors = await open(page);
  const replies = await explore(page, staleLww);
  expect(replies.filter((r) => r.reply.progress).every((r) => r.id === 1)).toBe(true);
  const explored = replies[replies.length - 1].reply.explored;
  expect(explored.ended).toBe("all-broken");
  const [violation] = explored.violations;
  expect(violation.property).toBe("no-lost-write");
  const session = JSON.parse(violation.session);
  const choices = session.scenario.schedule.choices;
  expect(choices.length).toBe(violation.length);

  // No step on a scenario that is not steered.
  await expect(page.getByTestId("violating-step")).toHaveCount(0);
  await page.getByTestId("import-file").setInputFiles({
    name: "counterexample.json", mimeType: "application/json", buffer: Buffer.from(violation.session),
  });
  await expect(page.getByTestId("import-error")).toHaveCount(0);
  // A normal session at its breaking state: the checker reports the lost
  // write, and the diagram rings the script's last choice.
  await expect(page.getByTestId("finding-lost-write")).toContainText("op0 cart=milk");
  const step = page.getByTestId("violating-step");
  await expect(step).toHaveCount(1);
  await expect(step).toHaveAttribute("data-index", String(choices.length));
  await expect(step).toHaveAttribute("data-choice", choices[choices.length - 1]);
  await expect(step).toHaveAttribute("data-at", String(session.time_ticks));
  await expect(step.locator("title")).toHaveText(
    `step ${choices.length}: ${choices[choices.length - 1]} at t=${session.time_ticks}, where the property broke`,
  );
  await expect(step.locator("circle, line").first()).toBeVisible();
  expect(errors).toEqual([]);
});
