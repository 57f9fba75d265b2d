// ONVIF WS-Discovery (ONVIF Core "Device discovery"): typed (NetworkVideoTransmitter,
// Device, wsdp:Device for wsdd/Windows) and untyped minified Probes to 239.255.255.250:3702 and to each
// unicast target; ProbeMatches/ResolveMatches/Hello/Bye parsed by src/protocols/wsdiscovery.ts.
// Follow-ups only to a responder inside the scan's targets (ctx.inScope) and only on an XAddr whose host
// is the responder (SSRF guard): GetSystemDateAndTime (clock skew), GetServices, GetDeviceInformation
// without credentials, and, only when the device asked for authentication (HTTP 401, or a
// ter:NotAuthorized / wsse:FailedAuthentication fault; a bare Sender fault or a 403 is no such request)
// and only with ctx.credentials, one authenticated attempt per credential (WS-UsernameToken with the
// device clock, then HTTP Digest if the device answers 401 with a Digest challenge). Never Basic (a
// device that offers only Basic gets no credential), never guesses. A responder outside the targets is
// reported as seen (what it announced), never contacted. Passive mode: Hello/Bye only, no follow-ups.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  WSD_MULTICAST_V4, WSD_MULTICAST_V6, WSD_PORT, buildGetDeviceInformation, buildGetServices, buildGetSystemDateAndTime, buildProbe, looksOnvif,
  normalizeMessageId, parseDeviceInformation, parseGetServices, parseSoapFault, parseSystemDateAndTime, parseWsdMessage,
  scopesToIdentity, toOnvifObservation, type DeviceInformation, type OnvifService, type ProbeTypes, type WsdMatch,
} from '../protocols/wsdiscovery.js';
import { HTTP_MAX, localName } from '../protocols/common.js';
import { digestAuthorization, parseDigestChallenges } from '../protocols/digest.js';
import { normaliseMac } from '../model/address.js';
import { Pending, isLinkLocal6, nowIso, runSession, safeEmit, urlHostIs } from './engine.js';
import type { DiscoveryContext, DiscoveryModule, HttpFetchResult, Sighting } from './types.js';

/** Probe variants: ONVIF cameras (NVT), ONVIF devices (NVRs list only tds:Device), wsdd/Windows (wsdp:Device), untyped. */
export const ONVIF_PROBE_TYPES: readonly ProbeTypes[] = ['nvt', 'device', 'wsdp-device', 'none'];
const SOAP_CT = 'application/soap+xml; charset=utf-8';

/** How GetDeviceInformation went: answered without credentials, refused, answered with a supplied credential, or failed. */
export const DEVICE_INFO_ACCESS = ['unauthenticated', 'refused', 'authenticated', 'error'] as const;
export type DeviceInfoAccess = (typeof DEVICE_INFO_ACCESS)[number];

export interface OnvifExtra {
  device_info: DeviceInfoAccess;
  /** The credential user name that worked (never the password). */
  user?: string;
  services?: OnvifService[];
  /** Message kind that revealed the device: probematches, resolvematches, hello, bye. */
  seen_as: string;
}

type SoapResult = HttpFetchResult | { error: string };

/** Follow-up sequences per responding address at most (a responder listing many endpoints gets no more). */
const MAX_FOLLOWUPS_PER_HOST = 4;
/** Fault (sub)codes that mean "authenticate" (ONVIF Core §5.12 ter:NotAuthorized; WS-Security 1.1 §12). */
const AUTH_FAULT = /^(NotAuthorized|FailedAuthentication|InvalidSecurity|InvalidSecurityToken|SecurityTokenUnavailable|FailedCheck)$/i;

/**
 * Did the device ask for authentication? HTTP 401, or a SOAP fault whose code or subcode is an
 * authentication failure. `basicOnly`: a 401 whose only challenge is HTTP Basic and no WS-Security
 * fault (a credential would have to be sent as Basic: never done).
 */
export function authRequest(r: HttpFetchResult): { asked: boolean; basicOnly: boolean } {
  const fault = parseSoapFault(r.body);
  const ws = fault !== null && [fault.fault, ...fault.subcodes].some((c) => AUTH_FAULT.test(localName(c)));
  if (r.status !== 401 && !ws) return { asked: false, basicOnly: false };
  const h = r.headers['www-authenticate'];
  const offers = (Array.isArray(h) ? h : h ? [h] : []).join(', ');
  const basicOnly = !ws && r.status === 401 && /\bBasic\b/i.test(offers) && parseDigestChallenges(h).length === 0;
  return { asked: true, basicOnly };
}

