// The live view of one channel: one STOMP session per replica, every copy voted, the released
// events handed over in channel order, probe signatures verified, disagreeing or silent replicas
// reported by name.
import { canonicalBytes } from './jcs.js';
import { sha256Hex } from './signing.js';
import { StompSession } from './stomp.js';
import { ProbeKeys, UNVERIFIED } from './verify.js';
import { DIFFERENT_COPY, EQUIVOCATION, Voter, threshold, voteKey } from './voter.js';
import { ProbeOrder, SequenceOrder } from './order.js';

/** Events replayed from the retained log when a view opens. */
const HISTORY = 200;
/** Entries kept for late copies (vote counts) and the page. */
const MAX_ENTRIES = 1000;
/** A replica owing a copy others delivered this long ago is reported as silent. */
const SILENT_AFTER_MS = 5000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;
const KEY_REFRESH_MIN_MS = 3000;
/**
 * Keys the voter keeps: a released key stays until every replica's copy came, so with a replica
 * down each key stays; the bound keeps a long-open page small (and bounds the silence check).
 */
const MAX_TRACKED_KEYS = 20000;

function isOrdered(channelClass) {
  return channelClass === 'BFT' || channelClass === 'CFT_O';
}

/**
 * @param listener {onEvent(entry), onUpdate(entry), onReplica(link), onProblems(problems), onClosed(reason)}
 */
export class LiveChannel {
  constructor({ api, tag, cluster, tokens, listener }) {
    this.api = api;
    this.tag = tag;
    this.cluster = cluster;
    this.tokens = tokens;
    this.listener = listener;
    this.n = cluster.n;
    this.f = cluster.f;
    this.keys = new ProbeKeys();
    this.entries = new Map();
    this.queue = Promise.resolve();
    this.problems = new Map(); // replica -> {different, equivocations, lastKey, error, identity}
    this.gapReports = new Map();
    this.stopped = false;
    this.keysFetchedAt = 0;
  }

  async start() {
    await this.api.subscribe(this.tag);
    const channel = await this.api.channel(this.tag);
    this.channelClass = channel['class'];
    this.keys.update(channel.probeKeys);
    this.keysFetchedAt = Date.now();
    this.threshold = threshold(this.channelClass, this.f);
    this.voter = new Voter(this.n, this.f, { maxTrackedKeys: MAX_TRACKED_KEYS, onDisagreement: d => this.disagreement(d) });
    if (isOrdered(this.channelClass)) {
      this.fromSeq = Math.max(1, (channel.lastSeq ?? 0) - HISTORY + 1);
      this.order = new SequenceOrder(this.fromSeq);
    } else {
      this.fromSeq = null; // each replica numbers unordered events its own way: start live
      this.order = new ProbeOrder();
    }
    this.links = this.cluster.replicas.map((replica, index) => ({
      index, id: replica.id, url: replica.stompUrl, state: 'connecting', lastSeq: null, resumeSeq: this.fromSeq,
      delivered: 0, attempts: 0, error: null, session: null, timer: null,
    }));
    for (const link of this.links) {
      this.connect(link);
    }
    this.healthTimer = setInterval(() => this.publishProblems(), 1000);
    return channel;
  }

  stop() {
    this.stopped = true;
    clearInterval(this.healthTimer);
    for (const link of this.links || []) {
      clearTimeout(link.timer);
      link.session?.close();
    }
  }

  async connect(link) {
    if (this.stopped) {
      return;
    }
    link.state = 'connecting';
    this.listener.onReplica(link);
    let token;
    try {
      token = await this.tokens.current();
    } catch (e) {
      this.retry(link, 'no console token: ' + e.message);
      return;
    }
    if (this.stopped) {
      return;
    }
    const session = new StompSession(link.url, { token }, {
      onConnected: headers => {
        link.state = 'connected';
        link.attempts = 0;
        link.error = null;
        const claimed = headers['fitmon-replica'];
        if (claimed !== undefined && Number(claimed) !== link.id) {
          this.problem(link.index).identity = `answers as replica ${claimed}`;
        }
        const resume = link.resumeSeq !== null ? { 'from-seq': String(link.resumeSeq) } : {};
        session.subscribe('s1', `/topic/channels/${this.tag}`, { receipt: 'r1', ...resume });
        this.listener.onReplica(link);
      },
      onReceipt: () => {
        link.state = 'subscribed';
        this.listener.onReplica(link);
      },
      onMessage: frame => this.enqueue(() => this.message(link, frame)),
      onError: frame => this.failed(link, frame),
      onClose: () => this.retry(link, link.error || 'connection closed'),
    });
    link.session = session;
    session.open();
  }

