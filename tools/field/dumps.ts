// Captures that were published as a program's rendering of a reply instead of the reply's bytes: a
// JavaScript object printed by Node (xml2js's view of an ISAPI or HTML document: `DeviceInfo: { '$': {
// xmlns: '…' }, model: 'DS-7616NI-K2/16P' }`), the same as JSON (`{"html":{"head":[{"title":["…"]}]}}`),
// a Python dict (Home Assistant's parsed UPnP description: `{'manufacturer': 'TP-Link', 'modelName':
// …}`), or a plugin's one-line summary (`Model: DS-I114W, Serial: …, Firmware: V5.4.81`). These are paste
// formats, not wire formats, so they are read here (tools/field) and turned back into the document the
// device sent, which then goes through camsweep's own parsers. Pure, bounded, never throws.

import { clean } from '../../src/util/sanitize.js';

/** A parsed literal: string leaves, objects, arrays. */
export type Lit = string | Lit[] | { [k: string]: Lit };

const MAX_INPUT = 65536;
const MAX_DEPTH = 24;
const MAX_NODES = 4096;

/**
 * Read a JavaScript / Python / JSON object literal as printed by a program: keys quoted or bare,
 * strings in single or double quotes, True/False/None/null/undefined, Node's `[Object]` / `[Array]`
 * depth markers, trailing commas, and a text cut short (whatever was read is kept). An optional
 * `Name: ` before the first brace names the root (`DeviceInfo: { … }`). Undefined when the text is not
 * such a literal.
 */
