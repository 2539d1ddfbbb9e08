// Request signing exactly as the gateway checks it (core: fitmon.core.auth.RequestSigning):
//   signingKey   = HMAC-SHA256(key = UTF-8(secret), "fitmon-request-signing-v1")
//   stringToSign = METHOD \n PATH[?QUERY] \n X-Timestamp \n X-Nonce \n hex(SHA-256(body))
//   X-Signature  = hex(HMAC-SHA256(signingKey, stringToSign))
// The secret never leaves the browser: only the four headers travel.

const encoder = new TextEncoder();
const DERIVATION_LABEL = 'fitmon-request-signing-v1';

export function toHex(buffer) {
  return Array.from(new Uint8Array(buffer), b => b.toString(16).padStart(2, '0')).join('');
}

async function hmacKey(rawKey) {
  return crypto.subtle.importKey('raw', rawKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** The derived HMAC key of an API key's secret, as a non-extractable CryptoKey. */
export async function signingKey(secret) {
  const derived = await crypto.subtle.sign('HMAC', await hmacKey(encoder.encode(secret)),
    encoder.encode(DERIVATION_LABEL));
  return hmacKey(derived);
}

export function stringToSign(method, pathAndQuery, timestamp, nonce, bodyDigestHex) {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyDigestHex}`;
}

export async function sha256Hex(bytes) {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

export function newNonce() {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * The authentication headers of one request.
 * @param {{keyId: string, key: CryptoKey}} credentials key id and derived signing key
 * @param {Uint8Array} body the exact bytes sent (empty when there is no body)
 */
export async function signRequest(credentials, method, pathAndQuery, body, now = Date.now(), nonce = newNonce()) {
  const timestamp = String(Math.floor(now / 1000));
  const canonical = stringToSign(method, pathAndQuery, timestamp, nonce, await sha256Hex(body));
  const signature = toHex(await crypto.subtle.sign('HMAC', credentials.key, encoder.encode(canonical)));
  return {
    'X-Api-Key': credentials.keyId,
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Signature': signature,
  };
}
