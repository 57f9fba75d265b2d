// What a vendor API says when it refuses: the error envelope of an HTTP answer, and what an ONVIF
// device lists when asked GetServices / GetCapabilities without credentials. Pure and linear: every
// expression is anchored on a literal with bounded repetitions that stop at a delimiter they cannot
// contain, at most ENVELOPE_SCAN characters are read, every value is cleaned and bounded.
//
// Error envelopes read (each names its platform by shape, code and namespace):
//   Hikvision ISAPI  <ResponseStatus version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
//                    <statusCode>4</statusCode><subStatusCode>notSupport</subStatusCode>…
//   Huawei HiLink    <error><code>100003</code><message></message></error>
//   ZTE (ajax)       <ajax_response_xml_root><IF_ERRORSTR>…</IF_ERRORSTR>…
//   SOAP / ONVIF     <env:Fault>…<env:Value>ter:NotAuthorized</env:Value>…
//   JSON             {"error":{"code":268632079,"message":"…"}} (Dahua RPC2), {"error":{"code":102},
//                    "success":false} (Synology), {"result":"failure"} (ZTE goform), {"errcode":…}
// The envelope becomes one canonical line: `<root> xmlns=<ns> key=value …` (XML) or
// `json key=value …` (JSON), keys in the order they came, so a rule reads one value.
import { clean } from '../util/sanitize.js';

export const ENVELOPE_SCAN = 8192;
export const ENVELOPE_MAX = 256;
export const MAX_ONVIF_VALUES = 48;

/** Root elements that are an error or status envelope. */
const XML_ROOTS = /^(?:ResponseStatus|error|Error|errors|ajax_response_xml_root|Fault|Envelope|ErrorInfo|result|Result|status|Status)$/;
/** Leaf elements of an envelope worth keeping (case as sent). */
const XML_KEYS = /^(?:statusCode|statusString|subStatusCode|errorCode|errorMsg|errorString|errorNo|code|Code|message|Message|IF_ERRORSTR|IF_ERRORID|IF_ERRORTYPE|faultstring|Value|Text|Reason|result)$/;
const JSON_KEYS = /^(?:error|code|message|msg|errcode|errmsg|errorCode|error_code|errorMsg|errMsg|result|success|status|statusCode|statusString|subStatusCode|Error)$/;

const ROOT = /^(?:\uFEFF)?\s{0,16}(?:<\?xml[^>]{0,256}\?>\s{0,16})?(?:<!--[^>]{0,512}-->\s{0,16})?<(?:([A-Za-z][\w.-]{0,31}):)?([A-Za-z][\w.-]{0,63})((?:\s[^<>]{0,1024})?)>/;
const DEFAULT_NS = /\bxmlns\s{0,4}=\s{0,4}(["'])([^"'\s<>]{1,200})\1/;
const LEAF = /<(?:[A-Za-z][\w.-]{0,31}:)?([A-Za-z][\w.-]{0,47})(?:\s[^<>]{0,256})?>([^<>]{0,256})<\/(?:[A-Za-z][\w.-]{0,31}:)?\1\s{0,8}>/g;
const JSON_PAIR = /"([A-Za-z_][\w.-]{0,47})"\s{0,8}:\s{0,8}("(?:[^"\\\r\n]|\\.){0,256}"|-?\d{1,15}(?:\.\d{1,8})?|true|false|null|\{)/g;

function unescapeJson(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => (e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e === 'n' || e === 'r' || e === 't' ? ' ' : e));
}

function entities(s: string): string {
  return s.includes('&') ? s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[n] ?? ' ') : s;
}

/**
 * The error (or status) envelope of an API answer as one canonical line, or undefined when the body is
 * not one (an HTML page, a plain JSON document without an error or status key). Never throws.
 */
export function apiErrorEnvelope(body: unknown): string | undefined {
  if (typeof body !== 'string' || !body) return undefined;
  const text = body.length > ENVELOPE_SCAN ? body.slice(0, ENVELOPE_SCAN) : body;
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0];
  if (first === '<') return xmlEnvelope(text);
  if (first === '{') return jsonEnvelope(text);
  return undefined;
}

