// TP-Link smart-device discovery (Tapo and Kasa cameras, plugs, hubs, bulbs). Pure codecs.
//
// Two protocols, as python-kasa speaks them (python-kasa/python-kasa@a29d0610 kasa/discover.py,
// kasa/transports/xortransport.py):
//  - UDP 20002 ("TDP", newer devices): a 16-byte header, big-endian — version (1 byte, 2), message type
//    (1), opcode (2; 1 = probe), message size (2: the JSON body's length), flags (1), padding (1),
//    serial (4), CRC32 (4) — then a JSON body. The answer's JSON starts at byte 16
//    (`json_loads(data[16:])`): {"error_code":0,"result":{"device_type":"SMART.IPCAMERA",
//    "device_model":"C210", "mac":"…", "hw_ver" / "hardware_version", "firmware_version", "device_id",
//    "owner", "ip", "obd_src", "factory_default", "mgt_encrypt_schm":{…}, "encrypt_type":[…], …}}.
//    The query sent here is python-kasa's fixed 16-byte one (`DISCOVERY_QUERY_2`,
//    020000010000000000000000463cb5d3: version 2, probe, no body); python-kasa now sends a body with a
//    fresh RSA public key so that the device also returns an encrypted `encrypt_info`, which a scan
//    without credentials could not read anyway.
//  - UDP 9999 (legacy Kasa, IOT.*): the JSON {"system":{"get_sysinfo":{}}} "encrypted" with TP-Link's
//    autokey XOR (key starts at 171; each cipher byte is the next key), sent without the 4-byte length
//    prefix the TCP transport uses; the answer is get_sysinfo in the same cipher.
// Answers are read leniently (src/protocols/lenient-json.ts: a cut datagram keeps its complete fields)
// into a fixed set of flat fields, each cleaned and capped; anything else in the body is ignored.
import { clean } from '../util/sanitize.js';
import { lenientJson } from './lenient-json.js';
import { UDP_MAX, type Input, toBuffer } from './common.js';

export const TDP_PORT = 20002;
export const KASA_PORT = 9999;
export const TDP_HEADER = 16;

/** python-kasa's 16-byte discovery query for UDP 20002 (kasa/discover.py DISCOVERY_QUERY_2). */
export function buildTdpProbe(): Buffer {
  return Buffer.from('020000010000000000000000463cb5d3', 'hex');
}

/** TP-Link's autokey XOR (kasa/transports/xortransport.py XorEncryption, without the length prefix). */
export function kasaEncrypt(text: string | Buffer): Buffer {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out = Buffer.alloc(b.length);
  let key = 171;
  for (let i = 0; i < b.length; i++) { key ^= b[i]!; out[i] = key; }
  return out;
}
export function kasaDecrypt(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  let key = 171;
  for (let i = 0; i < b.length; i++) { const c = b[i]!; out[i] = key ^ c; key = c; }
  return out;
}

/** The legacy query for UDP 9999: {"system":{"get_sysinfo":{}}} in the XOR cipher. */
export function buildKasaProbe(): Buffer {
  return kasaEncrypt('{"system":{"get_sysinfo":{}}}');
}

/**
 * The fields a scan records, under stable lower-case names: device_type ("SMART.IPCAMERA",
 * "IOT.SMARTPLUGSWITCH"), device_model ("C210(EU)", "HS300(US)"), mac, hw_ver, fw_ver, device_id, ip,
 * obd_src, oem_id, description (a legacy device's dev_name), factory_default, http_port, https,
 * encrypt_type, login_version, error_code; port is "20002" or "9999".
 */
export type TdpFields = Record<string, string>;

export interface TdpMessage {
  /** True for a query (ours looped back, or another client's): no answer fields. */
  request: boolean;
  fields: TdpFields;
}

const MAX_KEYS = 1024;
const MAX_VALUE = 128;

/** Where each field may be found, first hit wins: keys of the 20002 answer under `result.`. */
const TDP_MAP: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['device_type', ['device_type']],
  ['device_model', ['device_model', 'model']],
  ['mac', ['mac']],
  ['hw_ver', ['hw_ver', 'hardware_version']],
  ['fw_ver', ['firmware_version', 'fw_ver']],
  ['device_id', ['device_id']],
  ['ip', ['ip']],
  ['obd_src', ['obd_src']],
  ['factory_default', ['factory_default']],
  ['http_port', ['mgt_encrypt_schm.http_port', 'http_port']],
  ['https', ['mgt_encrypt_schm.is_support_https']],
  ['encrypt_type', ['mgt_encrypt_schm.encrypt_type', 'encrypt_info.sym_schm']],
  // python-kasa takes the login version from mgt_encrypt_schm.lv, else from the encrypt_type list (["3"]).
  ['login_version', ['mgt_encrypt_schm.lv', 'encrypt_type.0']],
];

