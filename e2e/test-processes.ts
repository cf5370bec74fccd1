/** What the end-to-end tests share: processes and folders let go after each test, and a clean exit. */
import { rmSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import type { Player } from '../ci/harness/processes.ts';

/** Processes to kill and folders to remove after each test of the file that calls it. */
export function cleanedAfterEach(): { running: Array<{ kill(): void }>; dirs: string[] } {
  const running: Array<{ kill(): void }> = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.kill();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return { running, dirs };
}

/** Expects [p] to exit with 0, showing its last output when it does not. */
export async function succeeded(p: Player): Promise<void> {
  expect(await p.exited, `${p.label} exit code; output:\n${p.tail()}`).toBe(0);
}
