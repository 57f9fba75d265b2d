// The human table: one row per device, laid out to a width, then painted. Pure: report model and
// {width, color} in, string out (one reporter, ready to sit behind a reporter registry).
//
// Columns by priority: address, verdict and maker always; then brand, model, evidence; firmware,
// MAC and ports only when there is room. Cells never wrap: text that does not fit ends in "…" (at a
// word boundary where possible). Colour is applied to the laid-out cells, after every width is
// decided, so an escape sequence is never measured, cut or wrapped. Every string from the network is
// cleaned of control characters and escape sequences before layout.
import type { DeviceReport, ScanReport, VerdictStatus } from '../model/types.js';
import { clean } from '../util/sanitize.js';
import { paint, type Style } from './color.js';
import { evidencePhrases, labelBrand } from './evidence.js';
import { fitCell, layoutColumns, visibleWidth, wrapWords, type CellValue, type ColumnSpec } from './layout.js';

export interface TableOptions {
  /** Terminal columns to fit (every line is at most this wide; at least 20 is assumed). */
  width: number;
  /** Paint with SGR colour sequences. */
  color: boolean;
}

const VERDICT_STYLE: Record<VerdictStatus, Style> = { restricted: ['bold', 'red'], suspect: ['bold', 'yellow'], clear: 'green', unknown: 'gray' };
const EMPTY = '-';
const GAP = 2;
/** Evidence phrases offered to a cell (more are counted as "+N more"). */
const MAX_PHRASES = 4;

export const TABLE_COLUMNS: ColumnSpec[] = [
  { key: 'address', header: 'Address', priority: 0, tier: 0, min: 15, max: 39 },
  { key: 'verdict', header: 'Verdict', priority: 1, tier: 0, min: 10 },
  { key: 'maker', header: 'Maker', priority: 2, tier: 0, min: 9, max: 24 },
  { key: 'brand', header: 'Brand', priority: 3, tier: 1, min: 7, max: 24 },
  { key: 'model', header: 'Model', priority: 4, tier: 1, min: 10, want: 20, max: 32 },
  { key: 'firmware', header: 'Firmware', priority: 6, tier: 2, min: 24, max: 32 },
  { key: 'mac', header: 'MAC', priority: 8, tier: 2, min: 17, max: 17 },
  { key: 'ports', header: 'Ports', priority: 7, tier: 2, min: 24, max: 40 },
  { key: 'evidence', header: 'Evidence', priority: 5, tier: 1, min: 14, want: 40 },
];

function modelCell(d: DeviceReport): string {
  const id = d.identification;
  const ch = id.channels ? `(${id.channels.total} ch)` : '';
  return [clean(id.model ?? '', 60), ch].filter(Boolean).join(' ');
}

