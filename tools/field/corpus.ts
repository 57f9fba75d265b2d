// The field corpus (fixtures/field/*.jsonl): responses captured from real devices, with their public
// source and a label. This module validates records, assigns each to the `tune` or `check` half by a
// hash of its source, and turns the verbatim captures into the ObservationRecord a scan would have
// produced — through camsweep's own codecs (HTTP/RTSP response parser, ONVIF/UPnP/SSDP/SADP/DHIP
// parsers), so that what real firmware sends is parsed exactly as on the wire. Pure apart from readCorpus.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { buildDhipFrame, parseDhip } from '../../src/protocols/dhip.js';
import { parseSadpMessage, sadpSummary } from '../../src/protocols/sadp.js';
import { parseDeviceDescription, parseSsdp, toUpnpObservation, type SsdpMessage, type UpnpDescription } from '../../src/protocols/ssdp.js';
import { parseDeviceInformation, parseGetServices, parseWsdMessage, toOnvifObservation, type WsdMatch } from '../../src/protocols/wsdiscovery.js';
import { dhipParamsRecord, dhipRecord } from '../../src/discovery/dhip.js';
import { httpObservation } from '../../src/probes/http.js';
import { mergeRecord } from '../../src/scan/merge.js';
import type { DeviceType, MdnsObservation, ObservationRecord, OnvifObservation } from '../../src/model/types.js';
import { parseDnText, renderDn } from '../../src/protocols/dn.js';
import { parseResponse } from '../../src/protocols/response.js';
import { cleanText } from '../../src/util/sanitize.js';
import { dumpToOnvifInfo, dumpToUpnpXml, dumpToXml, summaryToXml, ubntFromDump, unbytesRepr, unescapeBytes, unescapeMarkup, unfenceSoap, unquoteDocument, upnpFragment } from './dumps.js';
import { UBNT_PORT, parseUbnt } from '../../src/protocols/ubnt.js';
import { KASA_PORT, TDP_PORT, parseKasa, parseTdp, tdpFieldsFromJson } from '../../src/protocols/tdp.js';
import { normaliseMac } from '../../src/model/address.js';
import { txtDecode } from '../../src/protocols/mdns.js';

export const SPLITS = ['tune', 'check'] as const;
export type Split = (typeof SPLITS)[number];
export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export const SOURCE_KINDS = ['issue-thread', 'forum', 'pcap', 'dataset', 'test-fixture', 'vendor-page', 'blog'] as const;
export const CAPTURE_KINDS = ['http', 'rtsp', 'onvif-device-info', 'onvif-probe-match', 'onvif-scopes', 'onvif-services',
  'upnp-description', 'ssdp', 'sadp', 'dhip', 'mdns', 'tls', 'mac', 'banner'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];
const DEVICE_TYPES: readonly DeviceType[] = ['camera', 'recorder', 'doorbell', 'thermal', 'access-control', 'camera-or-recorder',
  'router', 'gateway', 'switch', 'printer', 'nas', 'web-server', 'appliance', 'radio', 'other'];

export interface FieldSource { key: string; url?: string; repo?: string; path?: string; commit?: string; kind: string; retrieved?: string; quote?: string }
export interface FieldLabel { maker: string; brand?: string; model?: string; device_type?: DeviceType; words: string; confidence: (typeof CONFIDENCES)[number]; reason: string }
export interface Capture {
  kind: CaptureKind;
  raw?: string;
  port?: number;
  tls?: boolean;
  path?: string;
  method?: string;
  proto?: 'http' | 'rtsp' | 'tcp' | 'udp';
  partial?: boolean;
  scopes?: string[];
  services?: MdnsObservation[];
  subject?: string;
  issuer?: string;
  value?: string;
}
export interface FieldRecord { id: string; source: FieldSource; label: FieldLabel; captures: Capture[]; anonymised?: string; note?: string; file: string; line: number }
export interface Move { key: string; date: string; reason: string }
export interface Problem { where: string; problem: string }

const MAX_LINE = 1 << 20;

/** `tune` or `check` from the source key alone: sha256, first byte even → tune. */
export function hashSplit(key: string): Split {
  return createHash('sha256').update(normaliseKey(key)).digest()[0] % 2 === 0 ? 'tune' : 'check';
}

