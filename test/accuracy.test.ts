// The labelled device corpus (fixtures/devices) and the accuracy gates of issue 4: restricted-maker
// recall (restricted or suspect) >= 0.98 and no device of a non-restricted maker judged `restricted`.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, expectedVerdictFor, formatReport, parseCorpus, restrictedIds, type AssessFn, type CorpusCase } from '../tools/accuracy/accuracy.js';
import { defaultKnowledgeBase, defaultMacLookup } from '../src/data/load.js';
import { loadPolicy } from '../src/data/load.js';
import { assess } from '../src/scan/scan.js';
import type { Identification, Verdict, VerdictStatus } from '../src/model/types.js';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'devices');
const files = readdirSync(DIR).filter((f) => /\.jsonl?$/.test(f)).sort().map((f) => ({ file: f, text: readFileSync(path.join(DIR, f), 'utf8') }));
const kb = defaultKnowledgeBase();
const { cases, problems } = parseCorpus(files, kb.vocab);
const run = (policyName: string) => {
  const policy = loadPolicy(policyName, kb.vocab);
  return evaluate(cases, (rec) => assess(rec, { kb, policy, macVendor: defaultMacLookup() }), policy);
};

describe('device corpus', () => {
  it('every record parses and carries expectations, sources and a note', () => {
    expect(problems, problems.map((p) => `${p.where}: ${p.problem}`).join('\n')).toEqual([]);
    for (const c of cases) {
      expect(c.expected.verdict, c.id).toMatch(/^(restricted|suspect|clear|unknown)$/);
      expect(c.sources.length, c.id).toBeGreaterThan(0);
      expect(c.note.length, c.id).toBeGreaterThan(8);
    }
  });

  it('is big and varied enough (>= 80 devices, >= 25 makers, >= 30 from restricted makers or their OEM brands)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const makers = new Set(cases.map((c) => c.expected.maker ?? c.expected.brand).filter(Boolean));
    expect(makers.size).toBeGreaterThanOrEqual(25);
    const { makers: listed } = restrictedIds(loadPolicy('ndaa', kb.vocab));
    const oem = new Set(loadPolicy('all', kb.vocab).entities.flatMap((e) => [...(e.brands ?? []), ...(e.oem_brands ?? [])].map((b) => b.id)));
    const restrictedish = cases.filter((c) => (c.expected.maker && listed.has(c.expected.maker)) || (c.expected.brand && oem.has(c.expected.brand)));
    expect(restrictedish.length).toBeGreaterThanOrEqual(30);
  });

  it('covers every verdict and the hard-case families', () => {
    const verdicts = new Set(cases.map((c) => c.expected.verdict));
    expect([...verdicts].sort()).toEqual(['clear', 'restricted', 'suspect', 'unknown']);
    const ids = cases.map((c) => c.id).join(' ');
    for (const family of ['lts-', 'annke-', 'amcrest-', 'lorex-', 'icrealtime-', 'honeywell-', 'xiongmai-', 'hipcam', 'huawei-', 'zte-', 'uniview-', 'tiandy-', 'bare-oui', 'nvr', 'dvr']) {
      expect(ids, family).toContain(family);
    }
  });
});

describe('accuracy gates (ndaa)', () => {
  const m = run('ndaa');
  it(`restricted-maker recall >= ${m.gates.min_recall}`, () => {
    expect(m.restricted.total).toBeGreaterThanOrEqual(30);
    expect(m.restricted.missed, 'missed restricted-maker devices').toEqual([]);
    expect(m.restricted.recall).toBeGreaterThanOrEqual(0.98);
  });
  it('no device of a non-restricted maker is judged restricted', () => {
    expect(m.false_restricted).toEqual([]);
  });
  it('each record gets its expected verdict', () => {
    const failures = m.verdict_misses.map((r) => `${r.id}: expected ${r.expected_verdict}, got ${r.got.verdict} (maker ${r.got.maker ?? '-'} ${r.got.maker_score})`);
    expect(failures).toEqual([]);
  });
  it('recorders report the cameras behind them', () => {
    const nvr = m.results.find((r) => r.id === 'hik-nvr-ds7608-sadp');
    expect(nvr?.got.channels).toEqual({ analog: 0, ip: 8, total: 8, from: 'sadp' });
    const dnvr = m.results.find((r) => r.id === 'dahua-nvr5416-dhip');
    expect(dnvr?.got.channels?.total).toBe(16);
    const cam = m.results.find((r) => r.id === 'hik-ipc-ds2cd2143-full');
    expect(cam?.got.channels).toBeUndefined();
  });
  it('prints the summary with both gates', () => {
    const text = formatReport(m);
    expect(text).toContain('restricted-maker recall');
    expect(text).toContain('judged restricted: 0 OK');
    expect(text).toMatch(/PASS$/);
  });
});

