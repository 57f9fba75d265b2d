// Structured values inside an HTTP body, for rules that read one value rather than a whole page. Pure.
//
// Vendor APIs answer in a few shapes, and people paste them in more: XML leaf elements
// (`<model>DS-7616NI-K2</model>`: Hikvision ISAPI, Huawei HiLink `<DeviceName>`; a leaf that is one
// CDATA section, `<modelName><![CDATA[TS-453D]]></modelName>`: QNAP), the same document
// rendered as JSON or a Python dict (`"model": "…"`, `'@xmlns': '…'`), and `key=value` lines (Dahua
// CGI: `deviceType=DHI-VTO2311R-WP`, `table.T2UServer.Type=dhp2p`, `Code=VideoMotion;action=Start`).
// Each becomes a field (`http.xml.<name>`, `http.json.<name>`, `http.kv.<name>`), the XML namespaces
// become `http.xmlns`, and every key=value line is also kept whole as `http.kv` ("key=value").
//
// Every expression below is linear: each alternative is anchored on a literal and every repetition is
// bounded and stops at a delimiter it cannot contain, so a hostile body costs O(length).
import { clean } from '../util/sanitize.js';

export interface BodyField { field: string; value: string }

/** At most this many fields from one body, and only this much of the body is read. */
export const MAX_BODY_FIELDS = 256;
export const MAX_BODY_SCAN = 65536;

const XML_LEAF = /<(?:[A-Za-z][\w-]{0,31}:)?([A-Za-z][\w.-]{0,47})(?:\s[^<>]{0,256})?>([^<>]{1,256})<\/(?:[A-Za-z][\w-]{0,31}:)?\1\s{0,8}>/g;
// A leaf whose text is one CDATA section (QNAP QDocRoot: `<modelName><![CDATA[TS-453D]]></modelName>`).
const XML_CDATA_LEAF = /<([A-Za-z][\w.-]{0,47})>\s{0,4}<!\[CDATA\[([^\]<>]{1,256})\]\]>\s{0,4}<\/\1\s{0,8}>/g;
const XMLNS = /\bxmlns(?::[A-Za-z][\w-]{0,31})?\s{0,8}=\s{0,8}(["'])([^"'\s<>]{1,200})\1/g;
const JSON_PAIR = /(["'])(@?[A-Za-z][\w.-]{0,47})\1\s{0,8}:\s{0,8}(["'])([^"'\r\n]{0,256})\3/g;
const KV_LINE = /^[ \t]{0,8}([A-Za-z][\w.[\]-]{0,95})=([^\r\n]{0,512})$/gm;
const SIMPLE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

function keyName(k: string): string | undefined {
  const n = k.replace(/^@/, '').replace(/[.-]/g, '_');
  return SIMPLE_KEY.test(n) ? n : undefined;
}

export function bodyFields(body: string): BodyField[] {
  const text = body.length > MAX_BODY_SCAN ? body.slice(0, MAX_BODY_SCAN) : body;
  const out: BodyField[] = [];
  const seen = new Set<string>();
  const add = (field: string, raw: string): void => {
    if (out.length >= MAX_BODY_FIELDS) return;
    const value = clean(raw, 256);
    if (!value) return;
    const k = `${field}\u0000${value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ field, value });
  };
  const looksMarkup = text.includes('<');
  if (looksMarkup) {
    for (const m of text.matchAll(XMLNS)) add('http.xmlns', m[2]);
    for (const m of text.matchAll(XML_LEAF)) {
      const k = keyName(m[1]);
      if (k) add(`http.xml.${k}`, decodeEntities(m[2]));
    }
    if (text.includes('<![CDATA[')) {
      for (const m of text.matchAll(XML_CDATA_LEAF)) {
        const k = keyName(m[1]);
        if (k) add(`http.xml.${k}`, m[2]);
      }
    }
  }
  if (text.includes(':')) {
    for (const m of text.matchAll(JSON_PAIR)) {
      if (m[2] === '@xmlns') { add('http.xmlns', m[4]); continue; }
      const k = keyName(m[2]);
      if (k) add(`http.json.${k}`, m[4]);
    }
  }
  if (text.includes('=')) {
    for (const m of text.matchAll(KV_LINE)) {
      add('http.kv', `${m[1]}=${m[2]}`);
      const k = keyName(m[1]);
      if (k && !m[1].includes('.')) add(`http.kv.${k}`, m[2]);
    }
  }
  return out;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(amp|lt|gt|quot|apos|#\d{1,6}|#x[0-9a-fA-F]{1,6});/g, (e, n: string) => {
    if (n === 'amp') return '&';
    if (n === 'lt') return '<';
    if (n === 'gt') return '>';
    if (n === 'quot') return '"';
    if (n === 'apos') return "'";
    const code = n[1] === 'x' ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10);
    return code > 0x1f && code < 0x110000 ? String.fromCodePoint(code) : ' ';
  });
}