/** The key as hashed: trimmed, fragment dropped, no trailing slash. */
export function normaliseKey(key: string): string {
  return key.trim().replace(/#.*$/, '').replace(/\/+$/, '');
}

/** The half a record belongs to: its source's hash, unless the source was moved to tune. */
export function splitOf(r: Pick<FieldRecord, 'source'>, moved: ReadonlySet<string>): Split {
  return moved.has(normaliseKey(r.source.key)) ? 'tune' : hashSplit(r.source.key);
}

const isStr = (v: unknown, min = 1): v is string => typeof v === 'string' && v.length >= min;

export function validateRecord(v: unknown, where: string): Problem[] {
  const out: Problem[] = [];
  const bad = (problem: string) => out.push({ where, problem });
  if (!v || typeof v !== 'object' || Array.isArray(v)) { bad('not a JSON object'); return out; }
  const r = v as Record<string, unknown>;
  if (!isStr(r.id) || !/^[a-z0-9-]+-\d{4}$/.test(r.id)) bad('id must be <file stem>-<4 digits>');
  const s = r.source as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') bad('missing source');
  else {
    if (!isStr(s.key, 8)) bad('source.key missing');
    if (!isStr(s.url, 8) && !(isStr(s.repo, 3) && isStr(s.path, 1))) bad('source needs a url, or repo + path');
    if (isStr(s.key) && /\.\.\/shared|\/work\//.test(s.key)) bad('source.key must be a public reference');
    if (!SOURCE_KINDS.includes(s.kind as never)) bad(`source.kind must be one of ${SOURCE_KINDS.join('|')}`);
  }
  const l = r.label as Record<string, unknown> | undefined;
  if (!l || typeof l !== 'object') bad('missing label');
  else {
    if (!isStr(l.maker) || !/^[a-z0-9-]+$/.test(l.maker)) bad('label.maker must be a lower-case id or "unknown"');
    if (l.brand !== undefined && (!isStr(l.brand) || !/^[a-z0-9-]+$/.test(l.brand))) bad('label.brand must be a lower-case id');
    if (l.device_type !== undefined && !DEVICE_TYPES.includes(l.device_type as DeviceType)) bad(`label.device_type "${String(l.device_type)}" unknown`);
    if (!isStr(l.words, 3)) bad('label.words must quote the source');
    if (!CONFIDENCES.includes(l.confidence as never)) bad('label.confidence must be high|medium|low');
    if (!isStr(l.reason, 8)) bad('label.reason must say why');
  }
  const c = r.captures;
  if (!Array.isArray(c) || c.length === 0) bad('captures must list at least one capture');
  else c.forEach((x, i) => {
    const k = (x as Capture)?.kind;
    if (!CAPTURE_KINDS.includes(k)) { bad(`captures[${i}].kind "${String(k)}" unknown`); return; }
    const cap = x as Capture;
    if (['http', 'rtsp', 'onvif-device-info', 'onvif-probe-match', 'onvif-services', 'upnp-description', 'ssdp', 'sadp', 'dhip', 'banner'].includes(k) && !isStr(cap.raw)) bad(`captures[${i}] (${k}) needs raw`);
    if (k === 'onvif-scopes' && (!Array.isArray(cap.scopes) || cap.scopes.some((y) => typeof y !== 'string'))) bad(`captures[${i}] needs scopes`);
    if (k === 'mdns' && !Array.isArray(cap.services)) bad(`captures[${i}] needs services`);
    if (k === 'tls' && !isStr(cap.subject) && !isStr(cap.issuer)) bad(`captures[${i}] needs subject or issuer`);
    if (k === 'mac' && !isStr(cap.value)) bad(`captures[${i}] needs value`);
    if (cap.port !== undefined && !(Number.isInteger(cap.port) && cap.port > 0 && cap.port < 65536)) bad(`captures[${i}].port is not a port`);
  });
  return out;
}

/** Parse corpus files (JSON Lines). */
export function parseFieldCorpus(files: Array<{ file: string; text: string }>): { records: FieldRecord[]; problems: Problem[] } {
  const records: FieldRecord[] = [];
  const problems: Problem[] = [];
  const ids = new Set<string>();
  for (const { file, text } of files) {
    text.split('\n').forEach((line, i) => {
      const t = line.trim();
      const where = `${file}:${i + 1}`;
      if (!t || t.startsWith('//')) return;
      if (t.length > MAX_LINE) { problems.push({ where, problem: 'line longer than 1 MiB' }); return; }
      let v: unknown;
      try { v = JSON.parse(t); } catch (e) { problems.push({ where, problem: `not JSON: ${(e as Error).message}` }); return; }
      const p = validateRecord(v, where);
      if (p.length) { problems.push(...p); return; }
      const r = v as FieldRecord;
      if (ids.has(r.id)) { problems.push({ where, problem: `duplicate id ${r.id}` }); return; }
      ids.add(r.id);
      records.push({ ...r, file, line: i + 1 });
    });
  }
  return { records, problems };
}

export function parseMoves(text: string): { moves: Move[]; problems: Problem[] } {
  const moves: Move[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('//')) return;
    try {
      const m = JSON.parse(t) as Move;
      if (!isStr(m.key, 8) || !/^\d{4}-\d{2}-\d{2}$/.test(String(m.date)) || !isStr(m.reason, 8)) throw new Error('needs key, date (YYYY-MM-DD) and reason');
      moves.push(m);
    } catch (e) { problems.push({ where: `moves.jsonl:${i + 1}`, problem: (e as Error).message }); }
  });
  return { moves, problems };
}

