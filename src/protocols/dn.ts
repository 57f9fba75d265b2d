// X.509 distinguished names as camsweep renders them ("CN=…, OU=…, O=…, L=…, ST=…, C=…"). Pure.
// renderDn turns Node's parsed subject/issuer object into that form; parseDnText reads the forms people
// paste (OpenSSL's "C = CN, O = Foo", the old "/C=CN/O=Foo", browser "CN=Foo, O=Bar") into the same.

const ORDER = ['CN', 'OU', 'O', 'L', 'ST', 'C'];

/** Longest distinguished name kept raw (the probe cleans and shortens it further before storing it). */
const DN_MAX = 4096;

export function renderDn(o: Record<string, string | string[]> | undefined): string | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const own = Object.keys(o).slice(0, 32);
  const keys = [...ORDER.filter((k) => own.includes(k)), ...own.filter((k) => !ORDER.includes(k))];
  const parts = keys.map((k) => `${k.slice(0, 64)}=${Array.isArray(o[k]) ? (o[k] as string[]).slice(0, 16).join('+') : String(o[k])}`.slice(0, DN_MAX));
  return parts.length ? parts.join(', ').slice(0, DN_MAX) : undefined;
}

const LONG_NAMES: Record<string, string> = {
  commonname: 'CN', organizationname: 'O', organizationalunitname: 'OU', countryname: 'C', stateorprovincename: 'ST', localityname: 'L',
};
const ATTR = /^[A-Za-z][A-Za-z0-9.]{0,40}$/;

/**
 * A pasted DN ("subject=C = CN, ST = Zhejiang, O = Dahua", "/C=CN/O=Hikvision/CN=x", "CN=x, O=y", or a
 * bare common name "EZVIZ Device") as attribute → value(s). Values may contain commas when the next part has no "="; never throws.
 */
export function parseDnText(text: string): Record<string, string | string[]> {
  const s = String(text ?? '').slice(0, 4096).replace(/^\s*(subject|issuer)\s*[:=]\s*/i, '').trim();
  const slashForm = s.startsWith('/') && /^\/[A-Za-z]+\s*=/.test(s);
  const raw = slashForm ? s.slice(1).split('/') : splitOutsideQuotes(s);
  const parts: string[] = [];
  for (const p of raw) {
    if (/^\s*[A-Za-z][A-Za-z0-9.]{0,40}\s*=/.test(p) || parts.length === 0) parts.push(p);
    else parts[parts.length - 1] += (slashForm ? '/' : ', ') + p;
  }
  const out: Record<string, string | string[]> = {};
  // A name pasted without any attribute ("EZVIZ Device", as scanners print a certificate's common
  // name alone) is that common name.
  if (s && !s.includes('=') && /^[^\u0000-\u001f,/]{1,256}$/.test(s)) { out.CN = s; return out; }
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i <= 0) continue;
    const k = p.slice(0, i).trim();
    const v = p.slice(i + 1).trim().replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1');
    if (!ATTR.test(k) || k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const key = LONG_NAMES[k.toLowerCase()] ?? k;
    const prev = out[key];
    out[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Split on commas that are not inside double quotes (OpenSSL quotes values that hold a comma). */
function splitOutsideQuotes(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) { cur += ch + s[++i]; continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}
