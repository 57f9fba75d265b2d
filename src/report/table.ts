// Human table: one row per device. Pure: report in, string out. Every cell is cleaned of control
// characters before it is printed, whatever the device sent.
import Table from 'cli-table3';
import type { DeviceReport, ScanReport, VerdictStatus } from '../types.js';
import { clean } from '../util/sanitize.js';
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

export function renderTable(r: ScanReport, c: Colors, width = 140): string {
  const cols = ['Address', 'Brand', 'Maker', 'Model', 'Firmware', 'Verdict', 'Strongest evidence'];
  const fixed = [15, 28, 16, 18, 17, 12];
  const evidenceWidth = Math.max(24, width - fixed.reduce((a, b) => a + b, 0) - cols.length - 1);
  const t = new Table({
    head: cols.map((h) => c.paint('bold', h)),
    colWidths: [...fixed, evidenceWidth],
    wordWrap: true,
    wrapOnWordBoundary: false,
    style: { head: [], border: [], compact: false },
  });
  for (const d of r.devices) {
    const id = d.identification;
    t.push([
      clean(d.ip, 40), clean(brandCell(d), 80), clean(id.maker_name ?? '', 40), clean((id.model ?? '') + (id.channels ? ` (${id.channels.total} ch)` : ''), 60), clean(id.firmware ?? '', 60),
      c.paint(VERDICT_STYLE[d.verdict.status], d.verdict.status), clean(strongestEvidence(d), 300),
    ]);
  }
  const s = r.summary;
  const line = `${s.devices} device${s.devices === 1 ? '' : 's'} on ${s.hosts_scanned} host${s.hosts_scanned === 1 ? '' : 's'} scanned (policy ${r.policy.name}): `
    + `${c.paint(VERDICT_STYLE.restricted, `${s.restricted} restricted`)}, ${c.paint(VERDICT_STYLE.suspect, `${s.suspect} suspect`)}, `
    + `${s.clear} clear, ${s.unknown} unknown`;
  return (r.devices.length ? t.toString() + '\n' : 'No devices answered.\n') + line + '\n';
}

export function renderJson(r: ScanReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** JSON Lines: one {"type":"device",...} per device, then one {"type":"summary",...}. */
export function renderJsonl(r: ScanReport): string {
  const { devices, ...meta } = r;
  return devices.map((d) => JSON.stringify({ type: 'device', ...d })).join('\n') + (devices.length ? '\n' : '')
    + JSON.stringify({ type: 'summary', ...meta }) + '\n';
}
