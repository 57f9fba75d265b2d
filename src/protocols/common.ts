// Shared helpers for the pure discovery codecs: input capping, a hardened XML parse, tree accessors
// and XML escaping. Nothing here does I/O. Every byte handed to these helpers is treated as hostile.

import { XMLParser } from 'fast-xml-parser';
import { clean } from '../util/sanitize.js';

/** Largest UDP payload (IPv4 datagram limit); anything bigger is not a datagram we received. */
export const UDP_MAX = 65536;
/** Cap for documents fetched over HTTP (UPnP descriptions, ONVIF SOAP replies). */
export const HTTP_MAX = 262144;

/** What the parsers accept: raw bytes or an already-decoded string. */
export type Input = Uint8Array | string;

/** Names that must never become object keys we create. */
const DANGEROUS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `k` is safe to use as a key of an object we build and hand out. */
export function safeKey(k: string): boolean {
  return k.length > 0 && !DANGEROUS.has(k) && !k.startsWith('__');
}

/** Bytes -> string (UTF-8), or null when the input is of the wrong type, empty, or over `cap` bytes. */
export function toText(input: unknown, cap: number): string | null {
  if (typeof input === 'string') {
    if (input.length === 0 || input.length > cap) return null;
    return input;
  }
  if (input instanceof Uint8Array) {
    if (input.length === 0 || input.length > cap) return null;
    return Buffer.from(input.buffer, input.byteOffset, input.length).toString('utf8');
  }
  return null;
}

/** Bytes as a Buffer, or null (wrong type, empty, over cap). */
export function toBuffer(input: unknown, cap: number): Buffer | null {
  if (input instanceof Uint8Array) {
    if (input.length === 0 || input.length > cap) return null;
    return Buffer.from(input.buffer, input.byteOffset, input.length);
  }
  if (typeof input === 'string') {
    if (input.length === 0 || input.length > cap) return null;
    const b = Buffer.from(input, 'utf8');
    return b.length > cap ? null : b;
  }
  return null;
}

/**
 * Remove every `<!DOCTYPE ...>` declaration, including an internal subset, with a linear scan
 * (quotes and brackets respected). A DTD is never honoured: internal entities are not expanded and
 * external entities are never resolved, because the declarations are simply gone. SOAP 1.2 forbids a
 * DTD in a message anyway (SOAP 1.2 Part 1 §5).
 */
export function stripDoctype(s: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const i = indexOfCi(s, '<!DOCTYPE', from);
    if (i < 0) return out + s.slice(from);
    out += s.slice(from, i);
    let j = i + 9;
    let depth = 0;
    let quote = '';
    for (; j < s.length; j++) {
      const c = s[j];
      if (quote) { if (c === quote) quote = ''; continue; }
      if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++;
      else if (c === ']') depth = Math.max(0, depth - 1);
      else if (c === '>' && depth === 0) break;
    }
    if (j >= s.length) return out; // unterminated DOCTYPE: drop the rest
    from = j + 1;
  }
}

function indexOfCi(s: string, needle: string, from: number): number {
  // DOCTYPE must be upper case in XML, but be generous; this stays linear.
  const upper = needle.toUpperCase();
  for (let i = s.indexOf('<!', from); i >= 0; i = s.indexOf('<!', i + 2)) {
    if (s.slice(i, i + needle.length).toUpperCase() === upper) return i;
  }
  return -1;
}

const parser = new XMLParser({
  processEntities: false, // never expand DTD entities (billion laughs, XXE)
  htmlEntities: false,
  removeNSPrefix: true, // match on local names; both WS-Discovery namespaces then look alike
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false, // keep every value a string: serials like "0012" must not become numbers
  trimValues: true,
  maxNestedTags: 64,
  transformTagName: (t: string) => (safeKey(t) ? t : '__ignored'),
});

export type XmlNode = Record<string, unknown>;

/** Parse untrusted XML text into a plain tree, or null. Never throws. A truncated document is closed first. */
export function parseXml(text: string): XmlNode | null {
  let s = text.replace(/^\uFEFF/, '');
  if (s.includes('<!')) s = stripDoctype(s);
  const once = (t: string): XmlNode | null => {
    try {
      const o = parser.parse(t) as unknown;
      return o && typeof o === 'object' && !Array.isArray(o) ? (o as XmlNode) : null;
    } catch {
      return null;
    }
  };
  // fast-xml-parser reads an unclosed document without complaint but gives a cut-off leaf an empty
  // value; a document whose root element is never closed is therefore closed here first.
  const closed = rootUnclosed(s) ? closeTruncated(s) : undefined;
  return once(closed ?? s) ?? (closed !== undefined ? once(s) : null);
}