describe('accuracy under other policies', () => {
  it('uk: the expectations given for it hold, and gates pass', () => {
    const m = run('uk');
    expect(m.verdicts.checked).toBeGreaterThan(0);
    expect(m.verdict_misses.map((r) => `${r.id}: expected ${r.expected_verdict}, got ${r.got.verdict}`)).toEqual([]);
    expect(m.gates.pass).toBe(true);
  });
});

describe('evaluate (pure)', () => {
  const policy = loadPolicy('ndaa', kb.vocab);
  const mk = (id: string, maker: string | undefined, verdict: VerdictStatus): CorpusCase => ({
    id, file: 't', record: { ip: '1', x_id: id }, expected: { maker, verdict }, sources: ['test'], note: 'test case',
  });
  const fake = (table: Record<string, [string | undefined, VerdictStatus]>): AssessFn => (rec) => {
    const [maker, status] = table[rec.x_id as string];
    return {
      identification: { maker, maker_score: maker ? 0.9 : 0, conflicts: [], evidence: [], reasoning: [] } as Identification,
      verdict: { status, listings: [], reasons: [], policy: 'ndaa' } as Verdict,
    };
  };
  it('counts suspect as caught, flags false restricted, fills the confusion matrix and per-maker stats', () => {
    const cs = [mk('a', 'hikvision', 'restricted'), mk('b', 'dahua', 'suspect'), mk('c', 'axis', 'clear'), mk('d', undefined, 'unknown')];
    const m = evaluate(cs, fake({ a: ['hikvision', 'restricted'], b: [undefined, 'suspect'], c: ['hikvision', 'restricted'], d: [undefined, 'unknown'] }), policy);
    expect(m.restricted).toMatchObject({ total: 2, caught: 2, recall: 1 });
    expect(m.false_restricted).toEqual(['c']);
    expect(m.gates.pass).toBe(false);
    expect(m.confusion.clear.restricted).toBe(1);
    expect(m.confusion.restricted.restricted).toBe(1);
    expect(m.makers.find((s) => s.maker === 'hikvision')).toMatchObject({ expected: 1, identified: 2, tp: 1, precision: 0.5, recall: 1 });
    expect(m.makers.find((s) => s.maker === 'dahua')).toMatchObject({ recall: 0 });
    expect(formatReport(m)).toMatch(/FAIL$/);
  });
  it('fails the recall gate when a restricted maker is judged clear', () => {
    const m = evaluate([mk('a', 'dahua', 'restricted')], fake({ a: [undefined, 'clear'] }), policy);
    expect(m.restricted.missed).toEqual(['a']);
    expect(m.gates.recall_ok).toBe(false);
  });
  it('expected verdicts are per policy', () => {
    expect(expectedVerdictFor({ verdict: 'clear', verdicts: { uk: 'restricted' } }, 'uk')).toBe('restricted');
    expect(expectedVerdictFor({ verdict: 'clear' }, 'ndaa')).toBe('clear');
    expect(expectedVerdictFor({ verdict: 'clear' }, 'fcc')).toBeUndefined();
  });
  it('reports malformed corpus records instead of skipping them', () => {
    const r = parseCorpus([
      { file: 'x.jsonl', text: '{"ip":"1"}\nnot json\n{"ip":"2","x_expected":{"verdict":"maybe"},"x_sources":["a source"],"x_note":"a note here"}\n' },
      { file: 'y.json', text: '[{"ip":"3","x_expected":{"verdict":"clear","maker":"nosuch"},"x_sources":["a source"],"x_note":"a note here"}]' },
    ], kb.vocab);
    expect(r.cases).toEqual([]);
    const text = r.problems.map((p) => `${p.where}: ${p.problem}`).join('\n');
    expect(text).toContain('x.jsonl:1: missing "x_expected"');
    expect(text).toContain('x.jsonl:2: not JSON');
    expect(text).toContain('x.jsonl:3: x_expected.verdict');
    expect(text).toContain('y.json[0]: x_expected.maker "nosuch"');
  });
});
