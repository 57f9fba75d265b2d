// The human table: one row per device, laid out to a width, then painted. Pure: report model and
// {width, color} in, string out (one reporter, ready to sit behind a reporter registry).
//
// Columns by priority: address, verdict and maker always; then brand, model, evidence; firmware,
// MAC and ports only when there is room. Cells never wrap: text that does not fit ends in "…" (at a
// word boundary where possible). Colour is applied to the laid-out cells, after every width is
// decided, so an escape sequence is never measured, cut or wrapped. Every string from the network is
// cleaned of control characters and escape sequences before layout.
import type { DeviceReport, ScanReport, VerdictStatus } from '../types.js';
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
function summaryUnits(r: ScanReport): Array<{ text: string; style?: Style }> {
  const s = r.summary;
  const u: Array<{ text: string; style?: Style }> = [];
  for (const t of `Policy ${clean(r.policy.name, 40)}: ${plural(s.devices, 'device')} on ${plural(s.hosts_scanned, 'host')},`.split(' ')) if (t) u.push({ text: t });
  u.push({ text: `${s.restricted} restricted,`, style: s.restricted ? VERDICT_STYLE.restricted : undefined });
  u.push({ text: `${s.suspect} suspect,`, style: s.suspect ? VERDICT_STYLE.suspect : undefined });
  u.push({ text: `${s.clear} clear,` });
  u.push({ text: `${s.unknown} unknown` });
  return u;
}

export function renderTable(r: ScanReport, o: TableOptions): string {
  const width = Math.max(20, Math.floor(o.width));
  const on = o.color;
  const lines: string[] = [];
  if (r.devices.length) {
    const rows = r.devices.map(deviceCells);
    const { columns } = layoutColumns(TABLE_COLUMNS, rows, width, GAP);
    const line = (cells: Array<{ text: string; style?: Style }>) => cells.map((c, i) => {
      const last = i === cells.length - 1;
      const pad = last ? '' : ' '.repeat(Math.max(0, columns[i].width - visibleWidth(c.text)));
      return (c.style ? paint(c.style, c.text, on) : c.text) + pad;
    }).join(' '.repeat(GAP)).trimEnd();
    lines.push(line(columns.map((c) => ({ text: fitCell(c.header, c.width), style: 'bold' as Style }))));
    lines.push(line(columns.map((c) => ({ text: '-'.repeat(c.width), style: 'dim' as Style }))));
    r.devices.forEach((d, n) => {
      lines.push(line(columns.map((c) => {
        const text = fitCell(rows[n][c.key] ?? EMPTY, c.width);
        const style: Style | undefined = c.key === 'verdict' ? VERDICT_STYLE[d.verdict.status] : text === EMPTY ? 'dim' : undefined;
        return { text, style };
      })));
    });
  } else {
    lines.push(...wrapWords(['No', 'devices', 'answered.'], width).map((l) => l.join(' ')));
  }
  const words = summaryUnits(r);
  let k = 0;
  for (const l of wrapWords(words.map((x) => x.text), width)) {
    lines.push(l.map((t) => { const st = words[k++].style; return st ? paint(st, t, on) : t; }).join(' '));
  }
  return lines.join('\n') + '\n';
}
