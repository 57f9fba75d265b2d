// A lenient, bounded JSON reader for firmware output that JSON.parse rejects. Pure, one pass, no
// backtracking: O(length) time, bounded output.
//
// What real devices send and JSON.parse drops whole: raw control characters inside strings (a TAB or
// LF in a device name), quotes that were never escaped (`"MachineName":"Cam "A" 1"`), garbage after
// the closing brace, and bodies cut short by a datagram or byte cap. This reader returns every
// complete scalar it met, flattened to dotted keys exactly like flattenJson ("params.deviceInfo.SerialNo"),
// and never invents one: a string whose closing quote never arrived is dropped, not kept half-read.
//
// Unescaped quotes: inside a string, a `"` ends the string only when the next non-blank character can
// follow a JSON string (`,` `}` `]` `:`) or the text ends; any other `"` is taken as part of the value.
import { safeKey } from './common.js';

export interface LenientResult {
  /** Complete scalars by dotted path, as strings. */
  flat: Record<string, string>;
  /** The text ended inside a value or container. */
  truncated: boolean;
}

const MAX_DEPTH = 6;
const MAX_KEYS = 256;
const MAX_STRING = 4096;

interface Frame { kind: 'obj' | 'arr'; path: string; index: number; key?: string }

const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Read `text` (the part from the first `{` on). Never throws. */
export function lenientJson(text: string, maxKeys = MAX_KEYS): LenientResult {
  const flat: Record<string, string> = {};
  let count = 0;
  const n = text.length;
  let i = text.indexOf('{');
  if (i < 0) return { flat, truncated: false };
  const stack: Frame[] = [];
  const put = (path: string, v: string) => {
    if (!path || count >= maxKeys || stack.length > MAX_DEPTH) return;
    if (path.split('.').some((p) => !safeKey(p))) return;
    if (Object.prototype.hasOwnProperty.call(flat, path)) return;
    flat[path] = v;
    count++;
  };
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  const skipWs = () => { while (i < n && isWs(text[i])) i++; };

  /** Read a string starting after its opening quote. Returns undefined when the text ends first. */
  const readString = (): string | undefined => {
    let out = '';
    while (i < n) {
      const c = text[i];
      if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) { i = n; return undefined; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          if (out.length < MAX_STRING) out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (out.length < MAX_STRING) out += map[e] ?? e;
        i += 2;
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        while (j < n && isWs(text[j])) j++;
        const next = text[j];
        if (j >= n || next === ',' || next === '}' || next === ']' || next === ':') { i++; return out; }
      }
      if (out.length < MAX_STRING) out += c;
      i++;
    }
    return undefined;
  };

  /** A bare token (number, true, false, null): up to a delimiter. */
  const readBare = (): string => {
    const start = i;
    while (i < n && !isWs(text[i]) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
    return text.slice(start, Math.min(i, start + 64));
  };

  const pathOfValue = (f: Frame | undefined): string | undefined => {
    if (!f) return '';
    if (f.kind === 'arr') return f.index < 64 ? join(f.path, String(f.index)) : undefined;
    return f.key === undefined ? undefined : join(f.path, f.key);
  };

  /** Read one value at i; containers are pushed, scalars stored. Returns false at the end of text. */
  const readValue = (): boolean => {
    skipWs();
    if (i >= n) return false;
    const top = stack[stack.length - 1];
    const path = pathOfValue(top);
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      stack.push({ kind: c === '{' ? 'obj' : 'arr', path: path ?? '\u0000', index: 0 });
      return true;
    }
    if (c === '"') {
      i++;
      const s = readString();
      if (s === undefined) return false;
      if (path !== undefined && !path.includes('\u0000')) put(path, s);
      return true;
    }
    const tok = readBare();
    if (i >= n) return false; // a number or literal cut by the end of the text is not whole
    if (tok && path !== undefined && !path.includes('\u0000') && /^(?:-?\d[\d.eE+-]*|true|false|null)$/.test(tok)) put(path, tok === 'null' ? '' : tok);
    return true;
  };

  // The outermost object.
  i++;
  stack.push({ kind: 'obj', path: '', index: 0 });
  let steps = 0;
  while (stack.length && i < n && steps++ < n + 16) {
    const top = stack[stack.length - 1];
    skipWs();
    if (i >= n) break;
    const c = text[i];
    if (c === '}' || c === ']') { stack.pop(); i++; continue; }
    if (c === ',') {
      i++;
      if (top.kind === 'arr') top.index++;
      else top.key = undefined;
      continue;
    }
    if (top.kind === 'obj' && top.key === undefined) {
      // A key: quoted (leniently) or bare, then a colon.
      let key: string | undefined;
      if (c === '"') { i++; key = readString(); if (key === undefined) break; skipWs(); }
      if (key === undefined || text[i] !== ':') { // not a key/value pair: resynchronise at the next delimiter
        while (i < n && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
        continue;
      }
      i++;
      top.key = key;
      if (!readValue()) break;
      continue;
    }
    if (top.kind === 'arr') { if (!readValue()) break; continue; }
    // An object value was read and something other than , } follows: skip to a delimiter.
    while (i < n && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
  }
  return { flat, truncated: stack.length > 0 };
}
