// `camsweep report SCAN.json`: a saved JSON report read back (bounded by src/util/input.ts), its
// schema version checked (1.x: what this camsweep writes, or an older or newer minor version of it),
// and its structure checked against the report schema before any renderer sees it. One-line errors.
import { reportSchema, SCHEMA_VERSION } from '../model/report.js';
import type { ScanReport } from '../model/types.js';
import { firstSchemaError } from '../model/validate.js';
import { InputError } from '../util/input.js';
import { clean } from '../util/sanitize.js';

let schema: ReturnType<typeof reportSchema> | undefined;

export function parseSavedReport(text: string, source: string): ScanReport {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) {
    const hint = /^\s*\{[^\n]*\}\s*\n\s*\{/.test(text) ? ' (JSON Lines? `camsweep report` reads a saved -f json report)' : '';
    throw new InputError(`${source}: not a JSON document: ${clean((e as Error).message, 160)}${hint}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${source}: not a camsweep scan report (expected a JSON object with schema_version and devices)`);
  const v = (doc as { schema_version?: unknown }).schema_version;
  if (v === undefined) throw new InputError(`${source}: not a camsweep scan report (no schema_version; observation records go to camsweep identify)`);
  const major = SCHEMA_VERSION.split('.')[0];
  if (typeof v !== 'string' || !/^\d+\.\d+$/.test(v) || v.split('.')[0] !== major) {
    throw new InputError(`${source}: schema_version ${clean(JSON.stringify(v), 20)} is not supported (this camsweep reads ${major}.x, writes ${SCHEMA_VERSION})`);
  }
  const err = firstSchemaError(doc, (schema ??= reportSchema()));
  if (err) throw new InputError(`${source}: not a valid scan report: ${clean(err, 300)}`);
  return doc as ScanReport;
}