/** Read fixtures/field (or another folder): every *.jsonl except moves.jsonl, plus the moves. */
export function readCorpus(dir: string): { records: FieldRecord[]; moved: Set<string>; problems: Problem[] } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'moves.jsonl').sort()
    .map((f) => ({ file: path.join(path.basename(dir), f), text: readFileSync(path.join(dir, f), 'utf8') }));
  const { records, problems } = parseFieldCorpus(files);
  const mv = existsSync(path.join(dir, 'moves.jsonl')) ? parseMoves(readFileSync(path.join(dir, 'moves.jsonl'), 'utf8')) : { moves: [], problems: [] };
  return { records, moved: new Set(mv.moves.map((m) => normaliseKey(m.key))), problems: [...problems, ...mv.problems] };
}

/**
 * Text as pasted → the bytes a device sent. `curl -v` transcripts keep only the `< ` response lines
 * and the body after them; literal "\r\n" escapes (people paste them) become real line ends.
 */
export function unpaste(raw: string): string {
  let s = raw;
  if (/\\r\\n/.test(s) && !/\r\n/.test(s)) s = s.replace(/\\r\\n\n?/g, '\r\n');
  const lines = s.split(/\r?\n/);
  // curl -v marks received lines "< " and sent ones "> "; other clients' verbose logs use "<- " / "-> ".
  const first = lines.findIndex((l) => /^<-? (HTTP|RTSP)\/\d/.test(l));
  if (first < 0) return s.replace(/^\s+/, '');
  const head: string[] = [];
  let i = first;
  // The header block is the "< " lines up to curl's lone "<" (the empty line); a body line that starts
  // with "<" itself ("<html>", "<?xml") is body, not a marked header line.
  for (; i < lines.length; i++) {
    const l = lines[i];
    if (/^<-?\s*$/.test(l)) { i++; break; }
    if (!/^<-? /.test(l)) break;
    head.push(l.replace(/^<-? /, ''));
  }
  const body = lines.slice(i).filter((l) => !/^(?:[*>]|->) /.test(l) && !/^[{}] \[/.test(l) && !/^\* Connection/.test(l));
  return head.join('\r\n').replace(/\s*$/, '') + '\r\n\r\n' + body.join('\n');
}

/**
 * Log prefixes people paste in front of every line of a response: a timestamp ("2025-02-20 20:45:27.791099417  ")
 * or a bracketed tag ("[Rebroadcast Plugin]: "). Stripped when (nearly) every non-empty line carries one.
 */
const LOG_PREFIXES = [
  /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?(?: {1,4}|$)/,
  /^\[[^\]\r\n]{1,40}\]:? ?/,
  // A logger's day-first time stamp and level ("16/02/2023 16:23:22 [INFO] "), the first line perhaps
  // cut to its level only.
  /^(?:\d\d\/\d\d\/\d{4}[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})? {1,4})?\[(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR)\]:? ?/,
];
export function stripLogPrefix(text: string): string {
  const lines = text.split(/\r?\n/);
  const filled = lines.filter((l) => l.trim() !== '');
  for (const re of LOG_PREFIXES) {
    const n = filled.filter((l) => re.test(l)).length;
    // A line that held only log prefixes (a logger printing the empty line that ends the headers with
    // two timestamps: "2025-03-19 14:47:55.632221  2025-03-19 14:47:10.728851825") is that empty line.
    if (n >= 2 && n >= filled.length * 0.8) return lines.map((l) => l.replace(re, '').replace(re, '')).join('\r\n');
  }
  return text;
}

/**
 * A status line printed without its protocol by an HTTP recorder (vcrpy cassettes, HAR viewers:
 * "200 OK" or just "200" on the first line, header lines after) gets "HTTP/1.1" back.
 */
export function unbareStatus(text: string, proto: 'HTTP/1.1' | 'RTSP/1.0'): string {
  const m = /^\s*(\d{3})(?: [A-Za-z][A-Za-z -]{0,40})?\r?\n(?=[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}:)/.exec(text);
  return m ? `${proto} ${text.trimStart()}` : text;
}

const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}[ \t]*:/;
const STATUS_START = /^\s*(?:HTTP|RTSP)\/\d(?:\.\d)?\s+\d{3}\b/i;

/**
 * One pasted capture → the responses in it, each as status line + headers + blank line + body. A paste
 * can hold several responses one after another (OPTIONS then DESCRIBE), and a paste without the blank line
 * that ends the headers, or with only a body (an API's JSON, an SDP, a param.cgi listing), keeps its body
 * as a body instead of reading it as header lines: the header block ends at the first line that is not a
 * header.
 */
/**
 * A paste whose line ends were lost gets them back before the standard header names: glued to the text
 * before them (rendered HTML: "RTSP/1.0 401 UnauthorizedCseq: 1Date: …") or joined with a space (a blog
 * that collapsed the lines: "RTSP/1.0 401 Unauthorized CSeq: 2 WWW-Authenticate: Digest realm=…").
 * Only a one-line paste that starts with a status line is touched, and never inside a quoted string
 * (a realm or a nonce), so no header is made up from a value.
 */