/** The cells of one device row, cleaned, before layout. */
export function deviceCells(d: DeviceReport): Record<string, CellValue> {
  const id = d.identification;
  const phrases = evidencePhrases(d);
  return {
    address: clean(d.ip, 45) || EMPTY,
    verdict: d.verdict.status,
    maker: clean(id.maker_name ?? '', 40) || EMPTY,
    brand: labelBrand(d) ?? EMPTY,
    model: modelCell(d) || EMPTY,
    firmware: clean(id.firmware ?? '', 60) || EMPTY,
    mac: clean(d.mac ?? '', 17) || EMPTY,
    ports: clean(d.open_ports.join(','), 120) || EMPTY,
    evidence: phrases.length === 0 ? 'no rule matched'
      : { parts: phrases.slice(0, MAX_PHRASES).map((p) => p.text), short: phrases.slice(0, MAX_PHRASES).map((p) => p.short), sep: ', ', total: phrases.length },
  };
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** The summary as styled units that wrap as wholes: counts by verdict. */
function summaryUnits(r: Pick<ScanReport, 'summary' | 'policy'>): Array<{ text: string; style?: Style }> {
  const s = r.summary;
  const u: Array<{ text: string; style?: Style }> = [];
  for (const t of `Policy ${clean(r.policy.name, 40)}: ${plural(s.devices, 'device')} on ${plural(s.hosts_scanned, 'host')},`.split(' ')) if (t) u.push({ text: t });
  u.push({ text: `${s.restricted} restricted,`, style: s.restricted ? VERDICT_STYLE.restricted : undefined });
  u.push({ text: `${s.suspect} suspect,`, style: s.suspect ? VERDICT_STYLE.suspect : undefined });
  u.push({ text: `${s.clear} clear,` });
  u.push({ text: `${s.unknown} unknown` });
  return u;
}

function paintWrapped(units: Array<{ text: string; style?: Style }>, width: number, on: boolean): string[] {
  let k = 0;
  return wrapWords(units.map((x) => x.text), width).map((l) => l.map((t) => { const st = units[k++].style; return st ? paint(st, t, on) : t; }).join(' '));
}

function words(text: string, style?: Style): Array<{ text: string; style?: Style }> {
  return text.split(' ').filter(Boolean).map((t) => ({ text: t, style }));
}

/** One table of device rows with its header (a part of a long report may be rendered on its own). */
export function renderTableRows(devices: readonly DeviceReport[], o: TableOptions): string {
  const width = Math.max(20, Math.floor(o.width));
  const on = o.color;
  if (!devices.length) return '';
  const rows = devices.map(deviceCells);
  const { columns } = layoutColumns(TABLE_COLUMNS, rows, width, GAP);
  const line = (cells: Array<{ text: string; style?: Style }>) => cells.map((c, i) => {
    const last = i === cells.length - 1;
    const pad = last ? '' : ' '.repeat(Math.max(0, columns[i].width - visibleWidth(c.text)));
    return (c.style ? paint(c.style, c.text, on) : c.text) + pad;
  }).join(' '.repeat(GAP)).trimEnd();
  const lines: string[] = [];
  lines.push(line(columns.map((c) => ({ text: fitCell(c.header, c.width), style: 'bold' as Style }))));
  lines.push(line(columns.map((c) => ({ text: '-'.repeat(c.width), style: 'dim' as Style }))));
  devices.forEach((d, n) => {
    lines.push(line(columns.map((c) => {
      const text = fitCell(rows[n][c.key] ?? EMPTY, c.width);
      const style: Style | undefined = c.key === 'verdict' ? VERDICT_STYLE[d.verdict.status] : text === EMPTY ? 'dim' : undefined;
      return { text, style };
    })));
  });
  return lines.join('\n') + '\n';
}

/** The lines under the table: the summary, then what the scan did not cover (interrupted, not scanned, seen but not probed). */
export function renderTableFooter(r: Pick<ScanReport, 'summary' | 'policy' | 'interrupted' | 'not_scanned' | 'seen_not_probed'>, o: TableOptions): string {
  const width = Math.max(20, Math.floor(o.width));
  const on = o.color;
  const lines = paintWrapped(summaryUnits(r), width, on);
  if (r.interrupted) lines.push(...paintWrapped(words(`Interrupted (${clean(r.interrupted, 16)}): the results are partial.`, ['bold', 'yellow']), width, on));
  if (r.not_scanned?.length) {
    const codes = [...new Set(r.not_scanned.map((x) => clean(x.code, 20)))].join(', ');
    const hosts = r.not_scanned.slice(0, 8).map((x) => clean(x.ip, 40)).join(', ') + (r.not_scanned.length > 8 ? ', …' : '');
    lines.push(...paintWrapped(words(`Not scanned: ${plural(r.not_scanned.length, 'host')} (local error ${codes}): ${hosts}`, ['bold', 'yellow']), width, on));
  }
  if (r.seen_not_probed?.length) {
    const list = r.seen_not_probed.slice(0, 16).map((x) => `${clean(x.ip, 60)} (${x.seen_by.map((p) => clean(p, 16)).join(', ')})`).join(', ')
      + (r.seen_not_probed.length > 16 ? `, and ${r.seen_not_probed.length - 16} more` : '');
    lines.push(...paintWrapped(words(`Seen, not probed (answered discovery from outside the targets): ${list}`), width, on));
  }
  return lines.join('\n') + '\n';
}

export function renderTable(r: ScanReport, o: TableOptions): string {
  const width = Math.max(20, Math.floor(o.width));
  const head = r.devices.length ? renderTableRows(r.devices, o) : wrapWords(['No', 'devices', 'answered.'], width).map((l) => l.join(' ')).join('\n') + '\n';
  return head + renderTableFooter(r, o);
}
