// A report built to break renderers: device-supplied strings with formulas, markup, every control
// character class (C0, DEL, C1, escape sequences, bidi overrides, line separators) in every field a
// reporter prints. Still a valid report (the schema checker accepts it), so `camsweep report` reads it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScanReport } from '../../src/model/types.js';

export const FIXED_12 = fileURLToPath(new URL('../../fixtures/report/scan-report-1.2.json', import.meta.url));
export const FORMULA = "=cmd|' /C calc'!A0";
export const SCRIPT = '<script>alert(1)</script>';
/** Every kind of character a terminal, a viewer or a parser would act on. */
export const CONTROLS = '\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b[31mRED\u001b[0m\u001b]8;;http://x/\u0007link\u001b]8;;\u0007\u007f\u0085\u009b2J\u202eevil\u202c\u2066x\u2069\u2028\u2029\u061c\u200e\u200f\uFFFE\uFFFF';

export function loadFixed12(): ScanReport {
  return JSON.parse(readFileSync(FIXED_12, 'utf8')) as ScanReport;
}

export function hostileReport(): ScanReport {
  const r = loadFixed12();
  const d = structuredClone(r.devices[0]);
  d.identification.model = FORMULA;
  d.identification.firmware = `+1${CONTROLS}`;
  d.identification.maker_name = `<img src=x onerror=alert(2)>${CONTROLS}`;
  d.identification.serial = '@SUM(1+1)*cmd|\' /C calc\'!A0\uFFFF\uFFFE';
  d.hostname = `-2+3${CONTROLS}`;
  d.mac = '\t=1+1';
  d.identification.evidence = d.identification.evidence.map((e, i) => ({ ...e, value: i === 0 ? SCRIPT : `${e.value}${CONTROLS}`, matched: SCRIPT, description: `${e.description} ${SCRIPT}${CONTROLS}` }));
  d.verdict = { ...d.verdict, reasons: [`${SCRIPT} reason${CONTROLS}`], listings: d.verdict.listings.map((l) => ({ ...l, cite: `${l.cite ?? ''}${CONTROLS}`, instrument: `${l.instrument} ${SCRIPT}` })) };
  d.notes = [`${CONTROLS}${SCRIPT}`];
  const e = structuredClone(r.devices[1]);
  e.identification.model = `\r=HYPERLINK("http://x")`;
  e.identification.maker_name = `"quoted", with comma\nand newline`;
  return {
    ...r, targets: [`${SCRIPT}`, ...r.targets], warnings: [`${SCRIPT}${CONTROLS}`], devices: [d, e, ...r.devices.slice(2)],
    policy: { ...r.policy, name: `ndaa${CONTROLS}` },
  };
}

/**
 * Raw characters no report may carry: C0 controls other than the line ends of the format (LF; CRLF in
 * CSV) and TAB (none is written, but TAB is harmless whitespace), DEL, C1, and the bidi and line
 * separator characters.
 */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function rawControls(text: string, crlf = false): string[] {
  const bad: string[] = [];
  const t = crlf ? text.replace(/\r\n/g, '\n') : text;
  for (const [i, c] of [...t].entries()) {
    if (RAW_CONTROL.test(c) || (c === '\r')) bad.push(`U+${c.codePointAt(0)!.toString(16).padStart(4, '0')} at ${i}`);
    if (bad.length > 10) break;
  }
  return bad;
}

/** An RFC 4180 parser, independent of src/report/csv.ts: rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"' && cell === '') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else if (c === '"') throw new Error(`bare quote in an unquoted cell at ${i}`);
    else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('the last line does not end in CRLF');
  return rows;
}
