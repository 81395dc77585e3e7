// The app shell: the release build loads under a sub-path and renders text
// that only wildling-core could have computed.
import { test, expect } from "@playwright/test";

test("the release build renders the model's output", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  await page.goto("./");
  await expect(page.getByRole("heading", { name: "Wildling" })).toBeVisible();
  await expect(page.locator(".core-version")).toHaveText(/^wildling-core \d+\.\d+\.\d+$/);
  // SHA-1("foo") starts 0x0b: its top six bits put it in partition 2 of 64.
  await expect(page.locator(".ring-summary")).toHaveText(/^"foo" → p2 → \[n\d, n\d, n\d\]$/);
  await page.screenshot({ path: "e2e/artifacts/shell.png", fullPage: true });
  expect(errors).toEqual([]);
});
