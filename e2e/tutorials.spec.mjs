// Every guided tutorial can be clicked through to its end, and Back replays
// to exactly the state the learner saw at the previous step.
import { test, expect } from "@playwright/test";
import { mkdirSync } from "node:fs";

const artifacts = "e2e/artifacts";
mkdirSync(artifacts, { recursive: true });

test("every tutorial can be clicked through to the end, and Back works", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto("./");
  const picker = page.getByTestId("tutorial-picker");
  const ids = (await picker.locator("option").evaluateAll((os) => os.map((o) => o.value))).filter(Boolean);
  expect(ids).toHaveLength(10);
  for (const id of ids) {
    await page.getByTestId("tutorial-picker").selectOption(id);
    const progress = page.getByTestId("tutorial-progress");
    await expect(progress).toHaveText(/^step 1 of (\d+)/);
    const steps = Number((await progress.textContent()).match(/of (\d+)/)[1]);
    await expect(page.getByTestId("tutorial-back")).toBeDisabled();
    const hashes = [];
    for (let step = 1; step <= steps; step++) {
      await expect(progress).toHaveText(new RegExp(`^step ${step} of ${steps}`));
      await expect(page.getByTestId("narration")).not.toHaveText("");
      const until = (await progress.textContent()).match(/t=(\d+)/)[1];
      await expect(page.getByTestId("now")).toHaveText(`t=${until}`);
      hashes.push(await page.getByTestId("trace-hash").textContent());
      if (id === "dvvset") await expect(page.getByTestId("kernel-step")).toBeVisible();
      if (step < steps) await page.getByTestId("tutorial-next").click();
    }
    await expect(page.getByTestId("tutorial-next")).toBeDisabled();
    await page.screenshot({ path: `${artifacts}/tutorial-${id}-end.png` });
    if (steps > 1) {
      await page.getByTestId("tutorial-back").click();
      await expect(progress).toHaveText(new RegExp(`^step ${steps - 1} of`));
      await expect(page.getByTestId("trace-hash")).toHaveText(hashes[steps - 2]);
    }
  }
  expect(errors).toEqual([]);
});