export function parseLiteral(text: string): { root?: string; value: { [k: string]: Lit } } | undefined {
  const s = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  const head = /^\s*(?:([A-Za-z_][\w:.-]{0,63})\s*:\s*)?\{/.exec(s);
  if (!head) return undefined;
  let i = head[0].length - 1;
  let nodes = 0;
  const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  const str = (): string => {
    const q = s[i++];
    let out = '';
    while (i < s.length && s[i] !== q) {
      if (s[i] === '\\' && i + 1 < s.length) {
        const c = s[i + 1];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
        i += 2;
      } else out += s[i++];
    }
    i++; // closing quote (or past the end)
    return out;
  };
  const word = (): string => {
    const m = /^[^\s,:{}[\]]{1,256}/.exec(s.slice(i, i + 256));
    if (!m) { i++; return ''; }
    i += m[0].length;
    return m[0];
  };
  const value = (depth: number): Lit | undefined => {
    ws();
    if (i >= s.length || ++nodes > MAX_NODES) return undefined;
    const c = s[i];
    if (c === '{') return obj(depth + 1);
    if (c === '[') {
      // Node's depth marker `[Object]` / `[Array]`: nothing below was printed.
      const marker = /^\[(?:Object|Array)\]/.exec(s.slice(i, i + 8));
      if (marker) { i += marker[0].length; return {}; }
      return arr(depth + 1);
    }
    if (c === '"' || c === "'") return str();
    const w = word();
    if (/^(?:None|null|undefined)$/.test(w)) return '';
    if (w === 'True' || w === 'False') return w.toLowerCase();
    return w;
  };
  const arr = (depth: number): Lit[] => {
    i++;
    const out: Lit[] = [];
    if (depth > MAX_DEPTH) return out;
    for (;;) {
      ws();
      if (i >= s.length) return out;
      if (s[i] === ']') { i++; return out; }
      if (s[i] === ',') { i++; continue; }
      const at = i;
      const v = value(depth);
      if (v === undefined) return out;
      out.push(v);
      if (i === at) i++;
    }
  };
  const obj = (depth: number): { [k: string]: Lit } => {
    i++;
    const out: { [k: string]: Lit } = Object.create(null) as { [k: string]: Lit };
    if (depth > MAX_DEPTH) return out;
    for (;;) {
      ws();
      if (i >= s.length) return out;
      if (s[i] === '}') { i++; return out; }
      if (s[i] === ',') { i++; continue; }
      const at = i;
      const key = s[i] === '"' || s[i] === "'" ? str() : word();
      ws();
      if (s[i] !== ':') { if (i === at) i++; continue; }
      i++;
      const v = value(depth);
      if (v === undefined) return out;
      if (key && key !== '__proto__' && key !== 'constructor' && key !== 'prototype') out[key] = v;
    }
  };
  const root = obj(1);
  if (Object.keys(root).length === 0) return undefined;
  return { ...(head[1] ? { root: head[1] } : {}), value: root };
}

const NAME = /^[A-Za-z_][\w.-]{0,63}$/;

function esc(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * xml2js's object form back to XML: `$` holds the attributes, `_` the text, an array repeats its
 * element, a string is a leaf. Keys that are not element names are dropped.
 */
export function litToXml(name: string, v: Lit, depth = 0): string {
  if (!NAME.test(name) || depth > MAX_DEPTH) return '';
  if (Array.isArray(v)) return v.map((x) => litToXml(name, x, depth + 1)).join('');
  if (typeof v === 'string') return `<${name}>${esc(v)}</${name}>`;
  const attrs = v.$ && typeof v.$ === 'object' && !Array.isArray(v.$)
    ? Object.entries(v.$).filter(([k, x]) => /^[A-Za-z_][\w:.-]{0,63}$/.test(k) && typeof x === 'string').map(([k, x]) => ` ${k}="${esc(x as string)}"`).join('')
    : '';
  const inner = Object.entries(v).filter(([k]) => k !== '$').map(([k, x]) => (k === '_' && typeof x === 'string' ? esc(x) : litToXml(k, x, depth + 1))).join('');
  return `<${name}${attrs}>${inner}</${name}>`;
}

/** Every string leaf sits inside an array (xml2js's default) or under `$`: JSON of this shape is a dump. */
function xml2jsShaped(v: Lit, inArray = false, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof v === 'string') return inArray;
  if (Array.isArray(v)) return v.length > 0 && v.every((x) => xml2jsShaped(x, true, depth + 1));
  const entries = Object.entries(v);
  return entries.length > 0 && entries.every(([k, x]) => k === '$' || (k === '_' && typeof x === 'string') || xml2jsShaped(x, false, depth + 1));
}

/**
 * The XML document an object dump of an XML reply stands for, or undefined. Two shapes are read:
 * Node's printout of an xml2js result (bare keys or single quotes; `Root: { … }` or `{ Root: { … } }`),
 * and xml2js JSON (every leaf in an array). Real JSON APIs (double-quoted keys, plain string values)
 * are left alone: they are what the device sent.
 */
export function dumpToXml(text: string): string | undefined {
  const p = parseLiteral(text);
  if (!p) return undefined;
  const t = text.trimStart();
  const json = /^\{\s*"/.test(t);
  if (json && !xml2jsShaped(p.value)) return undefined;
  if (!json && !p.root && !/^\{\s*'?[A-Za-z_$]/.test(t)) return undefined;
  if (p.root) return litToXml(p.root, p.value);
  const keys = Object.keys(p.value);
  if (keys.length === 1 && typeof p.value[keys[0]] !== 'string') return litToXml(keys[0], p.value[keys[0]]);
  return undefined;
}

/**
 * UPnP description fields under the names programs print them with (Home Assistant's ssdp/upnp info,
 * python-didl, netdisco): snake_case and short forms mapped to the UPnP Device Architecture element names.
 */
const UPNP_NAMES: Record<string, string> = {
  devicetype: 'deviceType', device_type: 'deviceType', friendlyname: 'friendlyName', friendly_name: 'friendlyName', name: 'friendlyName',
  manufacturer: 'manufacturer', manufacturerurl: 'manufacturerURL', manufacturer_url: 'manufacturerURL',
  modeldescription: 'modelDescription', model_description: 'modelDescription', modelname: 'modelName', model_name: 'modelName',
  modelnumber: 'modelNumber', model_number: 'modelNumber', modelurl: 'modelURL', model_url: 'modelURL',
  serialnumber: 'serialNumber', serial_number: 'serialNumber', serial: 'serialNumber', udn: 'UDN', upc: 'UPC',
  presentationurl: 'presentationURL', presentation_url: 'presentationURL', servicelist: 'serviceList', devicelist: 'deviceList',
};

function upnpDevice(v: { [k: string]: Lit }, depth: number): string {
  let out = '';
  for (const [k, x] of Object.entries(v)) {
    const name = UPNP_NAMES[k.toLowerCase()] ?? (['service', 'device', 'serviceType', 'serviceId', 'controlURL', 'eventSubURL', 'SCPDURL'].includes(k) ? k : undefined);
    if (!name || depth > 8) continue;
    if (name === 'deviceList' && x && typeof x === 'object' && !Array.isArray(x)) {
      const devs = (x as { [k: string]: Lit }).device;
      for (const d of Array.isArray(devs) ? devs : devs ? [devs] : []) if (d && typeof d === 'object' && !Array.isArray(d)) out += `<deviceList><device>${upnpDevice(d as { [k: string]: Lit }, depth + 1)}</device></deviceList>`;
      continue;
    }
    out += litToXml(name, x, depth + 1);
  }
  return out;
}

/** A printed UPnP description (a dict of its fields) as the description XML, or undefined. */
export function dumpToUpnpXml(text: string): string | undefined {
  const p = parseLiteral(text);
  if (!p) return undefined;
  const v = p.value.device && typeof p.value.device === 'object' && !Array.isArray(p.value.device) ? p.value.device as { [k: string]: Lit } : p.value;
  const inner = upnpDevice(v, 0);
  if (!/<(?:manufacturer|modelName|modelNumber|friendlyName)>/.test(inner)) return undefined;
  return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion><device>${inner}</device></root>`;
}

/**
 * A monitoring plugin's or integration's summary of a device-information reply: `Label: value` pairs
 * separated by commas or lines (`Model: DS-I114W, Serial: DS-I114W2017…, Firmware: V5.4.81`). Only the
 * labels below are read, as the XML leaves of the reply they summarise (ISAPI deviceInfo / ONVIF
 * GetDeviceInformation element names). Undefined when fewer than one known label is present or the text
 * looks like anything else (markup, JSON, a status line).
 */
const SUMMARY_LABELS: Record<string, string> = {
  model: 'model', 'model name': 'model', 'device model': 'model', manufacturer: 'manufacturer', vendor: 'manufacturer',
  serial: 'serialNumber', 'serial number': 'serialNumber', 'serial no': 'serialNumber', firmware: 'firmwareVersion',
  'firmware version': 'firmwareVersion', 'hardware': 'hardwareVersion', 'hardware version': 'hardwareVersion',
  'device name': 'deviceName', 'device type': 'deviceType', 'router version': 'firmwareVersion', 'software version': 'firmwareVersion',
};

export function summaryToXml(text: string): string | undefined {
  const t = text.trim();
  if (!t || t.length > 4096 || /^[<{[]/.test(t) || /^(?:HTTP|RTSP)\//i.test(t)) return undefined;
  const parts = t.split(/\r?\n|,\s+(?=[A-Za-z][A-Za-z ]{0,24}:\s)/).filter((p) => p.trim() !== '');
  const leaves: string[] = [];
  let others = 0;
  for (const part of parts) {
    const m = /^\s*([A-Za-z][A-Za-z ]{0,24}?)\s*:\s*(\S[^\r\n]{0,255})$/.exec(part);
    const name = m ? SUMMARY_LABELS[m[1].toLowerCase()] : undefined;
    if (m && name) leaves.push(`<${name}>${esc(m[2].trim())}</${name}>`);
    else others++;
  }
  // A summary names the model or maker, or consists of nothing but known labels (an integration's
  // one-line "Router version: MC889A_DNAY_B13_FWA").
  if (!leaves.length) return undefined;
  return leaves.some((l) => /^<(?:model|manufacturer)>/.test(l)) || others === 0 ? leaves.join('\n') : undefined;
}

/** First string of a leaf (xml2js wraps leaves in arrays). */
function leaf(v: Lit | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { _?: Lit })._ === 'string') return (v as { _: string })._;
  return undefined;
}

const ONVIF_INFO = ['Manufacturer', 'Model', 'FirmwareVersion', 'SerialNumber', 'HardwareId'];

/**
 * A printed GetDeviceInformation answer (the `onvif` npm client's `{ manufacturer: 'HIKVISION', model:
 * …, firmwareVersion: … }`, python-onvif's zeep object, an xml2js tree) as the SOAP reply, or undefined.
 */
export function dumpToOnvifInfo(text: string): string | undefined {
  // A member cut out of a JSON printout (`"device": { "Manufacturer": … },`) is read inside braces.
  const p = parseLiteral(/^\s*"[^"\r\n]{1,64}"\s*:\s*\{/.test(text) ? `{${text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text}}` : text);
  if (!p) return undefined;
  const find = (v: Lit, depth: number): { [k: string]: Lit } | undefined => {
    if (depth > 8 || typeof v === 'string') return undefined;
    if (Array.isArray(v)) { for (const x of v) { const f = find(x, depth + 1); if (f) return f; } return undefined; }
    const keys = Object.keys(v).map((k) => k.replace(/^\w+:/, '').toLowerCase());
    if (keys.includes('manufacturer') && keys.includes('model')) return v;
    for (const x of Object.values(v)) { const f = find(x, depth + 1); if (f) return f; }
    return undefined;
  };
  const o = find(p.value, 0);
  if (!o) return undefined;
  const by = new Map(Object.entries(o).map(([k, x]) => [k.replace(/^\w+:/, '').toLowerCase(), leaf(x)]));
  const inner = ONVIF_INFO.map((n) => { const x = by.get(n.toLowerCase()); return x !== undefined ? `<tds:${n}>${esc(x)}</tds:${n}>` : ''; }).join('');
  return '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
    + `<SOAP-ENV:Body><tds:GetDeviceInformationResponse>${inner}</tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

const MAX_UBNT_ADDRS = 16;

/** The names a decoded printout uses ("HOSTNAME : x", "PLATFORM : UNVRPRO", "FWVERSION : 2.3.10") mapped to ours. */
const DUMP_NAMES: Record<string, string> = {
  hostname: 'hostname', platform: 'platform', shortname: 'platform', model: 'model', modeldisplay: 'model', fwversion: 'firmware',
  firmware: 'firmware', essid: 'essid', uptime: 'uptime', version: 'version', hwaddr: 'mac', mac: 'mac',
};

/**
 * A discovery answer another tool printed as "NAME : value" lines (a decoded dump; IPINFO as
 * ['mac;ip', …]) read back into the same fields parseUbnt gives. Undefined when no known name is there. Pure.
 */
export function ubntFromDump(text: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  const macs: string[] = [];
  const ipv4s: string[] = [];
  for (const line of text.slice(0, 16384).split(/\r?\n/).slice(0, 64)) {
    const m = /^\s{0,16}([A-Za-z][A-Za-z0-9_]{0,31})\s{0,64}[:=]\s{0,8}(.{0,512})$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'ipinfo') {
      for (const p of value.matchAll(/([0-9a-f]{2}(?::[0-9a-f]{2}){5});(\d{1,3}(?:\.\d{1,3}){3})/gi)) {
        if (macs.length < MAX_UBNT_ADDRS) macs.push(p[1]!.toLowerCase());
        if (ipv4s.length < MAX_UBNT_ADDRS) ipv4s.push(p[2]!);
      }
      continue;
    }
    const name = DUMP_NAMES[key];
    if (name && !(name in fields)) { const v = clean(value, 256); if (v) fields[name] = v; }
  }
  const unique = [...new Set([...(fields.mac ? [fields.mac.toLowerCase()] : []), ...macs])];
  if (unique.length) { fields.mac = unique[0]!; fields.macs = unique.join(' '); }
  if (ipv4s.length) { fields.ipv4 = ipv4s[0]!; fields.ipv4s = [...new Set(ipv4s)].join(' '); }
  return Object.keys(fields).some((k) => k !== 'mac' && k !== 'macs' && k !== 'ipv4' && k !== 'ipv4s') ? fields : undefined;
}

/** Python-style escaped bytes ("\\x02\\x06…", as a capture tool prints a payload) back to bytes; undefined when the text has no \\xNN escape. */
export function unescapeBytes(text: string): Buffer | undefined {
  if (!/\\x[0-9a-fA-F]{2}/.test(text)) return undefined;
  const out: number[] = [];
  const s = text.slice(0, 65536 * 4);
  for (let i = 0; i < s.length && out.length < 65536; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c && i + 1 < s.length) {
      const n = s[i + 1]!;
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) { out.push(parseInt(s.slice(i + 2, i + 4), 16)); i += 3; continue; }
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '0': 0, '\\': 0x5c, "'": 0x27, '"': 0x22 };
      if (n in simple) { out.push(simple[n]!); i += 1; continue; }
    }
    out.push(c & 0xff);
  }
  return Buffer.from(out);
}

/**
 * A reply a client printed as a JSON string literal (`"<?xml version=\"1.0\"?>\n<response>…"` or
 * `"{\"result\":…}"`: the root is a string holding the document, quotes escaped, line ends as `\n`)
 * back to the document the device sent. A string cut short (no closing quote) is read as far as it goes.
 * Only a string whose content is a document (markup, a JSON object or array, a status line) is read;
 * a JSON fragment (`"key": {…}`) is not a string root and is left alone. Undefined otherwise. Pure, bounded.
 */
export function unquoteDocument(text: string): string | undefined {
  const s = (text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text).trim();
  if (!/^"(?:\s|\\[nrt])*(?:<[?!A-Za-z]|\{\s*\\?"|\[|(?:HTTP|RTSP)\/\d)/.test(s)) return undefined;
  let out = '';
  let i = 1;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') break;
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const n = s[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) { out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16)); i += 4; continue; }
    out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' || n === 'f' ? '' : n;
  }
  // After the closing quote only a separator may follow: `"…": {` is an object key, not a document.
  if (i < s.length && !/^"\s*[,;]?\s*$/.test(s.slice(i))) return undefined;
  return out;
}

