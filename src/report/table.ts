// Human table: one row per device. Pure: report in, string out. Every cell is cleaned of control
// characters before it is printed, whatever the device sent.
import Table from 'cli-table3';
import type { DeviceReport, ScanReport, VerdictStatus } from '../types.js';
import { clean, jsonTerminalSafe } from '../util/sanitize.js';
import { describeField } from '../fingerprint/engine.js';
import type { Colors } from './color.js';

const VERDICT_STYLE: Record<VerdictStatus, Parameters<Colors['paint']>[0]> = {
  restricted: ['bold', 'red'], suspect: ['bold', 'yellow'], clear: 'green', unknown: 'gray',
};

export function strongestEvidence(d: DeviceReport): string {
  const e = d.identification.evidence.find((x) => !d.identification.maker || x.extracted.maker === d.identification.maker) ?? d.identification.evidence[0];
  if (!e) return d.open_ports.length ? `open ports ${d.open_ports.join(',')}` : '';
  const shown = e.value.length <= 70 ? e.value : (e.matched && e.matched.length > 3 ? e.matched : e.value);
  const v = shown.length > 70 ? shown.slice(0, 69) + '…' : shown;
  return `${describeField(e.field)}: ${v}`;
}

export function brandCell(d: DeviceReport): string {
  const id = d.identification;
  if (id.brand && id.maker && id.brand !== id.maker) return `${id.brand_name} (made by ${id.maker_name})`;
  return id.brand_name ?? id.product ?? '';
}

function table(c: Colors, width: number): InstanceType<typeof Table> {
  const cols = ['Address', 'Brand', 'Maker', 'Model', 'Firmware', 'Verdict', 'Strongest evidence'];
  const fixed = [15, 28, 16, 18, 17, 12];
  const evidenceWidth = Math.max(24, width - fixed.reduce((a, b) => a + b, 0) - cols.length - 1);
  return new Table({
    head: cols.map((h) => c.paint('bold', h)),
    colWidths: [...fixed, evidenceWidth],
    wordWrap: true,
    wrapOnWordBoundary: false,
    style: { head: [], border: [], compact: false },
  });
}

/** One table of device rows (a part of a long report may be rendered on its own). */
export function renderTableRows(devices: readonly DeviceReport[], c: Colors, width = 140): string {
  const t = table(c, width);
  for (const d of devices) {
    const id = d.identification;
    t.push([
      clean(d.ip, 40), clean(brandCell(d), 80), clean(id.maker_name ?? '', 40), clean((id.model ?? '') + (id.channels ? ` (${id.channels.total} ch)` : ''), 60), clean(id.firmware ?? '', 60),
      c.paint(VERDICT_STYLE[d.verdict.status], d.verdict.status), clean(strongestEvidence(d), 300),
    ]);
  }
  return t.toString() + '\n';
}

/** The lines under the table: summary, then what the scan did not cover (interrupted, not scanned, seen but not probed). */
export function renderTableFooter(r: Pick<ScanReport, 'summary' | 'policy' | 'interrupted' | 'not_scanned' | 'seen_not_probed'>, c: Colors): string {
  const s = r.summary;
  const lines = [`${s.devices} device${s.devices === 1 ? '' : 's'} on ${s.hosts_scanned} host${s.hosts_scanned === 1 ? '' : 's'} scanned (policy ${clean(r.policy.name, 80)}): `
    + `${c.paint(VERDICT_STYLE.restricted, `${s.restricted} restricted`)}, ${c.paint(VERDICT_STYLE.suspect, `${s.suspect} suspect`)}, `
    + `${s.clear} clear, ${s.unknown} unknown`];
  if (r.interrupted) lines.push(c.paint(['bold', 'yellow'], `Interrupted (${clean(r.interrupted, 16)}): the results are partial.`));
  if (r.not_scanned?.length) {
    const codes = [...new Set(r.not_scanned.map((x) => clean(x.code, 20)))].join(', ');
    lines.push(c.paint(['bold', 'yellow'], `Not scanned: ${r.not_scanned.length} host${r.not_scanned.length === 1 ? '' : 's'} (local error ${codes}): ${r.not_scanned.slice(0, 8).map((x) => clean(x.ip, 40)).join(', ')}${r.not_scanned.length > 8 ? ', …' : ''}`));
  }
  if (r.seen_not_probed?.length) {
    lines.push(`Seen, not probed (answered discovery from outside the targets): ${r.seen_not_probed.slice(0, 16).map((x) => `${clean(x.ip, 60)} (${x.seen_by.map((p) => clean(p, 16)).join(', ')})`).join(', ')}${r.seen_not_probed.length > 16 ? `, and ${r.seen_not_probed.length - 16} more` : ''}`);
  }
  return lines.join('\n') + '\n';
}

export function renderTable(r: ScanReport, c: Colors, width = 140): string {
  return (r.devices.length ? renderTableRows(r.devices, c, width) : 'No devices answered.\n') + renderTableFooter(r, c);
}

export function renderJson(r: ScanReport): string {
  return jsonTerminalSafe(JSON.stringify(r, null, 2)) + '\n';
}

/** JSON Lines: one {"type":"device",...} per device, one {"type":"seen-not-probed",...} per outside responder, then one {"type":"summary",...}. */
export function renderJsonl(r: ScanReport): string {
  const { devices, seen_not_probed: outside, ...meta } = r;
  return devices.map((d) => jsonlDevice(d)).join('')
    + (outside ?? []).map((x) => jsonTerminalSafe(JSON.stringify({ type: 'seen-not-probed', ...x })) + '\n').join('')
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
