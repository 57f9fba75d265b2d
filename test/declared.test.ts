// Self-declared makers (src/fingerprint/declared.ts, src/data/fingerprints/declared.yaml): a value that
// IS a listed vendor's name names it; a value that only mentions one, software, platforms, unlisted
// companies and every id the policy catalogue lists by name are never named this way; and over the
// field corpus's tune half and the labelled device corpus a named maker stays right ≥ 98% of the time.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDeclaredIndex, hostOf, words } from '../src/fingerprint/declared.js';
import { firstMatch, identify } from '../src/fingerprint/engine.js';
import { compileRule, KnowledgeBaseError, type RawRule } from '../src/fingerprint/rules.js';
import { defaultKnowledgeBase, defaultMacLookup, loadCatalogue, loadPolicy } from '../src/data/load.js';
import { reservedIds } from '../src/policy/policy.js';
import { assess } from '../src/scan/scan.js';
import type { ObservationRecord } from '../src/model/types.js';
import { readCorpus, splitOf } from '../tools/field/corpus.js';
import { judgeAll, metrics } from '../tools/field/evaluate.js';
import { evaluate, parseCorpus } from '../tools/accuracy/accuracy.js';

const kb = defaultKnowledgeBase();
const vocab = kb.vocab;
const reserved = reservedIds(loadCatalogue());
const index = buildDeclaredIndex(vocab, reserved);
const rec = (r: Partial<ObservationRecord>): ObservationRecord => ({ ip: '127.215.0.1', seen_by: ['upnp'], ...r } as ObservationRecord);

describe('the vocabulary lookup', () => {
  it('names a maker by its name, legal name or alias, with legal-form and descriptive words around it', () => {
    expect(index.resolve('Axis Communications AB', 'name')).toEqual({ maker: 'axis' });
    expect(index.resolve('Shenzhen Reolink Technology Co., Ltd.', 'name')).toEqual({ maker: 'reolink' });
    expect(index.resolve('Samsung Techwin', 'name')).toEqual({ maker: 'hanwha' });
    expect(index.resolve('Samsung Electronics', 'name')).toEqual({ maker: 'samsung' });
    expect(index.resolve('SEIKO EPSON CORP.', 'name')).toEqual({ maker: 'epson' });
    expect(index.resolve('Logitech', 'name')).toEqual({ maker: 'logitech' });
  });
  it('names a brand with its owner, and a brand without one as a brand only', () => {
    expect(index.resolve('Tapo', 'name')).toEqual({ maker: 'tplink', brand: 'tapo' });
    expect(index.resolve('Denon', 'name')).toEqual({ maker: 'sound-united', brand: 'denon' });
    expect(index.resolve('http://www.linksysbycisco.com/', 'domain')).toEqual({ brand: 'linksys' });
  });
  it('reads a make-and-model string by its lead, and a domain exactly', () => {
    expect(index.resolve('Kyocera ECOSYS M5526cdw', 'lead')).toEqual({ maker: 'kyocera' });
    expect(index.resolve('Panasonic_BB-SC384B', 'lead')).toEqual({ maker: 'panasonic' });
    expect(index.resolve('https://www.synology.com:443/en-global', 'domain')).toEqual({ maker: 'synology' });
    expect(hostOf('www.avm.de')).toBe('avm.de');
  });
  it('reads a MAC prefix owner only for vendors whose registrations sit in their own devices', () => {
    expect(index.resolve('IKEA of Sweden AB', 'oui')).toEqual({ maker: 'ikea' });
    expect(index.resolve('Dell Inc.', 'oui')).toEqual({ maker: 'dell' });
    for (const org of ['Espressif Inc.', 'Hon Hai Precision Ind. Co.,Ltd.', 'AzureWave Technology Inc.', 'Murata Manufacturing Co., Ltd.', 'Corsair Memory, Inc.', 'Shenzhen Reecam Tech.Ltd.', 'Paradox Engineering SA']) {
      expect(index.resolve(org, 'oui'), org).toBeUndefined();
    }
    const lookup = defaultMacLookup();
    expect(firstMatch(kb, { field: 'mac.vendor', value: lookup('68:ec:8a:00:00:01')! })?.extracted.maker).toBe('ikea');
  });
  it('does not name a maker a value merely mentions', () => {
    for (const [v, mode] of [
      ['compatible with Axis', 'name'], ['Axis compatible camera', 'lead'], ['Axis-based encoder', 'lead'], ['Sony IMX sensor module', 'name'],
      ['Linux', 'name'], ['MiniUPnP', 'name'], ['Avahi', 'name'], ['Realtek Semiconductor Corp.', 'name'], ['Broadcom', 'name'],
      ['Hipcam (generic HiSilicon SDK)', 'name'], ['Axis Bank of Commerce', 'name'], ['Ring-style', 'lead'], ['Free Software Foundation', 'name'],
      ['AVTECH Software, Inc.', 'name'], ['http://www.broadcom.com/', 'domain'], ['http://miniupnp.free.fr/', 'domain'], ['http://sub.axis.com.evil.example/', 'domain'], ['', 'name'],
    ] as const) expect(index.resolve(v, mode), `${mode}: ${v}`).toBeUndefined();
  });
  it('never names a maker, brand or OEM label the policy catalogue lists by name', () => {
    expect([...reserved]).toEqual(expect.arrayContaining(['hikvision', 'dahua', 'huawei', 'zte', 'hytera', 'amcrest', 'lts', 'lorex', 'ezviz', 'imou', 'flir', 'uniview']));
    for (const id of reserved) {
      const e = vocab[id];
      if (!e) continue;
      for (const n of [e.name, e.legal, ...(e.aliases ?? []), ...(e.domains ?? []).map((d) => `http://www.${d}/`)].filter((x): x is string => !!x)) {
        for (const mode of ['name', 'lead', 'domain'] as const) {
          const r = index.resolve(n, mode);
          expect(r?.maker && reserved.has(r.maker), `${id}: ${mode} ${n}`).toBeFalsy();
          expect(r?.brand && reserved.has(r.brand), `${id}: ${mode} ${n}`).toBeFalsy();
        }
      }
    }
  });
  it('an OEM label in a manufacturer field keeps its dedicated rules: brand named, verdict suspect, no self-declared maker', () => {
    const policy = loadPolicy('ndaa', vocab);
    for (const [field, value] of [['manufacturer', 'Amcrest'], ['manufacturer', 'LTS'], ['manufacturer', 'Lorex Technology Inc.']] as const) {
      const a = assess(rec({ upnp: { [field]: value } }), { kb, policy, macVendor: defaultMacLookup() });
      expect(a.identification.evidence.filter((e) => e.rule.startsWith('declared.')), value).toEqual([]);
      expect(a.verdict.status, value).not.toBe('restricted');
    }
  });
  it('holds for any string: it never throws, and names only makers and brands of the vocabulary that are not reserved', () => {
    const names = Object.values(vocab).flatMap((e) => [e.name, ...(e.aliases ?? [])]);
    const arb = fc.oneof(fc.string({ maxLength: 300 }), fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 40 })).map(([n, s]) => `${n}${s}`),
      fc.tuple(fc.string({ maxLength: 40 }), fc.constantFrom(...names)).map(([s, n]) => `${s} ${n}`));
    fc.assert(fc.property(arb, fc.constantFrom('name', 'lead', 'domain' as const), (v, mode) => {
      const r = index.resolve(v, mode);
      if (!r) return;
      for (const id of [r.maker, r.brand]) {
        if (!id) continue;
        expect(['maker', 'brand']).toContain(vocab[id]?.kind);
        expect(reserved.has(id)).toBe(false);
      }
    }), { numRuns: 3000 });
    expect(words('x'.repeat(100_000)).length).toBeLessThanOrEqual(24);
  });
});

