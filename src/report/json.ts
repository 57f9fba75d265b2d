// Machine-readable reports: JSON (the whole report) and JSON Lines. Pure.
import type { ScanReport } from '../types.js';

export function renderJson(r: ScanReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** JSON Lines: one {"type":"device",...} per device, then one {"type":"summary",...}. */
export function renderJsonl(r: ScanReport): string {
  const { devices, ...meta } = r;
  return devices.map((d) => JSON.stringify({ type: 'device', ...d })).join('\n') + (devices.length ? '\n' : '')
    + JSON.stringify({ type: 'summary', ...meta }) + '\n';
}
