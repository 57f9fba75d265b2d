// Device identity: a stable id per device, from the strongest identifier it has. Pure (a hash).
//
// Strength: the MAC (mac:aa:bb:…) > the serial number with the maker (serial:<maker>:<SERIAL>; serials
// repeat across makers) > the ONVIF endpoint reference or UPnP UDN (endpoint:…) > the address (ip:…).
// The id is `d-` and the first 12 hex digits of the SHA-256 of that key: the same device gets the same
// id in every scan and when a saved scan is re-judged, which is what diff, baselines and merging shard
// reports join on.
import { createHash } from 'node:crypto';
import { normaliseMac } from './address.js';
import type { ObservationRecord } from './fields.js';

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The device's serial number (upper case), from the identification or what the device announced: what ids and baselines match on. */
export function serialOf(rec: ObservationRecord, idSerial?: string): string | undefined {
  const s = text(idSerial) ?? text(rec.onvif?.serial) ?? text(rec.upnp?.serialNumber) ?? text(rec.sadp?.DeviceSN) ?? text(rec.dhip?.SerialNo) ?? text(rec.dhip?.SerialNumber);
  const t = s?.toUpperCase();
  return t && t.length >= 6 && !/^0+$/.test(t) ? t : undefined;
}

/** The strongest identifier of a device, as the key its id is the hash of. */
export function identityKey(rec: ObservationRecord, id: { maker?: string; serial?: string } = {}): string {
  const mac = normaliseMac(rec.mac);
  if (mac) return `mac:${mac}`;
  const serial = serialOf(rec, id.serial);
  if (serial) return `serial:${id.maker ?? '-'}:${serial}`;
  const endpoint = text(rec.onvif?.endpoint) ?? text(rec.upnp?.udn);
  if (endpoint) return `endpoint:${endpoint.toLowerCase()}`;
  return `ip:${String(rec.ip).trim().toLowerCase().replace(/%.*$/, '')}`;
}

export function deviceId(key: string): string {
  return `d-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12)}`;
}
