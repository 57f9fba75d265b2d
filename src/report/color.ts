// Colour only when asked for and possible: a TTY, no NO_COLOR, no --no-color. FORCE_COLOR forces it.
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];
export interface Colors { enabled: boolean; paint(style: Style, s: string): string }

export function colorsFor(stream: NodeJS.WriteStream | { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): Colors {
  let enabled = Boolean(stream.isTTY);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') enabled = false;
  if (env.TERM === 'dumb') enabled = false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') enabled = true;
  if (noColorFlag) enabled = false;
  return { enabled, paint: (style, s) => (enabled ? styleText(style, s, { validateStream: false }) : s) };
}