/** Keys of a legacy get_sysinfo answer (plugs: flat; cameras: under `system.`). */
const KASA_MAP: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['device_type', ['type', 'mic_type']],
  ['device_model', ['model']],
  ['mac', ['mac', 'mic_mac', 'ethernet_mac']],
  ['hw_ver', ['hw_ver']],
  ['fw_ver', ['sw_ver']],
  ['device_id', ['deviceId']],
  ['oem_id', ['oemId']],
  ['description', ['dev_name', 'description']],
];

function pick(flat: Record<string, string>, prefixes: readonly string[], map: typeof TDP_MAP): TdpFields {
  const out: TdpFields = {};
  for (const [name, keys] of map) {
    for (const p of prefixes) {
      const hit = keys.map((k) => flat[p + k]).find((v) => v !== undefined && v !== '');
      if (hit === undefined) continue;
      const v = clean(hit, MAX_VALUE);
      if (v) { out[name] = v; break; }
    }
  }
  return out;
}

/**
 * The fields of a discovery answer's JSON text (the part after the 20002 header, or the decrypted
 * 9999 answer, or either as a tool re-serialised it). Undefined when it is neither. Never throws.
 */
export function tdpFieldsFromJson(text: string): TdpFields | undefined {
  const { flat } = lenientJson(text.slice(0, UDP_MAX), MAX_KEYS);
  if (Object.keys(flat).some((k) => k.startsWith('system.get_sysinfo.'))) {
    const f = pick(flat, ['system.get_sysinfo.', 'system.get_sysinfo.system.'], KASA_MAP);
    if (!Object.keys(f).length) return undefined;
    const err = flat['system.get_sysinfo.err_code'];
    if (err !== undefined && err !== '0') f.error_code = clean(err, 16);
    return { ...f, port: String(KASA_PORT) };
  }
  const f = pick(flat, ['result.'], TDP_MAP);
  if (!Object.keys(f).length) return undefined;
  const err = flat.error_code;
  if (err !== undefined && err !== '0') f.error_code = clean(err, 16);
  return { ...f, port: String(TDP_PORT) };
}

/**
 * One UDP 20002 datagram. Undefined unless it has the header (version 2, at least 16 bytes) and, after
 * it, nothing or a JSON object. A body shorter than the header's size is a cut datagram: its complete
 * fields are kept. A datagram with no body, or a body without answer fields, is a request.
 */
export function parseTdp(input: Input): TdpMessage | undefined {
  const b = toBuffer(input, UDP_MAX);
  if (!b || b.length < TDP_HEADER || b[0] !== 2) return undefined;
  const body = b.subarray(TDP_HEADER);
  if (!body.length) return { request: true, fields: {} };
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b) return undefined; // "{"
  const text = body.toString('utf8');
  if (/"rsa_key"/.test(text.slice(0, 64))) return { request: true, fields: {} }; // another client's keyed query
  const fields = tdpFieldsFromJson(text);
  return fields ? { request: false, fields } : { request: true, fields: {} };
}

/** One UDP 9999 datagram (XOR cipher). Undefined unless it decrypts to a JSON object naming system. */
export function parseKasa(input: Input): TdpMessage | undefined {
  const b = toBuffer(input, UDP_MAX);
  if (!b || b.length < 2) return undefined;
  const text = kasaDecrypt(b).toString('utf8');
  if (!/^\s{0,8}\{\s{0,8}"system"/.test(text)) return undefined;
  const fields = tdpFieldsFromJson(text);
  return fields ? { request: false, fields } : { request: true, fields: {} };
}

/** A 20002 answer datagram (for the lab and tests): the header with the body's size and CRC32, then the JSON. */
export function buildTdpReply(result: Record<string, unknown>, errorCode = 0): Buffer {
  const body = Buffer.from(JSON.stringify({ error_code: errorCode, result }), 'utf8');
  const head = Buffer.alloc(TDP_HEADER);
  head[0] = 2; head[1] = 0; head.writeUInt16BE(1, 2); head.writeUInt16BE(Math.min(body.length, 0xffff), 4);
  head[6] = 0x11; head[7] = 0; head.writeUInt32BE(0, 8); head.writeUInt32BE(0x5a6b7c8d, 12);
  const all = Buffer.concat([head, body]);
  all.writeUInt32BE(crc32(all), 12);
  return all;
}

/** A 9999 answer datagram (for the lab and tests). */
export function buildKasaReply(sysinfo: Record<string, unknown>): Buffer {
  return kasaEncrypt(JSON.stringify({ system: { get_sysinfo: sysinfo } }));
}

let TABLE: Uint32Array | undefined;
/** CRC-32 (IEEE 802.3, as zlib/binascii.crc32). */
export function crc32(b: Buffer): number {
  if (!TABLE) {
    TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; TABLE[n] = c >>> 0; }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