const KNOWN_HEADER = /(?:CSeq|Date|WWW-Authenticate|Server|Content-(?:Type|Length|Base)|Public|Session|Transport|Cache-Control|Expires|Connection|Location|Pragma|Accept-Ranges|Last-Modified|RTP-Info|Range|Set-Cookie|Allow):[ \t]/iy;
export function unglue(text: string): string {
  if (/[\r\n]/.test(text.trim()) || !STATUS_START.test(text) || text.length > 65536) return text;
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && i > 0 && ch !== '"') {
      KNOWN_HEADER.lastIndex = i;
      const prev = text[i - 1]!;
      if (prev !== "-" && /[A-Za-z]/.test(ch) && KNOWN_HEADER.test(text)) {
        // Glued ("…UnauthorizedCseq:") or after the spaces that stood for a line end ("… CSeq:").
        out = /[ \t]$/.test(out) ? out.replace(/[ \t]+$/, '') : out;
        out += '\r\n';
      }
    }
    out += ch;
  }
  return out;
}

/**
 * Pastes reformatted by a blog or forum: "RTSP / 1.0 401" (spaces around the slash) and every line
 * followed by an empty one (double-spaced). The status line gets its form back; a double-spaced paste
 * (every non-empty line followed by exactly one empty line) loses the empty lines.
 */
export function unspace(text: string): string {
  let t = text.replace(/^(\s*)(HTTP|RTSP) ?\/ ?(\d(?:\.\d)?) +(\d{3})\b/i, '$1$2/$3 $4');
  const lines = t.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const doubled = lines.length >= 5 && lines.every((l, i) => (i % 2 === 0 ? l.trim() !== '' : l.trim() === ''));
  if (doubled) t = lines.filter((_l, i) => i % 2 === 0).join('\r\n');
  return t;
}

/**
 * A paste indented as a block (a Markdown code block inside a list, a quoted e-mail "> ", a code comment
 * "// " or "# " in front of every line) loses the prefix every non-empty line shares, so that header lines
 * are header lines again instead of folded continuations of the status line.
 */
export function dedent(text: string): string {
  const lines = text.split(/\r?\n/);
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length < 2) return text;
  const prefix = (re: RegExp): string | undefined => {
    const ps = filled.map((l) => re.exec(l)?.[0]);
    if (ps.some((p) => p === undefined)) return undefined;
    const first = ps[0]!;
    return first && ps.every((p) => p === first) ? first : undefined;
  };
  // A shared comment or quote marker (with its indentation), else the shortest shared indentation.
  const marker = prefix(/^[ \t]{0,8}(?:\/\/|#|>|\*)[ \t]{1,4}/);
  let cut = marker?.length ?? 0;
  if (!marker) {
    const ws = filled.map((l) => /^[ \t]*/.exec(l)![0]);
    const min = ws.reduce((a, b) => (b.length < a.length ? b : a));
    cut = min.length > 0 && ws.every((w) => w.startsWith(min)) ? min.length : 0;
  }
  if (!cut) return text;
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(cut))).join('\n');
}

