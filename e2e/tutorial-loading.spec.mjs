// Loading a tutorial from everything that loads a session: ?tutorial=<id>
// (fetched on use: the wasm holds only ids and titles), a file, a share link
// (which carries the whole tutorial), and the embed's load command. Each
// step shows its assertions' verdicts from the core; a bad tutorial is a
// message naming the field, and the session shown stays.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";

const siblings = JSON.parse(readFileSync("tutorials/siblings.json", "utf8"));

function watch(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

/** Fail on browser console errors except the 404 of a missing file. */
function realErrors(errors) {
  return errors.filter((e) => !e.includes("404"));
}

test("?tutorial=<id> fetches the built-in and shows each step's verdicts; an unknown id is the link banner", async ({ page }) => {
  const errors = watch(page);
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto("./?tutorial=siblings");
  await expect(page.getByTestId("tutorial-progress")).toHaveText(/^step 1 of 8/);
  expect(fetched).toContain("/wildling/tutorials/siblings.json");
  expect(fetched).toContain("/wildling/scenarios/partition-siblings.json");
  const verdicts = page.getByTestId("verdict");
  await expect(verdicts).toHaveCount(3);
  for (const v of await verdicts.all()) await expect(v).toHaveAttribute("data-passed", "true");
  await page.getByTestId("tutorial-next").click();
  await expect(page.getByTestId("tutorial-progress")).toHaveText(/^step 2 of 8/);
  await expect(verdicts).toHaveCount(2);

  await page.goto("about:blank");
  await page.goto("./?tutorial=no-such-one");
  await expect(page.getByTestId("link-banner")).toContainText('no tutorial called "no-such-one"');
  await expect(page.getByTestId("tutorial")).toHaveCount(0);
  expect(realErrors(errors)).toEqual([]);
});

test("a tutorial file imports; a bad one names the field and keeps the session", async ({ page }) => {
  const errors = watch(page);
  await page.goto("./");
  await page.getByTestId("scenario-picker").selectOption("quorum-success");
  await expect(page.getByTestId("position")).toHaveText(/^event 0\//);
  const before = await page.getByTestId("trace-hash").textContent();

  const bad = structuredClone(siblings);
  bad.steps[0].expect[0].replica.node = 9;
  await page.getByTestId("import-file").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.getByTestId("import-error")).toContainText("steps[0].expect[0].replica.node");
  await expect(page.getByTestId("trace-hash")).toHaveText(before);
  await expect(page.getByTestId("tutorial")).toHaveCount(0);

  const mine = { ...structuredClone(siblings), id: "mine", title: "My own siblings" };
  await page.getByTestId("import-file").setInputFiles({ name: "mine.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(mine)) });
  await expect(page.locator("#tutorial-title")).toHaveText("My own siblings");
  await expect(page.getByTestId("tutorial-progress")).toHaveText(/^step 1 of 8/);
  await expect(page.getByTestId("import-error")).toHaveCount(0);
  expect(realErrors(errors)).toEqual([]);
});

test("a link made while a tutorial is open carries it whole and opens it in a fresh context", async ({ page, browser }) => {
  const errors = watch(page);
  await page.goto("./");
  const mine = { ...structuredClone(siblings), id: "carried", title: "Carried in a link" };
  mine.steps[0].narration = "This narration exists only in the link.";
  await page.getByTestId("import-file").setInputFiles({ name: "mine.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(mine)) });
  await expect(page.locator("#tutorial-title")).toHaveText("Carried in a link");
  await page.getByTestId("copy-link").click();
  const link = await page.getByTestId("share-link").inputValue();
  expect(link).toContain("#w1.");

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherErrors = watch(other);
  await other.goto(link);
  await expect(other.locator("#tutorial-title")).toHaveText("Carried in a link");
  await expect(other.getByTestId("narration")).toHaveText("This narration exists only in the link.");
  await expect(other.getByTestId("tutorial-progress")).toHaveText(/^step 1 of 8/);
  await fresh.close();
  expect(realErrors(errors)).toEqual([]);
  expect(realErrors(otherErrors)).toEqual([]);
});

test("the embed's load command opens a tutorial by id or whole; a bad one is an error naming the field", async ({ page }) => {
  const errors = watch(page);
  await page.goto("./tutorial.html");
  const driven = () => page.evaluate(() => window.wildlingMessages.filter((m) => m.frame === "driven"));
  const last = async (type) => (await driven()).filter((m) => m.type === type).at(-1);
  const send = (m) => page.evaluate((m) => window.wildlingSend(m), m);
  await expect.poll(async () => (await last("ready"))?.tutorial, { timeout: 30_000 }).toBe("hinted-handoff");

  await send({ type: "load", tutorial: "lww" });
  await expect.poll(async () => (await last("state"))?.tutorial).toBe("lww");
  const atLww = await last("state");

  const bad = structuredClone(siblings);
  bad.steps[2].expect[0].replica = { node: 1, key: "no-such-key", values: [] };
  await send({ type: "load", tutorial: bad });
  await expect.poll(async () => (await last("error"))?.message ?? "").toContain("steps[2].expect[0].replica.key");
  await send({ type: "load", tutorial: "<b>no</b>" });
  await expect.poll(async () => (await driven()).filter((m) => m.type === "error").length).toBe(2);
  expect((await last("state")).traceHash).toBe(atLww.traceHash);
  expect((await last("state")).tutorial).toBe("lww");

  await send({ type: "load", tutorial: { ...siblings, id: "posted" } });
  await expect.poll(async () => (await last("state"))?.tutorial).toBe("posted");
  expect((await last("state")).steps).toBe(8);
  const frame = page.frameLocator("iframe#driven");
  await expect(frame.getByTestId("tutorial-verdicts")).toBeVisible();
  expect(realErrors(errors)).toEqual([]);
});

test("dist/tutorial.html's fourth section loads an author's file into a sandboxed embed", async ({ page }) => {
  const errors = watch(page);
  await page.goto("./tutorial.html");
  await expect(page.locator("iframe#own")).toHaveAttribute("sandbox", "allow-scripts");
  await page.locator("iframe#own").scrollIntoViewIfNeeded();
  const own = page.frameLocator("iframe#own");
  await expect(own.locator("#tutorial-title")).toHaveText("My first tutorial: a partition makes siblings", { timeout: 30_000 });
  await expect(own.getByTestId("tutorial-progress")).toHaveText(/^step 1 of 3/);
  for (let step = 1; step <= 3; step++) {
    const verdicts = own.getByTestId("verdict");
    await expect(verdicts.first()).toBeVisible();
    for (const v of await verdicts.all()) await expect(v).toHaveAttribute("data-passed", "true");
    if (step < 3) await own.getByTestId("tutorial-next").click();
  }
  await own.getByTestId("tutorial-back").click();
  await expect(own.getByTestId("tutorial-progress")).toHaveText(/^step 2 of 3/);
  expect(realErrors(errors)).toEqual([]);
});
