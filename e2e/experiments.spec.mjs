// The Experiments panel in real Chromium. It lives in the Lab (crates/lab),
// a second wasm module the page fetches only when the Experiments button is
// first pressed. It runs a built-in experiment on a pool of Web Workers,
// shows the worker's tables (equal, cell for cell, to what `wildling
// experiment` printed for the same seeds: the fixture e2e/fixtures/make.sh
// writes) and its charts (drawn in the worker, read through the Lab's
// whitelist); hovering a point shows its value, clicking it hides the Lab
// and opens that seed's run in the playground (`wildling:open`, read as an
// imported file); Cancel stops the workers; bad seeds are a message naming
// the field; Close and Escape hide the Lab and give the focus back; garbage
// (or too much) sent as `wildling:open` is refused as an import and the session is kept;
// a Lab that cannot load says so.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { open } from "./helpers.mjs";

const spec = JSON.parse(readFileSync("e2e/fixtures/staleness-small.json", "utf8"));
const cli = JSON.parse(readFileSync("e2e/fixtures/staleness-small.cli.json", "utf8"));

/** Open the Lab and set its experiment and seeds (the machine has two
 *  cores: navigator.hardwareConcurrency workers are two). */
async function setUp(page, { name, first, end }) {
  await page.getByTestId("open-lab").click();
  await expect(page.locator("#lab")).toBeVisible();
  await page.getByTestId("experiment-name").selectOption(name);
  await page.getByTestId("experiment-first").fill(String(first));
  await page.getByTestId("experiment-end").fill(String(end));
}

test("an experiment runs in workers, its numbers are the CLI's, and a point opens its seed", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => fetched.push(r.url()));
  const errors = await open(page);
  // The Lab is not part of the page's first load.
  await expect(page.getByTestId("open-lab")).toBeVisible();
  expect(fetched.filter((u) => /lab/.test(u))).toEqual([]);
  await expect(page.locator("#lab")).toBeHidden();
  expect(spec.name).toBe("staleness-small");
  await setUp(page, { name: "staleness", first: spec.seeds.first, end: spec.seeds.end });
  expect(fetched.some((u) => u.endsWith("/wildling-lab_bg.wasm"))).toBe(true);
  await page.getByTestId("experiment-run").click();
  const chart = page.getByTestId("chart");
  await expect(chart).toHaveCount(1, { timeout: 30_000 });
  const runs = 8 * (spec.seeds.end - spec.seeds.first);
  await expect(page.getByTestId("experiment-status")).toHaveText(new RegExp(`^${runs} runs in [0-9.]+ s on 2 workers$`));
  await expect(page.getByTestId("experiment-progress")).toHaveAttribute("value", "1");

  // The tables, cell for cell, are what the CLI printed for these seeds.
  const tables = page.getByTestId("experiment-table");
  await expect(tables).toHaveCount(cli.tables.length);
  for (let i = 0; i < cli.tables.length; i++) {
    const rows = await tables.nth(i).locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(rows).toEqual(cli.tables[i].rows);
    await expect(tables.nth(i).locator("caption")).toHaveText(cli.tables[i].title);
  }

  // The chart: one line per configuration, drawn by the worker, only
  // whitelisted names in it.
  const svg = chart.locator("svg");
  await expect(svg).toHaveAttribute("aria-label", /t-visibility/);
  const names = await svg.evaluate((el) => [...el.querySelectorAll("*")].map((e) => e.localName));
  expect(names.filter((n) => !["g", "path", "line", "rect", "circle", "text", "title"].includes(n))).toEqual([]);
  expect(await svg.locator("path").count()).toBe(8);

  // Hovering the first point of nrw=3/1/1 sloppy_quorum=off shows its
  // value: the CLI's P(visible at t=0) for that configuration.
  const atZero = cli.tables[0].rows[0][2];
  const point = svg.locator('.point[data-configuration="0"]').first();
  await point.hover();
  const hover = page.getByTestId("chart-hover");
  await expect(hover).toContainText(`nrw=3/1/1 sloppy_quorum=off: t = 0 ticks: ${atZero}`);
  // R + W > N without a sloppy quorum: every put visible from t = 0 (its
  // point lies under nrw=3/3/1's, at the same place: focus reaches it).
  await svg.locator('.point[data-configuration="4"]').first().focus();
  await expect(hover).toContainText("nrw=3/2/2 sloppy_quorum=off: t = 0 ticks: 100.00%");
  expect(cli.tables[0].rows[4][2]).toBe("100.00%");
  // The table twin lists every point drawn.
  const points = await svg.locator(".point").count();
  await expect(chart.getByTestId("chart-table").locator("tbody tr")).toHaveCount(points);

  // Clicking a point of nrw=3/3/1 sloppy_quorum=on hides the Lab and opens
  // that configuration's first seed in the playground.
  const open7 = svg.locator('.point[data-configuration="7"]').first();
  await expect(open7).toHaveAttribute("data-seed", String(spec.seeds.first));
  await page.getByTestId("setting-seed").fill("4242");
  await open7.click();
  await expect(page.locator("#lab")).toBeHidden();
  await expect(page.getByTestId("open-lab")).toBeFocused();
  await expect(page.getByTestId("setting-r")).toHaveValue("3");
  await expect(page.getByTestId("setting-w")).toHaveValue("1");
  await expect(page.getByTestId("setting-seed")).toHaveValue(String(spec.seeds.first));
  await expect(page.getByTestId("scenario-loaded")).toHaveAttribute("data-scenario", "sweep-faults");
  // Opened as an imported scenario file is: at the end of tick 0.
  await expect(page.getByTestId("position")).toHaveText(/^event [0-9]+\//);
  await expect(page.getByTestId("import-error")).toHaveCount(0);
  // The Lab kept its run while hidden. Keyboard: a focused point opens
  // with Enter too.
  await page.getByTestId("open-lab").click();
  await expect(page.getByTestId("chart")).toHaveCount(1);
  await expect(page.getByTestId("experiment-status")).toHaveText("opened in the playground");
  await svg.locator('.point[data-configuration="2"]').first().focus();
  await expect(hover).toContainText("nrw=3/1/2 sloppy_quorum=off");
  await page.keyboard.press("Enter");
  await expect(page.locator("#lab")).toBeHidden();
  await expect(page.getByTestId("setting-w")).toHaveValue("2");
  // The Lab's scripts were fetched once.
  expect(fetched.filter((u) => u.endsWith("/lab.js"))).toHaveLength(1);
  expect(errors).toEqual([]);
});

