// WS-Discovery (ONVIF device discovery) and the few ONVIF device-service SOAP calls camsweep makes.
// Pure codecs: bytes in, records out, and builders for both the scanner's requests and a simulated
// device's replies.
//
// Formats:
//  - WS-Discovery 2005/04 (the draft ONVIF mandates; ONVIF Core "Device discovery"):
//    d = http://schemas.xmlsoap.org/ws/2005/04/discovery, a = http://schemas.xmlsoap.org/ws/2004/08/addressing,
//    multicast To = urn:schemas-xmlsoap-org:ws:2005:04:discovery.
//  - OASIS WS-Discovery 1.1 (2009/01; Windows/WCF responders):
//    d = http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01, a = http://www.w3.org/2005/08/addressing,
//    To = urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01.
//  - ONVIF Core: scopes onvif://www.onvif.org/<category>/<value>, tds:GetSystemDateAndTime,
//    tds:GetDeviceInformation, tds:GetServices; faults env:Sender / ter:NotAuthorized.
//  - OASIS WSS UsernameToken Profile 1.0: PasswordDigest = Base64(SHA-1(nonce + created + password)).

import { createHash, timingSafeEqual } from 'node:crypto';
import { macInUuid, normaliseMac } from '../model/address.js';
import { clean } from '../util/sanitize.js';
import type { OnvifObservation } from '../model/types.js';
import {
  HTTP_MAX, UDP_MAX, type Input, type XmlNode, child, children, httpUrl, localName, parseXml, path, rawText, safeKey,
  splitList, text, toText, xmlEscape,
} from './common.js';

export const WSD_PORT = 3702;
export const WSD_MULTICAST_V4 = '239.255.255.250';
export const WSD_MULTICAST_V6 = 'ff02::c';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsa2004: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsa2005: 'http://www.w3.org/2005/08/addressing',
  wsd2005: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  wsd2009: 'http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
  wsdp: 'http://schemas.xmlsoap.org/ws/2006/02/devprof',
  pub: 'http://schemas.microsoft.com/windows/pub/2005/07',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type WsdVersion = '2005/04' | '2009/01';

interface VersionConsts { wsa: string; wsd: string; to: string; anonymous: string }
const V: Record<WsdVersion, VersionConsts> = {
  '2005/04': {
    wsa: NS.wsa2004, wsd: NS.wsd2005, to: 'urn:schemas-xmlsoap-org:ws:2005:04:discovery',
    anonymous: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous',
  },
  '2009/01': {
    wsa: NS.wsa2005, wsd: NS.wsd2009, to: 'urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01',
    anonymous: 'http://www.w3.org/2005/08/addressing/anonymous',
  },
};

const MAX_MATCHES = 64;
const MAX_SCOPES = 64;
const MAX_TYPES = 32;
const MAX_XADDRS = 16;

// ---------------------------------------------------------------------------------------------------
// WS-Discovery messages

export type ProbeTypes = 'nvt' | 'device' | 'wsdp-device' | 'none';

/** Ensure a MessageID is a `urn:uuid:` URI (nmap's decoder and some devices insist on it). */
export function normalizeMessageId(id: string): string {
  const s = String(id).trim();
  if (/^urn:uuid:/i.test(s)) return s;
  if (/^uuid:/i.test(s)) return 'urn:' + s;
  return 'urn:uuid:' + s;
}

function envelopeOpen(v: VersionConsts): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${v.wsa}" xmlns:d="${v.wsd}"`
    + ` xmlns:dn="${NS.dn}" xmlns:tds="${NS.tds}" xmlns:wsdp="${NS.wsdp}" xmlns:pub="${NS.pub}">`;
}

/**
 * A minified SOAP 1.2 Probe (no whitespace between elements: some Hikvision firmware only answers that).
 * `types`: 'nvt' = dn:NetworkVideoTransmitter (default), 'device' = tds:Device, 'wsdp-device' = wsdp:Device
 * (the only thing wsdd answers), 'none' = an untyped `<d:Probe/>`.
 */
