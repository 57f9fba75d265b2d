import { defineConfig } from 'vitest/config';
// `npm run bench` only: the sweep benchmark (test/bench/*.bench.ts), root + Linux, serial. Not part of
// `npm test` (test/**/*.test.ts) or `npm run test:lab` (test/lab/**/*.test.ts).
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['verbose'],
  },
});
