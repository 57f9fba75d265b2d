// Rules that can't be turned against the scanner. A device controls every string a rule reads, so a
// pattern that backtracks catastrophically is a way to stall a scan. Three checks:
//   1. static: recheck (automata theory, or fuzzing with step counts) proves every rule pattern and
//      every path pattern safe, i.e. linear in the input;
//   2. dynamic: every pattern is matched against adversarial 10,000-character values generated from its
//      own structure (test/helpers/adversarial.ts) and stays within a small per-value budget; body
//      patterns also against values of the full body cap;
//   3. the engine cuts every value to its field's cap before any pattern runs on it.
// Both checks are shown to fail on known catastrophic patterns, so they can fail.
//
// The budget is wide on purpose: on this project's 2-core machine the slowest value of any rule takes
// under 2 ms (fastest of three tries), a catastrophic pattern takes hundreds of milliseconds to forever
// on the same values (the pre-fix HP rule: 600 ms at 1,000 spaces, 10 s+ at 10,000).
import { beforeAll, describe, expect, it } from 'vitest';
import { check, type Diagnostics } from 'recheck';
import { matchRule } from '../src/fingerprint/engine.js';
import { MAX_BODY_CHARS, MAX_FIELD_CHARS } from '../src/fingerprint/fields.js';
import { compileRule, type Rule } from '../src/fingerprint/rules.js';
import { loadKnowledgeBase, loadVocabulary } from '../src/data/load.js';
import { adversarialValues, timeRegex } from './helpers/adversarial.js';

const kb = loadKnowledgeBase();
const BUDGET_MS = 20;
const BODY_BUDGET_MS = BUDGET_MS * (MAX_BODY_CHARS / 10_000);

/** Every regular expression the knowledge base runs on device data: rule patterns and path patterns. */
interface Pattern { id: string; source: string; flags: string; re: RegExp; examples: string[]; body: boolean }
const patterns: Pattern[] = kb.rules.flatMap((r: Rule) => {
  const body = [r.field, ...(r.also ?? [])].some((f) => f.endsWith('.body'));
  const out: Pattern[] = [{ id: r.id, source: r.pattern, flags: r.flags ?? '', re: r.regex, examples: r.examples.map((e) => String(e.value)), body }];
  if (r.pathRegex && r.path) out.push({ id: `${r.id} (path)`, source: r.path, flags: '', re: r.pathRegex, examples: r.examples.map((e) => e.path ?? '/'), body: false });
  return out;
});

// Catastrophic patterns that must fail both checks: the HP rule as it was (cubic), an unanchored
// "A anywhere before B" body rule as it was (quadratic), and the textbook exponential one.
const KNOWN_BAD: Array<{ source: string; flags: string; examples: string[]; body: boolean }> = [
  { source: '^HP HTTP Server;\\s*(?:HP )?(?<model>[^;]+?)\\s*(?:- [A-Z0-9]+)?\\s*(?:;|$)', flags: '', examples: ['HP HTTP Server; HP LaserJet M402dn'], body: false },
  { source: 'g_szCacheTime[\\s\\S]*iVMS|iVMS[\\s\\S]*g_szCacheTime', flags: '', examples: ['<script>var g_szCacheTime = "1";</script><title>iVMS</title>'], body: true },
  { source: '^(?:[a-z]+\\s?)+$', flags: 'i', examples: ['Network Camera'], body: false },
];

// recheck without wall-clock limits inside the analysis (its fuzzer then counts steps only, so a busy
// machine cannot turn a safe verdict into "vulnerable"); one overall limit so that a run always ends.
const RECHECK_PARALLEL = 4;
const RECHECK = { timeout: 240_000, attackTimeout: null, incubationTimeout: null, seedingTimeout: null } as const;

describe('regex safety: static check (recheck)', () => {
  const results = new Map<string, Diagnostics>();
  const bad: Diagnostics[] = [];
  beforeAll(async () => {
    // A few checks at a time: recheck starts an agent process per check in flight, and one per pattern
    // at once (hundreds) would take gigabytes of memory.
    const jobs: Array<() => Promise<void>> = [
      ...patterns.map((p) => async () => { results.set(p.id, await check(p.source, p.flags, RECHECK)); }),
      ...KNOWN_BAD.map((p) => async () => { bad.push(await check(p.source, p.flags, RECHECK)); }),
    ];
    let next = 0;
    await Promise.all(Array.from({ length: RECHECK_PARALLEL }, async () => { while (next < jobs.length) await jobs[next++](); }));
  }, Math.max(300_000, 120_000 + patterns.length * 400)); // the rule set grows; a busy CI machine needs the margin

  it('flags the known catastrophic patterns', () => {
    expect(bad.map((d) => d.status)).toEqual(KNOWN_BAD.map(() => 'vulnerable'));
  });

  for (const p of patterns) {
    it(`${p.id} is linear`, () => {
      const d = results.get(p.id)!;
      const why = d.status === 'vulnerable' ? `${d.complexity.summary}, attack ${d.attack.pattern}` : d.status === 'unknown' ? `unknown: ${JSON.stringify(d.error)}` : '';
      expect(d.status, `${p.id} /${p.source}/${p.flags}: ${why}`).toBe('safe');
    });
  }
});

