/** Types of the protocol schema: what a message, a field, a signal and an API call are. */

/**
 * Who sends a message to whom. `game_connection`: between a player and the host over the game's
 * own ENet connection, once the handover is done (authentication and raw packets of the node
 * that runs the game peer); its codes are `SHP-` and capital letters, and no server sees them.
 */
export type Direction = 'client_to_server' | 'server_to_client' | 'peer_to_peer' | 'game_connection';

/**
 * Wire type of one payload field.
 * - `key`: 12 lowercase letters, six bigrams naming an IPv4 address and port.
 * - `session_id`: a server key followed by a random suffix of bigrams.
 * - `name`: a player alias, printable ASCII without `:`, at most `maxNameLength` bytes (what original peers accept).
 * - `text`: ours: an alias, payload or reason between two peers of ours, printable ASCII without `:`,
 *   empty or at most `maxTextLength` bytes (32 characters of any script, percent-encoded).
 * - `token`: 16 lowercase letters, eight random bigrams (a relay's secret for one side).
 * - `literal`: a fixed placeholder word (the field's `literal`).
 * - `word`: one of a fixed set of lowercase words (the field's `values`), such as a reason.
 * - `peer_id`: an ENet peer id in decimal: 0 (not connected yet) or 2 to 2^31-1, at most 10 digits.
 * - `count`: ours: a number in decimal, 0 to 2^31-1, no leading zeros (players, a cap, a page cursor).
 */
export type FieldType = 'key' | 'session_id' | 'name' | 'text' | 'token' | 'literal' | 'word' | 'peer_id' | 'count';

export interface FieldSpec {
  /** snake_case; code generators derive each target's identifier from it. */
  readonly name: string;
  readonly type: FieldType;
  readonly doc: string;
  /** For `literal` fields: the exact text on the wire. */
  readonly literal?: string;
  /** For `word` fields: every word the field may hold. */
  readonly values?: readonly string[];
  /**
   * The trailing fields may repeat, together as one record: they take every remaining
   * `:`-separated part, `minCount` to `maxCount` records of them.
   */
  readonly repeated?: boolean;
  /** For repeated fields (the first of the record): fewest records; 1 when absent. */
  readonly minCount?: number;
  /** For repeated fields (the first of the record): most records. Every repeated field needs one. */
  readonly maxCount?: number;
  /** For `text` fields: most bytes on the wire, when fewer than `maxTextLength` (listing metadata) or more (padding). */
  readonly maxLength?: number;
  /** For `token` fields: the value may be empty (an empty part on the wire; a `text` always may). */
  readonly blank?: boolean;
  /** For `word` fields that carry a reason an attempt fails: the `failures` name of each value. */
  readonly failures?: Readonly<Record<string, string>>;
  /**
   * An extension of ours at the end of a message: decoders accept the message with or without
   * it, encoders leave it out when it is empty. Only trailing fields may be optional, so the
   * original wire format stays exactly as it was for peers that never send them.
   */
  readonly optional?: boolean;
}

export interface MessageSpec {
  /** Two capital letters, the first two bytes of the datagram; `SHP-` and capital letters on the game connection. */
  readonly code: string;
  /** snake_case name, as in the original project (leading `_` dropped). */
  readonly name: string;
  readonly direction: Direction;
  /** `relay`: sent to or from a relay port rather than the rendezvous port. */
  readonly port?: 'relay';
  readonly doc: string;
  /** Payload fields in wire order; none only on the game connection (the code alone). */
  readonly fields: readonly FieldSpec[];
}

/**
 * GDScript types that signals and API parameters use. `Failure` is the generated enum of the
 * schema's `failures`; `Error` is Godot's error enum, which API calls return; `HolePunchNat.NatType`
 * is the NAT diagnosis's enum.
 */
export type ScriptType = 'int' | 'String' | 'float' | 'bool' | 'Dictionary' | 'Array' | 'Error' | 'MultiplayerPeer' | 'Failure' | 'HolePunchNat.NatType';

export interface ParamSpec {
  readonly name: string;
  readonly type: ScriptType;
  readonly doc: string;
}

export interface SignalSpec {
  readonly name: string;
  readonly doc: string;
  readonly params: readonly ParamSpec[];
}

export interface ApiSpec {
  readonly name: string;
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  /** GDScript return type; `void` when absent. */
  readonly returns?: ScriptType;
  /** A static function of the class (it needs no node). */
  readonly static?: boolean;
}

/** One reason an attempt can fail, a value of the generated `Failure` enum. */
export interface FailureSpec {
  /** snake_case; the enum value is its upper case. */
  readonly name: string;
  readonly doc: string;
}

/** An exported setting of the HolePunch node, shown in the inspector under its group. */
export interface SettingSpec {
  readonly name: string;
  readonly type: ScriptType;
  readonly default: number | boolean | string;
  readonly doc: string;
  /** Inspector range for numbers: minimum, maximum and, optionally, step. */
  readonly range?: readonly [number, number] | readonly [number, number, number];
  /** Unit shown after the value in the inspector, such as `s`. */
  readonly unit?: string;
  /** A String the inspector hides as it is typed (a password). */
  readonly secret?: boolean;
}

export interface SettingGroup {
  readonly group: string;
  readonly settings: readonly SettingSpec[];
}

/** The HolePunch node itself: its class documentation and settings (signals and API are above). */
export interface NodeSpec {
  /** Lines of the class documentation Godot's help shows, BBCode allowed. */
  readonly doc: readonly string[];
  readonly settings: readonly SettingGroup[];
}

export interface WireLimits {
  /** Longest datagram either side accepts, in bytes. */
  readonly maxDatagramBytes: number;
  /** Longest alias in a `name` field (what original peers accept), in bytes on the wire. */
  readonly maxNameLength: number;
  /** Longest alias, payload or reason of ours, in characters (Unicode code points). */
  readonly maxTextCharacters: number;
  /** Longest `text` field, in bytes on the wire: `maxTextCharacters` of 4 UTF-8 bytes, each escaped as `%XX`. */
  readonly maxTextLength: number;
  /** Most names one RD message carries. */
  readonly maxNames: number;
  /** Allowed session-id suffix lengths, in bigrams. */
  readonly minSuffixBigrams: number;
  readonly maxSuffixBigrams: number;
}

/** A value both sides must spell the same, such as the placeholder key of no address. */
export interface ConstantSpec {
  /** snake_case; `NO_KEY` in both targets. */
  readonly name: string;
  /** A word, or a list of words (such as the NAT types that several fields take). */
  readonly value: string | readonly string[];
  readonly doc: string;
}

export interface ProtocolSpec {
  readonly messages: readonly MessageSpec[];
  /** Shared wire constants. */
  readonly constants?: readonly ConstantSpec[];
  readonly signals: readonly SignalSpec[];
  readonly api: readonly ApiSpec[];
  /** Why an attempt failed: the `Failure` enum that the `failed` signal carries. */
  readonly failures?: readonly FailureSpec[];
  readonly node: NodeSpec;
  readonly limits: WireLimits;
  /** 256 distinct two-letter strings: entry b encodes byte value b. */
  readonly bigrams: readonly string[];
}
