// Adversarial inputs for a regular expression: the values a hostile device would send to make a
// backtracking engine work hard. Built from the pattern's own structure (parsed with regexpp):
//   - prefixes: the shortest text that satisfies the pattern up to each of its top-level elements
//     (a "near miss" of its literal prefix), and cuts of the rule's own examples;
//   - runs: long repetitions of what each unbounded quantifier accepts (single characters of a small
//     alphabet, and the shortest string the quantified element matches), plus space, tab and alnum;
//   - endings: nothing, a control character, and a character the run does not accept, so that the
//     match must fail after the run (the case where backtracking explodes).
// Test code only: nothing here runs in camsweep.
import vm from 'node:vm';
import { RegExpParser } from '@eslint-community/regexpp';
import type { AST } from '@eslint-community/regexpp';

export const ALPHABET = [' ', '\t', 'a', 'z', 'A', 'Z', '0', '9', '_', '-', '.', '/', ':', ';', ',', '=', '"', "'", '(', ')',
  '<', '>', '@', '%', '#', '&', '+', '\\', '|', '[', ']', '{', '}', '?', '!', '\u00a0', 'é', '\n', '\r'];

type Node = AST.Node;

function parse(source: string, flags: string): AST.Pattern {
  return new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
}

function compiles(src: string, flags: string): RegExp | undefined {
  try { return new RegExp(src, flags.replace(/[gy]/g, '')); } catch { return undefined; }
}

/** The shortest (or a short) string this node matches, by a greedy walk; undefined when none is found. */
export function sample(node: Node, flags: string): string | undefined {
  switch (node.type) {
    case 'Pattern': case 'Group': case 'CapturingGroup':
      for (const alt of node.alternatives) { const s = sample(alt, flags); if (s !== undefined) return s; }
      return undefined;
    case 'Alternative': {
      let out = '';
      for (const el of node.elements) { const s = sample(el, flags); if (s === undefined) return undefined; out += s; }
      return out;
    }
    case 'Character': return String.fromCodePoint(node.value);
    case 'Quantifier': {
      const n = Math.max(node.min, 0);
      if (n === 0) return '';
      const s = sample(node.element, flags);
      return s === undefined ? undefined : s.repeat(Math.min(n, 64));
    }
    case 'Assertion': return '';
    case 'Backreference': return '';
    case 'CharacterSet': case 'CharacterClass': case 'ExpressionCharacterClass': {
      const re = compiles(`^(?:${node.raw})$`, flags);
      if (!re) return undefined;
      return ALPHABET.find((c) => re.test(c)) ?? ['x', '1', 'Ω', '\u0001'].find((c) => re.test(c));
    }
    default: return undefined;
  }
}

/** Strings of the run alphabet (and the element's own shortest match) that one quantified element accepts. */
function runUnits(q: AST.Quantifier, flags: string): string[] {
  const re = compiles(`^(?:${q.element.raw})$`, flags);
  const units = new Set<string>();
  if (re) for (const c of ALPHABET) if (re.test(c)) units.add(c);
  const s = sample(q.element, flags);
  if (s) units.add(s.length > 40 ? s.slice(0, 40) : s);
  // Keep a spread: the first few single characters and every longer unit.
  const singles = [...units].filter((u) => u.length === 1).slice(0, 6);
  return [...new Set([...singles, ...[...units].filter((u) => u.length > 1)])];
}

function quantifiers(node: Node, out: AST.Quantifier[] = []): AST.Quantifier[] {
  if (node.type === 'Quantifier' && node.max > 8) out.push(node);
  const kids: Node[] = 'alternatives' in node ? node.alternatives : 'elements' in node ? node.elements
    : 'element' in node && node.element ? [node.element] : [];
  for (const k of kids) quantifiers(k, out);
  return out;
}

/** Prefixes that satisfy the pattern up to each top-level element of each alternative (and one char short). */
function patternPrefixes(p: AST.Pattern, flags: string): string[] {
  const out = new Set<string>();
  const walk = (alts: AST.Alternative[]) => {
    for (const alt of alts) {
      let acc = '';
      for (const el of alt.elements) {
        if ((el.type === 'Group' || el.type === 'CapturingGroup') && acc === '') walk(el.alternatives);
        if (el.type === 'Assertion' && (el.kind === 'lookahead') && !el.negate) walk(el.alternatives);
        const s = sample(el, flags);
        if (s === undefined) break;
        acc += s;
        out.add(acc);
        if (acc.length > 1) out.add(acc.slice(0, -1));
      }
    }
  };
  walk(p.alternatives);
  out.add('');
  return [...out].filter((s) => s.length < 2000);
}

