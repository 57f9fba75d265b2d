// Machine-readable reports: JSON (the whole report, or in pieces for reports too long to hold) and
// JSON Lines. Pure. Output is terminal-safe: C1 and bidi characters left in strings are escaped.
import type { DeviceReport, ScanReport } from '../model/types.js';
import { jsonTerminalSafe } from '../util/sanitize.js';

export function renderJson(r: ScanReport): string {
  return jsonTerminalSafe(JSON.stringify(r, null, 2)) + '\n';
}

/**
 * The JSON report as renderJson prints it, in pieces (the keys before the devices, each device, the
 * rest): what is written to a file or a pipe, so a report of many devices is never held as one string
 * (and again as one buffer) at the end of a scan.
 */
export function* renderJsonPieces(r: ScanReport): Generator<string> {
  const keys = Object.keys(r) as Array<keyof ScanReport>;
  const at = keys.indexOf('devices');
  if (at <= 0 || !Array.isArray(r.devices)) { yield renderJson(r); return; }
  const pick = (ks: Array<keyof ScanReport>) => Object.fromEntries(ks.map((k) => [k, r[k]]));
  yield jsonPieces.head(pick(keys.slice(0, at)));
  for (let i = 0; i < r.devices.length; i++) yield jsonPieces.device(r.devices[i]!, i === 0);
  yield jsonPieces.tail(pick(keys.slice(at + 1)), r.devices.length > 0);
}

/** JSON Lines: one {"type":"device",...} per device, one {"type":"seen-not-probed",...} per outside responder, then one {"type":"summary",...}. */
export function renderJsonl(r: ScanReport): string {
  return r.devices.map((d) => jsonlDevice(d)).join('') + renderJsonlTail(r);
}

/** What follows the device lines (a scan streams those as each verdict is final): the outside responders, then the summary. */
export function renderJsonlTail(r: ScanReport): string {
  const { devices: _d, seen_not_probed: outside, ...meta } = r;
  return (outside ?? []).map((x) => jsonTerminalSafe(JSON.stringify({ type: 'seen-not-probed', ...x })) + '\n').join('')
    + jsonTerminalSafe(JSON.stringify({ type: 'summary', ...meta })) + '\n';
}

export function jsonlDevice(d: DeviceReport): string {
  return jsonTerminalSafe(JSON.stringify({ type: 'device', ...d })) + '\n';
}

/**
 * The JSON report in pieces, for reports too long to hold (identify of a million records): the same
 * document renderJson would print, written as head, one piece per device, tail.
 */
export const jsonPieces = {
  head(meta: Record<string, unknown>): string {
    const h = JSON.stringify(meta, null, 2);
    return jsonTerminalSafe(h.slice(0, h.lastIndexOf('\n}'))) + ',\n  "devices": [';
  },
  device(d: DeviceReport, first: boolean): string {
    return (first ? '\n    ' : ',\n    ') + jsonTerminalSafe(JSON.stringify(d, null, 2)).replace(/\n/g, '\n    ');
  },
  tail(rest: Record<string, unknown>, any: boolean): string {
    const t = JSON.stringify(rest, null, 2);
    return (any ? '\n  ]' : ']') + (t === '{}' ? '\n}\n' : ',\n' + jsonTerminalSafe(t.slice(2)) + '\n');
  },
};
