// Small, bounded HTML helpers. Pure; regex-free of catastrophic backtracking.
import { clean } from '../util/sanitize.js';

/** Text of the first <title> element, entities for &amp; &lt; &gt; &quot; &#NN; decoded, cleaned. */
export function extractTitle(html: string): string | undefined {
  const s = html.length > 262144 ? html.slice(0, 262144) : html;
  const lower = s.toLowerCase();
  const open = lower.indexOf('<title');
  if (open < 0) return undefined;
  const gt = lower.indexOf('>', open);
  if (gt < 0) return undefined;
  const close = lower.indexOf('</title', gt);
  const raw = s.slice(gt + 1, close < 0 ? Math.min(s.length, gt + 1 + 512) : close);
  // An XML reply's <title> leaf wrapped in a CDATA section (QNAP QDocRoot: `<title><![CDATA[]]></title>`)
  // is the section's text, taken as it is (no entities inside CDATA); an empty one is no title.
  const cdata = /^\s{0,16}<!\[CDATA\[([^]{0,512}?)\]\]>\s{0,16}$/.exec(raw);
  const t = cdata ? clean(cdata[1]!, 256) : clean(decodeEntities(raw), 256);
  return t || undefined;
}

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k === 'nbsp') return ' ';
    const n = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
  });
}

/** Decode a body as UTF-8 (strip BOM); falls back to latin1 when it is not valid UTF-8. */
export function bodyText(body: Buffer): string {
  let b = body;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const utf = b.toString('utf8');
  return utf.includes('\ufffd') ? b.toString('latin1') : utf;
}
