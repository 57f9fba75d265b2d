// Flatten an observation record into the named fields that fingerprint rules read. Pure.
// Which fields exist, where each is read from and how, is the field registry (src/model/fields.ts);
// this walks it. Fields the registry marks `derive` are computed here (DERIVE below, one function each).
import { DERIVED_FIELDS, fieldCap, MAX_BODY_CHARS, MAX_FIELD_CHARS, SECTION_LIST, type DerivedField, type FieldDecl, type SectionDecl } from '../model/fields.js';
import { isLocallyAdministered, macInUuid, normaliseMac } from '../model/address.js';
import type { FieldValue, ObservationRecord } from '../model/types.js';
import { clean, cleanText } from '../util/sanitize.js';
import { bodyFields } from './body-fields.js';
import { apiErrorEnvelope, onvifServices } from '../protocols/envelope.js';
import { challengeRealms, parseSdp } from '../protocols/sdp.js';

export type MacVendorLookup = (mac: string) => string | undefined;

export { fieldCap, MAX_BODY_CHARS, MAX_FIELD_CHARS, isLocallyAdministered, normaliseMac };

type Push = (field: string, value: unknown, where: string, path?: string) => void;

function challenges(item: unknown, max = MAX_FIELD_CHARS): string[] {
  const h = (item as { headers?: Record<string, unknown> } | null)?.headers;
  if (!h || typeof h !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === 'www-authenticate') for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null) out.push(clean(x, max));
  return out;
}

const bodyOf = (item: unknown): string | undefined => {
  const b = (item as { body?: unknown } | null)?.body;
  return typeof b === 'string' && b ? b : undefined;
};

