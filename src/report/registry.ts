// The reporter registry: every output format camsweep writes, in one place. Adding a format = one
// module under src/report/ exporting a Reporter + one line here; -f, the -o extensions and the help
// follow from this map.
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonlReporter, jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { tableReporter } from './table.js';

export const reporters = {
  table: tableReporter, json: jsonReporter, jsonl: jsonlReporter, html: htmlReporter, csv: csvReporter,
  markdown: markdownReporter, junit: junitReporter, sarif: sarifReporter,
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
export const REPORTER_NAMES = Object.keys(reporters) as ReporterName[];

export function isReporterName(s: string): s is ReporterName {
  return Object.prototype.hasOwnProperty.call(reporters, s);
}

/** The format a file name asks for by its ending (the longest matching extension wins), or undefined. */
export function reporterForFile(file: string): Reporter | undefined {
  const name = file.toLowerCase();
  let best: { rep: Reporter; len: number } | undefined;
  for (const rep of Object.values(reporters) as Reporter[]) {
    for (const ext of rep.extensions) if (name.endsWith(ext) && name.length > ext.length && (!best || ext.length > best.len)) best = { rep, len: ext.length };
  }
  return best?.rep;
}

/** One line per format for --help: name, extensions, what it is. */
export function formatHelp(): string {
  const rows = (Object.values(reporters) as Reporter[]).map((r) => `  ${r.name.padEnd(9)} ${r.extensions.join(' ').padEnd(20)} ${r.description}`);
  return '\nOutput formats (-f NAME; -o FILE picks one by its extension):\n' + rows.join('\n') + '\n';
}
