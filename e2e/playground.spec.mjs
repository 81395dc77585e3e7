// The playground's flows, driven through the UI of the release build.
import { test, expect } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { artifacts, get, load, open, playToQuiet, put, scrub } from "./helpers.mjs";

test("a partition makes concurrent puts siblings, and a put with the read context resolves them", async ({ page }) => {
  const errors = await open(page);
  // Split n3 away from n1 and n2.
  await page.getByTestId("group-3").selectOption("2");
  await page.getByTestId("split").click();
  await expect(page.getByTestId("node-3")).toHaveAttribute("aria-label", /group 2/);
  // Concurrent puts on both sides.
  await put(page, { client: 1, value: "eggs", node: 1 });
  await put(page, { client: 2, value: "bread", node: 3 });
  await page.screenshot({ path: `${artifacts}/siblings-1-partitioned.png` });
  await page.getByTestId("heal").click();
  await expect(page.getByTestId("node-3")).not.toHaveAttribute("aria-label", /group/);
  // A get after the heal hears every replica: two siblings.
  const got = await get(page, { client: 1, node: 1 });
  await expect(got.getByTestId("sibling")).toHaveCount(2);
  const values = (await got.getByTestId("sibling").allTextContents()).sort();
  expect(values).toEqual(["bread", "eggs"]);
  await expect(page.getByTestId("explanation")).toContainText("2 siblings because their writes are concurrent");
  await expect(page.getByTestId("client-context-1")).toHaveText(/last read cart: \{n1:1, n3:1\}/);
  await page.screenshot({ path: `${artifacts}/siblings-2-two-values.png` });
  await page.locator(".inspector").screenshot({ path: `${artifacts}/siblings-2-inspector.png` });
  // A put with that context supersedes both.
  await put(page, { client: 1, value: "eggs+bread", node: 1, context: "last-get" });
  const resolved = await get(page, { client: 2, node: 3 });
  await expect(resolved.getByTestId("sibling")).toHaveText(["eggs+bread"]);
  await expect(page.getByTestId("explanation")).toContainText("returned one value");
  await page.screenshot({ path: `${artifacts}/siblings-3-resolved.png` });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${artifacts}/siblings-4-dark.png` });
  expect(errors).toEqual([]);
});

test("scrubbing back and forward replays to the same state", async ({ page }) => {
  const errors = await open(page);
  await load(page, "partition-siblings");
  await playToQuiet(page);
  const end = Number((await page.getByTestId("position").textContent()).match(/event (\d+)/)[1]);
  expect(end).toBeGreaterThan(20);
  const state = async () => ({
    hash: await page.getByTestId("trace-hash").textContent(),
    now: await page.getByTestId("now").textContent(),
    clocks: await page.locator(".replicas").textContent(),
    results: await page.getByTestId("op-result").allTextContents(),
  });
  const atEnd = await state();
  const middle = Math.floor(end / 2);
  await scrub(page, middle);
  const atMiddle = await state();
  expect(atMiddle.hash).not.toEqual(atEnd.hash);
  await page.screenshot({ path: `${artifacts}/scrub-middle.png` });
  await scrub(page, end);
  expect(await state()).toEqual(atEnd);
  await scrub(page, middle);
  expect(await state()).toEqual(atMiddle);
  // One event back and forward with the keyboard.
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId("position")).toHaveText(new RegExp(`^event ${middle - 1}/`));
  await page.keyboard.press("ArrowRight");
  expect(await state()).toEqual(atMiddle);
  // Fork: a put in the past continues a new history from there.
  await put(page, { client: 2, value: "jam", node: 2, context: "none" });
  await expect(page.getByTestId("notice")).toHaveCount(0); // the scenario's own entries are kept
  await expect(page.getByTestId("position")).not.toHaveText(new RegExp(`/${end}$`));
  expect(await page.getByTestId("trace-hash").textContent()).not.toEqual(atEnd.hash);
  expect(errors).toEqual([]);
});

test("compare mode shows the write last-writer-wins loses", async ({ page }) => {
  const errors = await open(page);
  await load(page, "partition-siblings");
  await page.getByTestId("compare-mode").selectOption("lww");
  await playToQuiet(page);
  const differing = page.getByTestId("compare-differs");
  await expect(differing.first()).toBeVisible();
  // The get after the heal: DVVSet returns both writes, LWW only one.
  const row = differing.filter({ hasText: "get cart via n1" }).first();
  const [, left, right] = await row.locator("td").allTextContents();
  expect(left).toMatch(/eggs/);
  expect(left).toMatch(/bread/);
  expect(right.match(/eggs|bread/g)).toHaveLength(1);
  await expect(page.getByTestId("compare-explanation")).toContainText("last-writer-wins");
  await page.getByTestId("compare-table").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/compare-lww.png` });
  expect(errors).toEqual([]);
});

