// The reporter registry: every output format camsweep writes, in one place. Adding a format = one
// module under src/report/ with a pure render function + one entry here; -f, the -o extensions and
// the help follow from this map. A format's module is loaded when a report is first rendered in it,
// so start-up (and its file-descriptor footprint) does not grow with the number of formats.
import type { Reporter, ReporterInfo } from './reporter.js';

interface Entry { extensions: readonly string[]; description: string; load(): Promise<Reporter['render']> }

export const reporters = {
  table: {
    extensions: ['.txt'], description: 'the human table (fits the terminal; colour on a terminal)',
    load: async () => { const { renderTable } = await import('./table.js'); return (r, o) => renderTable(r, { width: o.width, color: o.color }); },
  },
  json: {
    extensions: ['.json'], description: 'the whole report (schema/scan-report.schema.json); `camsweep report` re-renders it',
    load: async () => { const { renderJsonPieces } = await import('./json.js'); return (r) => renderJsonPieces(r); },
  },
  jsonl: {
    extensions: ['.jsonl', '.ndjson'], description: 'JSON Lines: a device line per device, then a summary line (identify reads it back)',
    load: async () => { const { renderJsonl } = await import('./json.js'); return (r) => renderJsonl(r); },
  },
  html: {
    extensions: ['.html', '.htm'], description: 'self-contained audit report: summary, policy and citations, sortable device table, evidence (offline, printable)',
    load: async () => (await import('./html.js')).renderHtml,
  },
  csv: {
    extensions: ['.csv'], description: 'one row per device, stable documented columns (spreadsheets)',
    load: async () => { const { renderCsv } = await import('./csv.js'); return (r) => renderCsv(r); },
  },
  markdown: {
    extensions: ['.md', '.markdown'], description: 'summary for pull requests and CI job summaries (GitHub-flavoured)',
    load: async () => (await import('./markdown.js')).renderMarkdown,
  },
  junit: {
    extensions: ['.junit.xml', '.xml'], description: 'JUnit XML: one test case per device, failing at or above --fail-on',
    load: async () => (await import('./junit.js')).renderJunit,
  },
  sarif: {
    extensions: ['.sarif', '.sarif.json'], description: 'SARIF 2.1.0 for code-scanning dashboards: a result per restricted or suspect device',
    load: async () => (await import('./sarif.js')).renderSarif,
  },
} satisfies Record<string, Entry>;

export type ReporterName = keyof typeof reporters;
export const REPORTER_NAMES = Object.keys(reporters) as ReporterName[];

export function isReporterName(s: string): s is ReporterName {
  return Object.prototype.hasOwnProperty.call(reporters, s);
}

/** A format's name, extensions and description (nothing loaded). */
export function reporterInfo(name: ReporterName): ReporterInfo & { name: ReporterName } {
  const e = reporters[name];
  return { name, extensions: e.extensions, description: e.description };
}

const loaded = new Map<ReporterName, Reporter>();

/** The reporter of a format, its module loaded on first use. */
export async function loadReporter(name: ReporterName): Promise<Reporter> {
  let rep = loaded.get(name);
  if (!rep) {
    rep = { ...reporterInfo(name), render: await reporters[name].load() };
    loaded.set(name, rep);
  }
  return rep;
}

/** The format a file name asks for by its ending (the longest matching extension wins), or undefined. */
export function reporterForFile(file: string): ReporterName | undefined {
  const name = file.toLowerCase();
  let best: { n: ReporterName; len: number } | undefined;
  for (const n of REPORTER_NAMES) {
    for (const ext of reporters[n].extensions) if (name.endsWith(ext) && name.length > ext.length && (!best || ext.length > best.len)) best = { n, len: ext.length };
  }
  return best?.n;
}

/** One line per format for --help: name, extensions, what it is. */
export function formatHelp(): string {
  const rows = REPORTER_NAMES.map((n) => `  ${n.padEnd(9)} ${reporters[n].extensions.join(' ').padEnd(20)} ${reporters[n].description}`);
  return '\nOutput formats (-f NAME; -o FILE picks one by its extension):\n' + rows.join('\n') + '\n';
}
