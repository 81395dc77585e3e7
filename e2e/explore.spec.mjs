// A counterexample explored in the page opens as a normal session with its
// violating step highlighted: the page's Web Worker (crates/worker) explores
// the stale-write case under LWW, its shortest lost write is imported like
// any session file, and the space-time diagram rings the script's last
// choice (the core's view::steered_step, drawn by drawing::lamport).
// The Lab's Explore panel (crates/lab/src/explore.rs) does the same with
// buttons: it runs the teaching case in its own worker, and "Load the
// shortest counterexample" opens it through `wildling:open`, with the same
// ringed step. "The playground's session" explores what the user built in
// the playground (asked for through `wildling:session-request`): two blind
// puts on one LWW replica, played through the UI only, lose a write; a
// session that has played nothing, one with more actions than depth_max,
// and a playground that does not answer each give their message.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { open, put } from "./helpers.mjs";

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
  await expectRinged(page, session);
  expect(errors).toEqual([]);
});

/** A normal session at its breaking state: the checker reports the lost
 *  write, and the diagram rings the script's last choice. */
async function expectRinged(page, session) {
  const choices = session.scenario.schedule.choices;
  await expect(page.getByTestId("finding-lost-write")).toContainText("op0 cart=milk");
  const step = page.getByTestId("violating-step");
  await expect(step).toHaveCount(1);
  await expect(step).toHaveAttribute("data-index", String(choices.length));
  await expect(step).toHaveAttribute("data-choice", choices[choices.length - 1]);
  await expect(step).toHaveAttribute("data-at", String(session.time_ticks));
  await expect(step.locator("title")).toHaveText(
    `step ${choices.length}: ${choices[choices.length - 1]} at t=${session.time_ticks}, where the property broke`,
  );
  // The LWW counterexample's last choice is a delivery: its arrow is drawn
  // over (attached, not asserted visible: it is vertical and of no width
  // when the message arrived at the tick it was sent, which Playwright
  // calls hidden) and its end is ringed.
  await expect(step.locator("line")).toHaveCount(1);
  await expect(step.locator("circle")).toHaveCount(1);
  await expect(step.locator("circle")).toBeVisible();
}

test("the Lab's Explore panel finds the stale write and loads its shortest counterexample", async ({ page }) => {
  const errors = await open(page);
  // What the core says, asked of a worker directly: the panel must show it.
  const replies = await explore(page, staleLww);
  const [expected] = replies[replies.length - 1].reply.explored.violations;
  const session = JSON.parse(expected.session);

  await page.getByTestId("open-lab").click();
  await expect(page.locator("#lab")).toBeVisible();
  const panel = page.getByTestId("explore-panel");
  await expect(panel.getByTestId("explore-scenario")).toHaveValue("explore/stale-write-lww");
  // A bound that is not a number is refused here, naming the field.
  await panel.getByTestId("explore-depth_max").fill("deep");
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-status")).toHaveText('depth_max: a whole number, not "deep"');
  await expect(panel.getByTestId("explore-status")).toHaveClass(/error/);
  // One the worker refuses comes back with the job's field.
  await panel.getByTestId("explore-depth_max").fill("20");
  await panel.getByTestId("explore-properties").fill("nice");
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-status")).toContainText("job.explore.properties[0]");
  await expect(panel.getByTestId("explore-violation")).toHaveCount(0);

  await panel.getByTestId("explore-properties").fill("no-lost-write");
  await panel.getByTestId("explore-run").click();
  const violation = panel.getByTestId("explore-violation");
  await expect(violation).toHaveCount(1, { timeout: 30_000 });
  await expect(panel.getByTestId("explore-run")).toBeEnabled();
  await expect(panel.getByTestId("explore-cancel")).toBeDisabled();
  await expect(panel.getByTestId("explore-status")).toHaveText(
    /^Ended: all-broken, [0-9]+ states, depth [0-9]+, [0-9]+ states\/s\. Holds: none$/,
  );
  await expect(violation).toHaveAttribute("data-length", String(expected.length));
  await expect(violation).toContainText(`no-lost-write broken in ${expected.length} steps:`);
  await expect(violation).toContainText("op0 cart=milk");

  // Loading hides the Lab and opens the counterexample as a session.
  await expect(page.getByTestId("violating-step")).toHaveCount(0);
  await violation.getByTestId("explore-load").click();
  await expect(page.locator("#lab")).toBeHidden();
  await expect(page.getByTestId("import-error")).toHaveCount(0);
  await expectRinged(page, session);
  expect(errors).toEqual([]);
});

