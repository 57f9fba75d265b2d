// Every byte from the network is hostile. These helpers make a string safe to store, compare and print:
// no control characters (C0, DEL, C1), no ANSI escape sequences, no bidi overrides, bounded length.

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Single-line value: every control character (including CR, LF, TAB, and the Unicode line and paragraph separators) becomes a space. */
export function clean(s: unknown, max = 512): string {
  if (s === undefined || s === null) return '';
  let t = typeof s === 'string' ? s : String(s);
  if (t.length > max * 4) t = t.slice(0, max * 4);
  t = t.replace(ANSI, '').replace(CONTROL_ALL, ' ').replace(/\u00a0/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

/** Multi-line text (HTTP bodies): keeps TAB/LF/CR, drops other controls and escape sequences. */
export function cleanText(s: unknown, max = 16384): string {
  if (s === undefined || s === null) return '';
  let t = typeof s === 'string' ? s : String(s);
  if (t.length > max) t = t.slice(0, max);
  return t.replace(ANSI, '').replace(CONTROL, '');
}

/** True when the string contains nothing a terminal would interpret (controls, C1, bidi overrides and isolates). */
export function isTerminalSafe(s: string): boolean {
  return !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s);
}

/** Characters a JSON serialiser leaves raw that a terminal or viewer would still act on. */
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Last line of defence for JSON output: escape (\uXXXX) any C1 control or bidi character that reached a
 * string, so a report shown with cat or less cannot reorder or recolour text. Lossless: JSON readers get
 * the same value. (Values are cleaned where they enter; this catches what a future path forgets.)
 */
export function jsonTerminalSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True when `k` may be a key of an object built from untrusted input: checked exactly as it will be
 * stored. A key that cleaning would change (controls, surrounding spaces, over 128 characters) is
 * refused rather than rewritten, so no key can turn into "__proto__" after the check.
 */
export function acceptableKey(k: string): boolean {
  return k.length > 0 && k.length <= 128 && clean(k, 128) === k && !DANGEROUS_KEYS.has(k);
}

/**
 * Deep-clean a JSON value read from an untrusted file or the network: strings cleaned, depth and sizes
 * bounded, keys checked exactly (acceptableKey) and stored as own data properties only.
 */
export function cleanJson(v: unknown, depth = 0, maxString = 16384): unknown {
  if (depth > 12) return undefined;
  if (typeof v === 'string') return cleanText(v, maxString);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.slice(0, 1000).map((x) => cleanJson(x, depth + 1, maxString));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const k of Object.keys(v as Record<string, unknown>)) {
      if (!acceptableKey(k)) continue;
      if (++n > 500) break;
      const c = cleanJson((v as Record<string, unknown>)[k], depth + 1, maxString);
      if (c !== undefined) Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return undefined;
}