export function buildProbe(opts: { messageId: string; types?: ProbeTypes; scopes?: string[]; version?: WsdVersion }): Buffer {
  const v = V[opts.version ?? '2005/04'];
  const t = opts.types ?? 'nvt';
  const typeText = t === 'nvt' ? 'dn:NetworkVideoTransmitter' : t === 'device' ? 'tds:Device' : t === 'wsdp-device' ? 'wsdp:Device' : '';
  const scopes = opts.scopes && opts.scopes.length ? `<d:Scopes>${xmlEscape(opts.scopes.join(' '))}</d:Scopes>` : '';
  const inner = (typeText ? `<d:Types>${typeText}</d:Types>` : '') + scopes;
  const probe = inner ? `<d:Probe>${inner}</d:Probe>` : '<d:Probe/>';
  const xml = envelopeOpen(v)
    + `<s:Header><a:Action s:mustUnderstand="1">${v.wsd}/Probe</a:Action>`
    + `<a:MessageID>${xmlEscape(normalizeMessageId(opts.messageId))}</a:MessageID>`
    + `<a:ReplyTo><a:Address>${v.anonymous}</a:Address></a:ReplyTo>`
    + `<a:To s:mustUnderstand="1">${v.to}</a:To></s:Header>`
    + `<s:Body>${probe}</s:Body></s:Envelope>`;
  return Buffer.from(xml, 'utf8');
}

/** One discovered endpoint (a ProbeMatch, ResolveMatch or Hello body). All strings cleaned. */
export interface WsdMatch {
  /** EndpointReference/Address, usually `urn:uuid:…`. */
  endpoint: string;
  /** QNames as sent, e.g. "dn:NetworkVideoTransmitter" (prefixes are the sender's). */
  types: string[];
  /** Scope URIs as sent (still percent-encoded); see scopesToIdentity(). */
  scopes: string[];
  /** Transport addresses that parse as http(s) URLs. Empty for non-ONVIF WSD responders. */
  xaddrs: string[];
  metadataVersion: string;
  /** The message's RelatesTo (our Probe's MessageID), '' for Hello. */
  relatesTo: string;
  /**
   * The MAC in the node field of the sender's MessageID when that is a time-based UUID (RFC 4122
   * §4.1.6; src/model/address.ts macInUuid): device stacks that make their message ids that way carry
   * their own MAC in every message. Absent otherwise.
   */
  senderMac?: string;
}

export type WsdKind = 'probe' | 'probematches' | 'resolvematches' | 'hello' | 'bye' | 'fault';

export interface WsdMessage {
  kind: WsdKind;
  /** Which WS-Discovery namespace the message used, when it could be told. */
  version: WsdVersion | 'unknown';
  action: string;
  messageId: string;
  relatesTo: string;
  /** ProbeMatch/ResolveMatch entries, or the single Hello/Bye endpoint. */
  matches: WsdMatch[];
  /** For kind 'probe': the Types and Scopes asked for. */
  probeTypes: string[];
  probeScopes: string[];
  /** For kind 'fault': e.g. "MatchingRuleNotSupported". */
  fault?: SoapFault;
}

function detectVersion(raw: string): WsdVersion | 'unknown' {
  if (raw.includes(NS.wsd2009)) return '2009/01';
  if (raw.includes(NS.wsd2005)) return '2005/04';
  return 'unknown';
}

function cleanList(s: string, max: number, itemMax = 1024): string[] {
  return splitList(s, max).map((x) => clean(x, itemMax)).filter((x) => x.length > 0);
}

function parseMatch(m: unknown, relatesTo: string, senderMac?: string): WsdMatch {
  const xaddrs: string[] = [];
  for (const x of splitList(rawText(child(m, 'XAddrs')), MAX_XADDRS * 4)) {
    const c = clean(x, 1024);
    if (httpUrl(c) && !xaddrs.includes(c)) xaddrs.push(c);
    if (xaddrs.length >= MAX_XADDRS) break;
  }
  return {
    endpoint: text(path(m, 'EndpointReference', 'Address'), 256),
    types: cleanList(rawText(child(m, 'Types')), MAX_TYPES, 256),
    scopes: cleanList(rawText(child(m, 'Scopes')), MAX_SCOPES),
    xaddrs,
    metadataVersion: text(child(m, 'MetadataVersion'), 32),
    relatesTo,
    ...(senderMac ? { senderMac } : {}),
  };
}

