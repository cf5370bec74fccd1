/** Waiting for what a server or a peer does asynchronously: polled, bounded. */

/** Waits until [condition] holds, polling every 2 ms; throws after [ms], naming [what]. */
export async function waitUntil(condition: () => boolean, what = 'the condition', ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
