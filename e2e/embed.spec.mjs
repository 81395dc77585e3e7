// The playground embedded in a sandboxed iframe (www/tutorial.html) and
// driven through the postMessage API.
import { test, expect } from "@playwright/test";
import { mkdirSync } from "node:fs";

const artifacts = "e2e/artifacts";
mkdirSync(artifacts, { recursive: true });

/** The messages the driven embed posted, optionally of one type. */
async function messages(page, type) {
  const all = await page.evaluate(() => window.wildlingMessages.filter((m) => m.frame === "driven"));
  return type ? all.filter((m) => m.type === type) : all;
}

async function lastState(page) {
  const states = await messages(page, "state");
  return states[states.length - 1];
}

async function send(page, message) {
  await page.evaluate((m) => window.wildlingSend(m), message);
}

test("an embed in a sandboxed iframe posts ready, state and resize, and obeys play, step, seek and reset", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = [];
  const warnings = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
    if (m.type() === "warning") warnings.push(m.text());
  });
  await page.goto("./tutorial.html");
  for (const id of ["siblings", "lww", "driven"]) {
    await expect(page.locator(`iframe#${id}`)).toHaveAttribute("sandbox", "allow-scripts");
  }
  await expect.poll(async () => (await messages(page, "ready")).length, { timeout: 30_000 }).toBe(1);
  const ready = (await messages(page, "ready"))[0];
  expect(ready).toMatchObject({ wildling: 1, tutorial: "hinted-handoff" });
  await expect.poll(async () => (await messages(page, "resize")).length).toBeGreaterThan(0);
  expect((await messages(page, "resize"))[0].height).toBeGreaterThan(100);
  await expect.poll(() => lastState(page)).toMatchObject({ step: 1, playing: false });
  const first = await lastState(page);
  expect(first.traceHash).toMatch(/^[0-9a-f]{16}$/);
  const frame = page.frameLocator("iframe#driven");
  await expect(frame.getByTestId("narration")).not.toHaveText("");
  await expect(frame.getByTestId("play")).toBeHidden(); // hideControls=1

  await send(page, { type: "step" });
  await expect.poll(async () => (await lastState(page)).step).toBe(2);
  expect((await lastState(page)).time).toBeGreaterThanOrEqual(first.time);

  await send(page, { type: "seek", ticks: 3 });
  await expect.poll(async () => (await lastState(page)).time).toBe(3);
  const atThree = await lastState(page);

  // Chromium runs no animation frames in an off-screen cross-origin frame.
  await page.locator("iframe#driven").scrollIntoViewIfNeeded();
  await send(page, { type: "play" });
  await expect.poll(async () => (await lastState(page)).time, { timeout: 20_000 }).toBeGreaterThan(3);
  await send(page, { type: "pause" });
  await expect.poll(async () => (await lastState(page)).playing).toBe(false);

  await send(page, { type: "seek", ticks: 3 });
  await expect.poll(async () => (await lastState(page)).time).toBe(3);
  expect((await lastState(page)).traceHash).toBe(atThree.traceHash);

  await send(page, { type: "reset" });
  await expect.poll(async () => (await lastState(page)).step).toBe(1);
  expect((await lastState(page)).traceHash).toBe(first.traceHash);

  // Wrong shapes are refused with a warning, never a crash.
  const before = (await messages(page)).length;
  await send(page, { type: "seek", ticks: -4 });
  await send(page, { type: "explode" });
  await page.evaluate(() => document.getElementById("driven").contentWindow.postMessage("play", "*"));
  await page.evaluate(() => document.getElementById("driven").contentWindow.postMessage({ wildling: 2, type: "play" }, "*"));
  await send(page, { type: "load", link: "w1.not-a-link" });
  await expect.poll(async () => (await messages(page, "error")).length).toBe(1);
  expect((await messages(page, "error"))[0].message).toContain("corrupted");
  await expect.poll(() => warnings.filter((w) => w.includes("wildling: ignoring a message")).length).toBe(4);
  // A message too long as JSON, or one JSON cannot hold (a cycle, a BigInt), is refused in words too.
  await page.evaluate(() => {
    const frame = document.getElementById("driven").contentWindow;
    frame.postMessage({ wildling: 1, type: "load", link: "x".repeat(2_100_000) }, "*");
    const cyclic = { wildling: 1, type: "play" };
    cyclic.self = cyclic;
    frame.postMessage(cyclic, "*");
    frame.postMessage({ wildling: 1, type: "seek", ticks: 10n }, "*");
  });
  await expect.poll(() => warnings.filter((w) => w.includes("wildling: ignoring a message")).length).toBe(7);
  expect(warnings.filter((w) => w.includes("characters as JSON; the limit is 2098176")).length).toBe(1);
  expect(warnings.filter((w) => w.includes("because it cannot be written as JSON")).length).toBe(2);
  expect((await lastState(page)).playing).toBe(false);
  expect((await messages(page)).length).toBeGreaterThan(before);

  await page.screenshot({ path: `${artifacts}/embed-tutorial-page.png`, fullPage: true });
  expect(errors).toEqual([]);
});
