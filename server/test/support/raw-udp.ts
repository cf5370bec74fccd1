/**
 * Spoofed UDP for attack tests: datagrams with any source address and port (0 included), sent
 * through a raw socket by raw_udp.py. Root only, loopback only.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Endpoint } from '../../src/generated/protocol.ts';

const SCRIPT = resolve(import.meta.dirname, 'raw_udp.py');

export interface RawDatagram {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly payload: Uint8Array | string;
}

/** Why raw sockets cannot be used here, or null when they can. */
export function rawUnavailable(): string | null {
  return process.getuid?.() === 0 ? null : 'raw sockets need root';
}

/** Sends every datagram, in order; resolves with how many left the raw socket. */
export function sendRaw(datagrams: readonly RawDatagram[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn('python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', fail);
    child.on('close', (code) => {
      const match = /sent (\d+)/.exec(out);
      if (code !== 0 || !match) fail(new Error(`raw_udp.py exited ${code}: ${err.trim()}`));
      else done(Number(match[1]));
    });
    for (const d of datagrams) {
      const payload = typeof d.payload === 'string' ? Buffer.from(d.payload, 'latin1') : Buffer.from(d.payload);
      child.stdin.write(`${d.from.address} ${d.from.port} ${d.to.address} ${d.to.port} ${payload.toString('hex')}\n`);
    }
    child.stdin.end();
  });
}
