// The reporter interface: every output format is one module that turns the report model into text.
// Reporters are pure (report and options in, text out) and registered in one place
// (src/report/registry.ts), which drives -f, the extensions -o understands and the help.
import type { FailOn } from '../model/fail-on.js';
import type { ScanReport } from '../model/types.js';

export interface RenderOptions {
  /** Columns to lay text out in (the table; others ignore it). */
  width: number;
  /** Paint with SGR colour sequences (the table on a terminal; others never colour). */
  color: boolean;
  /** The run's --fail-on level: what a failing test case (JUnit) or an error-level result (SARIF) is. */
  failOn: FailOn;
}

export const DEFAULT_RENDER: RenderOptions = { width: 100, color: false, failOn: 'restricted' };

/** What the registry says of a format without loading it: enough for -f, -o and the help. */
export interface ReporterInfo {
  /** The -f name. */
  name: string;
  /** File name endings that choose this format for -o (with the dot; the longest match wins). */
  extensions: readonly string[];
  /** One line for --help and the README. */
  description: string;
}

export interface Reporter extends ReporterInfo {
  /** The whole output; an iterable of pieces when the format is written as it goes. */
  render(r: ScanReport, o: RenderOptions): string | Iterable<string>;
}

/** The output of a reporter as one string. */
export function renderToString(rep: Pick<Reporter, 'render'>, r: ScanReport, o: Partial<RenderOptions> = {}): string {
  const out = rep.render(r, { ...DEFAULT_RENDER, ...o });
  return typeof out === 'string' ? out : [...out].join('');
}