describe('declared rules in the engine', () => {
  it('a dedicated rule claims a value before a self-declared rule of the same field', () => {
    expect(firstMatch(kb, { field: 'upnp.manufacturer', value: 'AXIS' })?.rule.id).toBe('axis.upnp.manufacturer');
    expect(firstMatch(kb, { field: 'upnp.manufacturer', value: 'Logitech' })?.rule.id).toBe('declared.manufacturer');
  });
  it('a value no vendor owns is left to no rule rather than claimed empty', () => {
    expect(firstMatch(kb, { field: 'upnp.manufacturer', value: 'Broadcom Corporation' })).toBeUndefined();
    expect(firstMatch(kb, { field: 'upnp.manufacturerURL', value: 'http://www.broadcom.com/' })).toBeUndefined();
  });
  it('names the maker of a device that declares it in its UPnP description', () => {
    const id = identify(rec({ upnp: { manufacturer: 'Logitech', modelName: 'Harmony Hub' } }), kb);
    expect(id.maker).toBe('logitech');
  });
  it('rejects a declared rule without the (?<d>…) group, with maker/brand in extract, or with an unknown mode', () => {
    const good: RawRule = { id: 'x.declared', description: 'd', field: 'upnp.manufacturer', declared: 'name', pattern: '^(?<d>.{2,20})', confidence: 0.5, source: 'a real source here', examples: [{ value: 'Logitech', expect: { maker: 'logitech' } }] } as RawRule;
    expect(compileRule(good, 'f.yaml', 0, vocab).resolve).toBeTypeOf('function');
    expect(() => compileRule({ ...good, pattern: '^(.{2,20})' }, 'f.yaml', 0, vocab)).toThrow(KnowledgeBaseError);
    expect(() => compileRule({ ...good, extract: { maker: 'axis' } }, 'f.yaml', 0, vocab)).toThrow(KnowledgeBaseError);
    expect(() => compileRule({ ...good, declared: 'guess' as never }, 'f.yaml', 0, vocab)).toThrow(KnowledgeBaseError);
  });
});

describe('a named maker stays right', () => {
  const policy = loadPolicy('ndaa', vocab);
  const judge = (r: ObservationRecord) => assess(r, { kb, policy, macVendor: defaultMacLookup() });
  it('on the tune half of the field corpus: ≥ 98% (the check half is not read here)', () => {
    const { records, moved } = readCorpus(path.join(import.meta.dirname, '..', 'fixtures', 'field'));
    const m = metrics(judgeAll(records.filter((r) => splitOf(r, moved) === 'tune'), moved, judge, policy), 'tune', false);
    expect(m.maker_right.named).toBeGreaterThan(300);
    expect(m.maker_right.rate, m.maker_right.wrong.join(', ')).toBeGreaterThanOrEqual(0.98);
  });
  it('on the labelled device corpus (fixtures/devices): ≥ 98%', () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'devices');
    const files = readdirSync(dir).filter((f) => /\.jsonl?$/.test(f)).sort().map((f) => ({ file: f, text: readFileSync(path.join(dir, f), 'utf8') }));
    const { cases } = parseCorpus(files, vocab);
    const m = evaluate(cases, judge, policy);
    const named = m.results.filter((r) => r.got.maker && r.expected.maker && r.expected.maker !== 'unknown');
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((r) => r.maker_ok).length / named.length).toBeGreaterThanOrEqual(0.98);
  });
});
