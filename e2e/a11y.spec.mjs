// Accessibility, audited: axe-core checks the whole page with every panel
// showing (every disclosure open, the diagrams' tables among them, a node and
// a message selected, the compare panel on, the share link and embed snippet
// shown; then a tutorial open; then the Lab open with an experiment's chart
// and its table twin) after a partition, a put and a get, in the
// light and the dark theme. Any violation fails, named with the elements it
// concerns.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { get, open, put } from "./helpers.mjs";

/** One line per element axe found at fault, for a readable failure. */
function describe(violations) {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
  );
}

/** The violations axe finds on the whole page, in the light and the dark theme. */
async function audit(page) {
  const found = {};
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    found[scheme] = describe((await new AxeBuilder({ page }).analyze()).violations);
  }
  return found;
}

test("axe finds no violation on any panel, in either theme, after a partition and a get", async ({ page }) => {
  // Six audits of a page of many tables: about 10 s each on a loaded machine.
  test.setTimeout(240_000);
  const errors = await open(page);
  // Concurrent puts on both sides of a partition, a get after the heal
  // (two siblings), then the partition again, so that it is drawn too.
  const split = async () => {
    await page.getByTestId("group-3").selectOption("2");
    await page.getByTestId("split").click();
    await expect(page.getByTestId("node-3")).toHaveAttribute("aria-label", /group 2/);
  };
  await split();
  await put(page, { client: 1, value: "eggs", node: 1, context: "none" });
  await put(page, { client: 2, value: "bread", node: 3, context: "none" });
  await page.getByTestId("heal").click();
  const got = await get(page, { client: 1, node: 1 });
  await expect(got.getByTestId("sibling")).toHaveCount(2);
  await split();
  await page.getByTestId("compare-mode").selectOption("lww");
  await page.getByTestId("node-1").click();
  // Every disclosure open, so that what it holds is audited too.
  await page.locator("details").evaluateAll((all) => all.forEach((d) => (d.open = true)));
  await expect(page.getByTestId("trace")).toBeVisible();
  // The diagrams' tables drawn; a message selected from one of them.
  for (const id of ["ring-facts", "network-facts", "lamport-facts"]) {
    await expect(page.getByTestId(id).locator("table").first()).toBeVisible();
  }
  await page.getByTestId("lamport-facts").locator("tbody button").first().click();
  await expect(page.getByTestId("message-detail")).toBeVisible();
  // The share toolbar's link and embed snippet showing too.
  await page.getByTestId("copy-link").click();
  await expect(page.getByTestId("share-link")).toBeVisible();
  await page.getByTestId("embed-button").click();
  await expect(page.getByTestId("embed-snippet")).toBeVisible();
  expect(await audit(page)).toEqual({ light: [], dark: [] });
  // A tutorial open, on its second step.
  const picker = page.getByTestId("tutorial-picker");
  const first = (await picker.locator("option").evaluateAll((os) => os.map((o) => o.value))).find(Boolean);
  await picker.selectOption(first);
  await page.getByTestId("tutorial-next").click();
  await expect(page.getByTestId("tutorial-progress")).toHaveText(/^step 2 of/);
  expect(await audit(page)).toEqual({ light: [], dark: [] });
  // The Lab (crates/lab) open over the playground: a small experiment run,
  // its chart, a hovered point's value and the chart's table twin showing.
  await page.getByTestId("open-lab").click();
  await page.getByTestId("experiment-name").selectOption("staleness");
  await page.getByTestId("experiment-end").fill("2");
  await page.getByTestId("experiment-run").click();
  await expect(page.getByTestId("chart")).toHaveCount(1, { timeout: 30_000 });
  await page.locator("#lab .point").first().hover();
  await expect(page.getByTestId("chart-hover")).not.toBeEmpty();
  await page.locator("#lab details").evaluateAll((all) => all.forEach((d) => (d.open = true)));
  await expect(page.getByTestId("chart-table")).toBeVisible();
  expect(await audit(page)).toEqual({ light: [], dark: [] });
  expect(errors).toEqual([]);
});
