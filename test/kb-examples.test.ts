// recog-style self-test of the knowledge base: every rule has a source and examples, each example is
// claimed FIRST by its own rule (no earlier rule on the same field takes it), and it extracts what the
// example says.
import { describe, expect, it } from 'vitest';
import { firstMatch } from '../src/fingerprint/engine.js';
import { compileRule, indexRules, KnowledgeBaseError, type RawRule } from '../src/fingerprint/rules.js';
import { loadKnowledgeBase, loadVocabulary } from '../src/data/load.js';

const kb = loadKnowledgeBase();

describe('knowledge base', () => {
  it('loads, with unique ids and a real size', () => {
    expect(kb.rules.length).toBeGreaterThan(40);
    expect(new Set(kb.rules.map((r) => r.id)).size).toBe(kb.rules.length);
  });

  it('every rule cites a source and carries examples', () => {
    for (const r of kb.rules) {
      expect(r.source.length, r.id).toBeGreaterThan(8);
      expect(r.examples.length, r.id).toBeGreaterThan(0);
    }
  });

  for (const rule of kb.rules) {
    it(`${rule.file} ${rule.id}: each example is claimed by this rule with the stated extraction`, () => {
      for (const ex of rule.examples) {
        const hit = firstMatch(kb, { field: rule.field, value: String(ex.value), path: ex.path });
        expect(hit?.rule.id, `example ${JSON.stringify(ex.value)} of ${rule.id} was claimed by ${hit?.rule.id ?? 'no rule'}`).toBe(rule.id);
        for (const [k, v] of Object.entries(ex.expect ?? {})) {
          expect((hit!.extracted as Record<string, string>)[k], `${rule.id}: ${k} of ${JSON.stringify(ex.value)}`).toBe(String(v));
        }
      }
    });
  }
});

describe('rule validation rejects bad data', () => {
  const vocab = loadVocabulary();
  const good: RawRule = {
    id: 'x.test', description: 'd', field: 'http.header.server', pattern: '^x$', extract: { maker: 'axis' }, confidence: 0.5,
    source: 'a real source here', examples: [{ value: 'x', expect: { maker: 'axis' } }],
  };
  const bad: Array<[string, Partial<RawRule>]> = [
    ['no source', { source: '' }], ['no examples', { examples: [] }], ['unknown field', { field: 'http.nope' }],
    ['bad regex', { pattern: '(' }], ['inline flag group', { pattern: '(?i)x' }], ['unknown maker', { extract: { maker: 'nosuchvendor' } }],
    ['bad confidence', { confidence: 2 }], ['unknown field in also', { also: ['nope.field'] }], ['bad flags', { flags: 'g' }], ['bad extract key', { extract: { colour: 'x' } as never }],
  ];
  it('accepts a good rule', () => { expect(compileRule(good, 'f.yaml', 0, vocab).id).toBe('x.test'); });
  it('indexes a rule under every field it reads (also)', () => {
    const r = compileRule({ ...good, field: 'onvif.model', also: ['upnp.modelName', 'sadp.DeviceDescription'] }, 'f.yaml', 0, vocab);
    const k = indexRules([r], vocab);
    for (const f of ['onvif.model', 'upnp.modelName', 'sadp.DeviceDescription']) expect(firstMatch(k, { field: f, value: 'x' })?.rule.id, f).toBe('x.test');
  });
  for (const [name, patch] of bad) {
    it(`rejects: ${name}`, () => { expect(() => compileRule({ ...good, ...patch } as RawRule, 'f.yaml', 0, vocab)).toThrow(KnowledgeBaseError); });
  }
});