function soap(ctx: DiscoveryContext, url: string, ip: string, body: string, headers?: Record<string, string>): Promise<SoapResult> {
  return ctx.http.fetch(url, {
    method: 'POST', body, contentType: SOAP_CT, headers: { 'User-Agent': ctx.userAgent, ...(headers ?? {}) }, allowHost: ip,
    timeoutMs: ctx.timeoutMs, maxBytes: Math.min(ctx.maxBytes, HTTP_MAX), signal: ctx.signal,
  });
}

function isInfo(x: DeviceInformation | ReturnType<typeof parseSoapFault> | null): x is DeviceInformation {
  return !!x && !('fault' in x);
}

/** xs:dateTime without milliseconds, as devices expect in wsu:Created. */
function createdAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function followUps(ctx: DiscoveryContext, ip: string, xaddr: string): Promise<{ info?: DeviceInformation; skew?: number; extra: Omit<OnvifExtra, 'seen_as'> }> {
  const extra: Omit<OnvifExtra, 'seen_as'> = { device_info: 'error' };
  const path = (() => { try { const u = new URL(xaddr); return u.pathname + u.search; } catch { return '/onvif/device_service'; } })();

  // 1. GetSystemDateAndTime (PRE_AUTH) -> clock skew (midpoint of the request).
  let skewMs = 0;
  let skew: number | undefined;
  await ctx.rate();
  const t0 = Date.now();
  const dt = await soap(ctx, xaddr, ip, buildGetSystemDateAndTime());
  const t1 = Date.now();
  if (!('error' in dt)) {
    const dev = parseSystemDateAndTime(dt.body);
    if (dev) {
      // The device reports whole seconds (truncated): +500 ms centres the estimate.
      skewMs = dev.getTime() + 500 - (t0 + t1) / 2;
      skew = Math.round(skewMs / 1000);
    }
  }
  if (ctx.signal.aborted) return { skew, extra };

  // 2. GetServices (PRE_AUTH).
  await ctx.rate();
  const gs = await soap(ctx, xaddr, ip, buildGetServices({ includeCapability: false }));
  if (!('error' in gs) && gs.status === 200) {
    const s = parseGetServices(gs.body);
    if (Array.isArray(s) && s.length) extra.services = s.slice(0, 32);
  }
  if (ctx.signal.aborted) return { skew, extra };

  // 3. GetDeviceInformation without credentials.
  await ctx.rate();
  const plain = buildGetDeviceInformation();
  const gi = await soap(ctx, xaddr, ip, plain);
  if ('error' in gi) return { skew, extra };
  const parsed = gi.status === 200 ? parseDeviceInformation(gi.body) : null;
  if (isInfo(parsed)) return { info: parsed, skew, extra: { ...extra, device_info: 'unauthenticated' } };
  const auth = authRequest(gi);
  const refused = auth.asked || gi.status === 403;
  extra.device_info = refused ? 'refused' : 'error';
  if (!auth.asked || ctx.credentials.length === 0) return { skew, extra };
  if (auth.basicOnly) {
    ctx.log(`onvif: ${ip}: asks for HTTP Basic authentication; no credential sent (camsweep never sends Basic)`);
    return { skew, extra };
  }

  // 4. One authenticated attempt per supplied credential (never guessing).
  for (const cred of ctx.credentials) {
    if (ctx.signal.aborted) break;
    await ctx.rate();
    const tok = buildGetDeviceInformation({ username: cred.username, password: cred.password, nonce: randomBytes(16), created: createdAt(Date.now() + skewMs) });
    const r = await soap(ctx, xaddr, ip, tok);
    if ('error' in r) continue;
    const p = r.status === 200 ? parseDeviceInformation(r.body) : null;
    if (isInfo(p)) return { info: p, skew, extra: { ...extra, device_info: 'authenticated', user: cred.username } };
    // The device wants HTTP Digest (transport auth) instead of, or before, WS-Security.
    const challenge = r.status === 401 ? parseDigestChallenges(r.headers['www-authenticate'])[0] : undefined;
    if (!challenge) continue;
    await ctx.rate();
    const d = await soap(ctx, xaddr, ip, plain, { Authorization: digestAuthorization(challenge, 'POST', path, cred.username, cred.password) });
    if ('error' in d) continue;
    const pd = d.status === 200 ? parseDeviceInformation(d.body) : null;
    if (isInfo(pd)) return { info: pd, skew, extra: { ...extra, device_info: 'authenticated', user: cred.username } };
  }
  return { skew, extra };
}