test("invalid settings are explained inline and not applied", async ({ page }) => {
  const errors = await open(page);
  await page.getByTestId("setting-r").fill("5");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toHaveText("R = 5 must be at least 1 and at most N = 3");
  await page.getByTestId("setting-nodes").fill("lots");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error").filter({ hasText: "Nodes" })).toHaveText('Nodes: "lots" is not a whole number in range');
  // Pasted text is echoed escaped and capped, however long.
  await page.getByTestId("setting-nodes").fill(`${"x".repeat(99)}\u0007`);
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error").filter({ hasText: "Nodes" })).toHaveText(`Nodes: "${"x".repeat(64)}"… (100 bytes) is not a whole number in range`);
  // An empty value is refused by the model's own validation.
  await page.getByTestId("put-value").fill("");
  await page.getByTestId("put").click();
  await expect(page.getByTestId("action-error")).toContainText("value");
  await page.screenshot({ path: `${artifacts}/invalid-settings.png` });
  expect(errors).toEqual([]);
});

test("a drop percentage out of range or not a number is refused inline, its text quoted and capped", async ({ page }) => {
  const errors = await open(page);
  const drop = page.locator("#net-drop");
  const apply = page.getByRole("button", { name: "Apply network options" });
  const error = page.getByTestId("network-error");
  await drop.fill("150");
  await apply.click();
  await expect(error).toHaveText('Drop: "150" is not a percentage from 0 to 100');
  // However much is pasted, the message quotes 64 characters of it.
  await drop.fill("9".repeat(100));
  await apply.click();
  await expect(error).toHaveText(`Drop: "${"9".repeat(64)}"… (100 bytes) is not a percentage from 0 to 100`);
  await drop.fill("lots");
  await apply.click();
  await expect(error).toHaveText('Drop: "lots" is not a number');
  await drop.fill("12.5");
  await apply.click();
  await expect(error).toHaveCount(0);
  await expect(page.locator(".network p.muted").first()).toContainText("drop 125‰");
  expect(errors).toEqual([]);
});

