import { defineConfig } from 'vitest/config';

// Unit and integration layer: schema, codegen, server (real UDP sockets on loopback).
export default defineConfig({
  test: {
    include: ['codegen/test/**/*.test.ts', 'server/test/**/*.test.ts', 'ci/test/**/*.test.ts'],
    testTimeout: 20_000,
    // Most tests wait on sockets and timers, not the CPU: two files at a time even on two cores.
    maxWorkers: 2,
  },
});
