// HTTP(S) probe: index page (following up to two same-host redirects), favicon, and the safe vendor
// paths listed in src/data/http-paths.yaml. Records status, every header (duplicates kept), title,
// bounded body, favicon hashes and the TLS certificate. Never sends credentials.
import type { HostError, HttpObservation, TlsObservation } from '../model/types.js';
import { clean, cleanText } from '../util/sanitize.js';
import type { PeerCert } from '../model/net.js';
import { bodyText, extractTitle } from '../protocols/html.js';
import { faviconMmh3, md5 } from '../protocols/hash.js';
import { buildHttpRequest, hostHeader } from '../protocols/http-request.js';
import { one, parseResponse, responseComplete, type ParsedResponse } from '../protocols/response.js';
import { coded } from '../model/status.js';
import type { Probe, ProbeContext, ProbeResult, ProbeTarget } from './types.js';

export type { HttpPathDef } from '../model/types.js';

export const HTTP_PORTS = [80, 81, 82, 88, 443, 7443, 8000, 8001, 8080, 8081, 8088, 8443, 8888, 9000, 9443] as const;
export const HTTPS_FIRST = new Set([443, 7443, 8443, 9443]);
const BODY_KEEP = 16384;

export function buildRequest(method: string, host: string, port: number, reqPath: string, ua: string, body?: string, contentType?: string): Buffer {
  return buildHttpRequest({
    method, path: reqPath, body, contentType,
    headers: [['Host', hostHeader(host, port, port === 80 || port === 443)], ['User-Agent', ua], ['Accept', '*/*'], ['Connection', 'close']],
  });
}

/** Longest certificate subject / issuer stored (cleaned: no control or bidi character, one line). */
export const CERT_NAME_MAX = 512;

/** The certificate as stored: every string the peer chose is cleaned and bounded like any network string. */
export function tlsObservation(port: number, c: PeerCert, version?: string): TlsObservation {
  const o: TlsObservation = { port };
  const put = (k: 'subject' | 'issuer' | 'version' | 'not_before' | 'not_after' | 'fingerprint256', v: string | undefined, max: number) => { const x = clean(v, max); if (x) o[k] = x; };
  put('subject', c.subject, CERT_NAME_MAX);
  put('issuer', c.issuer, CERT_NAME_MAX);
  put('version', version, 32);
  put('not_before', c.not_before, 64);
  put('not_after', c.not_after, 64);
  put('fingerprint256', c.fingerprint256, 128);
  return o;
}

interface Fetched { obs?: HttpObservation; location?: string; raw?: Buffer; tls?: TlsObservation; error?: HostError; looksTls?: boolean; warn?: HostError }

async function fetchOnce(t: ProbeTarget, ctx: ProbeContext, useTls: boolean, method: string, reqPath: string, body?: string, ct?: string): Promise<Fetched> {
  const r = await ctx.net.exchange({
    host: t.ip, port: t.port, tls: useTls, servername: t.hostname,
    request: buildRequest(method, t.hostname ?? t.ip, t.port, reqPath, ctx.userAgent, body, ct),
    timeoutMs: ctx.timeoutMs, maxBytes: ctx.maxBytes, signal: ctx.signal, isComplete: (b) => responseComplete(b),
  });
  const tlsObs: TlsObservation | undefined = r.cert ? tlsObservation(t.port, r.cert, r.tlsVersion) : undefined;
  const parsed = parseResponse(r.data);
  if (!parsed || !parsed.protocol.startsWith('HTTP')) {
    const looksTls = r.data.length > 0 && (r.data[0] === 0x15 || r.data[0] === 0x16);
    return {
      tls: tlsObs, looksTls,
      error: { stage: 'http', port: t.port, ...coded(r.end === 'timeout' ? 'ETIMEDOUT' : r.code ?? (r.data.length ? 'PROTOCOL' : 'EMPTY'), r.connected), message: `${method} ${reqPath}: ${r.data.length ? 'not an HTTP response' : `no response (${r.end})`}` },
    };
  }
  const obs = httpObservation(parsed, t.port, useTls, reqPath);
  // A response cut by the deadline or the byte cap is still evidence, but say so.
  const warn: HostError | undefined = parsed.truncated && (r.end === 'timeout' || r.end === 'cap')
    ? { stage: 'http', port: t.port, ...coded(r.end === 'cap' ? 'TRUNCATED_CAP' : 'TRUNCATED_TIMEOUT'), message: `${method} ${reqPath}: response cut after ${r.data.length} bytes (${r.end === 'cap' ? 'byte cap' : 'deadline'})` }
    : undefined;
  return { obs, raw: parsed.body, location: one(parsed.headers.location), tls: tlsObs, ...(warn ? { warn } : {}) };
}

