// HTTP(S) probe: index page (following up to two same-host redirects), favicon, and the safe vendor
// paths listed in src/data/http-paths.yaml that the index makes worth asking (choosePaths). Records
// status, every header (duplicates kept), title, bounded body, favicon hashes and the TLS certificate.
// Never sends credentials. All requests to a port go over one kept connection where the server allows
// it (HTTP/1.1 keep-alive); TLS is tried only on ports registered as TLS-first or whose plain answer
// showed a TLS server (reset on a plain request, a TLS record, a 400 that asks for HTTPS).
import type { HostError, HttpObservation, TlsObservation } from '../model/types.js';
import { clean, cleanText } from '../util/sanitize.js';
import type { PeerCert } from '../model/net.js';
import { bodyText, extractTitle } from '../protocols/html.js';
import { faviconMmh3, md5 } from '../protocols/hash.js';
import { buildHttpRequest, hostHeader } from '../protocols/http-request.js';
import { one, parseResponse, responseComplete, type ParsedResponse } from '../protocols/response.js';
import { coded } from '../model/status.js';
import type { Session } from '../model/net.js';
import { openSession } from './session.js';
import type { HttpPathDef } from '../model/types.js';
import type { AskOutcome, HostEvidence, Probe, ProbeContext, ProbeResult, ProbeTarget } from './types.js';
import { ScanFleet } from './fleet.js';
import { apiErrorEnvelope } from '../protocols/envelope.js';

export type { HttpPathDef } from '../model/types.js';

/**
 * The ports the HTTP probe runs on (a port the user scans that is not here gets a connect check only).
 * 5000/5001 are Synology DSM's HTTP and HTTPS ports, which src/data/http-paths.yaml's synology-api-info
 * path is ranked by (and NETGEAR's SOAP API answers on 5000): without them that path could never be asked.
 */
export const HTTP_PORTS = [80, 81, 82, 88, 443, 5000, 5001, 7443, 8000, 8001, 8080, 8081, 8088, 8443, 8888, 9000, 9443] as const;
export const HTTPS_FIRST = new Set([443, 5001, 7443, 8443, 9443]);
const BODY_KEEP = 16384;

export function buildRequest(method: string, host: string, port: number, reqPath: string, ua: string, body?: string, contentType?: string, keepAlive = false): Buffer {
  return buildHttpRequest({
    method, path: reqPath, body, contentType,
    headers: [['Host', hostHeader(host, port, port === 80 || port === 443)], ['User-Agent', ua], ['Accept', '*/*'], ['Connection', keepAlive ? 'keep-alive' : 'close']],
  });
}

/** May the connection carry another request after this response (HTTP/1.1 unless `close`; 1.0 only with keep-alive)? Pure. */
export function keepsAlive(p: ParsedResponse): boolean {
  const c = String(one(p.headers.connection) ?? '').toLowerCase();
  if (/\bclose\b/.test(c)) return false;
  return p.protocol === 'HTTP/1.1' ? true : /\bkeep-alive\b/.test(c);
}

/** The index answer is an HTML page (worth a favicon request). Pure. */
export function isHtml(o: HttpObservation): boolean {
  const ct = String(one(o.headers?.['content-type']) ?? '');
  if (/html/i.test(ct)) return true;
  return !ct && /^\s*<(?:!doctype html|html|head|title)/i.test(o.body ?? '');
}

const HINT_TEXT_MAX = 16384;
const hintCache = new WeakMap<HttpPathDef, { hints: RegExp[]; likely: RegExp[] }>();
function marksOf(d: HttpPathDef): { hints: RegExp[]; likely: RegExp[] } {
  let r = hintCache.get(d);
  if (!r) { r = { hints: (d.hints ?? []).map((h) => new RegExp(h, 'i')), likely: (d.likely ?? []).map((h) => new RegExp(h, 'im')) }; hintCache.set(d, r); }
  return r;
}

/** Extra vendor requests a host is sent at most (across its ports) when no index names a platform. */
export const MAX_EXTRA_PATHS = 4;

/** A host's evidence record and extra-request budget (one per host: src/scan/scan.ts makes it). */
export function hostEvidence(openPorts: readonly number[], extra = MAX_EXTRA_PATHS, makers?: readonly string[]): HostEvidence {
  return { openPorts: [...openPorts], extraLeft: extra, asked: new Map(), ...(makers?.length ? { makers: [...makers] } : {}) };
}