test("an exploration in the Lab can be cancelled", async ({ page }) => {
  const errors = await open(page);
  await page.getByTestId("open-lab").click();
  const panel = page.getByTestId("explore-panel");
  // A built-in the worker knows by name, deep enough to run a while.
  await panel.getByTestId("explore-scenario").selectOption("partition-siblings");
  await panel.getByTestId("explore-depth_max").fill("60");
  await panel.getByTestId("explore-drops_max").fill("2");
  await panel.getByTestId("explore-properties").fill("");
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-run")).toBeDisabled();
  await expect(panel.getByTestId("explore-status")).toHaveText(/^[0-9]+ states, depth [0-9]+, [0-9]+ states\/s$/, { timeout: 30_000 });
  await panel.getByTestId("explore-cancel").click();
  await expect(panel.getByTestId("explore-status")).toHaveText("cancelled");
  await expect(panel.getByTestId("explore-run")).toBeEnabled();
  await expect(panel.getByTestId("explore-violation")).toHaveCount(0);
  expect(errors).toEqual([]);
});

/** Open the Lab's Explore panel on "The playground's session". */
async function explorePlayground(page) {
  await page.getByTestId("open-lab").click();
  const panel = page.getByTestId("explore-panel");
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await panel.getByTestId("explore-scenario").selectOption({ label: "The playground's session" });
  await expect(panel.getByTestId("explore-scenario")).toHaveValue("playground-session");
  return panel;
}

test("the Lab explores the playground's own session and loads its shortest lost write", async ({ page }) => {
  const errors = await open(page);
  // One replica under LWW, built in the settings, and two blind puts.
  for (const [name, value] of [["nodes", "1"], ["n", "1"], ["r", "1"], ["w", "1"]]) {
    await page.getByTestId(`setting-${name}`).fill(value);
  }
  await page.getByTestId("setting-mode").selectOption("lww");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toHaveCount(0);
  await expect(page.getByTestId("node-2")).toHaveCount(0);
  await put(page, { client: 1, value: "milk", node: 1, context: "none" });
  await put(page, { client: 2, value: "eggs", node: 1, context: "none" });
  const position = await page.getByTestId("position").textContent();

  const panel = await explorePlayground(page);
  // More actions than the depth bound reaches: the worker's words.
  await panel.getByTestId("explore-depth_max").fill("1");
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-status")).toContainText(
    "the session plays 2 actions, more than depth_max (1) choices reach", { timeout: 30_000 },
  );
  await expect(panel.getByTestId("explore-status")).toHaveClass(/error/);
  await expect(panel.getByTestId("explore-run")).toBeEnabled();

  await panel.getByTestId("explore-depth_max").fill("20");
  await panel.getByTestId("explore-run").click();
  const violation = panel.getByTestId("explore-violation");
  await expect(violation).toHaveCount(1, { timeout: 30_000 });
  await expect(panel.getByTestId("explore-status")).toHaveText(
    /^Ended: all-broken, [0-9]+ states, depth [0-9]+, [0-9]+ states\/s\. Holds: none$/,
  );
  await expect(violation).toContainText("no-lost-write broken in");
  await expect(violation).toContainText("milk");
  const length = Number(await violation.getAttribute("data-length"));
  expect(length).toBeGreaterThan(2);
  // Asking changed nothing in the playground.
  await expect(page.getByTestId("position")).toHaveText(position);

  await expect(page.getByTestId("violating-step")).toHaveCount(0);
  await violation.getByTestId("explore-load").click();
  await expect(page.locator("#lab")).toBeHidden();
  await expect(page.getByTestId("import-error")).toHaveCount(0);
  await expect(page.getByTestId("finding-lost-write")).toContainText("milk");
  const step = page.getByTestId("violating-step");
  await expect(step).toHaveCount(1);
  await expect(step).toHaveAttribute("data-index", String(length));
  await expect(step.locator("title")).toContainText(`step ${length}: `);
  await expect(step.locator("title")).toContainText("where the property broke");
  expect(errors).toEqual([]);
});

test("an empty session, and a playground that does not answer, each give their message", async ({ page }) => {
  const errors = await open(page);
  const panel = await explorePlayground(page);
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-status")).toContainText(
    "job.explore.session: the session has played nothing yet", { timeout: 30_000 },
  );
  await expect(panel.getByTestId("explore-status")).toHaveClass(/error/);
  await expect(panel.getByTestId("explore-violation")).toHaveCount(0);

  // The playground hears no request (it is swallowed on its way): the
  // panel stops waiting, in words.
  await page.evaluate(() => {
    const dispatch = window.dispatchEvent.bind(window);
    window.dispatchEvent = (e) => e.type === "wildling:session-request" || dispatch(e);
  });
  await panel.getByTestId("explore-run").click();
  await expect(panel.getByTestId("explore-status")).toHaveText("asking the playground for its session…");
  await expect(panel.getByTestId("explore-cancel")).toBeEnabled();
  await expect(panel.getByTestId("explore-status")).toHaveText(
    "the playground did not answer within 3 s: open the Lab from the playground", { timeout: 10_000 },
  );
  await expect(panel.getByTestId("explore-status")).toHaveClass(/error/);
  await expect(panel.getByTestId("explore-run")).toBeEnabled();
  await expect(page.getByTestId("position")).toHaveText(/^event 0\//);
  expect(errors).toEqual([]);
});
