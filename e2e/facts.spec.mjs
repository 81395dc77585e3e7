// The diagrams' text alternatives: the ring, the network and the space-time
// diagram each have tables of the facts they draw, from the same view, that
// a screen reader walks cell by cell (components/facts.rs).
import { test, expect } from "@playwright/test";
import { load, open, playToQuiet, scrub } from "./helpers.mjs";

/** Open a diagram's text alternative; its tables by caption. */
async function facts(page, testid) {
  const details = page.getByTestId(testid);
  await details.locator("summary").click();
  // The tables are drawn when the disclosure's `toggle` event comes, a task
  // after the click (components/facts.rs): wait for them before reading.
  await expect(details.locator("table").first()).toBeVisible();
  return (caption) => details.locator("table", { has: page.locator("caption", { hasText: caption }) });
}

/** A table's body rows as arrays of cell texts (the row's header first). */
function cells(table) {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent.trim())),
  );
}

test("the ring, network and space-time diagrams each have tables of what they draw", async ({ page }) => {
  const errors = await open(page);
  await load(page, "partition-siblings");
  // Step until the first put is on the wire.
  for (let i = 0; i < 3; i++) await page.getByTestId("step").click();
  await expect(page.locator(".network p.muted").first()).toContainText(/^[1-9]\d* in flight/);

  // The ring: a row per partition arc, with the owner the arc's tooltip names.
  const ring = await facts(page, "ring-facts");
  const arcs = await page.locator(".ring-svg path.arc title").allTextContents();
  expect(arcs.length).toBeGreaterThan(0);
  const partitions = await cells(ring("Partitions"));
  expect(partitions.map(([p, owner]) => `${p} owned by ${owner}`)).toEqual(arcs);
  for (const [, , from, to] of partitions) expect(Number(from)).toBeLessThan(Number(to));

  // The network: a row per node, saying what the node's own name says.
  const network = await facts(page, "network-facts");
  const nodes = await cells(network("Nodes"));
  expect(nodes.map(([id]) => id)).toEqual(["n1", "n2", "n3"]);
  for (const [id, state, , keys] of nodes) {
    const label = await page.getByTestId(`node-${id.slice(1)}`).getAttribute("aria-label");
    expect(label.startsWith(`${id}: ${state}, ${keys} keys`)).toBe(true);
  }
  // As many messages in flight as the drawing says, each selectable.
  const inFlight = Number((await page.locator(".network p.muted").first().textContent()).match(/^(\d+)/)[1]);
  const wire = network("Messages in flight");
  await expect(wire.locator("tbody tr")).toHaveCount(inFlight);
  const [first] = await cells(wire);
  expect(first[5]).toMatch(/^in flight, due at t=\d+$/);
  await wire.locator("tbody tr").first().getByRole("button").click();
  const detail = page.getByTestId("message-detail");
  await expect(detail).toContainText(`Message ${first[0]} · ${first[1]} · ${first[2]}→${first[3]}`);
  await expect(detail).toContainText(first[5]);

  // The space-time diagram: every message sent so far; then, the run over
  // and scrubbed back to the first event at or after the partition's heal
  // (t=80; the diagram shows the last 120 ticks), its events in time order.
  const lamport = await facts(page, "lamport-facts");
  const sent = Number((await page.locator(".timebar").textContent()).match(/(\d+) sent/)[1]);
  await expect(lamport("Messages").locator("tbody tr")).toHaveCount(sent);
  await playToQuiet(page);
  const now = async () => Number((await page.getByTestId("now").textContent()).slice(2));
  let [lo, hi] = [0, Number(await page.getByTestId("scrubber").getAttribute("max"))];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    await scrub(page, mid);
    if ((await now()) >= 80) hi = mid;
    else lo = mid + 1;
  }
  await scrub(page, lo);
  const events = await cells(lamport("Events"));
  const times = events.map(([t]) => Number(t.slice(2)));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(events).toContainEqual(["t=80", "whole network", "heal"]);
  for (const [, lane] of events) expect(["n1", "n2", "n3", "c1", "c2", "whole network"]).toContain(lane);
  await playToQuiet(page);
  // The network tables follow the model: nothing is in flight any more.
  await expect(page.getByTestId("network-facts")).toContainText("Messages in flight: none");
  expect(errors).toEqual([]);
});
