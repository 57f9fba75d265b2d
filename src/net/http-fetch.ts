// HTTP edge for discovery follow-ups (UPnP descriptions, ONVIF SOAP): one bounded request over
// net/tcp.ts `exchange`, parsed by the tolerant wire parser. The SSRF guard lives here: the URL's host
// must be exactly `allowHost` (the address that answered the discovery probe) and a literal IP, so a
// spoofed LOCATION/XAddr can never make the scanner talk to a third host. Never throws, never redirects.
import net from 'node:net';
import { exchange as tcpExchange, type ExchangeOptions, type ExchangeResult } from './tcp.js';
import { buildHttpRequest, hostHeader } from '../protocols/http-request.js';
import { parseResponse, responseComplete } from '../protocols/response.js';
import type { HttpApi, HttpFetchResult } from '../model/net.js';

/** Hard ceilings whatever the caller asks for. */
const MAX_BYTES_CEILING = 4 * 1024 * 1024;
const MAX_TIMEOUT_MS = 60_000;
const HEADER_VALUE = /^[^\r\n\0]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** "[fe80::1]" -> "fe80::1"; lower-case. */
function bareHost(h: string): string {
  return h.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Check a URL against the SSRF guard; returns the parts to connect to, or an error string. */
export function checkUrl(url: string, allowHost: string): { host: string; port: number; tls: boolean; path: string } | { error: string } {
  let u: URL;
  try { u = new URL(url); } catch { return { error: 'bad URL' }; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `scheme ${u.protocol} not allowed` };
  if (u.username || u.password) return { error: 'credentials in URL not allowed' };
  const host = bareHost(u.hostname);
  if (!net.isIP(host)) return { error: `host ${host.slice(0, 64)} is not an IP address` };
  if (host !== bareHost(allowHost)) return { error: `host ${host} is not the responding address ${allowHost}` };
  const tls = u.protocol === 'https:';
  const port = u.port ? Number(u.port) : tls ? 443 : 80;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: 'bad port' };
  return { host, port, tls, path: (u.pathname || '/') + u.search };
}

export interface HttpApiOptions {
  /** Replaceable for tests. */
  exchange?: (o: ExchangeOptions) => Promise<ExchangeResult>;
  userAgent?: string;
}

/** The real HTTP edge used by discovery follow-ups. */
export function createHttpApi(opts: HttpApiOptions = {}): HttpApi {
  const ex = opts.exchange ?? tcpExchange;
  const ua = opts.userAgent ?? 'camsweep';
  return {
    async fetch(url, o): Promise<HttpFetchResult | { error: string }> {
      try {
        const c = checkUrl(url, o.allowHost);
        if ('error' in c) return c;
        const method = o.method ?? (o.body !== undefined ? 'POST' : 'GET');
        const headers: Array<[string, string]> = [['Host', hostHeader(c.host, c.port, (c.tls && c.port === 443) || (!c.tls && c.port === 80))], ['User-Agent', ua], ['Accept', '*/*'], ['Connection', 'close']];
        for (const [k, v] of Object.entries(o.headers ?? {})) {
          if (!HEADER_NAME.test(k) || !HEADER_VALUE.test(v)) return { error: `bad header ${k.slice(0, 32)}` };
          headers.push([k, v]);
        }
        const request = buildHttpRequest({ method, path: c.path, headers, body: o.body, contentType: o.contentType });
        const maxBytes = Math.max(1024, Math.min(o.maxBytes, MAX_BYTES_CEILING));
        const r = await ex({
          host: c.host, port: c.port, tls: c.tls,
          request,
          timeoutMs: Math.max(1, Math.min(o.timeoutMs, MAX_TIMEOUT_MS)), maxBytes, signal: o.signal,
          isComplete: (b) => responseComplete(b),
        });
        const parsed = parseResponse(r.data);
        if (!parsed || !parsed.protocol.startsWith('HTTP')) {
          return r.data.length ? { error: 'not an HTTP response' } : { error: `no response (${r.end}${r.code ? ` ${r.code}` : ''})`, ...(r.code ? { code: r.code } : {}) };
        }
        return { status: parsed.status, headers: parsed.headers, body: parsed.body };
      } catch (e) {
        return { error: (e as Error).message || 'error' };
      }
    },
  };
}
