// Probe signatures checked in the browser with WebCrypto, over the RFC 8785 bytes of the
// envelope without `sig` (core: fitmon.core.event.EventSigning). ES256 signatures are the fixed
// 64-byte r||s form (core signs with SHA256withECDSAinP1363Format), which is what WebCrypto takes.
// An event signed as part of a batch (`sig.batch`: size, index, path) carries a signature over the
// RFC 9162 Merkle root of its batch (core: fitmon.core.event.MerkleTree): its own path is walked
// here, and the batch's signature checked once for all its events.
import { signingBytes } from './jcs.js';

const BATCH_DOMAIN = new TextEncoder().encode('fitmon-event-batch-v1\0');
const MAX_BATCH = 1 << 20;
const MAX_PATH = 20;
const BATCH_VERDICTS = 1024; // batches remembered per ProbeKeys; all forgotten when full

export const VERIFIED = 'verified';
export const INVALID = 'invalid';
export const UNVERIFIED = 'unverified'; // no key known for the probe (yet)
export const UNSIGNED = 'unsigned';

const ALGORITHMS = {
  Ed25519: { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } },
  ES256: { importParams: { name: 'ECDSA', namedCurve: 'P-256' }, verifyParams: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verifyParams: { name: 'RSASSA-PKCS1-v1_5' } },
};

export function base64ToBytes(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, c => c.charCodeAt(0));
}

/** base64url, padding optional; null when malformed. */
export function base64UrlToBytes(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    return null;
  }
  const plain = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  try {
    return base64ToBytes(plain + '='.repeat((4 - plain.length % 4) % 4));
  } catch (e) {
    return null;
  }
}

async function sha256(...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/**
 * The bytes a batch member's signature covers: the batch message of the root its path leads to
 * (RFC 9162 2.1.3.2), or null when the proof is malformed or leads nowhere.
 */
export async function batchMessage(envelope) {
  const batch = envelope.sig.batch;
  if (!batch || typeof batch !== 'object' || !Number.isInteger(batch.size) || !Number.isInteger(batch.index)
      || batch.size < 2 || batch.size > MAX_BATCH || batch.index < 0 || batch.index >= batch.size
      || !Array.isArray(batch.path) || batch.path.length > MAX_PATH) {
    return null;
  }
  const path = batch.path.map(base64UrlToBytes);
  if (path.some(hash => !hash || hash.length !== 32)) {
    return null;
  }
  let fn = batch.index;
  let sn = batch.size - 1;
  let r = await sha256(Uint8Array.of(0), signingBytes(envelope));
  for (const sibling of path) {
    if (sn === 0) {
      return null;
    }
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), sibling, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    return null;
  }
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, batch.size);
  const message = new Uint8Array(BATCH_DOMAIN.length + 4 + r.length);
  message.set(BATCH_DOMAIN, 0);
  message.set(size, BATCH_DOMAIN.length);
  message.set(r, BATCH_DOMAIN.length + 4);
  return message;
}

function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** The probes' certified keys of one channel, imported once each. */
export class ProbeKeys {
  constructor() {
    this.keys = new Map(); // probeId -> {alg, publicKey, key: Promise<CryptoKey|null>}
    this.batchVerdicts = new Map(); // probeId|publicKey|signature|message -> Promise<boolean>
    this.signatureChecks = 0;
  }

  /**
   * Takes the channel's `probeKeys` ([{probeId, alg|algorithm, publicKey}]) as the gateway
   * returned them (voted over f+1 replicas). Unchanged keys keep their imported form.
   */
  update(probeKeys) {
    for (const entry of probeKeys || []) {
      const alg = entry.alg ?? entry.algorithm;
      const known = this.keys.get(entry.probeId);
      if (known && known.alg === alg && known.publicKey === entry.publicKey) {
        continue;
      }
      const spec = ALGORITHMS[alg];
      const key = spec
        ? crypto.subtle.importKey('spki', base64ToBytes(entry.publicKey), spec.importParams, false, ['verify'])
          .catch(() => null)
        : Promise.resolve(null);
      this.keys.set(entry.probeId, { alg, publicKey: entry.publicKey, key });
    }
  }

  has(probeId) {
    return this.keys.has(probeId);
  }

  /** VERIFIED, INVALID, UNVERIFIED or UNSIGNED for one envelope. */
  async verify(envelope) {
    if (!envelope.sig) {
      return UNSIGNED;
    }
    const known = this.keys.get(envelope.probeId);
    if (!known) {
      return UNVERIFIED;
    }
    const spec = ALGORITHMS[envelope.sig.alg];
    const signature = base64UrlToBytes(envelope.sig.value);
    const key = await known.key;
    if (!spec || envelope.sig.alg !== known.alg || !signature || !key) {
      return INVALID;
    }
    try {
      if (envelope.sig.batch === undefined) {
        this.signatureChecks++;
        return await crypto.subtle.verify(spec.verifyParams, key, signature, signingBytes(envelope)) ? VERIFIED : INVALID;
      }
      const message = await batchMessage(envelope);
      if (!message) {
        return INVALID;
      }
      const memo = `${envelope.probeId}|${known.publicKey}|${envelope.sig.value}|${hex(message)}`;
      let verdict = this.batchVerdicts.get(memo);
      if (!verdict) {
        if (this.batchVerdicts.size >= BATCH_VERDICTS) {
          this.batchVerdicts.clear();
        }
        this.signatureChecks++;
        verdict = crypto.subtle.verify(spec.verifyParams, key, signature, message).catch(() => false);
        this.batchVerdicts.set(memo, verdict);
      }
      return await verdict ? VERIFIED : INVALID;
    } catch (e) {
      return INVALID;
    }
  }
}
