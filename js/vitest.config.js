// Vitest 4 in browser mode: the units run in real Chromium (Debian's, never a downloaded
// one) through the Playwright provider, headless.
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

export const chromium = playwright({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
});

export default defineConfig({
  test: {
    include: ["src/**/*.test.js"],
    testTimeout: 30000,
    browser: {
      enabled: true,
      headless: true,
      provider: chromium,
      instances: [{ browser: "chromium" }],
      viewport: { width: 1200, height: 800 },
    },
  },
});
