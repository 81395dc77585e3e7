// Session guarantees in the checker panel and on the space-time diagram, and
// the run's history downloaded for other tools (issue 18).
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { artifacts, load, open, playToQuiet } from "./helpers.mjs";

/** The file a click on `testid` downloads: its name and text. */
async function download(page, testid) {
  const pending = page.waitForEvent("download");
  await page.getByTestId(testid).click();
  const file = await pending;
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

test("a broken session guarantee is listed, and selecting it connects the read and the write it missed on the diagram", async ({ page }) => {
  const errors = await open(page);
  await load(page, "session-guarantees");
  await playToQuiet(page);
  const verdict = page.getByTestId("check-verdict");
  await expect(verdict.getByTestId("check-counts")).toContainText("4 broken session guarantees");
  for (const name of ["read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads"]) {
    await expect(verdict.getByTestId(`finding-${name}`)).toHaveCount(1);
  }
  const ryw = verdict.getByTestId("finding-read-your-writes");
  await expect(ryw).toContainText(/read your writes: c1's get (op\d+) of cart does not see (op\d+)/);
  const [, at, missed] = (await ryw.textContent()).match(/get (op\d+) of cart does not see (op\d+)/);
  // The finding names both operations, the read first.
  await expect(ryw.getByTestId("finding-op")).toHaveText([at, missed]);
  await expect(page.getByTestId("violation-pair")).toHaveCount(0);

  await ryw.getByTestId("finding-show").click();
  await expect(ryw).toHaveClass(/selected/);
  await expect(ryw.getByTestId("finding-show")).toHaveAttribute("aria-pressed", "true");
  const pair = page.getByTestId("violation-pair");
  await expect(pair).toHaveAttribute("data-at", at);
  await expect(pair).toHaveAttribute("data-missed", missed);
  await expect(pair.getByTestId("violation-at")).toHaveAttribute("data-op", at);
  await expect(pair.getByTestId("violation-missed")).toHaveAttribute("data-op", missed);
  // The line joins the two rings: its ends are their centres.
  const ends = await pair.evaluate((g) => {
    const line = g.querySelector("[data-testid=violation-link]");
    const ring = (role) => g.querySelector(`[data-testid=violation-${role}]`);
    const c = (r) => [Number(r.getAttribute("cx")), Number(r.getAttribute("cy"))];
    return {
      from: [Number(line.getAttribute("x1")), Number(line.getAttribute("y1"))],
      to: [Number(line.getAttribute("x2")), Number(line.getAttribute("y2"))],
      missed: c(ring("missed")),
      at: c(ring("at")),
    };
  });
  expect(ends.from).toEqual(ends.missed);
  expect(ends.to).toEqual(ends.at);
  // The missed write is on client 1's lane, and was acknowledged before the read: left of it.
  expect(ends.missed[0]).toBeLessThan(ends.at[0]);
  await page.locator(".lamport").screenshot({ path: `${artifacts}/session-guarantee-violation.png` });

  // Another violation moves the pair; selecting the same one again clears it.
  const mw = verdict.getByTestId("finding-monotonic-writes");
  await mw.getByTestId("finding-show").click();
  await expect(ryw).not.toHaveClass(/selected/);
  const [, put, earlier] = (await mw.textContent()).match(/put (op\d+) of cart does not follow (op\d+)/);
  await expect(pair).toHaveAttribute("data-at", put);
  await expect(pair).toHaveAttribute("data-missed", earlier);
  await mw.getByTestId("finding-show").click();
  await expect(page.getByTestId("violation-pair")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the run's history downloads as Jepsen EDN, Porcupine JSON and a ShiViz log, each carrying every operation", async ({ page }) => {
  const errors = await open(page);
  await load(page, "partition-siblings");
  await playToQuiet(page);
  const ops = await page.getByTestId("op-result").count();
  expect(ops).toBeGreaterThan(0);

  const edn = await download(page, "export-edn");
  expect(edn.name).toBe("partition-siblings.history.edn");
  const maps = edn.text.split("\n").filter((l) => l.startsWith("{"));
  const invokes = maps.filter((l) => l.includes(":type :invoke"));
  expect(invokes.length).toBeGreaterThanOrEqual(ops);
  expect(maps.length).toBe(2 * invokes.length);
  for (const line of maps) {
    expect(line).toMatch(/^\{:index \d+, :type :(invoke|ok|fail|info), :f :(read|write), :process \d+, :value \[.*\], :time \d+\}$/);
  }

  const porcupine = await download(page, "export-porcupine");
  expect(porcupine.name).toBe("partition-siblings.history.json");
  const history = JSON.parse(porcupine.text);
  // Porcupine leaves out failed reads (they change nothing).
  const failed = maps.filter((l) => l.includes(":type :fail")).length;
  expect(history.length).toBe(invokes.length - failed);
  for (const op of history) {
    expect(Object.keys(op).sort()).toEqual(["call", "client_id", "input", "output", "return"]);
    expect(op.call).toBeLessThanOrEqual(op.return);
  }

  const shiviz = await download(page, "export-shiviz");
  expect(shiviz.name).toBe("partition-siblings.history.log");
  // ShiViz applies its regular expression line by line; every line matches
  // and its clock is a JSON object naming its own host.
  const notice = page.getByTestId("notice");
  await expect(notice).toContainText("ShiViz: paste the log and this regular expression:");
  const source = (await notice.textContent()).split("regular expression: ")[1].replace(/×$/, "").trim();
  const regex = new RegExp(`^${source}$`);
  const lines = shiviz.text.split("\n").filter((l) => l.length > 0);
  expect(lines.length).toBeGreaterThan(2 * invokes.length);
  for (const line of lines) {
    const m = line.match(regex);
    expect(m, line).not.toBeNull();
    const clock = JSON.parse(m.groups.clock);
    expect(clock[m.groups.host], line).toBeGreaterThan(0);
  }
  expect(lines.filter((l) => / invoke op\d+ /.test(l)).length).toBe(invokes.length);
  expect(errors).toEqual([]);
});
