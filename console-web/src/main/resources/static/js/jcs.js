// RFC 8785 (JCS) canonical JSON of parsed JSON values. JCS is defined in terms of ECMAScript's
// own number and string serialisation, so JSON.stringify gives exactly its primitives; what
// remains is sorting object members by UTF-16 code units (the default string order of sort())
// and writing no whitespace.

export function canonicalize(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError('JSON has no ' + value);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return '[' + value.map(item => canonicalize(item === undefined ? null : item)).join(',') + ']';
  }
  if (typeof value === 'object') {
    const members = [];
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) {
        members.push(JSON.stringify(key) + ':' + canonicalize(value[key]));
      }
    }
    return '{' + members.join(',') + '}';
  }
  throw new TypeError('not a JSON value: ' + typeof value);
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the canonical form. */
export function canonicalBytes(value) {
  return encoder.encode(canonicalize(value));
}

/** What a probe signs: the envelope without its `sig` member, canonical. */
export function signingBytes(envelope) {
  const { sig, ...unsigned } = envelope;
  return canonicalBytes(unsigned);
}
