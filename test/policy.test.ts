// The policy data as a compliance reviewer reads it: every instrument with its type, scope, dates in force
// and a primary source; verdict sentences in each instrument's own terms (a criterion is never said to
// "name" anyone); the UK criterion applied from recorded facts to every maker that meets it; OEM
// relations with a confidence; own-key lookups; user policy strings cleaned before any terminal.
import { VERSION } from '../src/version.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { loadVocabulary, defaultMacLookup } from '../src/data/load.js';
import { judge, LIST_TYPES, listingPhrase, listingRefs, OEM_CONFIDENCE, PolicyError, restrictsDevice, staleNotice } from '../src/policy/policy.js';
import { loadCatalogue, loadPolicy, packNames, parsePolicyFile } from '../src/data/load.js';
import { renderIds, renderVendors } from '../src/cli/vendors.js';
import { evaluate, parseCorpus } from '../tools/accuracy/accuracy.js';
import { corpusFiles } from '../tools/accuracy/main.js';
import { defaultKnowledgeBase } from '../src/data/load.js';
import { assess } from '../src/scan/scan.js';
import { buildReport } from '../src/report/report.js';
import type { Identification, ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

const vocab = loadVocabulary();
const cat = loadCatalogue();
const all = loadPolicy('all', vocab);
const idn = (p: Partial<Identification>): Identification => ({ maker_score: 0, conflicts: [], evidence: [], reasoning: [], ...p });
const strong = (maker: string, extra: Partial<Identification> = {}) => idn({ maker, maker_score: 0.95, ...extra });
const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-policy-'));
const DATE = /^\d{4}-\d{2}(-\d{2})?$/;
// A primary source: statute, Federal Register, CFR, an agency's own site or notice, parliament, a government.
const PRIMARY = /Pub\. L\.|\d+ FR \d+|CFR|acquisition\.gov|fcc\.gov|govinfo\.gov|FCC \d\d-\d+|DA \d\d-\d+|parliament\.uk|HCWS|npsa\.gov\.uk|defense\.gov|eCFR|canada\.ca|Minister of Industry|gov\.texas\.gov|Texas Governor|aph\.gov\.au|Senate Hansard|European Parliament|federalregister\.gov/;

describe('every instrument says what it is, whom it binds, since when, from a primary source', () => {
  const expectations: Record<string, { type: string; in_force?: string; signed?: string; phases?: string[]; source: RegExp }> = {
    'us-ndaa-889': { type: 'prohibition', signed: '2018-08-13', in_force: '2019-08-13', phases: ['2019-08-13', '2020-08-13'], source: /Pub\. L\. 115-232/ },
    'us-fcc-covered': { type: 'prohibition', in_force: '2021-03-12', phases: ['2021-03-12', '2022-03-25', '2022-09-20', '2025-12-22'], source: /DA 21-309/ },
    'us-fcc-ea-ban': { type: 'prohibition', signed: '2022-11-11', in_force: '2023-02-06', phases: ['2022-11-11', '2023-02-06', '2025-12-26'], source: /FCC 22-84/ },
    'us-bis-entity': { type: 'export-control', phases: ['2025-09-29', '2025-11-10'], source: /15 CFR part 744/ },
    'uk-wms-2022': { type: 'procurement-criterion', signed: '2022-11-24', in_force: '2022-11-24', source: /HCWS386/ },
    'us-dod-1260h': { type: 'contracting-ban', signed: '2023-12-22', in_force: '2026-06-30', phases: ['2026-06-30', '2027-06-30'], source: /Pub\. L\. 118-31 §805/ },
    'ca-hikvision-2025': { type: 'prohibition', signed: '2025-06-27', in_force: '2025-06-27', source: /Minister of Industry/ },
    'us-tx-prohibited-tech': { type: 'prohibition', signed: '2022-12-07', in_force: '2023-01', phases: ['2023-01', '2026-01-26'], source: /Texas Governor|gov\.texas\.gov/ },
    'au-defence-2023': { type: 'information', in_force: '2023-02-09', source: /Senate Hansard/ },
    'eu-ep-2021': { type: 'information', in_force: '2021-04', source: /European Parliament/ },
  };
  it('knows exactly these instruments', () => {
    expect(Object.keys(cat.lists).sort()).toEqual(Object.keys(expectations).sort());
  });
  for (const [id, exp] of Object.entries(expectations)) {
    it(`${id}: ${exp.type}, scope, dates and source`, () => {
      const l = cat.lists[id];
      expect(LIST_TYPES).toContain(l.type);
      expect(l.type).toBe(exp.type);
      expect(l.scope && l.scope.length, 'scope: whom it binds').toBeGreaterThan(60);
      expect(l.instrument.length).toBeGreaterThan(30);
      expect(l.in_force).toBe(exp.in_force);
      expect(l.signed).toBe(exp.signed);
      if (exp.phases) expect(l.phases.map((p) => p.date)).toEqual(exp.phases);
      for (const p of l.phases) expect(p.date).toMatch(DATE);
      expect(l.sources.length).toBeGreaterThan(0);
      expect(l.sources.join(' ')).toMatch(exp.source);
      expect(l.sources[0], 'first source is a primary one').toMatch(PRIMARY);
      // No law-firm blog, news site or parliamentary mirror as a list's source.
      expect(l.sources.join(' ')).not.toMatch(/governmentcontractslaw|news\.yahoo|asiaone|eldaddp|parallelparliament|hornobservers/);
    });
  }
  it('every company listing resolves to a date in force and a source; unconfirmed ones say so', () => {
    for (const e of all.entities) {
      for (const r of listingRefs(e, all)) {
        expect(r.date, `${e.id} ${r.list_id}`).toMatch(DATE);
        expect(r.source.length, `${e.id} ${r.list_id}`).toBeGreaterThan(10);
        if (/^\d{4}-\d{2}$/.test(r.date) && r.type !== 'information') expect(r.status, `${e.id} ${r.list_id}: a month-only date is flagged`).toBeDefined();
      }
    }
  });
  it('per-company dates are the dates in force, with the act that listed them', () => {
    const ref = (entity: string, list: string) => listingRefs(all.entities.find((e) => e.id === entity)!, all).find((r) => r.list_id === list)!;
    expect(ref('tiandy', 'us-bis-entity')).toMatchObject({ date: '2022-12-16', cite: '87 FR 77505' });
    expect(ref('hikvision', 'us-bis-entity')).toMatchObject({ date: '2019-10-09', cite: '84 FR 54002' });
    expect(ref('dahua', 'us-bis-entity')).toMatchObject({ date: '2019-10-09', cite: '84 FR 54002' });
    expect(ref('huawei', 'us-bis-entity')).toMatchObject({ date: '2019-05-16', cite: '84 FR 22961' });
    expect(ref('uniview', 'us-bis-entity')).toMatchObject({ cite: '89 FR 99702', status: 'unverified' });
    expect(ref('hikvision', 'us-ndaa-889')).toMatchObject({ date: '2019-08-13', type: 'prohibition' });
    expect(ref('dahua', 'us-dod-1260h')).toMatchObject({ date: '2022-10-05' });
    expect(ref('hikvision', 'ca-hikvision-2025')).toMatchObject({ date: '2025-06-27' });
    expect(ref('uniview', 'us-tx-prohibited-tech')).toMatchObject({ date: '2026-01-26' });
  });
  it('ownership periods have a source for both ends or an explicit end unknown', () => {
    for (const e of cat.entities) for (const b of e.brands ?? []) {
      if (b.from || b.to || b.end) expect(b.to ?? b.end, `${e.id}/${b.id}`).toBeTruthy();
      if (b.end) expect(b.end).toMatch(/^unknown: /);
      expect(b.source.length).toBeGreaterThan(10);
    }
    const dahua = cat.entities.find((e) => e.id === 'dahua')!;
    expect(dahua.brands!.find((b) => b.id === 'lorex')).toMatchObject({ from: '2018-02-06', to: undefined });
    expect(dahua.brands!.find((b) => b.id === 'imou')!.to).toBeUndefined();
  });
  it('the packs exist and `all` includes every list', () => {
    expect(packNames()).toEqual(expect.arrayContaining(['ndaa', 'fcc', 'uk', 'entity-list', 'dod-1260h', 'canada', 'texas', 'all']));
    expect(Object.keys(all.lists).sort()).toEqual(Object.keys(cat.lists).sort());
    expect(loadPolicy('dod-1260h').entities.map((e) => e.id).sort()).toEqual(['dahua', 'hikvision', 'huawei', 'tplink']);
    expect(loadPolicy('canada').entities.map((e) => e.id)).toEqual(['hikvision']);
    expect(loadPolicy('texas').entities.map((e) => e.id).sort()).toEqual(['dahua', 'hikvision', 'huawei', 'hytera', 'tplink', 'uniview', 'zte']);
  });
  it('pack descriptions are true: fcc no longer says "same five makers"', () => {
    expect(cat.packs.fcc.description).not.toMatch(/same five/);
    expect(cat.packs.fcc.description).toMatch(/Kaspersky/);
    expect(cat.packs['entity-list'].description).toMatch(/export control/);
    expect(cat.packs.uk.description).toMatch(/criterion; names no company/);
  });
});

describe('verdict sentences use each instrument\'s own terms', () => {
  const sentences = (policy: string, id: Identification) => judge(id, loadPolicy(policy), vocab).reasons.join(' ');
  it('no verdict sentence says a criterion list names anyone', () => {
    const crit = Object.entries(cat.lists).filter(([, l]) => l.criterion);
    expect(crit.length).toBeGreaterThan(0);
    for (const e of all.entities) for (const r of listingRefs(e, all)) {
      const def = all.lists[r.list_id!];
      if (def.criterion) expect(listingPhrase('X', r, def)).not.toMatch(/named/i);
    }
    const uk = loadPolicy('uk');
    for (const e of uk.entities) for (const m of e.makers) {
      for (const id of [strong(m, { device_type: 'camera' }), idn({ maker: m, maker_score: 0.5 })]) {
        const text = judge(id, uk, vocab).reasons.join(' ');
        expect(text).toMatch(/within the UK 2022 criterion \(procurement criterion; camsweep's reading: PRC-headquartered maker\); the statement names no company; applies to sensitive central-government sites/);
        expect(text).not.toMatch(/named/i);
      }
    }
  });
  it('the Entity List is an export control, with its rule and date in force', () => {
    const t = sentences('entity-list', strong('hikvision'));
    expect(t).toContain('Hikvision is on the US Entity List (export control; 84 FR 54002, in force 2019-10-09): it restricts exports to the company, not buying or using its devices');
    expect(sentences('entity-list', strong('tiandy'))).toContain('(export control; 87 FR 77505, in force 2022-12-16)');
    expect(t).not.toMatch(/ban|prohibit/i);
  });
  it('§889 and the 1260H list read as what they are', () => {
    expect(sentences('ndaa', strong('dahua'))).toContain('Dahua is named in US NDAA FY2019 §889 (prohibition; Pub. L. 115-232 §889(f)(3)(B), in force 2019-08-13)');
    expect(sentences('dod-1260h', strong('dahua'))).toContain('Dahua is on the DoD 1260H list of Chinese military companies (contracting ban; FY2024 NDAA §805, listed since 2022-10-05, ban in force 2026-06-30)');
  });
  it('information-only entries are shown but never decide a verdict', () => {
    const info = parsePolicyFile('name: info-only\nextends: ndaa\nuse_lists: [au-defence-2023, eu-ep-2021]\n', 'info.yaml', vocab);
    expect(judge(strong('hikvision', { device_type: 'camera' }), info, vocab).status).toBe('clear');
    const v = judge(strong('hikvision', { device_type: 'camera' }), all, vocab);
    expect(v.status).toBe('restricted');
    expect(v.reasons.join(' ')).toMatch(/For information \(not a restricting instrument\): Hikvision is named in the Australian Government's 2023 removals \(information only;/);
  });
  it('a criterion that covers surveillance equipment does not catch a router', () => {
    const uk = loadPolicy('uk');
    const router = judge(strong('huawei', { device_type: 'router' }), uk, vocab);
    expect(router.status).toBe('clear');
    expect(router.reasons[0]).toMatch(/covers visual surveillance equipment, and this device is a router/);
    expect(judge(strong('huawei', { device_type: 'camera' }), uk, vocab).status).toBe('restricted');
    expect(judge(strong('huawei', { device_type: 'router' }), loadPolicy('ndaa'), vocab).status).toBe('restricted');
    expect(restrictsDevice(uk, 'huawei', 'router')).toBe(false);
    expect(restrictsDevice(uk, 'huawei', 'camera')).toBe(true);
  });
  it('a listing that cannot tell a company from its namesake stays suspect', () => {
    const v = judge(strong('tplink', { device_type: 'camera' }), loadPolicy('dod-1260h'), vocab);
    expect(v.status).toBe('suspect');
    expect(v.reasons[0]).toMatch(/At most suspect: the list names TP-Link Technologies Co., Ltd. \(Shenzhen\)/);
  });
});

describe('the UK criterion is applied from recorded facts, to every maker that meets it', () => {
  const uk = loadPolicy('uk');
  const makersDoc = YAML.parse(readFileSync(new URL('../src/data/policy/makers.yaml', import.meta.url), 'utf8')) as { makers: Record<string, { headquarters: string; source: string; name: string }> };
  it('every vocabulary maker has a headquarters fact (or an explicit unknown) with a source', () => {
    const makers = Object.entries(vocab).filter(([, v]) => v.kind === 'maker').map(([id]) => id).sort();
    expect(Object.keys(makersDoc.makers).sort()).toEqual(makers);
    for (const [id, f] of Object.entries(makersDoc.makers)) expect(f.source.length, id).toBeGreaterThan(20);
  });
  it('IEEE-sourced facts match the IEEE registry entry they cite', () => {
    const oui = createRequire(import.meta.url)('oui-data') as Record<string, string>;
    let checked = 0;
    for (const [id, f] of Object.entries(makersDoc.makers)) {
      const m = /^IEEE MA-[LMS] ([0-9A-F:]{8,13}) registration: ([^,]+)/.exec(f.source);
      if (!m) { expect(f.source, id).toMatch(/^(unverified: |CISA )/); continue; }
      const entry = oui[m[1].replace(/:/g, '')];
      expect(entry, `${id}: ${m[1]}`).toBeDefined();
      expect(entry.split('\n')[0].toLowerCase(), id).toContain(m[2].toLowerCase().replace(/\s+$/, ''));
      checked++;
    }
    expect(checked).toBeGreaterThan(25);
  });
  it('every maker headquartered in mainland China is within it, and no other maker is', () => {
    const cn = Object.entries(makersDoc.makers).filter(([, f]) => f.headquarters === 'CN').map(([id]) => id).sort();
    const within = uk.entities.flatMap((e) => e.makers).sort();
    expect(within).toEqual(cn);
    expect(cn).toEqual(expect.arrayContaining(['hikvision', 'dahua', 'uniview', 'tiandy', 'xiongmai', 'tvt', 'milesight', 'foscam']));
    for (const notIn of ['reolink', 'hipcam', 'axis', 'vivotek', 'avtech']) expect(within).not.toContain(notIn);
  });
  it('Milesight is within the reading, Reolink (Hong Kong) and the Hipcam SDK are not', () => {
    expect(judge(strong('milesight', { device_type: 'camera' }), uk, vocab).status).toBe('restricted');
    expect(judge(strong('reolink', { device_type: 'camera' }), uk, vocab).status).toBe('clear');
    expect(judge(strong('hipcam', { device_type: 'camera' }), uk, vocab).status).toBe('clear');
  });
  it('built-in entities may not list a criterion by hand', () => {
    expect(Object.values(cat.lists).filter((l) => l.criterion)).toHaveLength(1);
    const hik = cat.entities.find((e) => e.id === 'hikvision')!;
    expect(hik.listings.find((l) => l.list === 'uk-wms-2022')).toMatchObject({ basis: 'criterion' });
  });
});

describe('OEM relations carry a confidence; weak ones never decide alone; shared labels stay unattributed', () => {
  const ndaa = loadPolicy('ndaa');
  it('every OEM relation has a confidence', () => {
    for (const e of cat.entities) for (const b of e.oem_brands ?? []) expect(OEM_CONFIDENCE, `${e.id}/${b.id}`).toContain(b.confidence);
    const conf = (e: string, b: string) => cat.entities.find((x) => x.id === e)!.oem_brands!.find((x) => x.id === b)!.confidence;
    expect([conf('dahua', 'amcrest'), conf('hikvision', 'lts'), conf('dahua', 'flir')]).toEqual(['documented', 'documented', 'documented']);
    for (const [e, b] of [['hikvision', 'swann'], ['dahua', 'qsee'], ['hikvision', 'interlogix'], ['dahua', 'cpplus'], ['uniview', 'alibi']]) expect(conf(e, b), b).toBe('weak');
  });
  it('a label known only through a weak relation is unknown, not suspect', () => {
    for (const b of ['swann', 'qsee', 'interlogix', 'cpplus']) {
      const v = judge(idn({ brand: b }), ndaa, vocab);
      expect(v.status, b).toBe('unknown');
      expect(v.reasons[0]).toMatch(/weak: .*that weak relation alone does not make this device suspect/);
    }
    // Platform evidence still decides.
    expect(judge(idn({ brand: 'swann', maker: 'hikvision', maker_score: 0.95 }), ndaa, vocab).status).toBe('restricted');
  });
  it('a documented or reported relation makes a label-only device suspect, naming the confidence', () => {
    const v = judge(idn({ brand: 'amcrest' }), ndaa, vocab);
    expect(v).toMatchObject({ status: 'suspect', entity: 'dahua' });
    expect(v.reasons[0]).toMatch(/Amcrest sells hardware made by Dahua \(documented: /);
  });
  it('Honeywell (Hikvision and Dahua OEM lines) stays suspect and is attributed to neither', () => {
    const v = judge(idn({ brand: 'honeywell', device_type: 'recorder' }), ndaa, vocab);
    expect(v.status).toBe('suspect');
    expect(v.entity).toBeUndefined();
    expect(v.reasons[0]).toMatch(/Honeywell has sold hardware made by Hikvision \(reported: .*\) and by Dahua \(reported: .*not attributed to any one of them/);
    expect(new Set(v.listings.map((l) => l.list_id))).toEqual(new Set(['us-ndaa-889']));
    // With platform evidence the maker decides.
    expect(judge(idn({ brand: 'honeywell', maker: 'dahua', maker_score: 0.99 }), ndaa, vocab)).toMatchObject({ status: 'restricted', entity: 'dahua' });
    // Under a pack where only one of them is listed, that one is the candidate.
    expect(judge(idn({ brand: 'honeywell' }), loadPolicy('canada'), vocab)).toMatchObject({ status: 'suspect', entity: 'hikvision' });
  });
});

describe('policy names and ids are own keys only', () => {
  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'])('--policy %s is a one-line usage error', (name) => {
    expect(() => loadPolicy(name, vocab)).toThrow(PolicyError);
    expect(() => loadPolicy(name, vocab)).toThrow(/unknown policy/);
  });
  const bad: Array<[string, RegExp]> = [
    ['name: x\nextends: ndaa\nuse_lists: [__proto__]\n', /use_lists names unknown list "__proto__"/],
    ['name: x\nextends: ndaa\nuse_lists: [toString]\n', /unknown list "toString"/],
    ['name: x\nextends: toString\n', /not a built-in pack/],
    ['name: x\nextends: __proto__\n', /not a built-in pack/],
    ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [constructor], listings: [{list: us-ndaa-889}] }]\n', /not a known vendor id/],
    ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [axis], listings: [{list: __proto__}] }]\n', /unknown list "__proto__"/],
    ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [axis], oem_brands: [{id: toString}], listings: [{list: us-ndaa-889}] }]\n', /vendor id/],
    ['name: x\nlists: { __proto__: { name: L, type: prohibition, instrument: I, date: 2020-01-01, source: S } }\nentities: [{ id: a, name: A, makers: [axis], listings: [{list: __proto__}] }]\n', /ids are lower-case|unknown list/],
    ['name: x\nlists: { mine: { name: L, instrument: I, date: 2020-01-01, source: S } }\nentities: [{ id: a, name: A, makers: [axis], listings: [{list: mine}] }]\n', /needs "type": one of prohibition, export-control/],
    ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [axis], oem_brands: [{id: swann, confidence: sure}], listings: [{list: us-ndaa-889}] }]\n', /confidence must be one of documented, reported, weak/],
  ];
  it.each(bad)('rejects %j', (text, re) => {
    expect(() => parsePolicyFile(text, 'p.yaml', vocab)).toThrow(re);
  });
  it('a user list with a type is used and worded by its type', () => {
    const p = parsePolicyFile('name: site\nlists: { site-ban: { name: Site ban, short: the site ban, verb: is on, type: prohibition, instrument: "House rule 7", date: 2024-05-01, source: "facilities memo 2024-05" } }\nentities: [{ id: acme, name: Axis AB, makers: [axis], listings: [{list: site-ban}] }]\n', 'site.yaml', vocab);
    const v = judge(strong('axis'), p, vocab);
    expect(v.status).toBe('restricted');
    expect(v.reasons[0]).toContain('Axis is on the site ban (prohibition; House rule 7, in force 2024-05-01)');
  });
});