/**
 * A SOAP answer quoted from `<s:Body>` on (or from the response element on), without the Envelope a
 * device always sends around it, possibly inside a Markdown code fence and with the Envelope's closing
 * tag left at the end: wrapped back into an Envelope so the SOAP reader sees the reply as sent.
 * Undefined when the text has an Envelope already or no SOAP body / ONVIF response element.
 * No namespace is declared beyond the Envelope's own: the reader goes by local names, and a declaration
 * the device did not send must not become evidence (http.xmlns).
 */
export function unfenceSoap(text: string): string | undefined {
  let s = (text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text).trim();
  s = s.replace(/^```[A-Za-z]{0,16}[ \t]*\r?\n/, '').replace(/\r?\n```\s*$/, '').trim();
  if (/<(?:[A-Za-z][\w.-]{0,31}:)?Envelope[\s>]/.test(s)) return undefined;
  s = s.replace(/^<\?xml[^>]{0,200}\?>\s*/, '').replace(/\s*<\/(?:[A-Za-z][\w.-]{0,31}:)?Envelope>\s*$/, '');
  const body = /^<([A-Za-z][\w.-]{0,31}):Body[\s>]/.exec(s);
  const resp = /^<(?:([A-Za-z][\w.-]{0,31}):)?[A-Za-z]{1,64}Response[\s>]/.exec(s);
  if (!body && !resp) return undefined;
  const env = body ? body[1]! : 's';
  const inner = body ? s : `<s:Body>${s}</s:Body>`;
  return `<?xml version="1.0" encoding="UTF-8"?><${env}:Envelope xmlns:${env}="http://www.w3.org/2003/05/soap-envelope">${inner}</${env}:Envelope>`;
}