function xmlEnvelope(text: string): string | undefined {
  const m = ROOT.exec(text);
  if (!m) return undefined;
  const root = m[2];
  if (!XML_ROOTS.test(root)) return undefined;
  // A SOAP envelope is an error envelope only when it carries a Fault.
  if (root === 'Envelope' && !/<(?:[A-Za-z][\w.-]{0,31}:)?Fault[\s>]/.test(text)) return undefined;
  const parts: string[] = [root === 'Envelope' ? 'Fault' : root];
  const ns = DEFAULT_NS.exec(m[3] ?? '')?.[2];
  if (ns) parts.push(`xmlns=${ns}`);
  let n = 0;
  for (const l of text.slice(m.index + m[0].length).matchAll(LEAF)) {
    if (++n > 64) break;
    if (!XML_KEYS.test(l[1])) continue;
    const v = clean(entities(l[2]), 96);
    parts.push(`${l[1]}=${v}`);
  }
  if (parts.length === 1 && root !== 'ResponseStatus' && root !== 'error' && root !== 'Error') return undefined;
  return clean(parts.join(' '), ENVELOPE_MAX) || undefined;
}

function jsonEnvelope(text: string): string | undefined {
  const parts: string[] = [];
  let errorish = false;
  let n = 0;
  for (const p of text.matchAll(JSON_PAIR)) {
    if (++n > 128) break;
    const k = p[1];
    if (!JSON_KEYS.test(k)) continue;
    const raw = p[2];
    if (k === 'error' || k === 'Error') { errorish = true; if (raw === '{') continue; }
    if (raw === '{') continue;
    const v = raw.startsWith('"') ? unescapeJson(raw.slice(1, -1)) : raw;
    if ((k === 'success' || k === 'result') && (v === 'false' || v === 'failure')) errorish = true;
    if (/^(?:code|errcode|errorCode|error_code|statusCode)$/.test(k)) errorish = true;
    parts.push(`${k}=${clean(v, 96)}`);
    if (parts.length >= 12) break;
  }
  if (!errorish || !parts.length) return undefined;
  return clean(`json ${parts.join(' ')}`, ENVELOPE_MAX) || undefined;
}

export interface OnvifServiceValue { key: 'namespace' | 'xaddr'; value: string }

const NAMESPACE = /<(?:[A-Za-z][\w.-]{0,31}:)?Namespace\s{0,8}>\s{0,16}([^<>\s]{1,200})\s{0,16}<\//g;
const XADDR = /<(?:[A-Za-z][\w.-]{0,31}:)?XAddr\s{0,8}>\s{0,16}([^<>\s]{1,300})\s{0,16}<\//g;

/** The path of an XAddr (scheme, host and port dropped: they are the device's own address). */
export function xaddrPath(u: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]{0,15}:\/\/[^/\s]{1,300}(\/[^\s?#]{0,200})?/i.exec(u);
  if (!m) return undefined;
  return m[1] || '/';
}

/**
 * What an ONVIF GetServices / GetCapabilities answer lists: every service namespace (`<Namespace>`:
 * the ONVIF ones and vendor services such as http://www.axis.com/vapix/ws/action1) and the path of
 * every XAddr (/onvif/services, /vapix/services, /onvif/device_service …). The namespaces the answer
 * merely declares are read as http.xmlns (src/fingerprint/body-fields.ts), not here. Only an answer
 * that is one (GetServicesResponse, GetCapabilitiesResponse) is read. Never throws; bounded.
 */
export function onvifServices(body: unknown): OnvifServiceValue[] {
  if (typeof body !== 'string' || !body) return [];
  const text = body.length > 65536 ? body.slice(0, 65536) : body;
  if (!/GetServicesResponse|GetCapabilitiesResponse/.test(text)) return [];
  const out: OnvifServiceValue[] = [];
  const seen = new Set<string>();
  const add = (key: OnvifServiceValue['key'], raw: string | undefined) => {
    if (!raw || out.length >= MAX_ONVIF_VALUES) return;
    const value = clean(raw, 256);
    if (!value || seen.has(key + value)) return;
    seen.add(key + value);
    out.push({ key, value });
  };
  for (const m of text.matchAll(NAMESPACE)) add('namespace', m[1]);
  for (const m of text.matchAll(XADDR)) add('xaddr', xaddrPath(m[1]));
  return out;
}
