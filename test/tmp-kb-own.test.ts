import { describe, it, expect } from 'vitest';
import { loadKnowledgeBase } from '../src/fingerprint/rules.js';
import { firstMatch } from '../src/fingerprint/engine.js';

const kb = loadKnowledgeBase();
describe('kb own check', () => {
  it('counts', () => {
    const per: Record<string, number> = {};
    for (const r of kb.rules) per[r.file] = (per[r.file] ?? 0) + 1;
    console.log(JSON.stringify(per), kb.rules.length);
  });
  for (const rule of kb.rules) {
    rule.examples.forEach((ex, i) => {
      it(`${rule.id} #${i}`, () => {
        const hit = firstMatch(kb, { field: rule.field, value: ex.value, path: ex.path });
        expect(hit?.rule.id, `claimed by ${hit?.rule.id}`).toBe(rule.id);
        for (const k of ['maker','brand'] as const) { const v = (hit!.extracted as any)[k]; if (v) expect(kb.vocab[v], `vocab ${v}`).toBeTruthy(); }
        for (const [k, v] of Object.entries(ex.expect)) expect((hit!.extracted as Record<string, string>)[k], k).toBe(v);
        for (const k of Object.keys(hit!.extracted)) expect(Object.keys(ex.expect), `unexpected key ${k}=${(hit!.extracted as any)[k]}`).toContain(k);
      });
    });
  }
});