/** The text of the index answers the marks are matched against: Server and WWW-Authenticate headers, title, body (bounded). */
function indexText(index: readonly HttpObservation[]): string {
  return index.map((o) => [one(o.headers?.server), ...[o.headers?.['www-authenticate'] ?? []].flat(), o.title, (o.body ?? '').slice(0, HINT_TEXT_MAX)].filter(Boolean).join('\n')).join('\n');
}

/**
 * How likely a vendor path is to be answered, from the weak evidence: 3 when the host's MAC prefix
 * belongs to its maker, 2 for a weak mark in the index, 1 for an open port of its maker.
 */
export function likelihood(d: HttpPathDef, text: string, openPorts: readonly number[], makers: readonly string[] = []): number {
  const m = marksOf(d);
  return ((d.makers ?? []).some((x) => makers.includes(x)) ? 3 : 0) + (m.likely.some((re) => re.test(text)) ? 2 : 0) + ((d.ports ?? []).some((p) => openPorts.includes(p)) ? 1 : 0);
}

export interface PathPlan {
  /** Asked in any case: paths with no hints (the favicon after an HTML index) and the paths of the platform the index named. */
  always: HttpPathDef[];
  /** When the index named no platform: every vendor path, most likely first (ties in file order). The caller caps them. */
  extra: HttpPathDef[];
}

/**
 * Which vendor paths to ask of a port, from what its index answers said (src/data/http-paths.yaml
 * explains `when`, `hints`, `likely`, `ports` and `makers`). When some path's hints match, the index
 * named its platform: those paths are asked and nothing else. When none match, the vendor paths
 * (those with hints, weak marks, ports or makers) become extra requests in order of likelihood (the
 * maker of the host's MAC prefix, weak marks in the index, open ports; ties in file order, most
 * common platforms first), which the probe caps per host. Favicon-like paths only after an HTML
 * index; paths with none of these always. Pure.
 */
