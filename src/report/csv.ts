// CSV (RFC 4180): one row per device under a header of stable columns (CSV_COLUMNS; documented in
// docs/csv-columns.md, which a test keeps equal to this list). Columns are only ever added at the end.
// Lists inside a cell are joined with "; ". Pure.
//
// Safe to open in a spreadsheet: every value is cleaned to one line (no control character), and a
// cell that would start with = + - @ (or TAB / CR, which clean() already turns into spaces) is
// prefixed with a single quote, so no device-supplied text is ever read as a formula (OWASP "CSV
// Injection"). Cells are quoted when they hold a comma, a quote, a line break or that prefix; quotes
// inside are doubled. Lines end in CRLF.
import type { DeviceReport, ScanReport } from '../model/types.js';
import { clean } from '../util/sanitize.js';
import { evidencePhrases, labelBrand } from './evidence.js';

const list = (xs: ReadonlyArray<unknown> | undefined, max = 80) => (xs ?? []).map((x) => clean(x, max)).filter(Boolean).join('; ');

/** The columns, in order, each with what it holds. */
export const CSV_COLUMNS: ReadonlyArray<{ name: string; meaning: string; value(d: DeviceReport): unknown }> = [
  { name: 'device_id', meaning: 'stable device id (d- and 12 hex digits)', value: (d) => d.device_id },
  { name: 'ip', meaning: 'the address the device was judged at', value: (d) => d.ip },
  { name: 'other_addresses', meaning: 'other addresses of the same device', value: (d) => list((d.addresses ?? []).filter((a) => a !== d.ip)) },
  { name: 'mac', meaning: 'MAC address, when seen', value: (d) => d.mac },
  { name: 'hostname', meaning: 'host name, when announced', value: (d) => d.hostname },
  { name: 'verdict', meaning: 'restricted, suspect, clear or unknown', value: (d) => d.verdict.status },
  { name: 'restricted_entity', meaning: 'the listed company the device was tied to', value: (d) => d.verdict.entity_name ?? d.verdict.entity },
  { name: 'maker', meaning: 'who built the device (display name)', value: (d) => d.identification.maker_name ?? d.identification.maker },
  { name: 'maker_id', meaning: 'maker id from the vocabulary (camsweep vendors --ids)', value: (d) => d.identification.maker },
  { name: 'maker_score', meaning: 'confidence in the maker, 0 to 1', value: (d) => (d.identification.maker ? d.identification.maker_score.toFixed(2) : '') },
  { name: 'brand', meaning: 'the label on the box, only when evidence names it', value: (d) => labelBrand(d) },
  { name: 'model', meaning: 'model, when reported', value: (d) => d.identification.model },
  { name: 'firmware', meaning: 'firmware version, when reported', value: (d) => d.identification.firmware },
  { name: 'serial', meaning: 'serial number, when reported', value: (d) => d.identification.serial },
  { name: 'device_type', meaning: 'camera, recorder, doorbell, …', value: (d) => d.identification.device_type },
  { name: 'lists', meaning: 'instruments the device falls under', value: (d) => list(d.verdict.listings.map((l) => l.list)) },
  { name: 'citations', meaning: 'their legal citations', value: (d) => list(d.verdict.listings.map((l) => l.cite ?? l.source), 200) },
  { name: 'evidence', meaning: 'what identified the device, strongest first (short phrases)', value: (d) => list(evidencePhrases(d).map((p) => p.text)) },
  { name: 'rules', meaning: 'ids of the fingerprint rules that matched', value: (d) => list(d.identification.evidence.map((e) => e.rule)) },
  { name: 'open_ports', meaning: 'open TCP ports', value: (d) => d.open_ports.join('; ') },
  { name: 'seen_by', meaning: 'what saw it: tcp, onvif, ssdp, mdns, sadp, dhip, arp', value: (d) => list(d.seen_by) },
];

/** One cell: cleaned, defused against formula injection, quoted as RFC 4180 asks. */
export function csvCell(v: unknown, max = 1024): string {
  let s = clean(v, max);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(r: Pick<ScanReport, 'devices'>): string {
  const rows = [CSV_COLUMNS.map((c) => c.name).join(',')];
  for (const d of r.devices) rows.push(CSV_COLUMNS.map((c) => csvCell(c.value(d))).join(','));
  return rows.join('\r\n') + '\r\n';
}
