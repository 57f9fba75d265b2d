// ONVIF WS-Discovery (peers.md §4.1; ONVIF Core "Device discovery"): typed (NetworkVideoTransmitter,
// Device, wsdp:Device for wsdd/Windows) and untyped minified Probes to 239.255.255.250:3702 and to each
// unicast target; ProbeMatches/ResolveMatches/Hello/Bye parsed by src/protocols/wsdiscovery.ts.
// Follow-ups on an XAddr whose host is the responder (SSRF guard): GetSystemDateAndTime (clock skew),
// GetServices, GetDeviceInformation without credentials, and, only when refused and only with
// ctx.credentials, one authenticated attempt per credential (WS-UsernameToken with the device clock,
// then HTTP Digest if the device answers 401). Never guesses credentials. Passive mode: Hello/Bye only,
// no follow-ups (they would send).
import { randomBytes, randomUUID } from 'node:crypto';
import {
  WSD_MULTICAST_V4, WSD_MULTICAST_V6, WSD_PORT, buildGetDeviceInformation, buildGetServices, buildGetSystemDateAndTime, buildProbe, looksOnvif,
  normalizeMessageId, parseDeviceInformation, parseGetServices, parseSoapFault, parseSystemDateAndTime, parseWsdMessage,
  scopesToIdentity, toOnvifObservation, type DeviceInformation, type OnvifService, type ProbeTypes, type WsdMatch,
} from '../protocols/wsdiscovery.js';
import { HTTP_MAX } from '../protocols/common.js';
import { digestAuthorization, parseDigestChallenges } from './digest.js';
import { Pending, isLinkLocal6, nowIso, runSession, safeEmit, urlHostIs } from './engine.js';
import type { DiscoveryContext, DiscoveryModule, HttpFetchResult, Sighting } from './types.js';

/** Probe variants: ONVIF cameras (NVT), ONVIF devices (NVRs list only tds:Device), wsdd/Windows (wsdp:Device), untyped. */
export const ONVIF_PROBE_TYPES: readonly ProbeTypes[] = ['nvt', 'device', 'wsdp-device', 'none'];
const SOAP_CT = 'application/soap+xml; charset=utf-8';

/** How GetDeviceInformation went: answered without credentials, refused, answered with a supplied credential, or failed. */
export type DeviceInfoAccess = 'unauthenticated' | 'refused' | 'authenticated' | 'error';

export interface OnvifExtra {
  device_info: DeviceInfoAccess;
  /** The credential user name that worked (never the password). */
  user?: string;
  services?: OnvifService[];
  /** Message kind that revealed the device: probematches, resolvematches, hello, bye. */
  seen_as: string;
}

type SoapResult = HttpFetchResult | { error: string };

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
  const fault = parseSoapFault(gi.body);
  const refused = gi.status === 401 || gi.status === 403 || (fault !== null && /NotAuthorized|FailedAuthentication|Sender/i.test(fault.fault + fault.code));
  extra.device_info = refused ? 'refused' : 'error';
  if (!refused) return { skew, extra };

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

async function describe(ctx: DiscoveryContext, ip: string, m: WsdMatch, kind: string): Promise<Sighting> {
  const id = scopesToIdentity(m.scopes);
  let info: DeviceInformation | undefined;
  let skew: number | undefined;
  let extra: OnvifExtra | undefined;
  const xaddr = m.xaddrs.find((x) => urlHostIs(x, ip));
  if (!ctx.passive && xaddr && looksOnvif(m)) {
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
  if (id.mac && /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(id.mac)) s.mac = id.mac;
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
    const pending = new Pending();
    const probes = () => ONVIF_PROBE_TYPES.map((types) => {
      const messageId = normalizeMessageId(randomUUID());
      if (sent.size < 4096) sent.add(messageId.toLowerCase());
      return buildProbe({ messageId, types });
    });
    await runSession(ctx, 'onvif', {
      port: WSD_PORT, group: WSD_MULTICAST_V4, group6: WSD_MULTICAST_V6, ttl: 1, multicast: probes, unicast: probes,
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
          pending.add(describe(ctx, msg.address, m, w.kind).then((s) => safeEmit(ctx, emit, s)));
        }
      },
    });
    await pending.settle();
  },
};
