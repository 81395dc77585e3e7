// Helpers the end-to-end specs share: open the app, load a scenario, play,
// scrub, put and get through the UI.
import { expect } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const artifacts = "e2e/artifacts";
mkdirSync(artifacts, { recursive: true });

/** Open the app, fail the test on any page error or console error. */
export async function open(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto("./");
  await expect(page.getByRole("heading", { name: "Wildling" })).toBeVisible();
  await page.getByLabel("Speed (ticks per second)").selectOption("64");
  return errors;
}

export async function load(page, name) {
  await page.getByTestId("scenario-picker").selectOption(name);
  // Built-in scenarios are fetched: wait until the page shows the one picked,
  // not the session it had while the fetch was on its way.
  await expect(page.getByTestId("scenario-loaded")).toHaveAttribute("data-scenario", name);
  await expect(page.getByTestId("position")).toHaveText(/^event 0\//);
}

/** Play until nothing is scheduled. */
export async function playToQuiet(page) {
  await page.getByLabel("Speed (ticks per second)").selectOption("256");
  await page.getByTestId("play").click();
  await expect(page.getByText("quiet: nothing scheduled", { exact: false })).toBeVisible({ timeout: 30_000 });
}

/** Move the scrubber to `value` as a user dragging it would. */
export async function scrub(page, value) {
  await moveScrubber(page, value);
  await expect(page.getByTestId("position")).toHaveText(new RegExp(`^event ${value}/`));
}

/** Move the scrubber to `value` as a user's drag does, without waiting for the seek. */
export async function moveScrubber(page, value) {
  await page.getByTestId("scrubber").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

export async function put(page, { client, value, node, context = "last-get" }) {
  const before = await page.getByTestId("op-result").count();
  await page.getByTestId("op-client").selectOption(String(client));
  await page.getByTestId("put-value").fill(value);
  await page.getByTestId("put-node").selectOption(String(node));
  await page.getByTestId("put-context").selectOption(context);
  await page.getByTestId("put").click();
  await expect(page.getByTestId("op-result")).toHaveCount(before + 1);
  const result = page.getByTestId("op-result").first();
  await expect(result.getByTestId("op-outcome")).toHaveText("ok: W replicas hold it");
}

export async function get(page, { client, node }) {
  const before = await page.getByTestId("op-result").count();
  await page.getByTestId("op-client").selectOption(String(client));
  await page.getByTestId("get-node").selectOption(String(node));
  await page.getByTestId("get").click();
  await expect(page.getByTestId("op-result")).toHaveCount(before + 1);
  const result = page.getByTestId("op-result").first();
  await expect(result).toHaveAttribute("data-status", "ok");
  return result;
}
