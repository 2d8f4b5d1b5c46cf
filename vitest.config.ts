/**
 * Two test projects in one run:
 * - `worker`: tests inside workerd through Cloudflare's pool, with real KV, D1 and rate-limit
 *   bindings from Miniflare (wrangler.toml), the D1 migrations applied in a setup file.
 * - `node`: tools that run in Node (the sites CLI, the programmatic local server).
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                TOKEN_KEY_CURRENT: "k2:test-current-secret-0123456789abcdefghijklmnop",
                TOKEN_KEY_PREVIOUS: "k1:test-previous-secret-0123456789abcdefghijklmno",
                SITE_CACHE_SECONDS: "0",
                STATS_FLUSH_SECONDS: "0",
                EMAIL_HASH_KEY: "test-email-hash-key-0123456789abcdefghijklmnop",
                SITE_SECRET_KEY: "test-site-secret-key-0123456789abcdefghijklmnop",
                MAIL_PROVIDER: "outbox",
                DEV_MODE: "true",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/setup.ts"],
          // Rate-limit tests wait for a fresh window (up to 8 s) and bursts of 100+ requests run
          // slowly on a loaded 2-core CI machine; 5 s (the default) failed there.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
