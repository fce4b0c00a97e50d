// `npm run bench`: the front-end timing targets, measured in headless Chromium.
import { defineConfig } from "vitest/config";
import { chromium } from "./vitest.config.js";

export default defineConfig({
  test: {
    include: ["bench/**/*.bench.test.js"],
    testTimeout: 120000,
    browser: {
      enabled: true,
      headless: true,
      provider: chromium,
      instances: [{ browser: "chromium" }],
      viewport: { width: 1200, height: 800 },
    },
  },
});