/** The derived fields: what each computes from its section's value (one item). */
const DERIVE = {
  'mac-address': (mac, push, where) => {
    const m = normaliseMac(mac);
    if (m) push('mac.address', m, where);
  },
  'mac-vendor': (mac, push, _where, _p, lookup) => {
    const m = normaliseMac(mac);
    if (m && !isLocallyAdministered(m) && lookup) push('mac.vendor', lookup(m), `mac:${m.slice(0, 8)}`);
  },
  // A challenge whose realm is a MAC address (some firmware uses the device's own MAC) names the
  // organisation that MAC is registered to, like the device's MAC itself would.
  'realm-mac-vendor': (item, push, where, p, lookup) => {
    for (const c of challenges(item)) {
      const m = /\brealm="([0-9A-Fa-f]{12})"/.exec(c);
      const mac = m ? normaliseMac(m[1]) : undefined;
      if (mac && lookup && !isLocallyAdministered(mac)) push('realm.mac_vendor', lookup(mac), where, p);
    }
  },
  // The device UUID's node field, when it is a MAC (ONVIF endpoint, UPnP UDN / USN): the OUI rules read it.
  'uuid-mac-vendor': (item, push, where, _p, lookup) => {
    if (!lookup || !item || typeof item !== 'object') return;
    const o = item as Record<string, unknown>;
    const seen = new Set<string>();
    for (const v of [o.endpoint, o.udn, o.usn, o.uuid_mac]) {
      const mac = v === o.uuid_mac ? normaliseMac(v) : macInUuid(v);
      if (!mac || seen.has(mac)) continue;
      seen.add(mac);
      push('mac.vendor', lookup(mac), `uuid:${where}`);
    }
  },
  'body-fields': (item, push, where, p) => {
    const body = (item as { body?: unknown }).body;
    if (typeof body === 'string' && body) for (const bf of bodyFields(cleanText(body, MAX_BODY_CHARS))) push(bf.field, bf.value, where, p);
  },
  'api-error': (item, push, where, p) => {
    const b = bodyOf(item);
    if (b) push('http.api.error', apiErrorEnvelope(b), where, p);
  },
  'onvif-services': (item, push, where, p) => {
    const b = bodyOf(item);
    if (b) for (const v of onvifServices(b)) push(`onvif.service.${v.key}`, v.value, where, p);
  },
  'rtsp-realm': (item, push, where, p) => {
    for (const r of challengeRealms(challenges(item, 4096))) push('rtsp.realm', r, where, p);
  },
  'sdp-fields': (item, push, where, p) => {
    const b = bodyOf(item);
    if (b) for (const v of parseSdp(b)) push(`rtsp.sdp.${v.key}`, v.value, where, p);
  },
} satisfies Record<DerivedField, (value: unknown, push: Push, where: string, path: string | undefined, macVendor?: MacVendorLookup) => void>;
void DERIVED_FIELDS;

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** The values of one declared field in one item of its section. */
function read(d: FieldDecl, item: unknown, push: Push, where: string, p: string | undefined, macVendor?: MacVendorLookup): void {
  if (d.derive) { DERIVE[d.derive](item, push, where, p, macVendor); return; }
  if (d.type === 'presence') { push(d.name, 'present', where, p); return; }
  if (!d.from) return; // filled by another declaration (mdns.txt: the `pair` of mdns.txt.*)
  const one = (name: string, v: unknown) => {
    if (d.type === 'number') { if (typeof v === 'number') push(name, String(v), where, p); return; }
    push(name, d.decode === 'uri' ? safeDecode(String(v)) : v, where, p);
  };
  if (d.from === '.') { one(d.name, item); return; }
  if (!item || typeof item !== 'object') return;
  const obj = item as Record<string, unknown>;
  if (d.from === '*') {
    // Every scalar property is its own field (upnp.modelName, sadp.DeviceType).
    const prefix = d.name.slice(0, -1);
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || v === null || typeof v === 'object') continue;
      if (!d.coerce && typeof v !== 'string') continue;
      push(prefix + k, String(v), where, p);
    }
    return;
  }
  const v = obj[d.from];
  if (d.each === 'items') { for (const x of Array.isArray(v) ? v : []) one(d.name, x); return; }
  if (d.each === 'join') { if (Array.isArray(v)) one(d.name, v.join(' ')); return; }
  if (d.each === 'map') {
    if (!v || typeof v !== 'object') return;
    const prefix = d.name.slice(0, -1);
    for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
      const key = d.lower ? k.toLowerCase() : k;
      for (const x of Array.isArray(raw) ? raw : [raw]) {
        if (x === undefined || x === null) continue;
        one(prefix + key, d.pair ? x : clean(x, MAX_FIELD_CHARS));
        if (d.pair) push(d.pair, `${k}=${x}`, where, p);
      }
    }
    return;
  }
  one(d.name, v);
}

function items(s: SectionDecl, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (s.kind === 'list') return Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : [];
  if (s.kind === 'object') return typeof v === 'object' && !Array.isArray(v) ? [v] : [];
  return [v];
}

export function extractFields(rec: ObservationRecord, macVendor?: MacVendorLookup): FieldValue[] {
  const out: FieldValue[] = [];
  const push: Push = (field, value, where, p) => {
    if (value === undefined || value === null || value === '') return;
    const v = fieldCap(field) === MAX_BODY_CHARS ? cleanText(value, MAX_BODY_CHARS) : clean(value, MAX_FIELD_CHARS);
    if (v) out.push({ field, value: v, where, ...(p !== undefined ? { path: p } : {}) });
  };
  const r = rec as unknown as Record<string, unknown>;
  // The MAC's fields come after the protocols' (evidence order within one rule keeps the first occurrence).
  const order = [...SECTION_LIST.filter((s) => s.key !== 'mac' && s.key !== 'hostname'), ...SECTION_LIST.filter((s) => s.key === 'mac' || s.key === 'hostname')];
  for (const s of order) {
    if (!s.fields.length) continue;
    for (const item of items(s, r[s.key])) {
      const where = s.where ? (s.where as (x: unknown) => string)(item) : s.key;
      const p = s.path ? (s.path as (x: unknown) => string)(item) : undefined;
      for (const d of s.fields) read(d, item, push, where, p, macVendor);
    }
  }
  return out;
}