/** What one HTTP response shows: status, headers, title, bounded body. Pure; shared with offline tools. */
export function httpObservation(parsed: ParsedResponse, port: number, tls: boolean, reqPath: string): HttpObservation {
  const text = bodyText(parsed.body);
  const obs: HttpObservation = { port, tls, path: reqPath, status: parsed.status, headers: parsed.headers };
  const title = /html|xml|^$/i.test(String(one(parsed.headers['content-type']) ?? '')) || /<title/i.test(text) ? extractTitle(text) : undefined;
  if (title) obs.title = title;
  if (text.length) obs.body = cleanText(text, BODY_KEEP);
  return obs;
}

/** A redirect we may follow: relative, or absolute to the same host and port. Returns a path. */
export function sameOriginPath(location: string, t: ProbeTarget, useTls: boolean): string | undefined {
  try {
    const base = `${useTls ? 'https' : 'http'}://${t.ip.includes(':') ? `[${t.ip}]` : t.ip}:${t.port}/`;
    const u = new URL(location, base);
    const b = new URL(base);
    const sameHost = u.hostname === b.hostname || (t.hostname !== undefined && u.hostname === t.hostname);
    if (!sameHost || (u.port || (u.protocol === 'https:' ? '443' : '80')) !== String(t.port)) return undefined;
    return (u.pathname + u.search).slice(0, 512);
  } catch { return undefined; }
}

export const httpProbe: Probe = {
  name: 'http',
  description: 'HTTP(S) index, favicon and safe vendor paths; TLS certificate',
  ports: HTTP_PORTS,
  async run(t, ctx): Promise<ProbeResult> {
    const errors: HostError[] = [];
    const http: HttpObservation[] = [];
    let tlsObs: TlsObservation | undefined;
    let useTls = HTTPS_FIRST.has(t.port);
    let first = await fetchOnce(t, ctx, useTls, 'GET', '/');
    if (!first.obs && (first.looksTls || !useTls) && !ctx.signal.aborted) {
      const other = await fetchOnce(t, ctx, !useTls, 'GET', '/');
      if (other.obs) { useTls = !useTls; first = other; }
    }
    tlsObs ??= first.tls;
    if (!first.obs) {
      if (first.error) errors.push(first.error);
      return { record: tlsObs ? { tls: [tlsObs] } : {}, errors };
    }
    http.push(first.obs);
    if (first.warn) errors.push(first.warn);
    // Follow up to two same-origin redirects from the index (cameras often bounce to a login page).
    let loc = first.obs.status && first.obs.status >= 300 && first.obs.status < 400 ? first.location : undefined;
    const seen = new Set(['/']);
    for (let hop = 0; loc && hop < 2 && !ctx.signal.aborted; hop++) {
      const p = sameOriginPath(loc, t, useTls);
      if (!p || seen.has(p)) break;
      seen.add(p);
      const f = await fetchOnce(t, ctx, useTls, 'GET', p);
      if (!f.obs) break;
      http.push(f.obs);
      if (f.warn) errors.push(f.warn);
      loc = f.obs.status && f.obs.status >= 300 && f.obs.status < 400 ? f.location : undefined;
    }
    for (const def of ctx.httpPaths ?? []) {
      if (ctx.signal.aborted) break;
      const f = await fetchOnce(t, ctx, useTls, def.method, def.path, def.body, def.content_type);
      if (!f.obs) continue;
      if (f.warn) errors.push(f.warn);
      if (def.id === 'favicon') {
        if (f.obs.status === 200 && f.raw && f.raw.length > 0 && !/text\/html/i.test(String(one(f.obs.headers?.['content-type'] ?? '')))) {
          const idx = http[http.length - 1];
          idx.favicon_md5 = md5(f.raw);
          idx.favicon_mmh3 = faviconMmh3(f.raw);
        }
        continue;
      }
      // A vendor path that the server does not know (404 or the same page as the index) adds nothing.
      if (f.obs.status === 404 || f.obs.status === 405) continue;
      delete f.obs.title;
      http.push(f.obs);
    }
    return { record: { http, ...(tlsObs ? { tls: [tlsObs] } : {}) }, errors };
  },
};
