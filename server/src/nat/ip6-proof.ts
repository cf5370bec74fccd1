/**
 * Proof that a node receives at an IPv6 address and port, kept by nobody: the server answers NP
 * arriving over IPv6 with a keyed MAC of the source address and port it saw and the node's nonce
 * (IA, sent only to that source), and checks the MAC when the node claims the address in HS, JS
 * or RS. A spoofer can send from any address but never receives the MAC of one it does not hold,
 * so an address passed on to a peer (who will punch it) is always the claimant's own. The secret
 * is drawn at start and never leaves the process; a proof is good for one to two minutes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BIGRAMS, TOKEN_LENGTH } from '../generated/protocol.ts';
import { ip6FromTokens } from './ip6-address.ts';

/** A proof is minted in one window and accepted in it and the next. */
export const PROOF_WINDOW_MS = 60_000;

/** What a request claims: the address (two tokens), its port, the request's nonce and the proof. */
export interface Ip6Claim {
  readonly prefix: string;
  readonly host: string;
  readonly port: number;
  readonly nonce: string;
  readonly proof: string;
}

export class Ip6Proof {
  constructor(
    private readonly now: () => number,
    private readonly secret: Buffer = randomBytes(32),
  ) {}

  /** The proof for [address] (16 bytes) and [port] with [nonce], minted now. */
  mint(address: Uint8Array, port: number, nonce: string): string {
    return this.mac(address, port, nonce, this.window());
  }

  /** Whether [claim]'s proof was minted by this server for exactly its address, port and nonce, lately. */
  verify(claim: Ip6Claim): boolean {
    if (claim.proof.length !== TOKEN_LENGTH) return false;
    const address = ip6FromTokens(claim.prefix, claim.host);
    const given = Buffer.from(claim.proof, 'latin1');
    const window = this.window();
    let ok = false;
    // Both windows are always checked: the time taken does not tell which one matched.
    for (const w of [window, window - 1]) ok = timingSafeEqual(Buffer.from(this.mac(address, claim.port, claim.nonce, w), 'latin1'), given) || ok;
    return ok;
  }

  private window(): number {
    return Math.floor(this.now() / PROOF_WINDOW_MS);
  }

  private mac(address: Uint8Array, port: number, nonce: string, window: number): string {
    const head = Buffer.alloc(6);
    head.writeUInt32BE(window >>> 0);
    head.writeUInt16BE(port, 4);
    const digest = createHmac('sha256', this.secret).update('shp-ip6\0').update(head).update(address).update(nonce, 'latin1').digest();
    return Array.from(digest.subarray(0, TOKEN_LENGTH / 2), (b) => BIGRAMS[b]!).join('');
  }
}