/** Parse any WS-Discovery datagram (Probe, ProbeMatches, ResolveMatches, Hello, Bye, SOAP fault). Never throws. */
export function parseWsdMessage(buf: Input): WsdMessage | null {
  const raw = toText(buf, UDP_MAX);
  if (raw === null) return null;
  const root = parseXml(raw);
  const env = child(root, 'Envelope');
  const body = child(env, 'Body');
  if (body === undefined) return null;
  const header = child(env, 'Header');
  const base = {
    version: detectVersion(raw),
    action: text(child(header, 'Action'), 256),
    messageId: text(child(header, 'MessageID'), 256),
    relatesTo: text(child(header, 'RelatesTo'), 256),
    matches: [] as WsdMatch[],
    probeTypes: [] as string[],
    probeScopes: [] as string[],
  };
  const senderMac = macInUuid(base.messageId);
  const pm = child(body, 'ProbeMatches');
  if (pm !== undefined) {
    const matches = children(pm, 'ProbeMatch').slice(0, MAX_MATCHES).map((m) => parseMatch(m, base.relatesTo, senderMac));
    return { ...base, kind: 'probematches', matches };
  }
  const rm = child(body, 'ResolveMatches');
  if (rm !== undefined) {
    const matches = children(rm, 'ResolveMatch').slice(0, MAX_MATCHES).map((m) => parseMatch(m, base.relatesTo, senderMac));
    return { ...base, kind: 'resolvematches', matches };
  }
  const hello = child(body, 'Hello');
  if (hello !== undefined) return { ...base, kind: 'hello', matches: [parseMatch(hello, '', senderMac)] };
  const bye = child(body, 'Bye');
  if (bye !== undefined) return { ...base, kind: 'bye', matches: [parseMatch(bye, '')] };
  const probe = child(body, 'Probe');
  if (probe !== undefined) {
    return {
      ...base, kind: 'probe',
      probeTypes: cleanList(rawText(child(probe, 'Types')), MAX_TYPES, 256),
      probeScopes: cleanList(rawText(child(probe, 'Scopes')), MAX_SCOPES),
    };
  }
  const fault = faultOf(body);
  if (fault) return { ...base, kind: 'fault', fault };
  return null;
}

/** The ProbeMatch (and ResolveMatch) entries of a reply datagram; [] for anything else. Never throws. */
export function parseProbeMatches(buf: Input): WsdMatch[] {
  const m = parseWsdMessage(buf);
  return m && (m.kind === 'probematches' || m.kind === 'resolvematches') ? m.matches : [];
}