/**
 * A reply a Python program printed as a bytes literal (`b'<?xml …?>\r\n<response>…'`, `b"{…}"`: the
 * device's bytes with \xNN, \n, \r, \t, \\ and quote escapes) back to the text the device sent. A literal
 * cut short (no closing quote) is read as far as it goes; after the closing quote only a separator may
 * follow. Undefined when the text is not such a literal. Pure, bounded.
 */
export function unbytesRepr(text: string): string | undefined {
  const s = (text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text).trim();
  const m = /^b(['"])/.exec(s);
  if (!m) return undefined;
  const q = m[1]!;
  const out: number[] = [];
  let i = 2;
  let closed = false;
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '0': 0, '\\': 0x5c, "'": 0x27, '"': 0x22, a: 7, b: 8, f: 12, v: 11 };
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === q) { closed = true; i++; break; }
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) { out.push(parseInt(s.slice(i + 2, i + 4), 16)); i += 3; continue; }
      if (n in simple) { out.push(simple[n]!); i++; continue; }
    }
    // A bytes literal holds ASCII only; anything else was not printed by repr().
    const code = c.charCodeAt(0);
    if (code > 0x7e || (code < 0x20 && c !== '\n' && c !== '\r' && c !== '\t')) return undefined;
    if (c === '\n' || c === '\r') continue; // a log's line wrap inside the literal
    out.push(code);
  }
  if (closed && !/^\s*[,;)\]]?\s*$/.test(s.slice(i))) return undefined;
  if (!out.length) return undefined;
  return Buffer.from(out).toString('utf8');
}

