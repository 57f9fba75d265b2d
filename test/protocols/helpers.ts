// Shared test helpers for the protocol codec tests. No network I/O anywhere.
import fc from 'fast-check';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Every string reachable in `v` (keys included) is free of control characters. */
export function noControlChars(v: unknown, depth = 0): boolean {
  if (depth > 20) return true;
  if (typeof v === 'string') return !CONTROL.test(v);
  if (Array.isArray(v)) return v.every((x) => noControlChars(x, depth + 1));
  if (v instanceof Date) return true;
  if (v && typeof v === 'object') {
    return Object.entries(v).every(([k, x]) => !CONTROL.test(k) && noControlChars(x, depth + 1));
  }
  return true;
}

/** No own "__proto__"/"constructor"/"prototype" key anywhere, and Object.prototype untouched. */
export function noPrototypeKeys(v: unknown, depth = 0): boolean {
  if (depth > 20) return true;
  if (Array.isArray(v)) return v.every((x) => noPrototypeKeys(x, depth + 1));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    for (const k of Object.keys(v)) if (k === '__proto__' || k === 'constructor' || k === 'prototype') return false;
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return false;
    return Object.values(v).every((x) => noPrototypeKeys(x, depth + 1));
  }
  return true;
}

export function polluted(): boolean {
  return ({} as Record<string, unknown>).polluted !== undefined || ({} as Record<string, unknown>).isAdmin !== undefined;
}

/** Arbitrary inputs for "never throws" properties: bytes, strings, and prefixes of valid messages. */
export function hostileInputs(valid: Array<Buffer | string>): fc.Arbitrary<Buffer | string> {
  const validBufs = valid.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v));
  return fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
    fc.string({ maxLength: 2048 }),
    fc.string({ unit: 'binary', maxLength: 512 }),
    fc.constantFrom(...validBufs).chain((b) => fc.nat({ max: b.length }).map((n) => b.subarray(0, n))),
    // a valid message with a few random bytes overwritten
    fc.tuple(fc.constantFrom(...validBufs), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }))
      .map(([b, edits]) => {
        const c = Buffer.from(b);
        for (const [i, x] of edits) if (c.length) c[i % c.length] = x;
        return c;
      }),
    // a valid message with control characters spliced into its text
    fc.tuple(fc.constantFrom(...validBufs), fc.nat(), fc.constantFrom('\u0000', '\u001b[31m', '\u0085', '\u202e', '\r\n', '\t'))
      .map(([b, i, ins]) => {
        const s = b.toString('utf8');
        const at = s.length ? i % s.length : 0;
        return s.slice(0, at) + ins + s.slice(at);
      }),
  );
}
