import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // fmin's ES module source has extensionless relative imports, which Node alone cannot resolve
          server: { deps: { inline: ['fmin'] } },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          // a page's figures after a rebuild come from the follow-up queries, which take seconds on a
          // busy 2-core CI machine; polls end as soon as they hold, so only a failure waits this long
          expect: { poll: { timeout: 15_000 } },
          globalSetup: ['test/browser/global-setup.ts'],
        },
      },
    ],
  },
});
