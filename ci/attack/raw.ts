/**
 * Spoofed datagrams for the whole run: one long-lived raw_udp.py (the test support's raw-socket
 * sender) fed line by line, so attacks can send from any source address and port, 0 included.
 * Root only; without root the spoofing attacks are skipped and say so.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Endpoint } from '../../server/src/generated/protocol.ts';

const SCRIPT = resolve(import.meta.dirname, '../../server/test/support/raw_udp.py');

export class RawSender {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly finished: Promise<number>;
  queued = 0;

  private constructor() {
    this.child = spawn('python3', [SCRIPT]);
    let out = '';
    this.child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    this.child.stderr.on('data', (chunk: Buffer) => { process.stderr.write(`raw_udp.py: ${chunk.toString()}`); });
    this.finished = new Promise((done) => this.child.on('close', () => done(Number(/sent (\d+)/.exec(out)?.[1] ?? 0))));
  }

  static available(): boolean {
    return process.getuid?.() === 0;
  }

  static open(): RawSender {
    return new RawSender();
  }

  send(from: Endpoint, to: Endpoint, payload: string | Uint8Array): void {
    if (this.child.stdin.destroyed) return;
    const hex = (typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload)).toString('hex');
    this.child.stdin.write(`${from.address} ${from.port} ${to.address} ${to.port} ${hex}\n`);
    this.queued++;
  }

  /** Ends the sender; resolves with how many datagrams left the raw socket. */
  close(): Promise<number> {
    this.child.stdin.end();
    return this.finished;
  }
}
