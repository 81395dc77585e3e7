// Share links, the autosave, and session files, driven through the UI.
import { test, expect } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";

const artifacts = "e2e/artifacts";
mkdirSync(artifacts, { recursive: true });

function watch(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

/** What identifies the state on screen: all of it rendered from the model. */
async function state(page) {
  return {
    hash: await page.getByTestId("trace-hash").textContent(),
    now: await page.getByTestId("now").textContent(),
    clocks: await page.locator(".replicas").textContent(),
    actions: await page.locator(".timebar").textContent(),
  };
}

/** Isolate n3, then put on each side: actions recorded while the run goes on. */
async function makeHistory(page) {
  await page.goto("./");
  await expect(page.getByRole("heading", { name: "Wildling" })).toBeVisible();
  await page.getByLabel("Speed (ticks per second)").selectOption("256");
  await page.locator("body").press("3");
  await page.locator("body").press("i");
  const puts = [["1", "eggs", "1"], ["2", "bread", "3"]];
  for (const [i, [client, value, node]] of puts.entries()) {
    await page.getByTestId("op-client").selectOption(client);
    await page.getByTestId("put-value").fill(value);
    await page.getByTestId("put-node").selectOption(node);
    await page.getByTestId("put").click();
    await expect(page.getByTestId("op-result")).toHaveCount(i + 1);
    await expect(page.getByTestId("op-result").first().getByTestId("op-outcome")).toHaveText("ok: W replicas hold it");
  }
  await expect(page.getByTestId("play")).toHaveText(/Play/);
}

/** Load `url` as a new document (a changed fragment alone would not reload). */
async function openLink(page, url) {
  await page.goto("about:blank");
  await page.goto(url);
}

async function copyLink(page) {
  await page.getByTestId("copy-link").click();
  await expect(page.getByTestId("copy-status")).not.toHaveText("");
  return page.getByTestId("share-link").inputValue();
}

test("a link opened in a fresh browser replays to the same state", async ({ page, browser }) => {
  const errors = watch(page);
  await makeHistory(page);
  const original = await state(page);
  const link = await copyLink(page);
  expect(link).toMatch(/#w1\.[A-Za-z0-9_-]+$/);
  await page.screenshot({ path: `${artifacts}/share-1-original.png` });

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const other = await fresh.newPage();
  const otherErrors = watch(other);
  await other.goto(link);
  await expect(other.getByTestId("trace-hash")).toHaveText(original.hash);
  expect(await state(other)).toEqual(original);
  await expect(other.getByTestId("link-banner")).toHaveCount(0);
  // The session moved into the autosave: a reload without the link keeps it.
  expect(other.url()).not.toContain("#");
  await other.reload();
  expect(await state(other)).toEqual(original);
  await other.screenshot({ path: `${artifacts}/share-2-opened.png` });
  await fresh.close();
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test("a tampered link shows the banner and keeps the autosaved session", async ({ page }) => {
  const errors = watch(page);
  await makeHistory(page);
  const original = await state(page);
  const link = await copyLink(page);
  const saved = await page.evaluate(() => localStorage.getItem("wildling.session.v1"));
  expect(saved).toContain('"inputs"');

  // Change one character in the middle of the data.
  const at = link.length - 20;
  const tampered = link.slice(0, at) + (link[at] === "A" ? "B" : "A") + link.slice(at + 1);
  await openLink(page, tampered);
  await expect(page.getByTestId("link-banner")).toContainText("its checksum does not match");
  await expect(page.getByTestId("link-banner")).toContainText("A default scenario was loaded instead");
  await page.screenshot({ path: `${artifacts}/share-3-tampered.png` });
  expect(await page.getByTestId("trace-hash").textContent()).not.toEqual(original.hash);
  // Watching the default scenario does not touch the autosave.
  await page.getByTestId("step").click();
  expect(await page.evaluate(() => localStorage.getItem("wildling.session.v1"))).toEqual(saved);

  // A truncated link and a link that is not one say so too.
  await openLink(page, link.slice(0, link.length - 7));
  await expect(page.getByTestId("link-banner")).toContainText("corrupted or truncated");
  await openLink(page, link.replace("#w1.", "#w9."));
  await expect(page.getByTestId("link-banner")).toContainText("format version 9");

  await page.getByTestId("restore-autosave").click();
  await expect(page.getByTestId("link-banner")).toHaveCount(0);
  expect(await state(page)).toEqual(original);
  expect(errors).toEqual([]);
});

test("a session exported as a file imports to the same state; a bad file is refused", async ({ page }) => {
  const errors = watch(page);
  await makeHistory(page);
  const original = await state(page);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-session").click();
  const file = await (await download).path();
  const json = readFileSync(file, "utf8");
  expect(JSON.parse(json).inputs).toHaveLength(3);

  await page.getByTestId("scenario-picker").selectOption("partition-siblings");
  await expect(page.getByTestId("trace-hash")).not.toHaveText(original.hash);
  await page.getByTestId("import-file").setInputFiles({ name: "s.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await expect(page.getByTestId("trace-hash")).toHaveText(original.hash);
  expect(await state(page)).toEqual(original);

  const bad = JSON.parse(json);
  bad.scenario.cluster.r = 9;
  await page.getByTestId("import-file").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.getByTestId("import-error")).toContainText("scenario.cluster.r");
  expect(await state(page)).toEqual(original);
  expect(errors).toEqual([]);
});

test("a long link warns and offers a scenario file", async ({ page }) => {
  const errors = watch(page);
  await page.goto("./");
  await page.getByTestId("scenario-picker").selectOption("busy-32-nodes");
  await copyLink(page);
  await expect(page.getByTestId("link-warning")).toContainText("over 8000");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-scenario").click();
  expect((await download).suggestedFilename()).toBe("busy-32-nodes.json");
  await page.screenshot({ path: `${artifacts}/share-4-long-link.png` });
  expect(errors).toEqual([]);
});