/** Cuts of an example value where the character kind changes (letter / digit / space / other). */
function exampleCuts(value: string, max = 10): string[] {
  const kind = (c: string) => (/[A-Za-z]/.test(c) ? 'a' : /\d/.test(c) ? 'd' : /\s/.test(c) ? 's' : c);
  const cuts = new Set<number>([1, 2, 3, value.length - 1, value.length]);
  for (let i = 1; i < value.length; i++) if (kind(value[i]) !== kind(value[i - 1])) cuts.add(i);
  const sorted = [...cuts].filter((n) => n > 0 && n <= value.length).sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(sorted.length / max));
  return sorted.filter((_, i) => i % step === 0 || i === sorted.length - 1).map((n) => value.slice(0, Math.min(n, 2000)));
}

export interface AdversarialOptions { length?: number; examples?: string[]; maxValues?: number }

/**
 * Adversarial values of exactly `length` characters (default 10,000) for one pattern: every run unit
 * after every prefix, with every ending; at most `maxValues` (default 1,000), cutting prefixes first.
 */
export function adversarialValues(source: string, flags = '', opts: AdversarialOptions = {}): string[] {
  const length = opts.length ?? 10_000;
  const max = opts.maxValues ?? 1000;
  const ast = parse(source, flags);
  const examples = (opts.examples ?? []).slice(0, 3);
  const quantUnits = new Set<string>();
  for (const q of quantifiers(ast)) for (const u of runUnits(q, flags)) quantUnits.add(u);
  const patPrefixes = patternPrefixes(ast, flags);
  const units = uniq([...[...quantUnits].slice(0, 12), ' ', '\t', 'a', '0', ' a', 'a ',
    ...examples.filter((e) => e.length <= 200).slice(0, 2)]);
  // An unanchored pattern is tried at every offset: its own prefixes, repeated, make it restart often.
  const restarts = uniq(patPrefixes.filter((p) => p.length >= 2 && p.length <= 40)).slice(-8);
  const prefixes = uniq([...patPrefixes.slice(0, 16), ...examples.flatMap((e) => exampleCuts(e, 6))]);
  const ends = (unit: string) => ['', '\u0001', ['!', '~', '"', ';', 'a', ' '].find((c) => !unit.includes(c)) ?? '!'];
  const perPrefix = units.length * 3;
  const room = Math.max(1, Math.floor((max - restarts.length * 3) / perPrefix));
  const values = new Set<string>();
  const fill = (prefix: string, unit: string, end: string) => {
    const n = length - prefix.length - end.length;
    if (n <= 0) return;
    values.add(prefix + unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + end);
  };
  for (const r of restarts) for (const end of ends(r)) fill('', r, end);
  for (const prefix of spread(prefixes, room)) for (const unit of units) for (const end of ends(unit)) fill(prefix, unit, end);
  return [...values];
}

function uniq<T>(xs: T[]): T[] { return [...new Set(xs)]; }

/** At most n items, evenly spread, keeping the first and the last. */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  if (n <= 1) return xs.slice(0, 1);
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}

export interface Timing { worstMs: number; worst?: string; timedOut: boolean; values: number }

/**
 * Match `re` against every value inside a vm context with a wall-clock limit, so that a catastrophic
 * pattern ends the measurement instead of hanging the test run. Values over `budgetMs` are measured
 * twice more and keep their fastest time (a scheduler pause is not the pattern's fault).
 */
export function timeRegex(re: RegExp, values: string[], budgetMs: number, limitMs = 5000): Timing {
  const ctx = vm.createContext({ re, values, times: [] as number[], now: () => performance.now() });
  const run = (script: string): boolean => {
    try { vm.runInContext(script, ctx, { timeout: limitMs }); return true; } catch { return false; }
  };
  if (!run('for (const v of values) { const t = now(); re.lastIndex = 0; re.exec(v); times.push(now() - t); }')) {
    const times = ctx.times as number[];
    return { worstMs: Infinity, worst: values[times.length], timedOut: true, values: values.length };
  }
  const times = ctx.times as number[];
  for (let i = 0; i < times.length; i++) {
    if (times[i] <= budgetMs) continue;
    ctx.i = i;
    for (let k = 0; k < 2 && times[i] > budgetMs; k++) {
      if (!run('{ const t = now(); re.lastIndex = 0; re.exec(values[i]); times[i] = Math.min(times[i], now() - t); }')) break;
    }
  }
  let w = 0;
  for (let i = 1; i < times.length; i++) if (times[i] > times[w]) w = i;
  return { worstMs: times[w] ?? 0, worst: values[w], timedOut: false, values: values.length };
}
