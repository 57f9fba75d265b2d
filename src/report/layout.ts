// Text layout for terminal tables: visible widths, truncation at word boundaries, columns chosen and
// sized by priority to fit a width. Pure: strings in, strings out. Colour is not this module's concern:
// every function here works on plain text, and renderers paint the laid-out cells afterwards, so an
// escape sequence is never measured, cut or wrapped.

const SGR = /\u001b\[[0-9;]*m/g;
// Made on first use: building ICU's grapheme segmenter costs ~15 ms, and a run that prints no table
// (a JSON report, -q) never needs it.
let segmenter: Intl.Segmenter | undefined;

/** Remove SGR colour sequences (the only escapes camsweep itself writes). */
export function stripSgr(s: string): string {
  return s.replace(SGR, '');
}

// Wide (two-column) code points: East Asian Wide and Fullwidth blocks, and emoji presentation.
const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55],
  [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4], [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid];
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;

/** Columns one grapheme cluster takes in a terminal: 0, 1 or 2. */
export function graphemeWidth(g: string): number {
  const cp = g.codePointAt(0) ?? 0;
  if (g.length === 1 || (g.length === 2 && cp > 0xffff)) {
    if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
    return isWide(cp) ? 2 : 1;
  }
  // A cluster: base character plus combining marks, variation selectors or ZWJ sequences.
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  if (isWide(cp) || g.includes('\ufe0f') || /\p{Extended_Pictographic}/u.test(g) && g.includes('\u200d')) return 2;
  return 1;
}

export function graphemes(s: string): string[] {
  return Array.from((segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(s), (x) => x.segment);
}

/** Columns a string takes on a terminal (SGR sequences take none). */
export function visibleWidth(s: string): number {
  const t = stripSgr(s);
  // eslint-disable-next-line no-control-regex
  if (/^[\u0020-\u007e]*$/.test(t)) return t.length;
  let w = 0;
  for (const g of graphemes(t)) w += graphemeWidth(g);
  return w;
}

export const ELLIPSIS = '…';

/** The longest prefix of `s` (whole grapheme clusters) that fits in `width` columns. */
function fitPrefix(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const g of graphemes(s)) {
    const gw = graphemeWidth(g);
    if (w + gw > width) break;
    out += g;
    w += gw;
  }
  return out;
}

/**
 * Fit `s` into `width` columns. Text that does not fit is cut and ends in "…": at the last word
 * boundary (space, or after "," ";" "/" "-") when that keeps at least half the room, otherwise after
 * the last whole grapheme cluster that fits (a single long token such as a model number).
 */
export function truncate(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  if (width <= 0) return '';
  if (width === 1) return ELLIPSIS;
  const room = fitPrefix(s, width - 1);
  let cut = -1;
  for (let i = room.length - 1; i > 0; i--) {
    const c = room[i];
    if (c === ' ') { cut = i; break; }
    if (',;/-'.includes(c) && i + 1 < s.length) { cut = i + 1; break; }
  }
  const atWord = cut > 0 ? room.slice(0, cut).trimEnd() : '';
  const head = atWord && visibleWidth(atWord) * 2 >= width - 1 ? atWord : room.trimEnd();
  return head + ELLIPSIS;
}

/** Break prose into lines of at most `width` columns, at spaces; a word longer than a line is truncated. */
export function wrapWords(words: string[], width: number): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  let w = 0;
  for (const raw of words) {
    const word = truncate(raw, width);
    const ww = visibleWidth(word);
    if (line.length && w + 1 + ww > width) { lines.push(line); line = []; w = 0; }
    w += (line.length ? 1 : 0) + ww;
    line.push(word);
  }
  if (line.length) lines.push(line);
  return lines;
}

/**
 * Cell content: plain text, or a list of parts of which as many are shown as fit ("a, b +3 more").
 * `total` counts parts beyond those listed; `short` are shorter forms of the same parts, used when
 * not even the first part fits in full.
 */
export type CellValue = string | { parts: string[]; sep: string; total?: number; short?: string[] };

function joinParts(parts: string[], sep: string, total: number | undefined, k: number): string {
  const more = Math.max(total ?? parts.length, parts.length) - k;
  const head = parts.slice(0, k).join(sep);
  return more > 0 ? `${head} +${more} more` : head;
}

export interface ColumnSpec {
  key: string;
  header: string;
  /** Lower is more important: columns are admitted, and given room, in this order. */
  priority: number;
  /**
   * 0: always shown (squeezed below `min` only if the terminal is narrower than these columns).
   * 1: shown when it fits at `min` while tier-0 columns have their `want`.
   * 2: shown only when there is room: tiers 0 and 1 at their `want`, and this one at its `min`.
   */
  tier: 0 | 1 | 2;
  /** Narrowest useful width. */
  min: number;
  /** Width wanted before a lower tier is let in. Default: the natural width. */
  want?: number;
  /** Widest it may grow. Default: the natural width (widest cell or header). */
  max?: number;
}

export interface Layout {
  /** The columns shown, in display order, with their widths. */
  columns: Array<ColumnSpec & { width: number }>;
}

