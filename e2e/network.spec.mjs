// The network view draws every kind of message the core lists
// (wildling_core::message::KINDS), the membership ones included.
import { test, expect } from "@playwright/test";
import { load, open } from "./helpers.mjs";

/** Step one event at a time, at most `limit` times, until `locator` is attached. */
async function stepUntil(page, locator, limit) {
  for (let i = 0; i < limit; i++) {
    if ((await locator.count()) > 0) return;
    await page.getByTestId("step").click();
  }
  await expect(locator).toBeAttached();
}

test("gossip after a join shows as dots of its own colour, and the legend lists every kind", async ({ page }) => {
  const errors = await open(page);
  await load(page, "gossip-join");
  const legend = page.locator(".network .legend");
  for (const kind of ["gossip", "join", "handoff"]) {
    await expect(legend.getByText(kind, { exact: true })).toBeVisible();
  }
  // n5 joins at t=60: play up to there, then step until gossip is on the wire.
  await page.getByTestId("play").click();
  await expect
    .poll(async () => Number((await page.getByTestId("now").textContent()).slice(2)), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(55);
  await page.getByTestId("play").click();
  await expect(page.getByTestId("play")).toHaveText(/Play/);
  const gossip = page.locator('[data-testid="messages"] path[data-kind="gossip"]');
  await stepUntil(page, gossip, 400);
  await expect(gossip).toHaveAttribute("d", /^M\d/);
  const legendColour = await legend
    .locator(".legend-item", { hasText: /^gossip$/ })
    .locator("i")
    .evaluate((i) => getComputedStyle(i).backgroundColor);
  const dotColour = await gossip.evaluate((p) => getComputedStyle(p).stroke);
  expect(dotColour).toBe(legendColour);
  expect(errors).toEqual([]);
});
