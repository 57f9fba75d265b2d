// HTTP Digest (RFC 7616) client side, for the one authenticated ONVIF call made with --credentials.
// MD5 and SHA-256, qop=auth (or none). Pure.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: 'MD5' | 'SHA-256';
  qop?: 'auth';
}

function params(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(s)) && n++ < 32) {
    const k = m[1].toLowerCase();
    if (k === '__proto__' || Object.prototype.hasOwnProperty.call(out, k)) continue;
    out[k] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return out;
}

/** The Digest challenges in WWW-Authenticate header value(s) that we can answer; SHA-256 first. */
export function parseDigestChallenges(h: string | string[] | undefined): DigestChallenge[] {
  const values = Array.isArray(h) ? h : h ? [h] : [];
  const out: DigestChallenge[] = [];
  for (const v of values.slice(0, 8)) {
    // One header line may carry several challenges ("Digest a=1, Digest b=2" or "Basic …, Digest …").
    for (const part of v.split(/(?=\b(?:Digest|Basic|Bearer|Negotiate)\s)/i)) {
      if (!/^\s*Digest\s/i.test(part)) continue;
      const p = params(part.replace(/^\s*Digest\s+/i, ''));
      if (!p.nonce || p.realm === undefined) continue;
      const alg = (p.algorithm ?? 'MD5').toUpperCase();
      if (alg !== 'MD5' && alg !== 'SHA-256') continue;
      const qops = (p.qop ?? '').split(',').map((x) => x.trim().toLowerCase());
      if (p.qop !== undefined && !qops.includes('auth')) continue;
      const c: DigestChallenge = { realm: p.realm, nonce: p.nonce, algorithm: alg };
      if (p.opaque !== undefined) c.opaque = p.opaque;
      if (qops.includes('auth')) c.qop = 'auth';
      out.push(c);
    }
  }
  return out.sort((a, b) => (a.algorithm === b.algorithm ? 0 : a.algorithm === 'SHA-256' ? -1 : 1));
}

function H(alg: DigestChallenge['algorithm'], s: string): string {
  return createHash(alg === 'SHA-256' ? 'sha256' : 'md5').update(s, 'utf8').digest('hex');
}

function q(s: string): string {
  return s.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, '');
}

/** Compute the response hash (exported for the lab's verifier). */
export function digestResponse(o: { algorithm: DigestChallenge['algorithm']; username: string; realm: string; password: string; method: string; uri: string; nonce: string; nc?: string; cnonce?: string; qop?: string }): string {
  const ha1 = H(o.algorithm, `${o.username}:${o.realm}:${o.password}`);
  const ha2 = H(o.algorithm, `${o.method}:${o.uri}`);
  return o.qop ? H(o.algorithm, `${ha1}:${o.nonce}:${o.nc}:${o.cnonce}:${o.qop}:${ha2}`) : H(o.algorithm, `${ha1}:${o.nonce}:${ha2}`);
}

/** The Authorization header value answering `c` for one request. */
export function digestAuthorization(c: DigestChallenge, method: string, uri: string, username: string, password: string, cnonce = randomBytes(8).toString('hex')): string {
  const nc = '00000001';
  const response = digestResponse({ algorithm: c.algorithm, username, realm: c.realm, password, method, uri, nonce: c.nonce, nc, cnonce, qop: c.qop });
  let s = `Digest username="${q(username)}", realm="${q(c.realm)}", nonce="${q(c.nonce)}", uri="${q(uri)}", algorithm=${c.algorithm}, response="${response}"`;
  if (c.qop) s += `, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
  if (c.opaque !== undefined) s += `, opaque="${q(c.opaque)}"`;
  return s;
}

/** Parse an Authorization: Digest header (server side, for the lab). */
export function parseDigestAuthorization(h: string | undefined): Record<string, string> | null {
  if (!h || !/^\s*Digest\s/i.test(h)) return null;
  return params(h.replace(/^\s*Digest\s+/i, ''));
}