/** Play `scenario` at `speed`, wait `warmupMs`, then record requestAnimationFrame deltas for `ms`. */
async function frameTimes(page, scenario, speed, warmupMs, ms) {
  await load(page, scenario);
  await page.getByLabel("Speed (ticks per second)").selectOption(String(speed));
  await page.getByTestId("play").click();
  await page.waitForTimeout(warmupMs);
  const sample = await page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const start = last;
        const frame = (t) => {
          deltas.push(t - last);
          last = t;
          if (t - start < ms) requestAnimationFrame(frame);
          else resolve(deltas);
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
  const inFlight = Number((await page.locator(".network p.muted").first().textContent()).match(/(\d+) in flight/)[1]);
  await page.getByTestId("play").click();
  const sorted = [...sample].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return {
    scenario,
    speed_ticks_per_second: speed,
    in_flight_at_end: inFlight,
    frames: sample.length,
    mean_ms: Math.round((sample.reduce((a, b) => a + b, 0) / sample.length) * 10) / 10,
    p50_ms: Math.round(pct(50) * 10) / 10,
    p95_ms: Math.round(pct(95) * 10) / 10,
    max_ms: Math.round(sorted[sorted.length - 1] * 10) / 10,
  };
}

test("frame times while playing a small and a busy cluster", async ({ page }) => {
  const errors = await open(page);
  const small = await frameTimes(page, "partition-siblings", 4, 500, 3000);
  const busy = await frameTimes(page, "busy-32-nodes", 32, 3000, 5000);
  await page.screenshot({ path: `${artifacts}/busy-32-nodes.png` });
  const result = {
    measured: "requestAnimationFrame deltas in headless Chromium (--disable-gpu) on a shared 2-core machine, release build",
    runs: [small, busy],
  };
  console.log("frame times:", JSON.stringify(result));
  writeFileSync(`${artifacts}/frame-times.json`, JSON.stringify(result, null, 2));
  // Very loose sanity bounds: the page keeps rendering, and the busy run is busy.
  expect(busy.in_flight_at_end).toBeGreaterThan(500);
  for (const run of [small, busy]) {
    expect(run.frames).toBeGreaterThan(10);
    expect(run.p50_ms).toBeLessThan(1000);
  }
  expect(errors).toEqual([]);
});

test("clicking a message in flight shows its contents", async ({ page }) => {
  const errors = await open(page);
  await load(page, "partition-siblings");
  // Step until the first put is on the wire.
  for (let i = 0; i < 3; i++) await page.getByTestId("step").click();
  await expect(page.locator(".network p.muted").first()).toContainText(/^[1-9]\d* in flight/);
  const dot = page.locator('[data-testid="messages"] path').first();
  const d = await dot.getAttribute("d");
  const [, x, y] = d.match(/^M(-?[\d.]+),(-?[\d.]+)/).map(Number);
  const svg = page.locator(".network-svg");
  const box = await svg.boundingBox();
  // The path starts at the dot's centre ("M x,y h0", drawn round by its caps).
  // The 300x300 viewBox is scaled uniformly and centred in the element.
  const scale = Math.min(box.width, box.height) / 300;
  const left = box.x + (box.width - 300 * scale) / 2;
  const top = box.y + (box.height - 300 * scale) / 2;
  await page.mouse.click(left + x * scale, top + y * scale);
  const detail = page.getByTestId("message-detail");
  await expect(detail).toBeVisible();
  await expect(detail).toContainText("in flight, due at t=");
  await expect(detail.locator("pre")).toContainText("milk");
  await detail.screenshot({ path: `${artifacts}/message-detail.png` });
  expect(errors).toEqual([]);
});

test("keyboard shortcuts crash, restart and isolate the selected node", async ({ page }) => {
  const errors = await open(page);
  await page.keyboard.press("2");
  await expect(page.getByTestId("node-2")).toHaveClass(/selected/);
  await page.keyboard.press("x");
  await expect(page.getByTestId("node-2")).toHaveAttribute("aria-label", /crashed/);
  await expect(page.getByTestId("restart-2")).toBeVisible();
  await page.keyboard.press("r");
  await expect(page.getByTestId("node-2")).toHaveAttribute("aria-label", /up/);
  await page.keyboard.press("i");
  await expect(page.getByTestId("node-2")).toHaveAttribute("aria-label", /group 1/);
  await expect(page.getByTestId("node-1")).toHaveAttribute("aria-label", /group 0/);
  // A link between the two sides shows the partition; clicking it offers cuts.
  await page.getByTestId("link-1-2").click({ force: true });
  await expect(page.getByTestId("link-box")).toContainText("Link n1–n2");
  // The same without a pointer: pick the link's ends, then cut it.
  await page.getByLabel("Link to node").selectOption("3");
  await page.getByTestId("pick-link").click();
  await page.getByTestId("cut-link").click();
  await expect(page.getByTestId("link-box")).toContainText("Link n1–n3: cut both ways");
  await expect(page.getByTestId("link-1-3")).toHaveClass(/cut/);
  await page.getByTestId("restore-link").click();
  await expect(page.getByTestId("link-box")).toContainText("Link n1–n3: whole");
  await expect(page.getByTestId("node-2")).toHaveAttribute("aria-label", /group 1/);
  await page.keyboard.press("h");
  await expect(page.getByTestId("node-2")).not.toHaveAttribute("aria-label", /group/);
  // Nodes in the cluster view take the keyboard focus; Enter selects one.
  await page.getByTestId("node-3").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-3")).toHaveClass(/selected/);
  await page.screenshot({ path: `${artifacts}/shortcuts.png` });
  expect(errors).toEqual([]);
});
