// End-to-end tests drive the release build (dist/) in Debian's Chromium.
// Playwright never downloads a browser here.
import { defineConfig } from "@playwright/test";

// E2E_PORT lets several suites run on one machine at once.
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.mjs",
  outputDir: "artifacts/test-output",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "artifacts/report.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}/wildling/`,
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  webServer: {
    command: `node e2e/serve.mjs ${port} dist /wildling/`,
    cwd: "..",
    url: `http://127.0.0.1:${port}/wildling/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
