// Hands released deliveries to the page in channel order, each exactly once.

/** Ordered classes: agreed channel sequence numbers, delivered without gap from `fromSeq` on. */
export class SequenceOrder {
  constructor(fromSeq) {
    this.next = fromSeq;
    this.waiting = new Map();
  }

  /** @returns the entries now deliverable, in order (empty while an earlier seq is missing) */
  push(seq, entry) {
    if (seq < this.next || this.waiting.has(seq)) {
      return [];
    }
    this.waiting.set(seq, entry);
    return this.drain();
  }

  /** Moves past sequence numbers no replica retains any more. */
  skipTo(seq) {
    if (seq > this.next) {
      for (const s of [...this.waiting.keys()]) {
        if (s < seq) {
          this.waiting.delete(s);
        }
      }
      this.next = seq;
    }
    return this.drain();
  }

  drain() {
    const out = [];
    while (this.waiting.has(this.next)) {
      out.push(this.waiting.get(this.next));
      this.waiting.delete(this.next);
      this.next++;
    }
    return out;
  }
}

/** Unordered classes: per-probe FIFO by the probe's SEQ, each (probe, seq) once. */
export class ProbeOrder {
  constructor() {
    this.highest = new Map();
  }

  push(probeId, seq, entry) {
    const last = this.highest.get(probeId);
    if (last !== undefined && seq <= last) {
      return [];
    }
    this.highest.set(probeId, seq);
    return [entry];
  }
}
