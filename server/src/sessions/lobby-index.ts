/**
 * The publicly listed sessions, indexed for LS: in listing order (by `seq`), and by each
 * metadata value. A filtered page starts at the smallest bucket its filters name, finds its
 * cursor there by binary search and reads on in order, so it costs the page and the entries it
 * skips, never a walk over every listed session.
 */
import type { Listing, Session } from './session.ts';

/** The metadata an LS may filter on, exactly. */
export const FILTER_FIELDS = ['name', 'mode', 'map', 'version'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
/** Exact values a listed session must have; an empty or absent one matches any. */
export type ListingFilter = Partial<Record<FilterField, string>>;

/** Sessions in `seq` order. */
type Bucket = Session[];

export class LobbyIndex {
  private readonly all: Bucket = [];
  private readonly byField = new Map<FilterField, Map<string, Bucket>>(FILTER_FIELDS.map((f) => [f, new Map()]));
  private lastSeq = 0;

  get size(): number {
    return this.all.length;
  }

  /** Lists [session] with [listing]'s metadata, or takes it off the list when [listing] is undefined. Unchanged metadata keeps its place (and takes the host's new count of players). */
  publish(session: Session, listing: Omit<Listing, 'seq'> | undefined): void {
    const old = session.listing;
    if (old && listing && sameListing(old, listing)) {
      old.players = listing.players;
      return;
    }
    if (old) this.unlist(session);
    if (!listing) return;
    const listed: Listing = { ...listing, seq: ++this.lastSeq };
    session.listing = listed;
    this.all.push(session); // The freshest seq: each bucket stays in order by appending.
    for (const field of FILTER_FIELDS) bucketOf(this.byField.get(field)!, listed[field]).push(session);
  }

  /** Takes [session] off the list, if it is on it. */
  unlist(session: Session): void {
    const listing = session.listing;
    if (!listing) return;
    remove(this.all, listing.seq);
    for (const field of FILTER_FIELDS) {
      const values = this.byField.get(field)!;
      const bucket = values.get(listing[field])!;
      remove(bucket, listing.seq);
      if (bucket.length === 0) values.delete(listing[field]);
    }
    session.listing = undefined; // Only now: the buckets find it by its seq.
  }

  /** The listed sessions that match [filter] with a seq above [after], in order. */
  *after(after: number, filter: ListingFilter): Generator<Session> {
    let bucket = this.all;
    const checks: Array<[FilterField, string]> = [];
    for (const field of FILTER_FIELDS) {
      const value = filter[field];
      if (!value) continue;
      checks.push([field, value]);
      const candidates = this.byField.get(field)!.get(value);
      if (!candidates) return;
      if (candidates.length < bucket.length) bucket = candidates;
    }
    for (let i = firstAfter(bucket, after); i < bucket.length; i++) {
      const session = bucket[i]!;
      const listing = session.listing!;
      if (checks.every(([field, value]) => listing[field] === value)) yield session;
    }
  }
}

function sameListing(a: Omit<Listing, 'seq'>, b: Omit<Listing, 'seq'>): boolean {
  return a.cap === b.cap && a.alias === b.alias && FILTER_FIELDS.every((f) => a[f] === b[f]);
}

function bucketOf(values: Map<string, Bucket>, value: string): Bucket {
  let bucket = values.get(value);
  if (!bucket) values.set(value, (bucket = []));
  return bucket;
}

/** The index of the first session in [bucket] with a seq above [seq]. */
function firstAfter(bucket: Bucket, seq: number): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (bucket[mid]!.listing!.seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

function remove(bucket: Bucket, seq: number): void {
  const at = firstAfter(bucket, seq - 1);
  if (bucket[at]?.listing?.seq === seq) bucket.splice(at, 1);
}