describe('regex safety: adversarial 10,000-character values', () => {
  it('the generator and budget catch the known catastrophic patterns', () => {
    for (const p of KNOWN_BAD) {
      const re = new RegExp(p.source, p.flags);
      const length = p.body ? MAX_BODY_CHARS : 10_000;
      const t = timeRegex(re, adversarialValues(p.source, p.flags, { examples: p.examples, length, maxValues: 400 }), BUDGET_MS, 2000);
      expect(t.timedOut || t.worstMs > (p.body ? BODY_BUDGET_MS : BUDGET_MS), `/${p.source}/ worst ${t.worstMs} ms`).toBe(true);
    }
  }, 60_000);

  it('makes values of the asked length, including a near miss of the HP prefix followed by a long run', () => {
    const vals = adversarialValues(KNOWN_BAD[0].source, '', { examples: KNOWN_BAD[0].examples });
    expect(vals.length).toBeGreaterThan(50);
    for (const v of vals) expect(v.length).toBe(10_000);
    expect(vals.some((v) => /^HP HTTP Server; ?H? {100}/.test(v))).toBe(true);
  });

  for (const p of patterns) {
    it(`${p.id} stays under ${BUDGET_MS} ms per value`, () => {
      const values = adversarialValues(p.source, p.flags, { examples: p.examples });
      const t = timeRegex(p.re, values, BUDGET_MS);
      const shown = t.worst ? `${JSON.stringify(t.worst.slice(0, 48))}… (${t.worst.length} chars)` : '';
      expect(t.timedOut, `${p.id}: gave up after 5 s on ${shown}`).toBe(false);
      expect(t.worstMs, `${p.id}: ${t.worstMs.toFixed(1)} ms on ${shown}`).toBeLessThan(BUDGET_MS);
      if (p.body) {
        const big = timeRegex(p.re, adversarialValues(p.source, p.flags, { examples: p.examples, length: MAX_BODY_CHARS, maxValues: 150 }), BODY_BUDGET_MS);
        expect(big.timedOut || big.worstMs >= BODY_BUDGET_MS, `${p.id} at ${MAX_BODY_CHARS} chars: ${big.worstMs.toFixed(1)} ms`).toBe(false);
      }
    });
  }
});

describe('regex safety: the engine caps what a pattern sees', () => {
  const vocab = loadVocabulary();
  // A probe rule that records the length of what it was run on: it matches any value and captures it all.
  const probe = (field: string) => compileRule({
    id: 'x.probe', description: 'd', field, pattern: '^(?<all>[\\s\\S]*)$', extract: { product: 'p' }, confidence: 0.1,
    source: 'https://example.org/test-only', examples: [{ value: 'x', expect: { product: 'p' } }],
  }, 'probe.yaml', 0, vocab);
  const seen = (field: string, value: string, path?: string) => {
    const rule = probe(field);
    const exec = rule.regex.exec.bind(rule.regex);
    let longest = 0;
    rule.regex.exec = (s: string) => { longest = Math.max(longest, s.length); return exec(s); };
    if (rule.pathRegex) {
      const pexec = rule.pathRegex.test.bind(rule.pathRegex);
      rule.pathRegex.test = (s: string) => { longest = Math.max(longest, s.length); return pexec(s); };
    }
    matchRule(rule, value, path, field);
    return longest;
  };
  it(`header and other fields: at most ${MAX_FIELD_CHARS} characters`, () => {
    expect(seen('http.header.server', 'x'.repeat(1_000_000))).toBe(MAX_FIELD_CHARS);
    expect(seen('onvif.serial', 'DS-'.repeat(100_000))).toBe(MAX_FIELD_CHARS);
    expect(seen('http.header.server', 'short')).toBe(5);
  });
  it(`bodies: at most ${MAX_BODY_CHARS} characters`, () => {
    expect(seen('http.body', '<html>'.repeat(1_000_000))).toBe(MAX_BODY_CHARS);
  });
  it('request paths: at most 1 KiB', () => {
    const rule = compileRule({
      id: 'x.path', description: 'd', field: 'http.body', path: '^/(?:a+)+$', pattern: 'x', extract: { product: 'p' }, confidence: 0.1,
      source: 'https://example.org/test-only', examples: [{ value: 'x', path: '/a', expect: { product: 'p' } }],
    }, 'probe.yaml', 0, vocab);
    let longest = 0;
    const test = rule.pathRegex!.test.bind(rule.pathRegex!);
    rule.pathRegex!.test = (s: string) => { longest = Math.max(longest, s.length); return test(s); };
    matchRule(rule, 'x', `/${'b'.repeat(100_000)}`);
    expect(longest).toBe(MAX_FIELD_CHARS);
  });
});