describe('as_of: the date the policy data was checked', () => {
  it('built-in packs carry it, reports carry it, and it validates against the schema', () => {
    const p = loadPolicy('uk');
    expect(p.as_of).toBe(cat.as_of);
    expect(p.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const at = new Date(`${p.as_of}T12:00:00Z`);
    const rep = buildReport({ version: VERSION, command: 'identify', started: at, finished: at, targets: ['x'], policy: p, devices: [], hostsScanned: 0, warnings: [], options: {} });
    expect(rep.policy.as_of).toBe(p.as_of);
    expect(rep.warnings).toEqual([]);
    const schema = JSON.parse(readFileSync(new URL('../schema/scan-report.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(rep), JSON.stringify(validate.errors)).toBe(true);
    expect(schema.properties.policy.properties.as_of).toMatchObject({ type: 'string', format: 'date' });
    expect(schema.properties.policy.required).not.toContain('as_of');
  });
  it('a one-line notice when the data is more than a year old', () => {
    const p = loadPolicy('ndaa');
    const base = Date.parse(`${p.as_of}T00:00:00Z`);
    expect(staleNotice(p, new Date(base + 300 * 86_400_000))).toBeUndefined();
    const n = staleNotice(p, new Date(base + 400 * 86_400_000))!;
    expect(n).toMatch(new RegExp(`policy data is as of ${p.as_of}, more than a year old`));
    expect(n).not.toContain('\n');
    const later = new Date(base + 400 * 86_400_000);
    const rep: ScanReport = buildReport({ version: VERSION, command: 'identify', started: later, finished: later, targets: ['x'], policy: p, devices: [], hostsScanned: 0, warnings: [], options: {} });
    expect(rep.warnings).toEqual([n]);
    expect(renderVendors(p, vocab, 'table', later)).toContain(`Notice: ${n}`);
    expect(JSON.parse(renderVendors(p, vocab, 'json', later)).notice).toBe(n);
  });
  it('user files: as_of from the file, or from the pack they extend; none at all says so', () => {
    expect(parsePolicyFile('name: x\nextends: ndaa\n', 'x.yaml', vocab).as_of).toBe(cat.as_of);
    expect(parsePolicyFile('name: x\nextends: ndaa\nas_of: 2026-02-01\n', 'x.yaml', vocab).as_of).toBe('2026-02-01');
    const bare = parsePolicyFile('name: bare\nlists: { l: { name: L, type: prohibition, instrument: I, date: 2020-01-01, source: S } }\nentities: [{ id: a, name: A, makers: [axis], listings: [{list: l}] }]\n', 'b.yaml', vocab);
    expect(bare.as_of).toBeUndefined();
    expect(staleNotice(bare)).toMatch(/carries no as_of date/);
  });
});

describe('vendors output', () => {
  it('table: every list with type, scope, dates and sources; companies with confidence and ownership ends', () => {
    const t = renderVendors(all, vocab, 'table');
    for (const [id, l] of Object.entries(all.lists)) {
      expect(t).toContain(`${l.name} [${id}]`);
      expect(t).toContain(l.sources[0]);
      if (l.scope) expect(t).toContain(`binds: ${l.scope}`);
    }
    expect(t.match(/^ {4}type: /gm)).toHaveLength(Object.keys(all.lists).length);
    expect(t.match(/^ {4}dates: /gm)).toHaveLength(Object.keys(all.lists).length);
    expect(t).toMatch(/Policy all \(data as of \d{4}-\d{2}-\d{2}\)/);
    expect(t).toContain('type: export control; 15 CFR part 744 Supp. 4');
    expect(t).toContain('type: procurement criterion (names no company); HCWS386');
    expect(t).toContain('dates: signed 2018-08-13; in force 2019-08-13');
    expect(t).toContain('2020-08-13  §889(a)(1)(B)');
    expect(t).toMatch(/- US Commerce Entity List: export control; 87 FR 77505; in force 2022-12-16/);
    expect(t).toContain('OEM labels reported to sell its hardware: LTS (documented), ANNKE (reported), Honeywell (reported), Interlogix TruVision (weak), Swann (weak)');
    expect(t).toContain('Lorex (2018-02-06 to end unknown)');
  });
  it('jsonl: one JSON object per line', () => {
    const lines = renderVendors(all, vocab, 'jsonl').trim().split('\n');
    const recs = lines.map((l) => JSON.parse(l) as { record: string });
    expect(recs[0]).toMatchObject({ record: 'policy', policy: 'all', as_of: cat.as_of });
    expect(recs.filter((r) => r.record === 'list')).toHaveLength(Object.keys(all.lists).length);
    expect(recs.filter((r) => r.record === 'entity')).toHaveLength(all.entities.length);
  });
  it('--ids lists vendor, list and pack ids', () => {
    const t = renderIds(vocab, 'table');
    expect(t).toMatch(/^ {2}hikvision\s+maker\s+Hikvision$/m);
    expect(t).toMatch(/^ {2}us-bis-entity\s+export control\s+US Commerce Entity List$/m);
    expect(t).toContain('Packs (extends, --policy): ndaa, fcc, uk, entity-list, dod-1260h, canada, texas, all');
    const j = JSON.parse(renderIds(vocab, 'json'));
    expect(j.vendors.length).toBe(Object.keys(vocab).length);
    for (const l of renderIds(vocab, 'jsonl').trim().split('\n')) JSON.parse(l);
  });
});

describe('strings from a user policy file are cleaned before any output', () => {
  const ESC = '\u001b';
  const hostile = (s: string) => `${s}${ESC}]8;;http://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\ ${ESC}[31mred${ESC}[0m \u202Egnp.exe\u202C \u009b31m`;
  const file = path.join(tmp, 'hostile.yaml');
  writeFileSync(file, YAML.stringify({
    name: hostile('site'), description: hostile('desc'), as_of: '2026-11-30',
    lists: { 'house-ban': { name: hostile('House ban'), short: hostile('the house ban'), type: 'prohibition', instrument: hostile('Rule'), scope: hostile('everyone'), date: '2024-01-01', source: hostile('memo') } },
    entities: [{ id: 'evil', name: hostile('Evil Corp'), aliases: [hostile('EC')], makers: ['axis'], oem_brands: [{ id: 'swann', confidence: 'reported', source: hostile('src') }], listings: [{ list: 'house-ban', note: hostile('n'), source: hostile('s') }] }],
  }));
  it('the parsed policy holds no control character anywhere', () => {
    const p = parsePolicyFile(readFileSync(file, 'utf8'), file, vocab);
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(p);
    expect(strings.length).toBeGreaterThan(15);
    for (const v of strings) expect(v, JSON.stringify(v)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(p.entities.find((e) => e.id === 'evil')!.name).toMatch(/^Evil Corp/);
  });
  it.each(['table', 'json', 'jsonl'])('vendors -f %s prints none', async (fmt) => {
    const r = await runCli(['vendors', '--policy', file, '-f', fmt]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Evil Corp');
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
  it('explain prints none', async () => {
    const rec = JSON.stringify({ ip: '10.0.0.5', http: [{ port: 80, headers: { 'www-authenticate': 'Digest realm="AXIS_ACCC8E000001"' } }] });
    const r = await runCli(['explain', rec, '--policy', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Evil Corp|House ban/);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('the device corpus under every pack', () => {
  const kb = defaultKnowledgeBase();
  const { cases } = parseCorpus(corpusFiles([path.join(import.meta.dirname, '..', 'fixtures', 'devices')]), kb.vocab);
  it.each(packNames())('%s: accuracy gates pass and every expectation given for it holds', (pack) => {
    const policy = loadPolicy(pack, kb.vocab);
    const m = evaluate(cases, (rec) => assess(rec, { kb, policy, macVendor: defaultMacLookup() }), policy);
    expect(m.verdict_misses.map((r) => `${r.id}: expected ${r.expected_verdict}, got ${r.got.verdict}`)).toEqual([]);
    expect(m.restricted.missed).toEqual([]);
    expect(m.false_restricted).toEqual([]);
    expect(m.gates.pass).toBe(true);
    if (!['fcc', 'all'].includes(pack)) expect(m.verdicts.checked, 'the corpus carries expectations for this pack').toBeGreaterThan(3);
  });
});

describe('the CLI', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^camsweep: error: /);
  };
  it.each(['toString', '__proto__', 'constructor'])('--policy %s exits 2 with one line', async (name) => {
    const r = await runCli(['vendors', '--policy', name]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/unknown policy/);
  });
  it('use_lists: [__proto__] exits 2, never an empty policy', async () => {
    const f = path.join(tmp, 'proto.yaml');
    writeFileSync(f, 'name: p\nextends: ndaa\nuse_lists: [__proto__]\n');
    const r = await runCli(['vendors', '--policy', f, '-f', 'json']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stdout).toBe('');
  });
  it('a huge or endless policy file is refused quickly with one line', async () => {
    const big = path.join(tmp, 'big.yaml');
    writeFileSync(big, `name: big\nextends: ndaa\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    for (const f of [big, '/dev/zero']) {
      const r = await runCli(['vendors', '--policy', f, '-f', 'json'], { timeoutMs: 20000 });
      expect(r.code, f).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(/is larger than 1 MiB/);
    }
    const dir = await runCli(['vendors', '--policy', tmp + '/']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/cannot read policy file .*: is a directory/);
  });
  it('vendors -o into a missing directory exits 3 with one line', async () => {
    const r = await runCli(['vendors', '-o', path.join(tmp, 'missing', 'dir', 'v.json')]);
    expect(r.code).toBe(3);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/cannot write .*v\.json: no such directory/);
  });
  it('vendors -f jsonl prints JSON Lines, --ids lists ids, and the error message that points at --ids is true', async () => {
    const j = await runCli(['vendors', '--policy', 'texas', '-f', 'jsonl']);
    expect(j.code).toBe(0);
    for (const l of j.stdout.trim().split('\n')) JSON.parse(l);
    const ids = await runCli(['vendors', '--ids', '-f', 'table']);
    expect(ids.code).toBe(0);
    expect(ids.stdout).toMatch(/^ {2}tiandy\s+maker\s+Tiandy$/m);
    const f = path.join(tmp, 'badmaker.yaml');
    writeFileSync(f, 'name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [nosuch], listings: [{list: us-ndaa-889}] }]\n');
    const bad = await runCli(['vendors', '--policy', f]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/see camsweep vendors --ids/);
  });
  it('identify uniview-tiandy.jsonl --policy uk explains each verdict as within the criterion, never named', async () => {
    const r = await runCli(['identify', 'fixtures/devices/uniview-tiandy.jsonl', '--policy', 'uk', '-f', 'json', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ScanReport;
    expect(rep.policy.as_of).toBe(cat.as_of);
    expect(rep.devices).toHaveLength(6);
    for (const d of rep.devices) {
      const t = d.verdict.reasons.join(' ');
      expect(t, d.ip).toMatch(/within the UK 2022 criterion \(procurement criterion; camsweep's reading: PRC-headquartered maker\); the statement names no company; applies to sensitive central-government sites/);
      expect(t).not.toMatch(/named/i);
      for (const l of d.verdict.listings) expect(l).toMatchObject({ type: 'procurement-criterion', basis: 'criterion', date: '2022-11-24' });
    }
  });
  it('the new packs run end to end', async () => {
    for (const [pack, expected] of [['dod-1260h', 'restricted'], ['canada', 'restricted'], ['texas', 'restricted']] as const) {
      const r = await runCli(['identify', 'fixtures/devices/hikvision.jsonl', '--policy', pack, '-f', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as ScanReport;
      expect(rep.devices.find((d) => d.observations.x_id === 'hik-ipc-ds2cd2143-full')?.verdict.status, pack).toBe(expected);
    }
  });
  it('explain shows the instrument, whom it binds, its phases and the OEM confidence', async () => {
    const rec = JSON.stringify({ ip: '10.0.0.9', onvif: { manufacturer: 'Amcrest' }, mac: '00:65:1e:00:00:01' });
    const r = await runCli(['explain', rec, '--policy', 'ndaa']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Verdict: SUSPECT under policy ndaa \(policy data as of \d{4}-\d{2}-\d{2}\)/);
    expect(r.stdout).toMatch(/sells hardware made by Dahua \(documented: /);
    expect(r.stdout).toContain('- US NDAA FY2019 §889: prohibition; Pub. L. 115-232 §889(f)(3)(B); in force 2019-08-13');
    expect(r.stdout).toMatch(/binds: US executive agencies may not procure/);
    expect(r.stdout).toMatch(/2020-08-13: §889\(a\)\(1\)\(B\)/);
  });
});