/** The first element's closing tag never comes (cheap: one search for the name). */
function rootUnclosed(s: string): boolean {
  const m = /<([A-Za-z_][\w:.-]{0,63})[\s/>]/.exec(s);
  if (!m || s.slice(m.index, m.index + m[0].length + 1).match(/\/>$/)) return false;
  return s.lastIndexOf(`</${m[1]}`) < 0;
}

const TAG = /<(\/?)([A-Za-z_][\w:.-]{0,63})(?:\s[^<>]{0,4096})?>/g;

/**
 * A document cut short (a byte cap, a paste that stops mid-way: `…</serviceList>\n<device`): drop the
 * partial tag at the end, leading text before the first element (a pasted header block), and close the
 * elements still open, so what arrived is read. A value cut before its closing tag began is dropped, one
 * whose closing tag had begun (`Panasonic</manuf`) is kept. Linear; undefined when nothing is left to close.
 */
export function closeTruncated(text: string): string | undefined {
  const start = text.search(/<[A-Za-z?]/);
  const cut = text.lastIndexOf('>');
  if (start < 0 || cut <= start) return undefined;
  let s = text.slice(start, cut + 1);
  // `<manufacturer>Panasonic</manuf`: the closing tag had begun, so the value before it is whole.
  const rest = text.slice(cut + 1);
  const closing = /^[^<]{1,4096}<\//.exec(rest);
  const valueWhole = closing !== null;
  if (closing) s += closing[0].slice(0, -2);
  const open: Array<{ name: string; at: number; parent: boolean }> = [];
  for (const m of s.matchAll(TAG)) {
    if (m[0].endsWith('/>')) { if (open.length) open[open.length - 1].parent = true; continue; }
    if (m[1]) {
      const i = open.map((o) => o.name).lastIndexOf(m[2]);
      if (i >= 0) open.length = i;
    } else if (open.length < 64) {
      if (open.length) open[open.length - 1].parent = true;
      open.push({ name: m[2], at: m.index ?? 0, parent: false });
    }
  }
  // The innermost element still open with no child is a value cut mid-way: drop it rather than keep it empty.
  const last = open[open.length - 1];
  if (last && !last.parent && !valueWhole) { s = s.slice(0, last.at); open.pop(); }
  if (!open.length && start === 0) return undefined;
  return s + open.reverse().map((o) => `</${o.name}>`).join('');
}

/** All children named `name` (local name), as an array. */
export function children(node: unknown, name: string): unknown[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  if (!Object.prototype.hasOwnProperty.call(node, name)) return [];
  const v = (node as XmlNode)[name];
  return Array.isArray(v) ? v : [v];
}

/** First child named `name`, or undefined. */
export function child(node: unknown, name: string): unknown {
  return children(node, name)[0];
}

/** Follow a path of local names, taking the first match at each step. */
export function path(node: unknown, ...names: string[]): unknown {
  let n = node;
  for (const name of names) {
    n = child(n, name);
    if (n === undefined) return undefined;
  }
  return n;
}

/** Find a child whose local name matches case-insensitively (some firmware varies the case). */
export function childCi(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const want = name.toLowerCase();
  for (const k of Object.keys(node)) {
    if (k.toLowerCase() === want) {
      const v = (node as XmlNode)[k];
      return Array.isArray(v) ? v[0] : v;
    }
  }
  return undefined;
}

/** Raw text content of a node (predefined and numeric entities decoded once), not yet cleaned. */
export function rawText(node: unknown): string {
  if (typeof node === 'string') return decodeXmlEntities(node);
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return rawText(node[0]);
  if (node && typeof node === 'object') {
    const t = (node as XmlNode)['#text'];
    if (typeof t === 'string' || typeof t === 'number') return decodeXmlEntities(String(t));
  }
  return '';
}

/** Clean text content of a node: single line, no control characters, bounded. */
export function text(node: unknown, max = 512): string {
  return clean(rawText(node), max);
}

/**
 * Decode the five predefined XML entities and numeric character references, in one pass. Anything
 * else (`&xxe;`) stays literal: this is not a DTD processor and cannot expand recursively.
 */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (m, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
    }
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '';
    return String.fromCodePoint(cp);
  });
}

/** Escape text for use in XML content or a double-quoted attribute; drops characters XML 1.0 forbids. */
export function xmlEscape(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Split a whitespace-separated list (xs:list), bounded. */
export function splitList(s: string, maxItems: number): string[] {
  const out: string[] = [];
  for (const part of s.split(/\s+/)) {
    if (!part) continue;
    out.push(part);
    if (out.length >= maxItems) break;
  }
  return out;
}

/** Local part of a QName ("ter:NotAuthorized" -> "NotAuthorized"). */
export function localName(q: string): string {
  const i = q.lastIndexOf(':');
  return i >= 0 ? q.slice(i + 1) : q;
}

/** A URL string when it parses as http(s), else null. */
export function httpUrl(s: string): string | null {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : null;
  } catch {
    return null;
  }
}