/**
 * Markup published with a backslash before every tag (`\<manufacturer>NETGEAR, Inc.</manufacturer>`: a
 * Markdown escape, or a debugger's view of the string) loses the backslashes. Only when (nearly) every
 * tag carries one; undefined otherwise. Pure.
 */
export function unescapeMarkup(text: string): string | undefined {
  const s = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  // Opening tags decide (the escape often stops at the closing ones: `\<modelName>WNR3500L</modelName>`).
  const escaped = (s.match(/\\<[A-Za-z]/g) ?? []).length;
  const tags = (s.match(/<[A-Za-z]/g) ?? []).length;
  if (escaped < 2 || escaped < tags * 0.8) return undefined;
  return s.replace(/\\(<\/?[A-Za-z])/g, '$1');
}

const UPNP_DEVICE_FIELD = /<(?:manufacturer|modelName|modelNumber|modelDescription|friendlyName|deviceType)>[^<]{1,512}<\//;

/**
 * A UPnP description quoted from the middle of its <device> element (its fields without the opening
 * tag, cut before the end): the <device> tag goes back in front so the description reader sees the
 * fields as device fields. No field is added; undefined when the text has a <device> or <root> tag
 * already, or holds no device field.
 */
export function upnpFragment(text: string): string | undefined {
  const s = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  if (/<(?:[\w-]{1,32}:)?(?:device|root)[\s>]/i.test(s) || !UPNP_DEVICE_FIELD.test(s)) return undefined;
  return `<device>${s}`;
}
