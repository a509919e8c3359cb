/**
 * Which replica owns an object in shard mode: rendezvous (highest random weight) hashing of the object's key over
 * the member identities. Every replica computes the same owner from the same member list with no coordination, and
 * when a member joins or leaves only the keys it gains or loses move (about 1/N of them).
 */

/** 32-bit FNV-1a of `s`, finished with murmur3's avalanche so nearby strings score far apart. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A membership view: the sorted member identities and a short id every replica derives the same way. */
export interface ShardView {
  readonly members: readonly string[];
  readonly id: string;
}

export function viewOf(members: Iterable<string>): ShardView {
  const sorted = [...new Set(members)].sort();
  // Two independent 32-bit hashes: an id collision between two different member lists is not a practical concern.
  const id = sorted.length
    ? `${sorted.length}-${hash32(sorted.join("\n")).toString(36)}${hash32(`~${sorted.join("\n")}`).toString(36)}`
    : "";
  return { members: sorted, id };
}

export const EMPTY_VIEW: ShardView = viewOf([]);

/**
 * What a key is placed by. "name" (the default) spreads every object on its own; "namespace" keeps a namespace's
 * objects on one replica, so ExternalSecrets of one namespace reading the same remote secrets still share one
 * provider read (reads are shared within a namespace only), at the price of an uneven split when namespaces are.
 */
export type ShardBy = "name" | "namespace";

/** The part of a request key ("namespace/name", or "name" when cluster-scoped) that `by` places. */
export function placementKey(key: string, by: ShardBy): string {
  if (by === "name") return key;
  const slash = key.indexOf("/");
  return slash < 0 ? key : key.slice(0, slash);
}

/** The member that owns `key` in `view` (undefined for an empty view). Ties break by identity order. */
export function ownerOf(key: string, view: ShardView): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of view.members) {
    const score = hash32(`${m}\u0000${key}`);
    if (score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}
