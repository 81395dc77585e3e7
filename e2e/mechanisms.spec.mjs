// The failure-handling mechanisms and the consistency checker, driven
// through the UI of the release build: hinted handoff after a crash, the
// checker's lost write under LWW (and none under DVVSet), and the stale
// replica that read repair would have fixed; the false conflicts that
// vector-clock pruning makes.
import { test, expect } from "@playwright/test";
import { artifacts, load, open, playToQuiet, put } from "./helpers.mjs";

test("a crashed primary's write waits as a hint on a fallback, and is handed off after the restart", async ({ page }) => {
  const errors = await open(page);
  // Four nodes, so that a key has a fallback beyond its three primaries.
  await page.getByTestId("setting-nodes").fill("4");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("node-4")).toBeVisible();
  const list = page.getByTestId("preference-list").locator("li");
  await expect(list).toHaveCount(3);
  const nodeOf = async (i) => Number((await list.nth(i).locator("b").textContent()).slice(1));
  const coordinator = await nodeOf(0);
  const primary = await nodeOf(1);
  // Crash the second primary.
  await page.getByTestId(`crash-${primary}`).click();
  await expect(page.getByTestId(`node-${primary}`)).toHaveAttribute("aria-label", /crashed/);
  // The first put misses its ack: the coordinator's failure detector suspects it.
  await put(page, { client: 1, value: "v1", node: coordinator, context: "none" });
  await page.getByTestId("fd-views").locator("summary").click();
  await page.getByLabel("Speed (ticks per second)").selectOption("64");
  await page.getByTestId("play").click();
  await expect(page.getByTestId(`fd-${coordinator}-${primary}`)).toHaveText("✕", { timeout: 20_000 });
  await page.getByTestId("play").click();
  // The preference list, as the coordinator sees it, now names a fallback.
  await expect(page.getByTestId("preference-list")).toContainText(`fallback for n${primary}`);
  // The next put goes to the fallback as a hint for the crashed primary.
  await put(page, { client: 1, value: "v2", node: coordinator, context: "none" });
  // With W = 1 the put is answered before the hint lands: play on until it has.
  await page.getByTestId("play").click();
  const badges = page.locator('[data-testid^="hint-badge-"]');
  await expect(badges).toHaveCount(1, { timeout: 20_000 });
  await page.getByTestId("play").click();
  const fallback = Number((await badges.first().getAttribute("data-testid")).replace("hint-badge-", ""));
  expect([coordinator, primary]).not.toContain(fallback);
  await expect(page.getByTestId(`node-${fallback}`)).toHaveAttribute("aria-label", /holds 1 hint/);
  await expect(page.getByTestId("ring-hint")).toContainText(`hint for n${primary}`);
  await page.screenshot({ path: `${artifacts}/handoff-1-hint-held.png` });
  // Restart the primary: the fallback hands the hint off and deletes it.
  await page.getByTestId(`restart-${primary}`).click();
  await expect(page.getByTestId(`node-${primary}`)).toHaveAttribute("aria-label", /up/);
  await playToQuiet(page);
  await expect(badges).toHaveCount(0);
  const row = page.locator(".replicas tbody tr").filter({ has: page.getByTestId(`clock-${primary}`) });
  await expect(row).toContainText("v2");
  await page.screenshot({ path: `${artifacts}/handoff-2-delivered.png` });
  expect(errors).toEqual([]);
});

test("the checker names the write last-writer-wins lost, and DVVSet loses none", async ({ page }) => {
  const errors = await open(page);
  await load(page, "lww-lost-write");
  await page.getByTestId("compare-mode").selectOption("dvvset");
  await playToQuiet(page);
  const lww = page.getByTestId("check-verdict");
  await expect(lww).toContainText("lww");
  await expect(lww).toContainText("final");
  await expect(lww.getByTestId("finding-lost-write")).toHaveCount(1);
  await expect(lww.getByTestId("finding-lost-write")).toContainText("lost write: op");
  const dvv = page.getByTestId("check-verdict-compare");
  await expect(dvv).toContainText("dvvset");
  await expect(dvv.getByTestId("finding-lost-write")).toHaveCount(0);
  await expect(dvv.getByTestId("check-counts")).toContainText("0 lost writes · 0 false conflicts");
  // A finding's operation selects it everywhere.
  const op = lww.getByTestId("finding-lost-write").getByTestId("finding-op");
  await op.click();
  await expect(op).toHaveClass(/selected/);
  await expect(lww.getByTestId("finding-lost-write")).toHaveClass(/selected/);
  await page.locator(".checker").screenshot({ path: `${artifacts}/checker-lww-vs-dvvset.png` });
  await page.screenshot({ path: `${artifacts}/checker-page.png` });
  expect(errors).toEqual([]);
});

test("with read repair off the cut-off replica stays stale, and the inspector says so", async ({ page }) => {
  const errors = await open(page);
  await load(page, "read-repair");
  // Invalid and surprising settings are explained inline.
  await page.getByTestId("setting-anti_entropy_interval_ticks").fill("0");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toContainText("0 ticks; a timeout or interval is 1 to 1000000 ticks");
  await page.getByTestId("setting-anti_entropy_interval_ticks").fill("100");
  await page.getByTestId("mechanism-read_repair").uncheck();
  await expect(page.getByTestId("mechanism-note").filter({ hasText: "stays stale" })).toHaveCount(1);
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toHaveCount(0);
  await playToQuiet(page);
  await expect(page.getByTestId("stale-3")).toBeVisible();
  await expect(page.getByTestId("stale-1")).toHaveCount(0);
  await expect(page.getByTestId("check-verdict").getByTestId("finding-non-converged")).toHaveCount(1);
  await page.locator(".inspector").screenshot({ path: `${artifacts}/read-repair-off-stale.png` });
  // With read repair back on, the get repairs n3.
  await page.getByTestId("mechanism-read_repair").check();
  await page.getByTestId("apply-settings").click();
  await playToQuiet(page);
  await expect(page.getByTestId("stale-3")).toHaveCount(0);
  await expect(page.getByTestId("check-verdict").getByTestId("check-clean")).toBeVisible();
  expect(errors).toEqual([]);
});

test("vector-clock pruning is a client-vv setting, refuses 0 inline, and its false conflicts reach the checker", async ({ page }) => {
  const errors = await open(page);
  await load(page, "vv-pruning");
  const threshold = page.getByTestId("setting-vv_prune_threshold");
  await expect(threshold).toHaveValue("3");
  await expect(threshold).toBeEnabled();
  await expect(page.getByLabel("VV prune threshold (entries)")).toHaveAccessibleDescription(/drops the oldest/);
  await threshold.fill("0");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toContainText("the threshold is at least 1");
  await threshold.fill("3");
  await page.getByTestId("apply-settings").click();
  await expect(page.getByTestId("setting-error")).toHaveCount(0);
  await playToQuiet(page);
  const verdict = page.getByTestId("check-verdict");
  await expect(verdict.getByTestId("finding-false-conflict")).toHaveCount(3);
  await expect(verdict.getByTestId("finding-lost-write")).toHaveCount(0);
  await page.locator(".checker").screenshot({ path: `${artifacts}/vv-pruning-false-conflicts.png` });
  // Under any other mode the field does not apply, and says so.
  await page.getByTestId("setting-mode").selectOption("dvvset");
  await expect(threshold).toBeDisabled();
  await expect(page.getByLabel("VV prune threshold (entries)")).toHaveAccessibleDescription(/Only client-vv/);
  expect(errors).toEqual([]);
});
