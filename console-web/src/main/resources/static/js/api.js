// The gateway's REST API through this server's /api/** forwarding, every call signed in the browser.
import { signRequest, signingKey } from './signing.js';

const encoder = new TextEncoder();

/** A failed call: HTTP status plus the problem+json the gateway (or the forwarding) answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || null;
    this.problem = problem;
  }
}

export class GatewayApi {
  /** @param {string} keyId @param {CryptoKey} key the derived signing key */
  constructor(keyId, key) {
    this.credentials = { keyId, key };
  }

  static async signIn(keyId, secret) {
    return new GatewayApi(keyId, await signingKey(secret));
  }

  get keyId() {
    return this.credentials.keyId;
  }

  /**
   * One signed call. The path is signed exactly as fetch sends it: callers pass paths made of
   * unreserved characters (TAGs are [A-Za-z0-9._:-]), so the browser does not re-encode them.
   * @returns the parsed JSON body (null when empty); throws ApiError for any status >= 400
   */
  async call(method, path, json) {
    const body = json === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(json));
    const headers = await signRequest(this.credentials, method, path, body);
    headers.Accept = 'application/json, application/problem+json';
    if (body.length > 0) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: body.length > 0 ? body : undefined, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, { detail: `the console server cannot be reached (${e.message})` });
    }
    const text = await response.text();
    let parsed = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        parsed = { detail: text.slice(0, 200) };
      }
    }
    if (!response.ok) {
      throw new ApiError(response.status, parsed);
    }
    return parsed;
  }

  cluster() { return this.call('GET', '/api/v1/cluster'); }
  channels() { return this.call('GET', '/api/v1/channels'); }
  channel(tag) { return this.call('GET', `/api/v1/channels/${encodeURIComponent(tag)}`); }
  createChannel(request) { return this.call('POST', '/api/v1/channels', request); }
  deleteChannel(tag) { return this.call('DELETE', `/api/v1/channels/${encodeURIComponent(tag)}`); }
  consoleToken() { return this.call('POST', '/api/v1/tokens'); }

  /** Enters the replicated subscription table; already being there is fine. */
  async subscribe(tag) {
    try {
      return await this.call('POST', `/api/v1/channels/${encodeURIComponent(tag)}/subscriptions`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'ALREADY_SUBSCRIBED') {
        return null;
      }
      throw e;
    }
  }
}