test("Cancel stops the workers; bad seeds are refused naming the field", async ({ page }) => {
  const errors = await open(page);
  await setUp(page, { name: "availability", first: 0, end: 100000 });
  await page.getByTestId("experiment-run").click();
  await expect(page.getByTestId("experiment-status")).toHaveText(/of 1000000 runs/, { timeout: 30_000 });
  await expect(page.getByTestId("experiment-cancel")).toBeEnabled();
  await page.getByTestId("experiment-cancel").click();
  await expect(page.getByTestId("experiment-status")).toHaveText("cancelled");
  await expect(page.getByTestId("experiment-run")).toBeEnabled();
  await expect(page.getByTestId("chart")).toHaveCount(0);

  // The page refuses what is not a range; the worker refuses too many runs.
  await page.getByTestId("experiment-end").fill("0");
  await page.getByTestId("experiment-run").click();
  await expect(page.getByTestId("experiment-status")).toHaveText("seeds 0..0 hold no seed; the end is excluded");
  await page.getByTestId("experiment-end").fill("99999999");
  await page.getByTestId("experiment-run").click();
  await expect(page.getByTestId("experiment-status")).toContainText("job.experiment-chunk.experiment.seeds");
  await expect(page.getByTestId("experiment-run")).toBeEnabled();
  // A small run still works after all that.
  await page.getByTestId("experiment-end").fill("3");
  await page.getByTestId("experiment-run").click();
  await expect(page.getByTestId("chart")).toHaveCount(1, { timeout: 30_000 });
  expect(errors).toEqual([]);
});

test("Close and Escape hide the Lab; the playground's keys stay out of it", async ({ page }) => {
  const errors = await open(page);
  await page.getByTestId("open-lab").click();
  const lab = page.locator("#lab");
  await expect(lab).toBeVisible();
  await expect(page.getByTestId("experiment-run")).toBeVisible();
  await expect(lab).toBeFocused();
  // Escape at once (the Lab's host has the focus) closes it.
  await page.keyboard.press("Escape");
  await expect(lab).toBeHidden();
  await expect(page.getByTestId("open-lab")).toBeFocused();
  await page.getByTestId("open-lab").click();
  await expect(lab).toBeFocused();
  await page.getByTestId("lab-close").click();
  await expect(lab).toBeHidden();
  await expect(page.getByTestId("open-lab")).toBeFocused();
  // Space on a Lab button is the Lab's, not the playground's Play.
  await page.getByTestId("open-lab").click();
  const position = await page.getByTestId("position").textContent();
  await page.getByTestId("lab-close").focus();
  await page.keyboard.press("Escape");
  await expect(lab).toBeHidden();
  await expect(page.getByTestId("open-lab")).toBeFocused();
  await page.getByTestId("open-lab").click();
  await page.getByTestId("experiment-name").focus();
  await page.keyboard.press(".");
  await page.getByTestId("lab-close").focus();
  await page.keyboard.press(".");
  await expect(page.getByTestId("position")).toHaveText(position);
  expect(errors).toEqual([]);
});

test("garbage sent as wildling:open is refused as an import and the session is kept", async ({ page }) => {
  const errors = await open(page);
  await page.getByTestId("setting-seed").fill("4242");
  await page.getByTestId("apply-settings").click();
  const position = await page.getByTestId("position").textContent();
  for (const detail of ['{"cluster": <b class="injected">not json</b>', 42]) {
    await page.evaluate((d) => window.dispatchEvent(new CustomEvent("wildling:open", { detail: d })), detail);
    await expect(page.getByTestId("import-error")).toContainText("Import failed: ");
    await expect(page.getByTestId("setting-seed")).toHaveValue("4242");
    await expect(page.getByTestId("position")).toHaveText(position);
  }
  await expect(page.getByTestId("import-error")).toHaveText("Import failed: the Lab sent no scenario text");
  // Too long: refused by its length before it is copied into the wasm.
  await page.evaluate(() => window.dispatchEvent(new CustomEvent("wildling:open", { detail: "x".repeat(3 << 20) })));
  await expect(page.getByTestId("import-error")).toHaveText(
    "Import failed: the Lab sent 3145728 characters; the limit is 1048576",
  );
  await expect(page.getByTestId("position")).toHaveText(position);
  // The markup in the detail stayed text.
  await expect(page.locator(".injected")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a Lab that cannot load says so, and the playground goes on", async ({ page }) => {
  await page.route("**/wildling-lab_bg.wasm", (route) => route.fulfill({ status: 404, body: "gone" }));
  const errors = await open(page);
  await page.getByTestId("open-lab").click();
  const notice = page.getByTestId("notice");
  await expect(notice).toContainText("The Experiments lab could not load: wildling-lab_bg.wasm");
  await expect(page.locator("#lab")).toBeHidden();
  await page.getByTestId("play").click();
  // Chromium logs the refused fetch itself; nothing else went wrong.
  expect(errors.filter((e) => !e.includes("status of 404"))).toEqual([]);
});