  failed(link, frame) {
    const code = frame.headers['fitmon-code'] || 'ERROR';
    let detail = frame.headers.message || '';
    try {
      const body = JSON.parse(frame.body);
      detail = body.detail || detail;
      for (const resume of body.resume || []) {
        if (resume.tag === this.tag && Number.isInteger(resume.nextSeq)) {
          link.resumeSeq = resume.nextSeq;
        }
      }
    } catch (e) {
      // not JSON: the headers say enough
    }
    link.error = `${code}: ${detail}`;
    if (code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED') {
      this.tokens.invalidate();
    }
    link.session?.close();
    this.retry(link, link.error);
  }

  retry(link, reason) {
    if (this.stopped || this.removed) {
      return;
    }
    link.session = null;
    link.state = 'closed';
    link.error = reason;
    clearTimeout(link.timer);
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(link.attempts, 5));
    link.attempts++;
    link.timer = setTimeout(() => this.connect(link), delay);
    this.listener.onReplica(link);
  }

  /** Copies are digested asynchronously; one queue keeps every replica's copies in arrival order. */
  enqueue(task) {
    // a view that was closed must not touch the page of the next one
    this.queue = this.queue.then(() => (this.stopped ? undefined : task()))
      .catch(e => console.error('delivery handling failed', e));
  }

  async message(link, frame) {
    let body;
    try {
      body = JSON.parse(frame.body);
    } catch (e) {
      this.problem(link.index).malformed = (this.problem(link.index).malformed || 0) + 1;
      return;
    }
    if (frame.headers['fitmon-type'] === 'system') {
      this.system(link, body);
      return;
    }
    const event = body.event;
    const channelSeq = body.channelSeq;
    if (body.tag !== this.tag || !Number.isInteger(channelSeq) || !event || typeof event !== 'object'
        || typeof event.probeId !== 'string' || !Number.isInteger(event.seq)) {
      this.problem(link.index).malformed = (this.problem(link.index).malformed || 0) + 1;
      return;
    }
    link.lastSeq = Math.max(link.lastSeq ?? 0, channelSeq);
    link.resumeSeq = link.lastSeq + 1;
    link.delivered++;
    const digest = await sha256Hex(canonicalBytes(event));
    const key = voteKey(this.channelClass, this.tag, channelSeq, event);
    const outcome = this.voter.offer(link.index, key, digest,
      { channelSeq, event, orderedAt: body.orderedAt }, this.threshold);
    if (outcome.type === 'released') {
      const value = outcome.value;
      const entry = { key, channelSeq: value.channelSeq, event: value.event, orderedAt: value.orderedAt,
        votes: outcome.votes, n: this.n, signature: null, replica: link.index };
      entry.signature = await this.keys.verify(entry.event);
      if (entry.signature === UNVERIFIED) {
        this.refreshKeys();
      }
      this.remember(entry);
      const ready = isOrdered(this.channelClass)
        ? this.order.push(entry.channelSeq, entry)
        : this.order.push(entry.event.probeId, entry.event.seq, entry);
      for (const e of ready) {
        e.shown = true;
        this.listener.onEvent(e);
      }
    } else if (outcome.type === 'already') {
      const entry = this.entries.get(key);
      if (entry && entry.votes !== outcome.votes) {
        entry.votes = outcome.votes;
        if (entry.shown) {
          this.listener.onUpdate(entry);
        }
      }
    }
    this.listener.onReplica(link);
  }

  system(link, body) {
    if (body.tag !== this.tag) {
      return;
    }
    if (body.type === 'CHANNEL_REMOVED') {
      this.problem(link.index).removed = body.cause || 'removed';
      const reports = [...this.problems.values()].filter(p => p.removed).length;
      if (reports >= this.threshold && !this.removed) {
        this.removed = true;
        this.listener.onClosed(`channel ${this.tag} was ${String(body.cause || 'removed').toLowerCase()}`);
      }
    } else if (body.type === 'RETENTION_GAP' && isOrdered(this.channelClass)
        && Number.isInteger(body.firstRetainedSeq)) {
      this.gapReports.set(link.index, body.firstRetainedSeq);
      if (this.gapReports.size >= this.threshold) {
        // the smallest report: a faulty replica may claim more is gone than is, never hide less
        const ready = this.order.skipTo(Math.min(...this.gapReports.values()));
        for (const e of ready) {
          e.shown = true;
          this.listener.onEvent(e);
        }
      }
    }
  }

  remember(entry) {
    this.entries.set(entry.key, entry);
    if (this.entries.size > MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }

  /** Probe keys arrive with registrations: look again when an event's probe is unknown. */
  async refreshKeys() {
    if (this.keysRefreshing || Date.now() - this.keysFetchedAt < KEY_REFRESH_MIN_MS) {
      return;
    }
    this.keysRefreshing = true;
    try {
      const channel = await this.api.channel(this.tag);
      this.keysFetchedAt = Date.now();
      this.keys.update(channel.probeKeys);
      for (const entry of this.entries.values()) {
        if (entry.signature === UNVERIFIED && this.keys.has(entry.event.probeId)) {
          entry.signature = await this.keys.verify(entry.event);
          if (entry.shown && !this.stopped) {
            this.listener.onUpdate(entry);
          }
        }
      }
    } catch (e) {
      // the next unknown probe triggers another attempt
    } finally {
      this.keysRefreshing = false;
    }
  }

  problem(index) {
    if (!this.problems.has(index)) {
      this.problems.set(index, { different: 0, equivocations: 0 });
    }
    return this.problems.get(index);
  }

  disagreement(d) {
    const p = this.problem(d.replica);
    if (d.kind === DIFFERENT_COPY) {
      p.different++;
    } else if (d.kind === EQUIVOCATION) {
      p.equivocations++;
    }
    p.lastKey = d.key;
    this.publishProblems();
  }

  /** The banner's content: every replica that disagreed, fell silent or misbehaves otherwise. */
  publishProblems() {
    if (!this.voter) {
      return;
    }
    const silent = this.voter.silentReplicas(SILENT_AFTER_MS);
    const out = [];
    for (const link of this.links) {
      const p = this.problems.get(link.index) || {};
      const name = `replica ${link.id}`;
      if (p.different > 0) {
        out.push({ replica: link.id, kind: 'different',
          text: `${name} sent ${p.different} cop${p.different === 1 ? 'y' : 'ies'} different from the voted one (last: ${p.lastKey})` });
      }
      if (p.equivocations > 0) {
        out.push({ replica: link.id, kind: 'equivocation', text: `${name} sent two different copies of one event` });
      }
      if (silent.has(link.index)) {
        out.push({ replica: link.id, kind: 'silent', text: `${name} is silent: it delivered nothing that the others delivered` });
      }
      if (p.identity) {
        out.push({ replica: link.id, kind: 'identity', text: `${name} ${p.identity}` });
      }
      if (p.malformed) {
        out.push({ replica: link.id, kind: 'malformed', text: `${name} sent ${p.malformed} unreadable deliveries` });
      }
    }
    this.listener.onProblems(out);
  }
}

/** The console token, fetched when missing or about to expire. */
export class ConsoleTokens {
  constructor(api) {
    this.api = api;
    this.token = null;
    this.expiresAt = 0;
    this.pending = null;
  }

  async current() {
    if (this.token && this.expiresAt - Date.now() > 30000) {
      return this.token;
    }
    if (!this.pending) {
      this.pending = this.api.consoleToken().then(answer => {
        this.token = answer.token;
        this.expiresAt = Date.parse(answer.expiresAt) || Date.now() + 60000;
        return this.token;
      }).finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  invalidate() {
    this.token = null;
  }
}
