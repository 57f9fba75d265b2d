// Colour only when asked for and possible: a TTY, no NO_COLOR, no --no-color. FORCE_COLOR forces it.
// Painting is pure and emits only complete SGR sequences (ESC [ params m), each painted span closed
// with a full reset, so no attribute ever runs past the text it was meant for.

export type StyleName = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'gray' | 'cyan';
export type Style = StyleName | StyleName[];
export interface Colors { enabled: boolean; paint(style: Style, s: string): string }

const CODES: Record<StyleName, number> = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 };

/** `s` wrapped in one SGR sequence for `style` and a reset; unchanged when `enabled` is false or `s` is empty. */
export function paint(style: Style, s: string, enabled: boolean): string {
  if (!enabled || s === '') return s;
  const names = Array.isArray(style) ? style : [style];
  return `\u001b[${names.map((n) => CODES[n]).join(';')}m${s}\u001b[0m`;
}

export function colorsFor(stream: { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): Colors {
  let enabled = Boolean(stream.isTTY);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') enabled = false;
  if (env.TERM === 'dumb') enabled = false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') enabled = true;
  if (noColorFlag) enabled = false;
  return { enabled, paint: (style, s) => paint(style, s, enabled) };
}

/** Width to lay text out in: the terminal's when stdout is one, else $COLUMNS, else 100. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const c = Number(env.COLUMNS);
  if (env.COLUMNS && /^\d{1,4}$/.test(env.COLUMNS.trim()) && c > 0) return c;
  return 100;
}
