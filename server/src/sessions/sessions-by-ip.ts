/**
 * Sessions by host address, for --sessions-per-ip and the eviction of provisional ones: how many
 * an address hosts, and its provisional ones oldest first. One Map for both, keyed by the
 * address's number (see AddressKey): a registration and a close each touch one entry, hashed at
 * once, rather than a count and a group in two Maps keyed by the address's text.
 */
import { type AddressKey, addressKey } from '../addresses.ts';
import type { Session } from './session.ts';

/** An address hosting more than one session: how many, and its provisional ones oldest first. */
class Group {
  count = 1;
  readonly provisional: Session[] = [];
}

export class SessionsByIp {
  /**
   * Most addresses host one session: it is kept as itself (provisional while it is unconfirmed),
   * and a group is made for the second. A group stays until its address hosts none.
   */
  private readonly byIp = new Map<AddressKey, Session | Group>();

  /** Sessions hosted from [ip] (its text or its key). */
  count(ip: AddressKey): number {
    const entry = this.byIp.get(addressKey(ip));
    return entry === undefined ? 0 : isGroup(entry) ? entry.count : 1;
  }

  /** The oldest provisional session of [ip]. */
  oldestProvisional(ip: AddressKey): Session | undefined {
    const entry = this.byIp.get(addressKey(ip));
    if (entry === undefined) return undefined;
    if (isGroup(entry)) return entry.provisional[0];
    return entry.confirmed ? undefined : entry;
  }

  /** Adds [session] (confirmed or not, as it is now). */
  add(session: Session): void {
    const key = addressKey(session.hostIp);
    const entry = this.byIp.get(key);
    if (entry === undefined) {
      this.byIp.set(key, session);
      return;
    }
    let group: Group;
    if (isGroup(entry)) {
      group = entry;
    } else {
      group = new Group();
      if (!entry.confirmed) group.provisional.push(entry);
      this.byIp.set(key, group);
    }
    group.count++;
    if (!session.confirmed) group.provisional.push(session);
  }

  /** [session], provisional until now, is confirmed: no longer among the provisional ones. Call before marking it. */
  confirm(session: Session): void {
    const entry = this.byIp.get(addressKey(session.hostIp));
    if (entry !== undefined && isGroup(entry)) without(entry.provisional, session);
  }

  remove(session: Session): void {
    const key = addressKey(session.hostIp);
    const entry = this.byIp.get(key);
    if (entry === undefined) return;
    if (!isGroup(entry)) {
      if (entry === session) this.byIp.delete(key);
      return;
    }
    if (--entry.count === 0) this.byIp.delete(key);
    else if (!session.confirmed) without(entry.provisional, session);
  }
}

function isGroup(entry: Session | Group): entry is Group {
  return entry instanceof Group; // A prototype check: sessions come in several shapes.
}

function without(sessions: Session[], session: Session): void {
  const at = sessions.indexOf(session);
  if (at >= 0) sessions.splice(at, 1);
}
