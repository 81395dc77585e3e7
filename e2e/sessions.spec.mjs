// Session guarantees in the checker panel and on the space-time diagram, and
// the run's history downloaded for other tools (issue 18).
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { artifacts, load, open, playToQuiet } from "./helpers.mjs";

/** Make the page record the media type of each blob it links (a download's). */
async function recordDownloadTypes(page) {
  await page.addInitScript(() => {
    const create = URL.createObjectURL;
    window.blobTypes = [];
    URL.createObjectURL = (blob) => {
      window.blobTypes.push(blob.type);
      return create.call(URL, blob);
    };
  });
}

/** The file a click on `testid` downloads: its name, text and (with
 * `recordDownloadTypes`) media type. */
async function download(page, testid) {
  const pending = page.waitForEvent("download");
  await page.getByTestId(testid).click();
  const file = await pending;
  const type = await page.evaluate(() => window.blobTypes?.at(-1));
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8"), type };
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

/** The SVG text read by the browser's XML parser, as plain data. */
async function parseSvg(page, text) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const error = doc.querySelector("parsererror");
    const root = doc.documentElement;
    const attr = (sel, name) => [...root.querySelectorAll(sel)].map((e) => e.getAttribute(name));
    return {
      error: error ? error.textContent : null,
      ns: root.namespaceURI,
      name: root.localName,
      desc: root.querySelector("desc")?.textContent ?? "",
      paths: attr("path", "d"),
      ops: attr("path.mark", "data-ops").join(" ").split(" ").filter((s) => s),
      keyName: root.querySelector(".key-name")?.textContent ?? null,
    };
  }, text);
}

/** The same facts of the drawing the page shows now. */
async function shown(page, selector) {
  return page.locator(selector).evaluate((root) => {
    const attr = (sel, name) => [...root.querySelectorAll(sel)].map((e) => e.getAttribute(name));
    return {
      paths: attr("path", "d"),
      ops: attr("path.mark", "data-ops").join(" ").split(" ").filter((s) => s),
      keyName: root.querySelector(".key-name")?.textContent ?? null,
    };
  });
}

/** The drawing a click on `testid` downloads, checked: called `name`,
 * labelled image/svg+xml, the very bytes the CLI exported for the same run
 * (e2e/fixtures/make.sh writes e2e/fixtures/`name`), well-formed SVG. */
async function downloadSvg(page, testid, name) {
  const file = await download(page, testid);
  expect(file.name).toBe(name);
  expect(file.type).toBe("image/svg+xml");
  expect(file.text).toBe(readFileSync(`e2e/fixtures/${name}`, "utf8"));
  const svg = await parseSvg(page, file.text);
  expect(svg.error).toBeNull();
  expect([svg.ns, svg.name]).toEqual(["http://www.w3.org/2000/svg", "svg"]);
  return svg;
}

test("the space-time diagram and the ring download as SVG: the bytes `wildling export` writes for the run, labelled image/svg+xml", async ({ page }) => {
  await recordDownloadTypes(page);
  const errors = await open(page);
  await load(page, "session-guarantees");
  await playToQuiet(page);

  const svg = await downloadSvg(page, "export-svg-diagram", "session-guarantees.diagram.svg");
  expect(svg.ops.length).toBeGreaterThan(0);
  // Every operation drawn is in the text alternative, with its label.
  for (const op of new Set(svg.ops)) {
    expect(svg.desc, op).toMatch(new RegExp(`: ${op} `));
  }
  // The page draws from the same tree: every operation it marks is in the file.
  const live = await shown(page, ".lamport-svg");
  expect(live.ops.length).toBeGreaterThan(0);
  for (const op of live.ops) {
    expect(svg.ops).toContain(op);
  }

  const r = await downloadSvg(page, "export-svg-ring", "session-guarantees.ring.svg");
  // Nothing selected: the page's ring is the file's, path for path.
  const liveRing = await shown(page, ".ring-svg");
  expect(r.paths.length).toBeGreaterThan(0);
  expect(r.paths).toEqual(liveRing.paths);
  expect(r.keyName).toBe("cart");
  expect(liveRing.keyName).toBe("cart");

  // The history downloads are labelled with their own types.
  expect((await download(page, "export-edn")).type).toBe("application/edn");
  expect((await download(page, "export-porcupine")).type).toBe("application/json");
  expect((await download(page, "export-shiviz")).type).toBe("text/plain");
  expect(errors).toEqual([]);
});

test("the drawings the core makes answer clicks: a mark on the diagram selects its operation, a label on the ring its node", async ({ page }) => {
  const errors = await open(page);
  await load(page, "session-guarantees");
  await playToQuiet(page);
  const diagram = page.locator(".lamport-svg");
  await expect(diagram.locator(".mark-selected")).toHaveCount(0);
  await diagram.scrollIntoViewIfNeeded();
  // The first mark's centre (a dot's path starts at its left edge), on screen.
  const at = await diagram.evaluate((svg) => {
    const path = svg.querySelector("path.mark[data-ops]:not([data-ops=''])");
    const [, x, y, r] = path.getAttribute("d").match(/^M([\d.]+),([\d.]+)a([\d.]+)/).map(Number);
    const p = svg.createSVGPoint();
    p.x = x + r;
    p.y = y;
    const s = p.matrixTransform(svg.getScreenCTM());
    return { x: s.x, y: s.y, hit: document.elementFromPoint(s.x, s.y)?.getAttribute("class") };
  });
  expect(at.hit).toMatch(/^mark /);
  await page.mouse.click(at.x, at.y);
  // The operation is ringed where it was invoked and where it completed.
  await expect(diagram.locator(".mark-selected")).toHaveCount(2);

  const ring = page.locator(".ring-svg");
  const label = ring.locator(".ring-label").first();
  await expect(label).not.toHaveClass(/selected/);
  await label.click();
  await expect(label).toHaveClass(/selected/);
  await expect(ring.locator(".arc.selected").first()).toBeVisible();
  expect(errors).toEqual([]);
});