export function pastedResponses(raw: string, proto: 'HTTP/1.1' | 'RTSP/1.0'): string[] {
  const text = unbareStatus(unspace(unglue(stripLogPrefix(unpaste(dedent(raw))))), proto);
  const lines = text.split(/\r?\n/);
  // A status line starts a response when it comes first or after a blank line.
  const starts = lines.flatMap((l, i) => (STATUS_START.test(l) && (i === 0 || lines[i - 1].trim() === '') ? [i] : []));
  const chunks = starts.length === 0 ? [lines] : starts.map((s, k) => lines.slice(s, starts[k + 1] ?? lines.length));
  return chunks.slice(0, 8).map((chunk) => {
    const c = [...chunk];
    while (c.length && c[0].trim() === '') c.shift();
    const hasStatus = c.length > 0 && STATUS_START.test(c[0]);
    if (hasStatus) c[0] = c[0].trim();
    const head: string[] = hasStatus ? [c.shift()!] : [`${proto} 000 not-captured`];
    let i = 0;
    for (; i < c.length; i++) {
      // A paste that went through a PDF or a word processor carries soft or Unicode hyphens where the
      // header had "-" ("Content\u00adtype", "no\u00adcache"): the header block gets its hyphens back.
      // A blog's or forum's typography turns the straight quotes of a realm into curly ones
      // (realm=\u201cipcamera_000DC5A7B2E9\u201d): the header block gets straight quotes back.
      const l = c[i].replace(/[\u00ad\u2010\u2011]/g, '-').replace(/[\u201c\u201d\u201e\u2033]/g, '"');
      if (l.trim() === '') { i++; break; }
      if (HEADER_LINE.test(l) || (/^[ \t]/.test(l) && i > 0)) head.push(l);
      // A stray line between two header lines (a nameless date line, a header value broken by a raw LF)
      // stays in the header block, as the device sent it; the response parser skips it.
      else if (head.length > 1 && !/^\s*(?:[<{["']|--)/.test(l) && HEADER_LINE.test(c[i + 1] ?? '') && !/^[ \t]/.test(c[i + 1] ?? '')) head.push(l);
      else break;
    }
    const body = c.slice(i).join('\n');
    // Tools print the decoded body under the headers they received: a "Transfer-Encoding: chunked"
    // reply pasted without its chunk-size lines keeps its body instead of being dechunked to nothing.
    const chunked = head.findIndex((h) => /^transfer-encoding[ \t]*:[ \t]*chunked\b/i.test(h));
    if (chunked > 0 && body.trim() !== '' && !/^[0-9a-fA-F]{1,8}[ \t]*(?:;[^\r\n]*)?\r?\n/.test(body)) head.splice(chunked, 1);
    return head.join('\r\n') + '\r\n\r\n' + body;
  });
}

/** A tag name broken by a line break ("<tt:Min\nor>", "</tt:Manufac\r\nturer>") joined again. */
export function unwrapTags(text: string): string {
  return text.replace(/(<\/?[A-Za-z_][\w:.-]{0,63})\r?\n([\w:.-]{1,63}[\s/>])/g, '$1$2');
}

/**
 * A piece cut from the middle of a GetCapabilities / GetServices answer: ONVIF capability elements (an
 * XAddr naming an /onvif/ service, next to SupportedVersions or a capability category), with no
 * document or envelope around them.
 */
function capabilitiesFragment(body: string): boolean {
  const b = body.slice(0, 65536);
  return /\/onvif\/[\w.-]{1,64}<\/(?:[\w.-]{1,32}:)?XAddr>/.test(b)
    && /<(?:[\w.-]{1,32}:)?(?:SupportedVersions|Network|System|Device|Media|Events|Imaging|PTZ|Analytics)>/.test(b)
    && !/<(?:[\w.-]{1,32}:)?(?:Envelope|html)[\s>]/i.test(b);
}

/** The port of the first XAddr in a GetServices / GetCapabilities answer (the device's ONVIF port, where the scan asked). */
function deviceServicePort(body: string): number | undefined {
  const m = /<(?:[\w.-]{1,32}:)?XAddr>\s{0,8}https?:\/\/[^/:<>\s]{1,255}:(\d{1,5})\//.exec(body.slice(0, 65536))
    // A fragment that starts inside the first XAddr ("p://192.0.2.120:8899/onvif/device_service</tt:XAddr>").
    ?? /^[\w:/.-]{0,32}?:(\d{1,5})\/onvif\/[\w.-]{1,64}<\//.exec(body.slice(0, 512));
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

export interface Converted { record: ObservationRecord; unused: string[] }

/** The observation record a scan would hold for this device, built from the captures by camsweep's codecs. */
export function toObservation(fr: Pick<FieldRecord, 'id' | 'captures'>): Converted {
  const rec: ObservationRecord = { ip: '192.0.2.10', seen_by: [] };
  const unused: string[] = [];
  const ports = new Set<number>();
  let ssdpMsg = null as SsdpMessage | null;
  let desc = null as UpnpDescription | null;
  let match = null as WsdMatch | null;
  let onvifInfo = null as ReturnType<typeof parseDeviceInformation>;
  const seen = (p: string) => { rec.seen_by = [...new Set([...(rec.seen_by ?? []), p])].sort(); };
  for (const [i, c] of fr.captures.entries()) {
    const kind = c.kind === 'banner'
      ? (c.proto === 'rtsp' ? 'rtsp' : c.proto === 'http' ? 'http' : c.proto === 'udp' && c.port === UBNT_PORT ? 'ubnt'
        : c.proto === 'udp' && (c.port === TDP_PORT || c.port === KASA_PORT) ? 'tdp' : 'tcp')
      : c.kind;
    switch (kind) {
      case 'http': {
        // A reply a client printed as a JSON string literal or a Python bytes literal is the document inside it.
        const raw = unbytesRepr(c.raw ?? '') ?? unquoteDocument(c.raw ?? '') ?? c.raw ?? '';
        const row = httpFromScanRow(raw);
        const port = c.port ?? row?.port ?? (c.tls ? 443 : 80);
        let got = 0;
        // A program's printout of the reply (an xml2js object, a plugin's "Model: …" summary) stands
        // for the XML document the device sent: that document becomes the body.
        const doc = row ? undefined : dumpToXml(raw) ?? summaryToXml(stripLogPrefix(raw));
        const texts = row ? [row.text] : doc ? [`HTTP/1.1 000 not-captured\r\n\r\n${doc}`] : pastedResponses(raw, 'HTTP/1.1');
        for (const text of texts) {
          const parsed = parseResponse(Buffer.from(text, 'utf8'));
          if (!parsed || !parsed.protocol.startsWith('HTTP')) continue;
          const obs = httpObservation(parsed, port, Boolean(c.tls), c.path ?? '/');
          if (!obs.status) delete obs.status;
          mergeRecord(rec, { http: [obs] });
          got++;
        }
        if (!got) { unused.push(`captures[${i}]: not an HTTP response`); break; }
        ports.add(port);
        seen('tcp'); seen('http');
        break;
      }
      case 'rtsp': {
        const port = c.port ?? 554;
        const texts = pastedResponses(c.raw ?? '', 'RTSP/1.0');
        let got = 0;
        for (const [k, text] of texts.entries()) {
          const parsed = parseResponse(Buffer.from(text, 'utf8'));
          if (!parsed || !parsed.protocol.startsWith('RTSP')) continue;
          // Several responses in one paste: the earlier ones answered OPTIONS, the last the capture's method.
          const method = k < texts.length - 1 ? 'OPTIONS' : c.method ?? 'OPTIONS';
          const body = parsed.body.length ? cleanText(parsed.body.toString('utf8'), 8192) : '';
          mergeRecord(rec, { rtsp: [{ port, method, ...(parsed.status ? { status: parsed.status } : {}), headers: parsed.headers, ...(body ? { body } : {}) }] });
          got++;
        }
        if (!got) { unused.push(`captures[${i}]: not an RTSP response`); break; }
        ports.add(port);
        seen('tcp'); seen('rtsp');
        break;
      }
      case 'onvif-device-info': {
        const raw = unbytesRepr(c.raw ?? '') ?? c.raw ?? '';
        let info = parseDeviceInformation(raw);
        if (!info || 'fault' in info) {
          // Quoted from <s:Body> on (no Envelope), perhaps inside a code fence: the Envelope goes back around it.
          const soap = unfenceSoap(raw);
          if (soap) info = parseDeviceInformation(soap);
        }
        if (!info || 'fault' in info) {
          // A printed answer (the onvif npm client's object, an xml2js tree) read as the SOAP reply.
          const soap = dumpToOnvifInfo(raw);
          if (soap) info = parseDeviceInformation(soap);
        }
        if (!info || 'fault' in info) { unused.push(`captures[${i}]: no GetDeviceInformation answer parsed`); break; }
        onvifInfo = info;
        seen('onvif');
        break;
      }
      case 'onvif-probe-match': {
        const w = parseWsdMessage(Buffer.from(c.raw ?? '', 'utf8'));
        if (!w || !w.matches.length) { unused.push(`captures[${i}]: no ProbeMatch parsed`); break; }
        match = w.matches[0];
        seen('onvif');
        break;
      }
      case 'onvif-scopes': {
        match = { endpoint: match?.endpoint ?? '', types: match?.types ?? [], scopes: [...(match?.scopes ?? []), ...(c.scopes ?? [])], xaddrs: match?.xaddrs ?? [], metadataVersion: '', relatesTo: '' };
        seen('onvif');
        break;
      }
      case 'onvif-services': {
        // What a scan gets: the HTTP probe asks GetServices (src/data/http-paths.yaml onvif-getservices,
        // POST /onvif/device_service) and reads the answer's body (src/protocols/envelope.ts reads a
        // GetServices or a GetCapabilities answer alike). The capture becomes that HTTP answer: as pasted
        // when it carries a status line, else as its body (an Envelope put back around a quoted <s:Body>).
        // A log that wrapped its lines at a fixed width may have broken a tag name ("<tt:Min\nor>"): no
        // device sends a line break inside a tag name, so the two halves are joined.
        const raw = unwrapTags(unbytesRepr(c.raw ?? '') ?? c.raw ?? '');
        const soap = unfenceSoap(raw) ?? raw.trim();
        const texts = STATUS_START.test(unpaste(dedent(raw))) ? pastedResponses(raw, 'HTTP/1.1')
          : [`HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\n\r\n${soap}`];
        let got = 0;
        let body = '';
        for (const text of texts) {
          const parsed = parseResponse(Buffer.from(text, 'utf8'));
          if (!parsed || !parsed.protocol.startsWith('HTTP')) continue;
          body = parsed.body.toString('utf8');
          // A fragment quoted from the middle of the answer (its capability elements, without the
          // response element it sits in) is still the part of the answer that was published.
          if (!/GetServicesResponse|GetCapabilitiesResponse/.test(body) && !capabilitiesFragment(body)) continue;
          const port = c.port ?? deviceServicePort(body) ?? 80;
          const obs = httpObservation(parsed, port, Boolean(c.tls), c.path ?? '/onvif/device_service');
          mergeRecord(rec, { http: [obs] });
          ports.add(port);
          got++;
        }
        const s = parseGetServices(body || soap);
        if (Array.isArray(s) && s.length) mergeRecord(rec, { x_onvif: { services: s.slice(0, 32) } } as Partial<ObservationRecord>);
        if (!got) { unused.push(`captures[${i}]: no GetServices / GetCapabilities answer`); break; }
        seen('tcp'); seen('http');
        break;
      }
      case 'upnp-description': {
        const printed = unbytesRepr(c.raw ?? '') ?? c.raw ?? '';
        const raw = unescapeMarkup(printed) ?? printed;
        let d = parseDeviceDescription(raw);
        if (!d) {
          // A printed description: xml2js's tree, or a dict of its fields (Home Assistant's debug log).
          const xml = dumpToXml(raw) ?? dumpToUpnpXml(raw) ?? upnpFragment(raw);
          if (xml) d = parseDeviceDescription(xml);
        }
        if (!d) { unused.push(`captures[${i}]: no UPnP description parsed`); break; }
        desc = d;
        seen('ssdp');
        break;
      }
      case 'ssdp': {
        const m = parseSsdp(Buffer.from(unpaste(dedent(c.raw ?? '')), 'utf8'));
        if (!m) { unused.push(`captures[${i}]: not an SSDP message`); break; }
        ssdpMsg = m;
        seen('ssdp');
        break;
      }
      case 'sadp': {
        const m = parseSadpMessage(Buffer.from(c.raw ?? '', 'utf8'));
        if (!m || m.kind === 'probe') { unused.push(`captures[${i}]: no SADP answer parsed`); break; }
        mergeRecord(rec, { sadp: { ...m.fields } });
        const sum = sadpSummary(m.fields);
        if (sum.mac && !rec.mac) { rec.mac = sum.mac; rec.mac_from = 'sadp'; }
        seen('sadp');
        break;
      }
      case 'dhip': {
        const raw = c.raw ?? '';
        const json = raw.includes('{') ? raw.slice(raw.indexOf('{')) : dhipFromScanRow(raw);
        const m = json ? parseDhip(buildDhipFrame(json)) : null;
        if (!m) { unused.push(`captures[${i}]: no DHIP message parsed`); break; }
        if (Object.keys(m.deviceInfo).length === 0) {
          // An answer without deviceInfo over DHIP (a global.login challenge on TCP: realm, random,
          // encryption, error code; an error reply) still came in DHIP framing: its params and error
          // are what it said (src/discovery/dhip.ts dhipParamsRecord, as the DHIP listener keeps them).
          const said = dhipParamsRecord(m);
          if (!said) { unused.push(`captures[${i}]: no DHIP deviceInfo, params or error parsed`); break; }
          mergeRecord(rec, { dhip: said });
          seen('dhip');
          break;
        }
        mergeRecord(rec, { dhip: dhipRecord(m) });
        seen('dhip');
        break;
      }
      case 'ubnt': {
        // Ubiquiti discovery (UDP 10001): the payload's bytes as a capture tool printed them (\\xNN
        // escapes), or another tool's decoded "NAME : value" dump of the same answer.
        const bytes = unescapeBytes(c.raw ?? '');
        const msg = bytes ? parseUbnt(bytes) : undefined;
        const fields = msg && !msg.request ? msg.fields : bytes ? undefined : ubntFromDump(c.raw ?? '');
        if (!fields || !Object.keys(fields).length) { unused.push(`captures[${i}]: no Ubiquiti discovery answer parsed`); break; }
        mergeRecord(rec, { ubnt: { ...fields } });
        if (fields.mac && !rec.mac) { rec.mac = fields.mac; rec.mac_from = 'ubnt'; }
        seen('ubnt');
        break;
      }
      case 'tdp': {
        // TP-Link discovery (UDP 20002, legacy Kasa UDP 9999): the answer's JSON as a dump tool stored it
        // (python-kasa: re-serialised, the 20002 header dropped, the 9999 cipher already undone), or the
        // datagram's bytes as \\xNN escapes. The same fields the tdp module records (src/protocols/tdp.ts).
        const bytes = unescapeBytes(c.raw ?? '');
        const msg = bytes ? (c.port === KASA_PORT ? parseKasa(bytes) : parseTdp(bytes)) : undefined;
        const fields = msg && !msg.request ? msg.fields : bytes ? undefined : tdpFieldsFromJson(c.raw ?? '');
        if (!fields || !Object.keys(fields).length) { unused.push(`captures[${i}]: no TP-Link discovery answer parsed`); break; }
        mergeRecord(rec, { tdp: { ...fields } });
        const mac = normaliseMac(fields.mac ?? '');
        if (mac && !rec.mac) { rec.mac = mac; rec.mac_from = 'tdp'; }
        seen('tdp');
        break;
      }
      case 'mdns': {
        // TXT records as a browser prints them (avahi-browse, dns-sd: a list of "key=value" strings) are the
        // key/value map the mDNS listener builds from the same record (src/protocols/mdns.ts txtDecode).
        const list = (c.services ?? []).filter((x) => x && typeof x === 'object').map((x) => ({ ...x, ...(Array.isArray(x.txt) ? { txt: txtDecode(x.txt) } : {}) }));
        if (list.length) { mergeRecord(rec, { mdns: list }); seen('mdns'); }
        break;
      }
      case 'tls': {
        const port = c.port ?? 443;
        const subject = c.subject ? renderDn(parseDnText(c.subject)) : undefined;
        const issuer = c.issuer ? renderDn(parseDnText(c.issuer)) : undefined;
        mergeRecord(rec, { tls: [{ port, ...(subject ? { subject } : {}), ...(issuer ? { issuer } : {}) }] });
        ports.add(port);
        seen('tcp');
        break;
      }
      case 'mac':
        if (c.value && !rec.mac) { rec.mac = c.value; rec.mac_from = 'arp'; }
        break;
      default:
        unused.push(`captures[${i}]: ${c.kind}${c.proto ? `/${c.proto}` : ''} is not something camsweep observes`);
    }
  }
  if (ssdpMsg || desc) mergeRecord(rec, { upnp: toUpnpObservation(ssdpMsg, desc) });
  if (match || onvifInfo) {
    const o: OnvifObservation = toOnvifObservation(match, onvifInfo);
    mergeRecord(rec, { onvif: o });
  }
  if (ports.size) rec.open_ports = [...ports].sort((a, b) => a - b);
  return { record: rec, unused };
}

/** One CSV line into fields (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Scan datasets publish each DHIP answer as a CSV row (Shadowserver's "Open DVR DHCPDiscover" report:
 * header line, then device_vendor, device_type, device_model, … mac_address). The row holds the fields of
 * the device's client.notifyDevInfo reply under other names; this puts them back under the DHIP names
 * (rroller/dahua custom_components/dahua/discovery.py: Vendor, DeviceClass, DeviceType, Version, SerialNo,
 * MachineName, Manufacturer, HttpPort, Port, …Channels) as the JSON the device sent. Undefined if not such a row.
 */
export function dhipFromScanRow(raw: string): string | undefined {
  const lines = raw.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 2) return undefined;
  const head = csvFields(lines[0]).map((h) => h.trim());
  const row = csvFields(lines[1]);
  if (!head.includes('device_vendor') || !head.includes('device_model')) return undefined;
  const col = (k: string) => { const i = head.indexOf(k); return i >= 0 ? (row[i] ?? '').trim() : ''; };
  const names: Array<[string, string]> = [['device_vendor', 'Vendor'], ['device_type', 'DeviceClass'], ['device_model', 'DeviceType'],
    ['device_version', 'Version'], ['device_serial', 'SerialNo'], ['machine_name', 'MachineName'], ['manufacturer', 'Manufacturer'],
    ['http_port', 'HttpPort'], ['internal_port', 'Port'], ['video_input_channels', 'VideoInputChannels'],
    ['alarm_input_channels', 'AlarmInputChannels'], ['video_output_channels', 'VideoOutputChannels'],
    ['alarm_output_channels', 'AlarmOutputChannels'], ['remote_video_input_channels', 'RemoteVideoInputChannels']];
  const deviceInfo: Record<string, string> = {};
  for (const [from, to] of names) if (col(from)) deviceInfo[to] = col(from);
  if (!Object.keys(deviceInfo).length) return undefined;
  return JSON.stringify({ mac: col('mac_address'), method: col('method') || 'client.notifyDevInfo', params: { deviceInfo } });
}

/**
 * Scan datasets publish an HTTP banner as a CSV row (Shadowserver scan reports: header line, then
 * http_code, http_reason, content_type, www_authenticate, set_cookie, server, … columns). This rebuilds
 * the response head the device sent from those columns. Undefined if the text is not such a row.
 */
export function httpFromScanRow(raw: string): { text: string; port?: number } | undefined {
  const lines = raw.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 2 || !lines[0].startsWith('"')) return undefined;
  const head = csvFields(lines[0]).map((h) => h.trim());
  if (!head.includes('server') && !head.includes('www_authenticate')) return undefined;
  const row = csvFields(lines[1]);
  const col = (k: string) => { const i = head.indexOf(k); return i >= 0 ? (row[i] ?? '').trim() : ''; };
  const code = /^\d{3}$/.test(col('http_code')) ? col('http_code') : '000';
  const out = [`HTTP/1.1 ${code} ${col('http_reason') || 'not-captured'}`];
  for (const [k, name] of [['server', 'Server'], ['www_authenticate', 'WWW-Authenticate'], ['content_type', 'Content-Type'], ['set_cookie', 'Set-Cookie']] as const) {
    if (col(k)) out.push(`${name}: ${col(k)}`);
  }
  const port = Number(col('port'));
  return { text: out.join('\r\n') + '\r\n\r\n', ...(Number.isInteger(port) && port > 0 && port < 65536 ? { port } : {}) };
}

/** A public model database sample (fixtures/field/model-names/*.json): model numbers as published. */
export interface ModelSample { file: string; maker?: string; source: { url: string; title?: string; retrieved?: string; how?: string }; models: Array<{ model: string; device_type?: DeviceType; maker?: string }> }

export function readModelSamples(dir: string): { samples: ModelSample[]; problems: Problem[] } {
  const samples: ModelSample[] = [];
  const problems: Problem[] = [];
  if (!existsSync(dir)) return { samples, problems };
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const where = `model-names/${f}`;
    try {
      const d = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ModelSample;
      if (!d.source || !isStr(d.source.url, 8)) throw new Error('needs source.url');
      if (!Array.isArray(d.models) || d.models.length === 0) throw new Error('needs models');
      for (const [i, m] of d.models.entries()) {
        if (!m || !isStr(m.model)) throw new Error(`models[${i}] needs a model`);
        if (!(m.maker ?? d.maker)) throw new Error(`models[${i}] has no maker (and the file none)`);
      }
      samples.push({ ...d, file: where });
    } catch (e) { problems.push({ where, problem: (e as Error).message }); }
  }
  return { samples, problems };
}

/** The record a device that only announced this model name (UPnP modelName) would give. */
export function modelOnlyRecord(model: string): ObservationRecord {
  return { ip: '192.0.2.10', upnp: { modelName: model }, seen_by: ['ssdp'] };
}