/** Natural width of a cell: the whole text, or every part joined. */
export function cellNaturalWidth(v: CellValue): number {
  return typeof v === 'string' ? visibleWidth(v) : visibleWidth(joinParts(v.parts, v.sep, v.total, v.parts.length));
}

/** Columns a cell needs to show without an ellipsis: the whole text, or the first part of a list. */
function wholeWidth(v: CellValue): number {
  if (typeof v === 'string') return visibleWidth(v);
  return Math.min(...[v.parts[0], v.short?.[0]].filter((x): x is string => x !== undefined).map(visibleWidth), Infinity);
}

/** Render a cell into at most `width` columns (never wider). */
export function fitCell(v: CellValue, width: number): string {
  if (typeof v === 'string') return truncate(v, width);
  for (const parts of v.short ? [v.parts, v.short] : [v.parts]) {
    for (let k = parts.length; k >= 1; k--) {
      const s = joinParts(parts, v.sep, v.total, k);
      if (visibleWidth(s) <= width) return s;
    }
    if (visibleWidth(parts[0] ?? '') <= width) return parts[0] ?? '';
  }
  return truncate((v.short ?? v.parts)[0] ?? '', width);
}

/**
 * Choose and size columns for `rows` (cells keyed by column key) in `width` columns, with `gap`
 * spaces between columns. Columns are admitted in priority order by tier (see ColumnSpec.tier); a
 * column whose cells are all empty ("-") is left out. Widths then grow to `want`, then to `max`, tier
 * by tier: first where a few more columns make the most cells whole, then one column at a time.
 */
export function layoutColumns(specs: ColumnSpec[], rows: Array<Record<string, CellValue>>, width: number, gap = 2): Layout {
  const natural = new Map<string, number>();
  for (const c of specs) {
    let n = visibleWidth(c.header);
    for (const r of rows) n = Math.max(n, cellNaturalWidth(r[c.key] ?? ''));
    natural.set(c.key, n);
  }
  const empty = (c: ColumnSpec) => rows.every((r) => { const v = r[c.key]; return v === undefined || v === '' || v === '-' || (typeof v !== 'string' && v.parts.length === 0); });
  const max = (c: ColumnSpec) => Math.min(c.max ?? Infinity, natural.get(c.key)!);
  const min = (c: ColumnSpec) => Math.min(c.min, max(c));
  const want = (c: ColumnSpec) => Math.max(min(c), Math.min(c.want ?? Infinity, max(c)));
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  const chosen: ColumnSpec[] = [];
  for (const c of byPriority) {
    if (c.tier === 0) { chosen.push(c); continue; }
    if (rows.length === 0 || empty(c)) continue;
    const need = chosen.reduce((s, x) => s + (x.tier < c.tier ? want(x) : min(x)), 0) + min(c) + gap * chosen.length;
    if (need <= width) chosen.push(c);
  }
  const w = new Map(chosen.map((c) => [c.key, min(c)]));
  const used = () => [...w.values()].reduce((a, b) => a + b, 0) + gap * Math.max(0, chosen.length - 1);
  // Tier-0 columns alone may be too wide for a very narrow terminal: squeeze the least important
  // first, to 4 columns each, then to 1.
  for (const floor of [4, 1]) {
    for (const c of [...chosen].reverse()) {
      while (used() > width && w.get(c.key)! > floor) w.set(c.key, w.get(c.key)! - 1);
    }
  }
  // Width at which each cell shows without an ellipsis (a list: its first part whole), sorted.
  const fitAt = new Map(chosen.map((c) => [c.key, rows.map((r) => wholeWidth(r[c.key] ?? '')).sort((a, b) => a - b)]));
  const thresholds = new Map([...fitAt].map(([k, t]) => [k, [...new Set(t)]]));
  const fitting = (c: ColumnSpec, at: number) => {
    const t = fitAt.get(c.key)!;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (t[mid] <= at) lo = mid + 1; else hi = mid; }
    return lo;
  };
  for (const target of [want, max]) {
    for (const tier of [0, 1, 2]) {
      const group = chosen.filter((c) => c.tier === tier);
      // First the room that makes the most cells whole per column spent (ties: priority), ...
      for (;;) {
        const room = width - used();
        let best: { c: ColumnSpec; to: number; ratio: number } | undefined;
        for (const c of group) {
          const from = w.get(c.key)!;
          const base = fitting(c, from);
          for (const t of thresholds.get(c.key)!) {
            if (t <= from || t > target(c) || t - from > room) continue;
            const ratio = (fitting(c, t) - base) / (t - from);
            if (!best || ratio > best.ratio) best = { c, to: t, ratio };
          }
        }
        if (!best) break;
        w.set(best.c.key, best.to);
      }
      // ... then what is left, one column at a time, so that no column takes it all.
      let grew = true;
      while (grew && used() < width) {
        grew = false;
        for (const c of group) {
          if (used() >= width) break;
          if (w.get(c.key)! < target(c)) { w.set(c.key, w.get(c.key)! + 1); grew = true; }
        }
      }
    }
  }
  const shown = specs.filter((c) => chosen.includes(c));
  return { columns: shown.map((c) => ({ ...c, width: w.get(c.key)! })) };
}
