import { defineConfig } from 'vitest/config';

// End-to-end layer: the real server process and real headless Godot processes on loopback.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    globalSetup: ['e2e/global-setup.ts'],
  },
});
