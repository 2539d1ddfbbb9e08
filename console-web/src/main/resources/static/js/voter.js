// The console's vote over the copies the n = 3f+1 replicas push, with the semantics of core's
// fitmon.core.vote.Voter: a key is released once `threshold` replicas sent the same digest (f+1
// for BFT, 1 for the crash-only classes); each replica has one vote per key; every copy that
// differs from the released one is reported (at release for earlier copies, on arrival for later
// ones); a replica sending a second, different copy for a key is reported as equivocating and
// its first vote stands. A key is forgotten once all n copies arrived.

export const DIFFERENT_COPY = 'DIFFERENT_COPY';
export const EQUIVOCATION = 'EQUIVOCATION';

/** Identical copies needed: f+1 for a Byzantine class, else the first copy. */
export function threshold(channelClass, f) {
  return channelClass === 'BFT' ? f + 1 : 1;
}

/** Vote key: agreed channel seq for ordered classes, (probeId, seq) for unordered ones. */
export function voteKey(channelClass, tag, channelSeq, event) {
  return channelClass === 'BFT' || channelClass === 'CFT_O'
    ? `${tag}#${channelSeq}`
    : `${tag}|${event.probeId}|${event.seq}`;
}

export class Voter {
  /**
   * @param {number} n replicas
   * @param {number} f faulty replicas tolerated
   * @param {{maxTrackedKeys?: number, onDisagreement?: Function, now?: Function}} options
   */
  constructor(n, f, options = {}) {
    if (f < 0 || n < 3 * f + 1) {
      throw new RangeError(`need n >= 3f+1, got n=${n} f=${f}`);
    }
    this.n = n;
    this.f = f;
    this.maxTrackedKeys = options.maxTrackedKeys ?? 100000;
    this.onDisagreement = options.onDisagreement ?? (() => {});
    this.now = options.now ?? (() => Date.now());
    this.tallies = new Map(); // insertion order = first copy, so the eldest is evicted first
    this.lastSeen = new Array(n).fill(null);
    this.differing = new Array(n).fill(0);
    this.equivocations = new Array(n).fill(0);
  }

  /**
   * Counts one replica's copy.
   * @returns {{type: 'released', value, votes: number, agreeing: number[]}
   *         | {type: 'already', agrees: boolean, votes: number}
   *         | {type: 'pending', votes: number, copies: number}}
   */
  offer(replica, key, digest, value, needed) {
    if (!Number.isInteger(replica) || replica < 0 || replica >= this.n) {
      throw new RangeError(`replica must be in 0..${this.n - 1}, got ${replica}`);
    }
    if (needed < 1 || needed > this.n) {
      throw new RangeError(`threshold must be in 1..${this.n}, got ${needed}`);
    }
    this.lastSeen[replica] = this.now();
    let t = this.tallies.get(key);
    if (!t) {
      t = { byReplica: new Array(this.n).fill(null), copies: 0, candidates: new Map(),
        releasedDigest: null, releasedAt: 0, agreeing: 0 };
      this.tallies.set(key, t);
      this.evictOverflow();
    }
    const previous = t.byReplica[replica];
    if (previous !== null) {
      if (previous !== digest) {
        this.equivocations[replica]++;
        this.report(replica, key, EQUIVOCATION);
      }
      return t.releasedDigest !== null
        ? { type: 'already', agrees: digest === t.releasedDigest, votes: t.agreeing }
        : { type: 'pending', votes: t.candidates.get(digest)?.voters.size ?? 0, copies: t.copies };
    }
    t.byReplica[replica] = digest;
    t.copies++;

    if (t.releasedDigest !== null) {
      const agrees = this.judge(replica, key, digest, t);
      const votes = t.agreeing;
      this.forgetIfComplete(key, t);
      return { type: 'already', agrees, votes };
    }

    let candidate = t.candidates.get(digest);
    if (!candidate) {
      candidate = { value, voters: new Set() };
      t.candidates.set(digest, candidate);
    }
    candidate.voters.add(replica);
    const votes = candidate.voters.size;
    if (votes < needed) {
      if (t.copies === this.n) {
        this.tallies.delete(key); // every replica voted and none reached the threshold
      }
      return { type: 'pending', votes, copies: t.copies };
    }
    t.releasedDigest = digest;
    t.releasedAt = this.now();
    t.candidates = null;
    for (let r = 0; r < this.n; r++) {
      if (t.byReplica[r] !== null) {
        this.judge(r, key, t.byReplica[r], t);
      }
    }
    const agreeing = [...candidate.voters].sort((a, b) => a - b);
    this.forgetIfComplete(key, t);
    return { type: 'released', value: candidate.value, votes: t.agreeing, agreeing };
  }

  judge(replica, key, digest, t) {
    if (digest === t.releasedDigest) {
      t.agreeing++;
      return true;
    }
    this.differing[replica]++;
    this.report(replica, key, DIFFERENT_COPY);
    return false;
  }

  report(replica, key, kind) {
    try {
      this.onDisagreement({ replica, key, kind });
    } catch (e) {
      console.error('disagreement listener failed', e);
    }
  }

  forgetIfComplete(key, t) {
    if (t.copies === this.n) {
      this.tallies.delete(key);
    }
  }

  evictOverflow() {
    for (const key of this.tallies.keys()) {
      if (this.tallies.size <= this.maxTrackedKeys) {
        return;
      }
      this.tallies.delete(key);
    }
  }

  /**
   * Replicas that still owe a copy of a key released at least quietMs ago: the others delivered
   * it and this one stayed silent.
   */
  silentReplicas(quietMs) {
    const cutoff = this.now() - quietMs;
    const silent = new Set();
    for (const t of this.tallies.values()) {
      if (t.releasedDigest === null || t.releasedAt > cutoff) {
        continue;
      }
      for (let r = 0; r < this.n; r++) {
        if (t.byReplica[r] === null) {
          silent.add(r);
        }
      }
    }
    return silent;
  }
}
