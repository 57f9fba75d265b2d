// Tolerant parser for HTTP/1.x and RTSP/1.0 responses as embedded devices send them. Pure.
// Accepts CRLF or bare LF, header names of any case (stored lower-case), duplicate headers (kept as
// arrays), missing reason phrases, garbage lines, chunked bodies and truncated input. Never throws.
import type { Headers } from '../model/types.js';
import { clean } from '../util/sanitize.js';

export interface ParsedResponse {
  protocol: string;
  status: number;
  reason: string;
  headers: Headers;
  /** Header block in arrival order, raw names kept (cleaned). */
  rawHeaders: Array<[string, string]>;
  body: Buffer;
  /** True when the body was cut by the byte cap, a deadline or the peer closing early. */
  truncated: boolean;
}

const STATUS_LINE = /^(HTTP\/\d(?:\.\d)?|RTSP\/\d\.\d)\s+(\d{3})(?:\s+(.*))?$/i;
const MAX_HEADERS = 100;

/** Find the end of the header block: index just after CRLFCRLF or LFLF, or -1. */
export function headerEnd(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      if (buf[i + 1] === 0x0a) return i + 2;
      if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
    }
  }
  return -1;
}

/** Token characters of an HTTP field name (RFC 9110 §5.6.2), plus inner spaces that some firmware sends. */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?: +[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/**
 * A line in the header block that cannot be a header: markup or JSON (`<…`, `{…`, `[…`, a quoted
 * key), or a name that is not a field name (`updateSerialCloudUpgrade=DB6I:01…`, `- <DeviceInfo…`).
 * Firmware that omits the blank line before its body sends exactly this; the body starts here.
 */
function startsBody(line: string): boolean {
  const t = line.trim();
  if (!t) return false;
  if (/^[<{["']/.test(t)) return true;
  const colon = t.indexOf(':');
  if (colon < 0) return !STATUS_LINE.test(t);
  return !FIELD_NAME.test(t.slice(0, colon).trim());
}

/** The line starting at `pos` is a header line ("Name: value" with a field name). */
function headerFollows(text: string, pos: number): boolean {
  if (pos >= text.length) return false;
  const nl = text.indexOf('\n', pos);
  const line = text.slice(pos, nl < 0 ? Math.min(text.length, pos + 4096) : Math.min(nl, pos + 4096)).replace(/\r$/, '');
  const colon = line.indexOf(':');
  return colon > 0 && !/^[ \t]/.test(line) && FIELD_NAME.test(line.slice(0, colon).trim());
}

export function parseResponse(buf: Buffer, opts: { complete?: boolean } = {}): ParsedResponse | undefined {
  try {
    const end = headerEnd(buf);
    const headText = buf.subarray(0, end < 0 ? Math.min(buf.length, 65536) : end).toString('latin1');
    const firstNl = headText.indexOf('\n');
    const m = STATUS_LINE.exec((firstNl < 0 ? headText : headText.slice(0, firstNl)).trim());
    if (!m) return undefined;
    const headers: Headers = {};
    const rawHeaders: Array<[string, string]> = [];
    let last: string | undefined;
    // Byte offset where the body starts when the header block is cut short by a body line.
    let bodyAt = -1;
    for (let pos = firstNl < 0 ? headText.length : firstNl + 1; pos < headText.length;) {
      const nl = headText.indexOf('\n', pos);
      const lineEnd = nl < 0 ? headText.length : nl;
      const line = headText.slice(pos, lineEnd).replace(/\r$/, '');
      const at = pos;
      pos = lineEnd + 1;
      if (line === '' || rawHeaders.length >= MAX_HEADERS) continue;
      if (/^[ \t]/.test(line) && last && !/^[<{[]/.test(line.trim())) { // obsolete line folding
        const cur = headers[last];
        const add = ' ' + clean(line, 1024);
        if (Array.isArray(cur)) cur[cur.length - 1] += add; else headers[last] = (cur ?? '') + add;
        continue;
      }
      if (startsBody(line)) {
        // A stray line inside the header block (GoAhead's nameless date line "Tue, 12 Jun 2012 01:56:34
        // GMT", a header value broken by a raw LF) between two header lines is skipped, not taken for
        // the body: the header lines after it are still headers. Markup, JSON and a multipart boundary
        // ("--myboundary") start the body as before.
        if (last && !/^\s*(?:[<{["']|--)/.test(line) && headerFollows(headText, pos)) continue;
        bodyAt = at;
        break;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const rawName = clean(line.slice(0, colon), 128);
      const name = rawName.toLowerCase().replace(/\s+/g, '-');
      if (!name || name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
      const value = clean(line.slice(colon + 1), 2048);
      rawHeaders.push([rawName, value]);
      const prev = headers[name];
      if (prev === undefined) headers[name] = value;
      else headers[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
      last = name;
    }
    let body = bodyAt >= 0 ? buf.subarray(bodyAt) : end < 0 ? Buffer.alloc(0) : buf.subarray(end);
    let truncated = end < 0; // no blank line seen: where the response ends cannot be told
    const te = one(headers['transfer-encoding']);
    if (te && /chunked/i.test(te)) {
      const d = dechunk(body);
      body = d.body;
      truncated ||= !d.complete;
    } else {
      const cl = Number(one(headers['content-length']));
      if (Number.isFinite(cl) && cl >= 0) {
        if (body.length > cl) body = body.subarray(0, cl);
        else if (body.length < cl) truncated = true;
      } else if (opts.complete === false) truncated = true;
    }
    return { protocol: m[1].toUpperCase(), status: Number(m[2]), reason: clean(m[3] ?? '', 128), headers, rawHeaders, body, truncated };
  } catch {
    return undefined;
  }
}

export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Decode a chunked body; tolerant of bad sizes (stops there). */
export function dechunk(buf: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0) return { body: Buffer.concat(parts), complete: false };
    const sizeText = buf.subarray(i, nl).toString('latin1').trim().split(';')[0];
    if (!/^[0-9a-f]{1,8}$/i.test(sizeText)) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(sizeText, 16);
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = nl + 1;
    parts.push(buf.subarray(start, Math.min(start + size, buf.length)));
    if (start + size > buf.length) return { body: Buffer.concat(parts), complete: false };
    i = start + size;
    if (buf[i] === 0x0d) i++;
    if (buf[i] === 0x0a) i++;
  }
  return { body: Buffer.concat(parts), complete: false };
}

/** True when `buf` holds a whole response (headers + declared body), so reading can stop early. */
export function responseComplete(buf: Buffer, headOnly = false): boolean {
  const end = headerEnd(buf);
  if (end < 0) return false;
  if (headOnly) return true;
  const head = buf.subarray(0, end).toString('latin1');
  if (/^transfer-encoding:[ \t]*chunked/im.test(head)) return dechunk(buf.subarray(end)).complete;
  const m = /^content-length:[ \t]*(\d{1,10})[ \t]*\r?$/im.exec(head);
  if (m) return buf.length >= end + Number(m[1]);
  return /^RTSP\//i.test(head) || /^HTTP\/\d(?:\.\d)? (?:1\d\d|204|304)/i.test(head);
}