/** Heuristic: does this match look like an ONVIF device (rather than a printer or a Windows host)? */
export function looksOnvif(m: WsdMatch): boolean {
  return m.types.some((t) => localName(t) === 'NetworkVideoTransmitter')
    || m.scopes.some((s) => /^onvif:\/\/www\.onvif\.org\//i.test(s))
    || m.xaddrs.some((x) => /\/onvif\//i.test(x));
}

export interface ScopeIdentity {
  name?: string;
  hardware?: string;
  location?: string;
  mac?: string;
  serial?: string;
  manufacturer?: string;
  /** Profile scopes, e.g. ["Streaming", "G", "T"]. */
  profiles: string[];
  /** type/ scopes, e.g. ["video_encoder", "Network_Video_Transmitter"]. */
  types: string[];
}

function pctDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Decode ONVIF scopes (ONVIF Core "Scopes": onvif://www.onvif.org/{name,hardware,location,Profile,type,...}/…)
 * into an identity. Values are percent-decoded and cleaned. MAC scopes vary in the wild (`mac/`, `MAC/`,
 * `MacAddress/`, a vendor prefix such as `A1C2B3/mac/…`), so any path segment named like a MAC key is used.
 * First value wins; several location scopes are joined with ", ".
 */
export function scopesToIdentity(scopes: readonly string[]): ScopeIdentity {
  const out: ScopeIdentity = { profiles: [], types: [] };
  const locations: string[] = [];
  if (!Array.isArray(scopes)) return out;
  for (const scope of scopes.slice(0, MAX_SCOPES * 2)) {
    if (typeof scope !== 'string') continue;
    const m = /^onvif:\/\/www\.onvif\.org\/(.*)$/i.exec(scope.trim());
    if (!m) continue;
    const segs = m[1].split('/').filter((x) => x.length > 0).map((x) => clean(pctDecode(x), 256));
    if (segs.length === 0) continue;
    const key = segs[0].toLowerCase();
    const rest = segs.slice(1).join('/');
    const macIdx = segs.findIndex((x) => /^(mac|macaddress|mac_address|hwaddress)$/i.test(x));
    if (macIdx >= 0 && segs[macIdx + 1] !== undefined) {
      out.mac ??= normaliseMac(segs.slice(macIdx + 1).join('/'));
      continue;
    }
    if (!rest) continue;
    switch (key) {
      case 'name': out.name ??= rest; break;
      case 'hardware': out.hardware ??= rest; break;
      case 'location': if (locations.length < 8 && !locations.includes(rest)) locations.push(rest); break;
      case 'serial': case 'serialnumber': case 'serial_number': case 'sn': out.serial ??= rest; break;
      case 'manufacturer': case 'mfr': case 'vendor': case 'brand': out.manufacturer ??= rest; break;
      case 'profile': if (out.profiles.length < 16 && !out.profiles.includes(rest)) out.profiles.push(rest); break;
      case 'type': if (out.types.length < 16 && !out.types.includes(rest)) out.types.push(rest); break;
      default: break;
    }
  }
  if (locations.length) out.location = clean(locations.join(', '), 512);
  return out;
}

/** Fields of one endpoint for the responder builders. */
export interface WsdEndpoint {
  endpoint: string;
  types?: string[];
  scopes?: string[];
  xaddrs?: string[];
  metadataVersion?: string | number;
}

function matchBody(tag: string, m: WsdEndpoint, withDetails = true): string {
  let s = `<d:${tag}><a:EndpointReference><a:Address>${xmlEscape(m.endpoint)}</a:Address></a:EndpointReference>`;
  if (withDetails) {
    if (m.types && m.types.length) s += `<d:Types>${xmlEscape(m.types.join(' '))}</d:Types>`;
    if (m.scopes && m.scopes.length) s += `<d:Scopes>${xmlEscape(m.scopes.join(' '))}</d:Scopes>`;
    if (m.xaddrs && m.xaddrs.length) s += `<d:XAddrs>${xmlEscape(m.xaddrs.join(' '))}</d:XAddrs>`;
    s += `<d:MetadataVersion>${xmlEscape(m.metadataVersion ?? 1)}</d:MetadataVersion>`;
  }
  return s + `</d:${tag}>`;
}

function appSequence(instanceId?: number, messageNumber?: number): string {
  return `<d:AppSequence InstanceId="${Math.max(0, Math.trunc(instanceId ?? 1))}" MessageNumber="${Math.max(0, Math.trunc(messageNumber ?? 1))}"/>`;
}

/** Responder side: a ProbeMatches reply (one or several ProbeMatch) to a Probe whose MessageID was `relatesTo`. */
export function buildProbeMatches(opts: {
  messageId: string; relatesTo: string; matches: WsdEndpoint[]; version?: WsdVersion;
  instanceId?: number; messageNumber?: number;
}): Buffer {
  const v = V[opts.version ?? '2005/04'];
  const xml = envelopeOpen(v)
    + `<s:Header><a:MessageID>${xmlEscape(normalizeMessageId(opts.messageId))}</a:MessageID>`
    + `<a:RelatesTo>${xmlEscape(opts.relatesTo)}</a:RelatesTo>`
    + `<a:To s:mustUnderstand="1">${v.anonymous}</a:To>`
    + `<a:Action s:mustUnderstand="1">${v.wsd}/ProbeMatches</a:Action>`
    + appSequence(opts.instanceId, opts.messageNumber) + '</s:Header>'
    + `<s:Body><d:ProbeMatches>${opts.matches.map((m) => matchBody('ProbeMatch', m)).join('')}</d:ProbeMatches></s:Body></s:Envelope>`;
  return Buffer.from(xml, 'utf8');
}

function announcement(kind: 'Hello' | 'Bye', opts: {
  messageId: string; match: WsdEndpoint; version?: WsdVersion; instanceId?: number; messageNumber?: number;
}): Buffer {
  const v = V[opts.version ?? '2005/04'];
  const xml = envelopeOpen(v)
    + `<s:Header><a:Action s:mustUnderstand="1">${v.wsd}/${kind}</a:Action>`
    + `<a:MessageID>${xmlEscape(normalizeMessageId(opts.messageId))}</a:MessageID>`
    + `<a:To s:mustUnderstand="1">${v.to}</a:To>`
    + appSequence(opts.instanceId, opts.messageNumber) + '</s:Header>'
    + `<s:Body>${matchBody(kind, opts.match, kind === 'Hello')}</s:Body></s:Envelope>`;
  return Buffer.from(xml, 'utf8');
}

/** Responder side: a multicast Hello announcing an endpoint. */
export function buildHello(opts: { messageId: string; match: WsdEndpoint; version?: WsdVersion; instanceId?: number; messageNumber?: number }): Buffer {
  return announcement('Hello', opts);
}

/** Responder side: a multicast Bye (EndpointReference only). */
export function buildBye(opts: { messageId: string; match: WsdEndpoint; version?: WsdVersion; instanceId?: number; messageNumber?: number }): Buffer {
  return announcement('Bye', opts);
}

// ---------------------------------------------------------------------------------------------------
// ONVIF device service (SOAP 1.2 over HTTP POST to an XAddr, Content-Type application/soap+xml)

export interface UsernameTokenAuth {
  username: string;
  password: string;
  /** Raw nonce bytes, or a base64 string of them. Use 16+ random bytes. */
  nonce: Uint8Array | string;
  /** xs:dateTime in UTC, e.g. "2024-05-01T12:00:00Z" (device clock, corrected by the measured skew). */
  created: string;
}

/** WS-Security UsernameToken PasswordDigest = base64(sha1(nonce ‖ created ‖ password)), all as UTF-8 bytes. */
export function passwordDigest(nonce: Uint8Array | string, created: string, password: string): string {
  const n = typeof nonce === 'string' ? Buffer.from(nonce, 'base64') : Buffer.from(nonce);
  return createHash('sha1').update(Buffer.concat([n, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
}

/** The wsse:Security header element carrying a PasswordDigest UsernameToken. */
export function usernameTokenHeader(auth: UsernameTokenAuth): string {
  const nonce = typeof auth.nonce === 'string' ? auth.nonce : Buffer.from(auth.nonce).toString('base64');
  return `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}"><wsse:UsernameToken>`
    + `<wsse:Username>${xmlEscape(auth.username)}</wsse:Username>`
    + `<wsse:Password Type="${PASSWORD_DIGEST}">${passwordDigest(auth.nonce, auth.created, auth.password)}</wsse:Password>`
    + `<wsse:Nonce EncodingType="${BASE64_BINARY}">${xmlEscape(nonce)}</wsse:Nonce>`
    + `<wsu:Created>${xmlEscape(auth.created)}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
}

function soapRequest(bodyInner: string, auth?: UsernameTokenAuth): string {
  const header = auth ? `<s:Header>${usernameTokenHeader(auth)}</s:Header>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}">${header}<s:Body>${bodyInner}</s:Body></s:Envelope>`;
}

function soapResponse(bodyInner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:tds="${NS.tds}" xmlns:tt="${NS.tt}" xmlns:ter="${NS.ter}">`
    + `<s:Body>${bodyInner}</s:Body></s:Envelope>`;
}

/** GetSystemDateAndTime: PRE_AUTH, gives the device clock (for the skew and for PasswordDigest's Created). */
export function buildGetSystemDateAndTime(): string {
  return soapRequest(`<GetSystemDateAndTime xmlns="${NS.tds}"/>`);
}

/** GetDeviceInformation (access class READ_SYSTEM), optionally with a WS-UsernameToken. */
export function buildGetDeviceInformation(auth?: UsernameTokenAuth): string {
  return soapRequest(`<GetDeviceInformation xmlns="${NS.tds}"/>`, auth);
}

/** GetServices (PRE_AUTH). */
export function buildGetServices(opts: { includeCapability?: boolean; auth?: UsernameTokenAuth } = {}): string {
  return soapRequest(`<GetServices xmlns="${NS.tds}"><IncludeCapability>${opts.includeCapability ? 'true' : 'false'}</IncludeCapability></GetServices>`, opts.auth);
}

export interface SoapFault {
  /** Local name of the most specific (sub)code, e.g. "NotAuthorized", "MatchingRuleNotSupported". */
  fault: string;
  /** Top-level code as sent, e.g. "env:Sender". */
  code: string;
  /** Subcodes as sent, outermost first, e.g. ["ter:NotAuthorized"]. */
  subcodes: string[];
  reason: string;
}

function faultOf(body: unknown): SoapFault | null {
  const f = child(body, 'Fault');
  if (f === undefined) return null;
  const codeNode = child(f, 'Code');
  let code = text(child(codeNode, 'Value'), 128);
  const subcodes: string[] = [];
  let sc = child(codeNode, 'Subcode');
  for (let i = 0; sc !== undefined && i < 8; i++) {
    const v = text(child(sc, 'Value'), 128);
    if (v) subcodes.push(v);
    sc = child(sc, 'Subcode');
  }
  // SOAP 1.1 style faults (faultcode/faultstring) also occur on cheap firmware.
  if (!code) code = text(child(f, 'faultcode'), 128);
  let reason = text(child(child(f, 'Reason'), 'Text'), 512);
  if (!reason) reason = text(child(f, 'faultstring'), 512);
  const deepest = subcodes.length ? subcodes[subcodes.length - 1] : code;
  return { fault: clean(localName(deepest), 128) || 'Fault', code, subcodes, reason };
}

/** A SOAP fault from a response document, or null when there is none. Never throws. */
export function parseSoapFault(xml: Input): SoapFault | null {
  const s = toText(xml, HTTP_MAX);
  if (s === null) return null;
  return faultOf(path(parseXml(s), 'Envelope', 'Body'));
}

function responseBody(xml: Input): unknown {
  const s = toText(xml, HTTP_MAX);
  if (s === null) return undefined;
  return path(parseXml(s), 'Envelope', 'Body');
}

function intIn(node: unknown, lo: number, hi: number): number | null {
  const t = rawText(node).trim();
  if (!/^\d{1,4}$/.test(t)) return null;
  const n = Number(t);
  return n >= lo && n <= hi ? n : null;
}

function dateTimeOf(node: unknown): Date | null {
  if (node === undefined) return null;
  const d = child(node, 'Date');
  const t = child(node, 'Time');
  const y = intIn(child(d, 'Year'), 1970, 2200);
  const mo = intIn(child(d, 'Month'), 1, 12);
  const da = intIn(child(d, 'Day'), 1, 31);
  const h = intIn(child(t, 'Hour'), 0, 23);
  const mi = intIn(child(t, 'Minute'), 0, 59);
  const se = intIn(child(t, 'Second'), 0, 60);
  if (y === null || mo === null || da === null || h === null || mi === null || se === null) return null;
  const ms = Date.UTC(y, mo - 1, da, h, mi, Math.min(se, 59));
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export interface SystemDateAndTime {
  /** UTCDateTime, when the device sent one. */
  utc: Date | null;
  /** LocalDateTime read as if it were UTC (wall-clock fields only; the zone is in `tz`). */
  local: Date | null;
  tz: string;
  dateTimeType: string;
  daylightSavings: string;
}

/** All of GetSystemDateAndTimeResponse, or null. Never throws. */
export function parseSystemDateAndTimeDetail(xml: Input): SystemDateAndTime | null {
  const sdt = path(responseBody(xml), 'GetSystemDateAndTimeResponse', 'SystemDateAndTime');
  if (sdt === undefined) return null;
  return {
    utc: dateTimeOf(child(sdt, 'UTCDateTime')),
    local: dateTimeOf(child(sdt, 'LocalDateTime')),
    tz: text(path(sdt, 'TimeZone', 'TZ'), 128),
    dateTimeType: text(child(sdt, 'DateTimeType'), 32),
    daylightSavings: text(child(sdt, 'DaylightSavings'), 16),
  };
}

/**
 * The device's UTC clock from a GetSystemDateAndTimeResponse, or null (no reply, a fault, or no
 * UTCDateTime: a LocalDateTime without a usable zone would give an hours-wrong skew). Never throws.
 */
export function parseSystemDateAndTime(xml: Input): Date | null {
  return parseSystemDateAndTimeDetail(xml)?.utc ?? null;
}

export interface DeviceInformation {
  manufacturer?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  hardware?: string;
}

/**
 * GetDeviceInformationResponse -> identity fields (only those present), a SOAP fault
 * (`{fault: 'NotAuthorized', …}`), or null for anything else. Never throws.
 */
export function parseDeviceInformation(xml: Input): DeviceInformation | SoapFault | null {
  const body = responseBody(xml);
  if (body === undefined) return null;
  const r = child(body, 'GetDeviceInformationResponse');
  if (r === undefined) return faultOf(body);
  const out: DeviceInformation = {};
  const pairs: Array<[keyof DeviceInformation, string]> = [
    ['manufacturer', 'Manufacturer'], ['model', 'Model'], ['firmware', 'FirmwareVersion'],
    ['serial', 'SerialNumber'], ['hardware', 'HardwareId'],
  ];
  for (const [k, tag] of pairs) {
    const v = text(child(r, tag), 256);
    if (v) out[k] = v;
  }
  return out;
}

export interface OnvifService {
  namespace: string;
  xaddr: string;
  /** "major.minor", '' when absent. */
  version: string;
}

/** GetServicesResponse -> services (at most 64), a SOAP fault, or null. Never throws. */
export function parseGetServices(xml: Input): OnvifService[] | SoapFault | null {
  const body = responseBody(xml);
  if (body === undefined) return null;
  const r = child(body, 'GetServicesResponse');
  if (r === undefined) return faultOf(body);
  const out: OnvifService[] = [];
  for (const s of children(r, 'Service').slice(0, 64)) {
    const ver = child(s, 'Version');
    const major = intIn(child(ver, 'Major'), 0, 9999);
    const minor = intIn(child(ver, 'Minor'), 0, 9999);
    out.push({
      namespace: text(child(s, 'Namespace'), 256),
      xaddr: text(child(s, 'XAddr'), 1024),
      version: major !== null ? `${major}.${minor ?? 0}` : '',
    });
  }
  return out;
}

// ----- responder side (simulated device) -----

export interface SoapRequest {
  /** Local name of the first Body element, e.g. "GetDeviceInformation". */
  operation: string;
  security?: { username: string; password: string; passwordType: 'digest' | 'text' | ''; nonce: string; created: string };
  /** For GetServices. */
  includeCapability?: boolean;
}

/** Responder side: which operation a SOAP request asks for, and its UsernameToken if any. Never throws. */
export function parseSoapRequest(xml: Input): SoapRequest | null {
  const s = toText(xml, HTTP_MAX);
  if (s === null) return null;
  const env = child(parseXml(s), 'Envelope');
  const body = child(env, 'Body');
  if (!body || typeof body !== 'object') return null;
  const op = Object.keys(body as XmlNode).find((k) => k !== '#text' && safeKey(k));
  if (!op) return null;
  const out: SoapRequest = { operation: clean(op, 128) };
  if (op === 'GetServices') out.includeCapability = text(child((body as XmlNode)[op], 'IncludeCapability')) === 'true';
  const tok = path(env, 'Header', 'Security', 'UsernameToken');
  if (tok !== undefined) {
    const pw = rawText(child(tok, 'Password'));
    // The Type attribute is dropped by the parser; a 28-char base64 value is a SHA-1 digest.
    const looksDigest = /^[A-Za-z0-9+/]{27}=$/.test(pw.trim());
    out.security = {
      username: text(child(tok, 'Username'), 256),
      password: clean(pw, 256),
      passwordType: pw ? (looksDigest ? 'digest' : 'text') : '',
      nonce: text(child(tok, 'Nonce'), 256),
      created: text(child(tok, 'Created'), 64),
    };
  }
  return out;
}

/** Responder side: check a PasswordDigest UsernameToken against the expected credentials. */
export function verifyUsernameToken(sec: SoapRequest['security'], username: string, password: string): boolean {
  if (!sec || sec.username !== username || !sec.nonce || !sec.created) return false;
  const want = Buffer.from(passwordDigest(sec.nonce, sec.created, password));
  const got = Buffer.from(sec.password);
  return want.length === got.length && timingSafeEqual(want, got);
}

function dateTimeXml(d: Date): string {
  return `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>`
    + `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`;
}

/** Responder side: GetSystemDateAndTimeResponse for `now` (UTCDateTime and LocalDateTime, TZ "UTC0" by default). */
export function buildSystemDateAndTimeResponse(now: Date, opts: { tz?: string; dateTimeType?: 'NTP' | 'Manual'; omitUtc?: boolean } = {}): string {
  const utc = opts.omitUtc ? '' : `<tt:UTCDateTime>${dateTimeXml(now)}</tt:UTCDateTime>`;
  return soapResponse('<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>'
    + `<tt:DateTimeType>${opts.dateTimeType ?? 'NTP'}</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>`
    + `<tt:TimeZone><tt:TZ>${xmlEscape(opts.tz ?? 'UTC0')}</tt:TZ></tt:TimeZone>${utc}`
    + `<tt:LocalDateTime>${dateTimeXml(now)}</tt:LocalDateTime>`
    + '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>');
}

/** Responder side: GetDeviceInformationResponse. */
export function buildDeviceInformationResponse(info: DeviceInformation): string {
  return soapResponse('<tds:GetDeviceInformationResponse>'
    + `<tds:Manufacturer>${xmlEscape(info.manufacturer ?? '')}</tds:Manufacturer>`
    + `<tds:Model>${xmlEscape(info.model ?? '')}</tds:Model>`
    + `<tds:FirmwareVersion>${xmlEscape(info.firmware ?? '')}</tds:FirmwareVersion>`
    + `<tds:SerialNumber>${xmlEscape(info.serial ?? '')}</tds:SerialNumber>`
    + `<tds:HardwareId>${xmlEscape(info.hardware ?? '')}</tds:HardwareId>`
    + '</tds:GetDeviceInformationResponse>');
}

/** Responder side: GetServicesResponse. `version` is "major.minor". */
export function buildGetServicesResponse(services: Array<{ namespace: string; xaddr: string; version?: string }>): string {
  const items = services.map((s) => {
    const [maj, min] = (s.version ?? '2.0').split('.');
    return `<tds:Service><tds:Namespace>${xmlEscape(s.namespace)}</tds:Namespace><tds:XAddr>${xmlEscape(s.xaddr)}</tds:XAddr>`
      + `<tds:Version><tt:Major>${Number(maj) || 0}</tt:Major><tt:Minor>${Number(min) || 0}</tt:Minor></tds:Version></tds:Service>`;
  }).join('');
  return soapResponse(`<tds:GetServicesResponse>${items}</tds:GetServicesResponse>`);
}

/**
 * Responder side: a SOAP 1.2 fault. Defaults to ONVIF's NotAuthorized
 * (env:Sender / ter:NotAuthorized, "Sender not authorized").
 */
export function buildSoapFault(opts: { code?: string; subcode?: string; reason?: string } = {}): string {
  const sub = opts.subcode ?? 'ter:NotAuthorized';
  return soapResponse(`<s:Fault><s:Code><s:Value>${xmlEscape(opts.code ?? 's:Sender')}</s:Value>`
    + (sub ? `<s:Subcode><s:Value>${xmlEscape(sub)}</s:Value></s:Subcode>` : '')
    + `</s:Code><s:Reason><s:Text xml:lang="en">${xmlEscape(opts.reason ?? 'Sender not authorized')}</s:Text></s:Reason></s:Fault>`);
}

/**
 * Assemble an OnvifObservation from a discovery match and (optionally) a GetDeviceInformation answer and
 * a measured clock skew. Identity fields come only from GetDeviceInformation: scope names are free text
 * (e.g. "name/NVT") and are kept in `scopes` for the fingerprint rules to read.
 */
export function toOnvifObservation(m: WsdMatch | null, info?: DeviceInformation | SoapFault | null, clockSkewS?: number): OnvifObservation {
  const o: OnvifObservation = {};
  if (m) {
    if (m.endpoint) o.endpoint = m.endpoint;
    if (m.types.length) o.types = [...m.types];
    if (m.scopes.length) o.scopes = [...m.scopes];
    if (m.xaddrs.length) o.xaddrs = [...m.xaddrs];
    if (m.senderMac) o.uuid_mac = m.senderMac;
  }
  if (info && !('fault' in info)) {
    if (info.manufacturer) o.manufacturer = info.manufacturer;
    if (info.model) o.model = info.model;
    if (info.firmware) o.firmware = info.firmware;
    if (info.serial) o.serial = info.serial;
    if (info.hardware) o.hardware = info.hardware;
  }
  if (clockSkewS !== undefined && Number.isFinite(clockSkewS)) o.clock_skew_s = Math.round(clockSkewS);
  return o;
}
