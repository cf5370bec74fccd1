/**
 * What instances sharing Redis say to each other on their channels, and what the handlers do for
 * the pairing (cross-instance-pairing.ts).
 */
import type { Endpoint, Message } from '../generated/protocol.ts';
import type { NatReport } from '../nat/nat-book.ts';
import type { Match, WaitingEntry } from './match-script.ts';

/** The channel each instance listens on for the words of its strangers' matches. */
export const instanceChannel = (instance: string) => `shp:instance:${instance}`;

/** What the matching instance tells the waiting stranger's instance: who joins which session. */
export interface RemoteJoiner {
  readonly kind: 'joiner';
  /** The matching instance, which waits for the answer before it answers its stranger. */
  readonly replyTo: string;
  readonly sessionId: string;
  readonly remoteKey: string;
  readonly localKey: string;
  readonly secret?: string;
  readonly nat?: NatReport;
}

/**
 * A stranger's relay request, passed on by its instance to the instance holding the pair's
 * session (whose relay serves them both); its answers come back the same way, to [replyTo].
 */
export interface RemoteRelayRequest {
  readonly kind: 'relay_request';
  readonly sessionId: string;
  readonly fromKey: string;
  readonly peerKey: string;
  readonly from: Endpoint;
  readonly nonce?: string;
  /** Its RQ's round trips to the relay nodes, as sent. */
  readonly pings?: string;
  readonly replyTo: string;
}

/** An answer for a stranger of the receiving instance, sent by the instance that holds its pair's session. */
export interface RemoteAnswer {
  readonly kind: 'answer';
  readonly to: Endpoint;
  readonly message: Message;
}

/** The waiting stranger's instance's answer to a joiner: whether its stranger still waited and took it. */
export interface JoinerAnswer {
  readonly kind: 'joiner_answer';
  readonly sessionId: string;
  readonly remoteKey: string;
  readonly taken: boolean;
}

export type ChannelMessage = RemoteJoiner | RemoteRelayRequest | RemoteAnswer | JoinerAnswer;

/**
 * How telling the other instance of a match ended: its stranger took the joiner; it no longer
 * waited (its answer said so); Redis said nobody listened on its channel; the word was heard but
 * no answer came in time; or Redis went away before saying whether anybody heard it.
 */
export type TellOutcome = 'taken' | 'not_waiting' | 'unheard' | 'unanswered' | 'lost';

/** The outcome of a word that went out: the other instance's answer ([taken]), or none in time (undefined). */
export function answered(taken: boolean | undefined): TellOutcome {
  if (taken === undefined) return 'unanswered';
  return taken ? 'taken' : 'not_waiting';
}

/** What the handlers do for the pairing: answer another instance's word, and match a stranger queued again. */
export interface PairingHandlers {
  joiner: (joiner: RemoteJoiner) => boolean;
  relayRequest: (request: RemoteRelayRequest) => void;
  answer: (to: Endpoint, message: Message) => void;
  /** Whether a stranger of ours queued again may be matched now (it still waits alone, within its fair share). */
  mayMatchAgain: (entry: WaitingEntry) => boolean;
  /** Redis answered a stranger of ours queued again: its [match] when it was matched, null when queued. */
  queuedAgain: (entry: WaitingEntry, match: Match | null) => void;
}
