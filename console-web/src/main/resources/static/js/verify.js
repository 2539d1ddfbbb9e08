// Probe signatures checked in the browser with WebCrypto, over the RFC 8785 bytes of the
// envelope without `sig` (core: fitmon.core.event.EventSigning). ES256 signatures are the fixed
// 64-byte r||s form (core signs with SHA256withECDSAinP1363Format), which is what WebCrypto takes.
import { signingBytes } from './jcs.js';

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

/** The probes' certified keys of one channel, imported once each. */
export class ProbeKeys {
  constructor() {
    this.keys = new Map(); // probeId -> {alg, publicKey, key: Promise<CryptoKey|null>}
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
      return await crypto.subtle.verify(spec.verifyParams, key, signature, signingBytes(envelope)) ? VERIFIED : INVALID;
    } catch (e) {
      return INVALID;
    }
  }
}