export function planPaths(defs: readonly HttpPathDef[], index: readonly HttpObservation[], openPorts: readonly number[] = [], makers: readonly string[] = []): PathPlan {
  const text = indexText(index);
  // A path with hints belongs to a platform; one with only weak marks or ports (ONVIF GetServices)
  // is worth asking of any unnamed device; one with neither is asked always.
  const vendor = (d: HttpPathDef) => !!(d.hints?.length || d.likely?.length || d.ports?.length || d.makers?.length);
  const matched = new Set(defs.filter((d) => d.hints?.length && marksOf(d).hints.some((re) => re.test(text))));
  const html = index.some(isHtml);
  const shown = (d: HttpPathDef) => !(d.when === 'html-index' && !html);
  const always = defs.filter((d) => shown(d) && (!vendor(d) || matched.has(d)));
  if (matched.size) return { always, extra: [] };
  const extra = defs.filter((d) => shown(d) && vendor(d))
    .map((d, i) => ({ d, i, score: likelihood(d, text, openPorts, makers) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((x) => x.d);
  return { always, extra };
}

/** The paths asked of one port with a budget of `maxExtra` extra requests: `always`, then the most likely extras. Pure. */
export function choosePaths(defs: readonly HttpPathDef[], index: readonly HttpObservation[], openPorts: readonly number[] = [], maxExtra = MAX_EXTRA_PATHS): HttpPathDef[] {
  const p = planPaths(defs, index, openPorts);
  return [...p.always, ...p.extra.slice(0, Math.max(0, maxExtra))];
}

/** What makes two index answers the same page (status, Server, title, start of the body). Pure. */
export function pageKey(o: HttpObservation | undefined): string {
  if (!o) return '';
  return `${o.status ?? ''}\u0000${String(one(o.headers?.server) ?? '')}\u0000${o.title ?? ''}\u0000${(o.body ?? '').slice(0, 2048)}`;
}

/** The same answer as the index (a server that gives its one page for every path). Pure. */
export function sameAnswer(a: HttpObservation, index: HttpObservation | undefined): boolean {
  if (!index || a.status !== index.status) return false;
  const x = (a.body ?? '').slice(0, 2048);
  return x.length > 0 && x === (index.body ?? '').slice(0, 2048);
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

interface Fetched { obs?: HttpObservation; location?: string; raw?: Buffer; tls?: TlsObservation; error?: HostError; looksTls?: boolean; warn?: HostError; /** The port reset the connection without a byte (as a TLS server given plain HTTP may); a clean close is the port's answer to the request, not this. */ silentClose?: boolean; timedOut?: boolean }

async function fetchOnce(t: ProbeTarget, ctx: ProbeContext, s: Session, useTls: boolean, method: string, reqPath: string, body?: string, ct?: string): Promise<Fetched> {
  const r = await s.request({
    request: buildRequest(method, t.hostname ?? t.ip, t.port, reqPath, ctx.userAgent, body, ct, true),
    timeoutMs: ctx.timeoutMs, maxBytes: ctx.maxBytes, isComplete: (b) => responseComplete(b),
  });
  const tlsObs: TlsObservation | undefined = r.cert ? tlsObservation(t.port, r.cert, r.tlsVersion) : undefined;
  const parsed = parseResponse(r.data);
  if (!parsed || !parsed.protocol.startsWith('HTTP')) {
    const looksTls = r.data.length > 0 && (r.data[0] === 0x15 || r.data[0] === 0x16);
    const silentClose = r.data.length === 0 && r.end === 'error' && (r.code === 'ECONNRESET' || r.code === 'EPIPE' || r.code === 'EPROTO' || /^ERR_SSL/.test(r.code ?? ''));
    return {
      tls: tlsObs, looksTls, silentClose, timedOut: r.end === 'timeout',
      error: { stage: 'http', port: t.port, ...coded(r.end === 'timeout' ? 'ETIMEDOUT' : r.code ?? (r.data.length ? 'PROTOCOL' : 'EMPTY'), r.connected), message: `${method} ${reqPath}: ${r.data.length ? 'not an HTTP response' : `no response (${r.end})`}` },
    };
  }
  if (r.end !== 'complete' || !keepsAlive(parsed)) s.reset();
  const obs = httpObservation(parsed, t.port, useTls, reqPath);
  // A response cut by the deadline or the byte cap is still evidence, but say so.
  const warn: HostError | undefined = parsed.truncated && (r.end === 'timeout' || r.end === 'cap')
    ? { stage: 'http', port: t.port, ...coded(r.end === 'cap' ? 'TRUNCATED_CAP' : 'TRUNCATED_TIMEOUT'), message: `${method} ${reqPath}: response cut after ${r.data.length} bytes (${r.end === 'cap' ? 'byte cap' : 'deadline'})` }
    : undefined;
  return { obs, raw: parsed.body, location: one(parsed.headers.location), tls: tlsObs, ...(warn ? { warn } : {}) };
}

/**
 * After a failed index request, is the other scheme worth one try? From TLS to plain unless the port
 * stayed silent (a plain server answers a ClientHello with a 400 or a reset); from plain to TLS only
 * when the port behaved like a TLS server (reset the connection without a byte, sent a TLS record, or
 * answered 400 asking for HTTPS), not after a timeout, a binary answer of another protocol or a clean
 * close in answer to the request (a binary vendor port such as Hikvision's 8000 closes on a request
 * it does not understand). Pure.
 */
export function tryOtherScheme(f: Fetched, useTls: boolean): boolean {
  if (f.obs) return !useTls && f.obs.status === 400 && /\b(?:https|ssl|tls)\b/i.test(`${f.obs.title ?? ''} ${f.obs.body ?? ''}`.slice(0, 4096));
  if (f.timedOut) return false;
  if (useTls) return true;
  return f.looksTls === true || f.silentClose === true;
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
    let useTls = HTTPS_FIRST.has(t.port);
    const open = (tls: boolean) => openSession(ctx.net, { host: t.ip, port: t.port, tls, servername: t.hostname, signal: ctx.signal });
    let s = open(useTls);
    try {
      let first = await fetchOnce(t, ctx, s, useTls, 'GET', '/');
      if (!ctx.signal.aborted && tryOtherScheme(first, useTls)) {
        const s2 = open(!useTls);
        const other = await fetchOnce(t, ctx, s2, !useTls, 'GET', '/');
        if (other.obs) { s.close(); s = s2; useTls = !useTls; first = other; } else s2.close();
      }
      const tlsObs: TlsObservation | undefined = first.tls;
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
        const f = await fetchOnce(t, ctx, s, useTls, 'GET', p);
        if (!f.obs) break;
        http.push(f.obs);
        if (f.warn) errors.push(f.warn);
        loc = f.obs.status && f.obs.status >= 300 && f.obs.status < 400 ? f.location : undefined;
      }
      // The platform's own paths when the index named one; otherwise the most likely vendor paths, as
      // many as the host's budget of extra requests still allows, until one of them is answered.
      const host = ctx.host ?? hostEvidence([t.port]);
      const plan = planPaths(ctx.httpPaths ?? [], http, host.openPorts, host.makers);
      const index = http[http.length - 1];
      const ask = async (def: HttpPathDef): Promise<AskOutcome> => {
        const f = await fetchOnce(t, ctx, s, useTls, def.method, def.path, def.body, def.content_type);
        if (!f.obs) return { kind: 'failed' };
        if (f.warn) errors.push(f.warn);
        if (def.id === 'favicon') {
          if (f.obs.status === 200 && f.raw && f.raw.length > 0 && !/text\/html/i.test(String(one(f.obs.headers?.['content-type'] ?? '')))) {
            const favicon = { md5: md5(f.raw), mmh3: faviconMmh3(f.raw) };
            setFavicon(favicon);
            return { kind: 'nothing', favicon };
          }
          return { kind: 'nothing' };
        }
        // A vendor path that the server does not know (404 or 405 without an API error envelope, or the
        // same page as the index) adds nothing.
        if ((f.obs.status === 404 || f.obs.status === 405) && !apiErrorEnvelope(f.obs.body)) return { kind: 'nothing' };
        if (sameAnswer(f.obs, index)) return { kind: 'nothing' };
        delete f.obs.title;
        http.push(f.obs);
        return { kind: 'kept' };
      };
      const setFavicon = (fav: { md5: string; mmh3: number }) => { const idx = http[http.length - 1]; idx.favicon_md5 = fav.md5; idx.favicon_mmh3 = fav.mmh3; };
      // A path this host was already asked after the same index page on another port (or is being
      // asked): its outcome is that one's, with no request; one that got no answer there is asked here.
      const page = pageKey(index);
      // An extra path that other hosts of the scan serving the same page found empty is not asked and
      // costs none of the budget; one that enough of them are asking now is looked at again at the end
      // (src/probes/fleet.ts).
      const pageId = ctx.fleet ? ScanFleet.pageId(page) : '';
      type Later = { def: HttpPathDef; settled: Promise<'kept' | 'nothing' | 'unknown'> };
      const askOnce = async (def: HttpPathDef, spend: () => boolean = () => true, later?: Later[]): Promise<AskOutcome['kind'] | 'spent' | 'later'> => {
        const key = `${def.id}\u0000${def.method} ${def.path}\u0000${page}`;
        const prev = host.asked?.get(key);
        if (prev) {
          const o = await prev;
          if (o.kind !== 'failed') { if (o.favicon) setFavicon(o.favicon); return o.kind; }
        }
        const look = later && ctx.fleet ? ctx.fleet.look(`${def.id}\u0000${def.method} ${def.path}\u0000${pageId}`) : undefined;
        if (look?.kind === 'empty') return 'nothing';
        if (look?.kind === 'busy') { later!.push({ def, settled: look.settled }); return 'later'; }
        if (!spend()) { if (look?.kind === 'ask') look.claim.cancel(); return 'spent'; }
        const p = ask(def);
        host.asked?.set(key, p);
        if (look?.kind === 'ask') look.claim.settle(p);
        return (await p).kind;
      };
      for (const def of plan.always) {
        if (ctx.signal.aborted) break;
        await askOnce(def);
      }
      const spendExtra = () => (host.extraLeft > 0 ? (host.extraLeft--, true) : false);
      const later: Later[] = [];
      let found = false;
      for (const def of plan.extra) {
        if (ctx.signal.aborted || host.extraLeft <= 0) break;
        const o = await askOnce(def, spendExtra, later);
        if (o === 'kept') { found = true; break; }
        if (o === 'spent') break;
      }
      // The paths other hosts were asking when this one came to them: asked here too when those asks
      // gave something (the answer is per device: once past the budget if need be) or got no answer
      // (within the budget); not when they found nothing.
      let beyond = 1;
      const spendKept = () => spendExtra() || (beyond > 0 ? (beyond--, true) : false);
      for (const l of found ? [] : later) {
        if (ctx.signal.aborted) break;
        const settled = await l.settled;
        if (settled === 'nothing') continue;
        if ((await askOnce(l.def, settled === 'kept' ? spendKept : spendExtra)) === 'kept') break;
      }
      return { record: { http, ...(tlsObs ? { tls: [tlsObs] } : {}) }, errors };
    } finally {
      s.close();
    }
  },
};