async function describe(ctx: DiscoveryContext, ip: string, m: WsdMatch, kind: string, followUp: boolean): Promise<Sighting> {
  const id = scopesToIdentity(m.scopes);
  let info: DeviceInformation | undefined;
  let skew: number | undefined;
  let extra: OnvifExtra | undefined;
  const xaddr = m.xaddrs.find((x) => urlHostIs(x, ip));
  if (!ctx.passive && !ctx.inScope(ip)) {
    // Outside the targets: keep what it announced, contact it never.
  } else if (!ctx.passive && xaddr && looksOnvif(m) && followUp) {
    const f = await followUps(ctx, ip, xaddr);
    info = f.info;
    skew = f.skew;
    extra = { ...f.extra, seen_as: kind };
  } else if (m.xaddrs.length && !xaddr && !isLinkLocal6(ip)) {
    // (An IPv6 link-local responder's XAddrs are usually its IPv4 ones: its IPv4 sighting makes the calls.)
    ctx.log(`onvif: ${ip}: no XAddr on the responding host (${m.xaddrs[0].slice(0, 80)}); not contacted`);
  }
  const s: Sighting = { protocol: 'onvif', ip, record: { onvif: toOnvifObservation(m, info ?? null, skew) }, at: nowIso() };
  if (extra) s.record.x_onvif = extra;
  if (m.endpoint) s.endpoint = m.endpoint;
  const mac = normaliseMac(id.mac);
  if (mac) s.mac = mac;
  const serial = info?.serial ?? id.serial;
  if (serial) s.serial = serial;
  return s;
}

export const onvif: DiscoveryModule = {
  name: 'onvif',
  description: 'ONVIF WS-Discovery (UDP 3702) + GetSystemDateAndTime / GetServices / GetDeviceInformation',
  async run(ctx, emit) {
    const sent = new Set<string>();
    const seen = new Set<string>();
    const followed = new Map<string, number>();
    const pending = new Pending();
    const probes = () => ONVIF_PROBE_TYPES.map((types) => {
      const messageId = normalizeMessageId(randomUUID());
      if (sent.size < 4096) sent.add(messageId.toLowerCase());
      return buildProbe({ messageId, types });
    });
    // Every unicast target gets the same probes (each host sees each MessageID once), so replies from
    // any number of targets can be attributed; multicast rounds get fresh ones.
    let unicastProbes: Buffer[] | undefined;
    const unicast = () => (unicastProbes ??= probes());
    await runSession(ctx, 'onvif', {
      port: WSD_PORT, group: WSD_MULTICAST_V4, group6: WSD_MULTICAST_V6, ttl: 1, multicast: probes, unicast,
      onMessage(msg) {
        const w = parseWsdMessage(msg.data);
        if (!w || w.kind === 'probe' || w.kind === 'fault') return;
        const reply = w.kind === 'probematches' || w.kind === 'resolvematches';
        // Attribute replies to our probes when they say which probe they answer (don't require it).
        if (reply && !ctx.passive && w.relatesTo && !sent.has(normalizeMessageId(w.relatesTo).toLowerCase())) return;
        for (const m of w.matches) {
          const key = `${msg.address}|${m.endpoint || m.xaddrs.join(' ')}`;
          if ((!m.endpoint && !m.xaddrs.length) || seen.has(key)) continue; // wsdd sends each ProbeMatch twice
          if (seen.size > 8192) return;
          seen.add(key);
          const n = followed.get(msg.address) ?? 0;
          followed.set(msg.address, n + 1);
          pending.add(describe(ctx, msg.address, m, w.kind, n < MAX_FOLLOWUPS_PER_HOST).then((s) => safeEmit(ctx, emit, s)));
        }
      },
    });
    await pending.settle();
  },
};
