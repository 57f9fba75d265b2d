// The bounded memo of the fingerprint engine's firstMatch (issue 11: a dense network repeats the same
// banners, titles and pages 254 times). It must give exactly the answers the rules give, stay within
// its fixed size whatever it is fed, and run a field's rules once per repeated value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstMatch, matchMemoStats, matchRule, MATCH_MEMO_CHARS, MATCH_MEMO_MAX } from '../src/fingerprint/engine.js';
import { indexRules, type KnowledgeBase, type Rule } from '../src/fingerprint/rules.js';
import { loadKnowledgeBase } from '../src/data/load.js';

/** The answer without any memo: the rules of the field in order, the first that matches. */
function reference(kb: KnowledgeBase, field: string, value: string, path?: string) {
  for (const rule of kb.byField.get(field) ?? []) {
    const hit = matchRule(rule, value, path, field);
    if (hit) return { rule, ...hit };
  }
  return undefined;
}

const kb = loadKnowledgeBase();
const examples = kb.rules.flatMap((r) => r.examples.map((e) => ({ field: r.field, value: e.value, path: e.path })));

describe('firstMatch memo', () => {
  it('gives the same answer as the rules for every rule example, asked twice (the second time from the memo)', () => {
    for (const ex of examples) {
      const want = reference(kb, ex.field, ex.value, ex.path);
      for (let i = 0; i < 2; i++) {
        const got = firstMatch(kb, ex);
        expect(got?.rule.id, `${ex.field} ${ex.value.slice(0, 60)}`).toBe(want?.rule.id);
        expect(got && { ...got, rule: got.rule.id }).toEqual(want && { ...want, rule: want.rule.id });
      }
    }
  });

  it('same answers on arbitrary values, repeated and interleaved (property)', () => {
    const fields = [...kb.byField.keys()];
    fc.assert(fc.property(fc.array(fc.record({
      f: fc.integer({ min: 0, max: fields.length - 1 }),
      v: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...examples.map((e) => e.value).slice(0, 200))),
    }), { maxLength: 30 }), (xs) => {
      for (const x of [...xs, ...xs]) {
        const field = fields[x.f]!;
        const got = firstMatch(kb, { field, value: x.v });
        const want = reference(kb, field, x.v);
        expect(got?.rule.id).toBe(want?.rule.id);
        expect(got?.extracted).toEqual(want?.extracted);
      }
    }), { numRuns: 60 });
  });

  it('stays within its fixed size: entries and key characters', () => {
    const own = loadKnowledgeBase();
    for (let i = 0; i < MATCH_MEMO_MAX * 3; i++) firstMatch(own, { field: 'http.header.server', value: `server-${i}` });
    expect(matchMemoStats(own).size).toBe(MATCH_MEMO_MAX);
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 100; i++) firstMatch(own, { field: 'http.body', value: `${i} ${big}` });
    const st = matchMemoStats(own);
    expect(st.size).toBeLessThanOrEqual(MATCH_MEMO_MAX);
    expect(st.keyChars).toBeLessThanOrEqual(MATCH_MEMO_CHARS);
    expect(st.keyChars).toBeGreaterThan(0);
  });

  it('runs the rules once per repeated value, evicts the least recently used, and hands out copies', () => {
    let runs = 0;
    class Counting extends RegExp { override exec(s: string) { runs++; return super.exec(s); } }
    const rule = { ...kb.rules.find((r) => r.field === 'http.header.server')!, id: 'memo-test', regex: new Counting('^(Acme)-cam', 'i'), extract: { maker: '{1}' } } as Rule;
    const small = indexRules([rule], kb.vocab);
    const a = firstMatch(small, { field: rule.field, value: 'ACME-cam 1.0' });
    expect(a?.extracted).toEqual({ maker: 'acme' });
    a!.extracted.maker = 'changed';
    for (let i = 0; i < 253; i++) expect(firstMatch(small, { field: rule.field, value: 'ACME-cam 1.0' })?.extracted).toEqual({ maker: 'acme' });
    expect(firstMatch(small, { field: rule.field, value: 'other' })).toBeUndefined();
    expect(firstMatch(small, { field: rule.field, value: 'other' })).toBeUndefined();
    expect(runs).toBe(2); // one per distinct value, misses included
    for (let i = 0; i < MATCH_MEMO_MAX; i++) firstMatch(small, { field: rule.field, value: `v${i}` });
    runs = 0;
    firstMatch(small, { field: rule.field, value: 'ACME-cam 1.0' }); // evicted: matched again
    expect(runs).toBe(1);
  });
});
