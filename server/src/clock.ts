/**
 * The server's clock: milliseconds from a monotonic source. Every timer (rate limits, expiry,
 * relay idle times) reads this, so a wall-clock step (NTP, a VM resumed, an operator's `date`)
 * neither refills a bucket nor expires a session.
 */
import { performance } from 'node:perf_hooks';

export const monotonicNow = (): number => performance.now();
