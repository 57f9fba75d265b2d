// Policy: which companies are restricted under which instruments, loaded from data, and the pure verdict
// function. Every sentence a verdict carries says what the instrument is (a prohibition, an export
// control, a procurement criterion, a contracting ban, information) in the instrument's own terms, and
// never says a list names a company it does not name.
import path from 'node:path';
import { parseYaml } from '../util/yaml.js';
import type { Identification, ListingRef, Verdict, VerdictStatus } from '../model/types.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { clean } from '../util/sanitize.js';

import { LIST_TYPES } from '../model/report.js';

export { LIST_TYPES };
export type ListType = typeof LIST_TYPES[number];
export const OEM_CONFIDENCE = ['documented', 'reported', 'weak'] as const;
export type OemConfidence = typeof OEM_CONFIDENCE[number];
export const EQUIPMENT = ['any', 'surveillance'] as const;
export type Equipment = typeof EQUIPMENT[number];

/** How a type reads inside a verdict sentence. */
export const TYPE_WORDS: Record<ListType, string> = {
  prohibition: 'prohibition', 'export-control': 'export control', 'procurement-criterion': 'procurement criterion',
  'contracting-ban': 'contracting ban', information: 'information only',
};

export interface Phase { date: string; what: string }
export interface Criterion {
  /** The instrument's own test. */
  test: string;
  /** camsweep's reading of the test as a fact about makers, in a few words. */
  reading: string;
  fact: 'headquarters';
  values: string[];
  /** "the statement names no company" */
  names: string;
  /** "applies to sensitive central-government sites" */
  applies: string;
}
export interface ListDef {
  name: string;
  /** How a sentence names it: "the US Entity List". */
  short: string;
  /** "is on", "is named in", "is within", "is covered by". */
  verb: string;
  type: ListType;
  instrument: string;
  cite?: string;
  /** Whom it binds and what it requires of them. */
  scope?: string;
  equipment: Equipment;
  affiliates?: string;
  caveat?: string;
  criterion?: Criterion;
  signed?: string;
  in_force?: string;
  phases: Phase[];
  sources: string[];
}
export interface PackDef { description: string; lists: string[] }
export interface BrandRel { id: string; from?: string; to?: string; end?: string; source: string; confidence?: OemConfidence }
export interface Listing {
  list: string; date?: string; cite?: string; covers?: string; source?: string; note?: string;
  status?: 'reported' | 'unverified'; basis?: 'named' | 'criterion'; reading?: string;
  /** `suspect`: the listed company cannot be told apart from a namesake that is not listed. */
  max_verdict?: 'suspect';
}
export interface MakerFact { name: string; headquarters: string; source: string; max_verdict?: 'suspect'; note?: string }
export interface Entity {
  id: string; name: string; aliases?: string[]; makers: string[];
  brands?: BrandRel[]; oem_brands?: BrandRel[]; listings: Listing[];
  headquarters?: { country: string; source: string };
}
export interface Policy {
  name: string; description: string;
  /** The date the policy data was last checked against its sources. */
  as_of?: string;
  lists: Record<string, ListDef>; entities: Entity[];
}

export class PolicyError extends Error {}

export const STRONG = 0.8;
/** Device types that fall under the lists' video-surveillance scope. */
export const SURVEILLANCE_TYPES = new Set(['camera', 'recorder', 'doorbell', 'thermal', 'access-control', 'camera-or-recorder']);
export const WEAK = 0.3;

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A date whose day (or month) could not be verified is written YYYY-MM (or YYYY). */
const DATE = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;
const MAX_STR = 2000;

export interface Catalogue { as_of: string; lists: Record<string, ListDef>; packs: Record<string, PackDef>; entities: Entity[]; makers: Record<string, MakerFact> }

/** The parsed documents of src/data/policy/ (read by src/data/load.ts). */
export interface CatalogueDocs { lists: unknown; makers: unknown; entities: unknown }

/** Validate the built-in policy data into a catalogue. Pure: the documents are given. */
export function buildCatalogue(docs: CatalogueDocs): Catalogue {
  const l = docs.lists as { as_of?: unknown; lists: unknown; packs: unknown };
  const file = 'lists.yaml';
  const lists = validateLists(l?.lists, file, false);
  if (typeof l.as_of !== 'string' || !ISO_DATE.test(l.as_of)) throw new PolicyError(`${file}: needs "as_of: YYYY-MM-DD"`);
  const packs = validatePacks(l.packs, file, lists);
  const makers = validateMakers((docs.makers as { makers?: unknown })?.makers, 'makers.yaml');
  const named = validateEntities((docs.entities as { entities: unknown })?.entities, 'entities.yaml', lists);
  for (const x of named) for (const li of x.listings) {
    if (lists[li.list].criterion) throw new PolicyError(`entities.yaml: entity "${x.id}": "${li.list}" is a criterion list; it is applied from makers.yaml, not listed by hand`);
  }
  const entities = applyCriteria(named, lists, makers);
  return { as_of: l.as_of, lists, packs, entities, makers };
}

/**
 * Vocabulary ids that only dedicated fingerprint rules may name: the makers, own brands and OEM labels
 * of every company the catalogue lists by name with a listing that can make a device restricted (not
 * only `suspect`; criterion listings, which follow from a maker's headquarters, do not count). The
 * self-declared maker lookup (src/fingerprint/declared.ts) never resolves them.
 */
export function reservedIds(cat: Catalogue): Set<string> {
  const out = new Set<string>();
  for (const e of cat.entities) {
    if (!e.listings.some((l) => l.basis !== 'criterion' && l.max_verdict !== 'suspect')) continue;
    for (const m of e.makers) out.add(m);
    for (const b of [...(e.brands ?? []), ...(e.oem_brands ?? [])]) out.add(b.id);
  }
  return out;
}

export function packNamesOf(cat: Catalogue): string[] {
  return Object.keys(cat.packs);
}

/** The ids a user policy file may use: vendor vocabulary ids, list ids and pack names. */
export function policyIds(vocab: Vocabulary, cat: Catalogue): { vendors: Array<{ id: string; kind: string; name: string }>; lists: Array<{ id: string; type: ListType; name: string }>; packs: string[] } {
  return {
    vendors: Object.entries(vocab).map(([id, v]) => ({ id, kind: v.kind, name: v.name })),
    lists: Object.entries(cat.lists).map(([id, l]) => ({ id, type: l.type, name: l.name })),
    packs: Object.keys(cat.packs),
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation. Built-in data and user policy files go through the same checks; every string from a user
// file is cleaned (no control characters, escape sequences or bidi overrides) and bounded.

type Fail = (where: string, m: string) => never;
const failer = (file: string): Fail => (where, m) => { throw new PolicyError(`${file}: ${where}: ${m}`); };

function str(v: unknown, fail: () => never, max = MAX_STR): string {
  if (typeof v !== 'string' && typeof v !== 'number') return fail();
  const s = clean(String(v), max);
  if (!s) return fail();
  return s;
}
function optStr(v: unknown, fail: () => never, max = MAX_STR): string | undefined {
  return v === undefined || v === null ? undefined : str(v, fail, max);
}
function date(v: unknown, fail: () => never, strict = false): string {
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString().slice(0, 10) : '';
  if (!(strict ? ISO_DATE : DATE).test(s)) return fail();
  return s;
}
function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function validateLists(raw: unknown, file: string, user: boolean): Record<string, ListDef> {
  const fail: Fail = failer(file);
  if (!isMap(raw)) fail('lists', 'must be a mapping of id → list');
  const out: Record<string, ListDef> = Object.create(null) as Record<string, ListDef>;
  for (const [id, v] of Object.entries(raw)) {
    const w = `list "${clean(id, 60)}"`;
    if (!ID.test(id)) fail(w, 'ids are lower-case letters, digits and dashes');
    if (!isMap(v)) fail(w, 'must be a mapping');
    const need = (k: string) => (): never => fail(w, `needs "${k}"`);
    const name = str(v.name, need('name'), 200);
    const type = v.type;
    if (typeof type !== 'string' || !(LIST_TYPES as readonly string[]).includes(type)) fail(w, `needs "type": one of ${LIST_TYPES.join(', ')}`);
    const equipment = v.equipment === undefined ? 'any' : v.equipment;
    if (typeof equipment !== 'string' || !(EQUIPMENT as readonly string[]).includes(equipment)) fail(w, `"equipment" must be one of ${EQUIPMENT.join(', ')}`);
    const badDate = (k: string) => (): never => fail(w, `${k} must be a YYYY-MM-DD date`);
    // User files may give the older {date, source}; built-in data gives {in_force, sources}.
    const inForce = v.in_force !== undefined ? date(v.in_force, badDate('in_force'), user) : v.date !== undefined ? date(v.date, badDate('date'), user) : undefined;
    const signed = v.signed !== undefined ? date(v.signed, badDate('signed'), user) : undefined;
    const sources = v.sources !== undefined ? v.sources : v.source !== undefined ? [v.source] : undefined;
    if (!Array.isArray(sources) || sources.length === 0) fail(w, 'needs "source" (or "sources")');
    const phases = v.phases === undefined ? [] : v.phases;
    if (!Array.isArray(phases)) fail(w, '"phases" must be a list of {date, what}');
    let criterion: Criterion | undefined;
    if (v.criterion !== undefined) {
      const c = v.criterion;
      if (!isMap(c)) fail(w, '"criterion" must be a mapping');
      if (c.fact !== 'headquarters') fail(w, 'criterion.fact must be "headquarters"');
      if (!Array.isArray(c.values) || c.values.some((x) => typeof x !== 'string')) fail(w, 'criterion.values must be a list of country codes');
      const cneed = (k: string) => (): never => fail(w, `criterion needs "${k}"`);
      criterion = { test: str(c.test, cneed('test')), reading: str(c.reading, cneed('reading'), 200), fact: 'headquarters', values: c.values as string[], names: str(c.names, cneed('names'), 200), applies: str(c.applies, cneed('applies'), 300) };
    }
    if (!inForce && !user && !criterion && type !== 'export-control') fail(w, 'needs "in_force"');
    out[id] = {
      name, short: optStr(v.short, need('short'), 200) ?? name, verb: optStr(v.verb, need('verb'), 40) ?? 'is on', type: type as ListType,
      instrument: str(v.instrument, need('instrument')), cite: optStr(v.cite, need('cite'), 200), scope: optStr(v.scope, need('scope')),
      equipment: equipment as Equipment, affiliates: optStr(v.affiliates, need('affiliates')), caveat: optStr(v.caveat, need('caveat'), 300),
      criterion, signed, in_force: inForce,
      phases: (phases as unknown[]).map((p, j) => {
        if (!isMap(p)) return fail(w, `phases[${j}] must be {date, what}`);
        return { date: date(p.date, badDate(`phases[${j}].date`)), what: str(p.what, need(`phases[${j}].what`)) };
      }),
      sources: (sources as unknown[]).map((s) => str(s, need('source'))),
    };
  }
  return out;
}

function validatePacks(raw: unknown, file: string, lists: Record<string, ListDef>): Record<string, PackDef> {
  const fail: Fail = failer(file);
  if (!isMap(raw)) fail('packs', 'must be a mapping');
  const out: Record<string, PackDef> = Object.create(null) as Record<string, PackDef>;
  for (const [id, v] of Object.entries(raw)) {
    if (!ID.test(id) || !isMap(v) || typeof v.description !== 'string' || !Array.isArray(v.lists)) fail(`pack "${id}"`, 'needs "description" and "lists"');
    for (const l of v.lists as unknown[]) if (typeof l !== 'string' || !own(lists, l)) fail(`pack "${id}"`, `unknown list "${String(l)}"`);
    out[id] = { description: v.description, lists: v.lists as string[] };
  }
  return out;
}

function validateMakers(raw: unknown, file: string): Record<string, MakerFact> {
  const fail: Fail = failer(file);
  if (!isMap(raw)) fail('makers', 'must be a mapping of vocabulary id → {name, headquarters, source}');
  const out: Record<string, MakerFact> = Object.create(null) as Record<string, MakerFact>;
  for (const [id, v] of Object.entries(raw)) {
    const w = `maker "${id}"`;
    if (!ID.test(id) || !isMap(v)) fail(w, 'must be a mapping');
    const hq = v.headquarters;
    if (typeof hq !== 'string' || !/^(?:[A-Z]{2}|unknown)$/.test(hq)) fail(w, '"headquarters" must be an ISO 3166 alpha-2 code or "unknown"');
    if (v.max_verdict !== undefined && v.max_verdict !== 'suspect') fail(w, 'max_verdict can only be "suspect"');
    out[id] = {
      name: str(v.name, () => fail(w, 'needs "name"')), headquarters: hq, source: str(v.source, () => fail(w, 'needs "source"')),
      ...(v.max_verdict ? { max_verdict: 'suspect' as const, note: str(v.note, () => fail(w, 'max_verdict needs a "note" saying why')) } : {}),
    };
  }
  return out;
}

function validateEntities(raw: unknown, file: string, lists: Record<string, ListDef>, vocab?: Vocabulary): Entity[] {
  const fail: Fail = failer(file);
  if (!Array.isArray(raw)) fail('entities', 'must be a list');
  const ids = new Set<string>();
  return (raw as unknown[]).map((x, i) => {
    const where = `entities[${i}]`;
    if (!isMap(x)) return fail(where, 'must be a mapping');
    const e = x;
    if (typeof e.id !== 'string' || !ID.test(e.id)) fail(where, 'needs an "id" of lower-case letters, digits and dashes');
    const id = e.id as string;
    const w = `entity "${id}"`;
    if (ids.has(id)) fail(w, 'duplicate id');
    ids.add(id);
    const name = str(e.name, () => fail(w, 'needs a "name"'), 200);
    const strList = (k: string, required: boolean, max = 200): string[] => {
      const v = e[k];
      if (v === undefined && !required) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return fail(w, `"${k}" must be a list of strings`);
      return (v as string[]).map((s) => str(s, () => fail(w, `"${k}" has an empty entry`), max));
    };
    const makers = strList('makers', true, 60);
    if (makers.length === 0) fail(w, '"makers" must name at least one vendor id');
    for (const m of makers) {
      if (!ID.test(m)) fail(w, `maker "${m}" is not a vendor id (see camsweep vendors --ids)`);
      if (vocab && !own(vocab, m)) fail(w, `maker "${m}" is not a known vendor id (see camsweep vendors --ids)`);
    }
    const rels = (k: 'brands' | 'oem_brands'): BrandRel[] => {
      const v = e[k];
      if (v === undefined) return [];
      if (!Array.isArray(v)) return fail(w, `"${k}" must be a list`);
      return v.map((b, j) => {
        const bb: Record<string, unknown> = typeof b === 'string' ? { id: b } : isMap(b) ? b : fail(w, `${k}[${j}] must be a mapping`);
        if (typeof bb.id !== 'string' || !ID.test(bb.id)) fail(w, `${k}[${j}] needs an "id" (a vendor id, see camsweep vendors --ids)`);
        if (vocab && !own(vocab, bb.id as string)) fail(w, `${k}[${j}]: "${bb.id as string}" is not a known vendor id (see camsweep vendors --ids)`);
        const d = (key: 'from' | 'to') => bb[key] === undefined ? undefined : date(bb[key], () => fail(w, `${k}[${j}].${key} must be a YYYY-MM-DD date`), true);
        let confidence: OemConfidence | undefined;
        if (k === 'oem_brands') {
          const c = bb.confidence ?? 'reported';
          if (typeof c !== 'string' || !(OEM_CONFIDENCE as readonly string[]).includes(c)) fail(w, `${k}[${j}].confidence must be one of ${OEM_CONFIDENCE.join(', ')}`);
          confidence = c as OemConfidence;
        }
        return {
          id: bb.id as string, from: d('from'), to: d('to'), end: optStr(bb.end, () => fail(w, `${k}[${j}].end must be text`)),
          source: optStr(bb.source, () => fail(w, `${k}[${j}].source must be text`)) ?? '', ...(confidence ? { confidence } : {}),
        };
      });
    };
    const listings = e.listings;
    if (!Array.isArray(listings) || listings.length === 0) fail(w, '"listings" must name at least one list');
    const ls = (listings as unknown[]).map((li, j): Listing => {
      if (!isMap(li) || typeof li.list !== 'string') return fail(w, `listings[${j}] needs a "list"`);
      if (!own(lists, li.list)) fail(w, `listings[${j}]: unknown list "${clean(li.list, 60)}" (known: ${Object.keys(lists).join(', ')})`);
      const status = li.status;
      if (status !== undefined && status !== 'reported' && status !== 'unverified') fail(w, `listings[${j}].status must be "reported" or "unverified"`);
      if (li.max_verdict !== undefined && li.max_verdict !== 'suspect') fail(w, `listings[${j}].max_verdict can only be "suspect"`);
      const t = (k: string, max = MAX_STR) => optStr(li[k], () => fail(w, `listings[${j}].${k} must be text`), max);
      return {
        list: li.list, date: li.date === undefined ? undefined : date(li.date, () => fail(w, `listings[${j}].date must be a YYYY-MM-DD date`)),
        cite: t('cite', 200), covers: t('covers', 200), source: t('source'), note: t('note'),
        ...(status ? { status: status as 'reported' | 'unverified' } : {}),
        ...(li.max_verdict ? { max_verdict: 'suspect' as const } : {}),
        basis: lists[li.list].criterion ? 'criterion' : 'named',
        ...(lists[li.list].criterion ? { reading: `listed in ${file}` } : {}),
      };
    });
    return { id, name, aliases: strList('aliases', false), makers, brands: rels('brands'), oem_brands: rels('oem_brands'), listings: ls };
  });
}

/** A criterion list names no company: it is applied to every maker whose recorded fact meets it. */
function applyCriteria(entities: Entity[], lists: Record<string, ListDef>, makers: Record<string, MakerFact>): Entity[] {
  const out = entities.map((e) => ({ ...e, listings: [...e.listings] }));
  for (const e of out) {
    const fact = e.makers.map((m) => (own(makers, m) ? makers[m] : undefined)).find(Boolean);
    if (fact) e.headquarters = { country: fact.headquarters, source: fact.source };
  }
  for (const [listId, def] of Object.entries(lists)) {
    const c = def.criterion;
    if (!c) continue;
    for (const [makerId, fact] of Object.entries(makers)) {
      if (!c.values.includes(fact.headquarters)) continue;
      const listing: Listing = {
        list: listId, basis: 'criterion', reading: `${c.reading}: ${fact.name}, headquarters ${fact.headquarters}`, source: fact.source,
        ...(fact.max_verdict ? { max_verdict: fact.max_verdict, note: fact.note } : {}),
      };
      let e = out.find((x) => x.makers.includes(makerId));
      if (!e) {
        e = { id: makerId, name: fact.name, aliases: [], makers: [makerId], brands: [], oem_brands: [], listings: [], headquarters: { country: fact.headquarters, source: fact.source } };
        out.push(e);
      }
      if (!e.listings.some((l) => l.list === listId)) e.listings.push(listing);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Loading a policy: a built-in pack by name, or a user file.

/** A built-in pack by name (own keys only), or undefined. */
export function packPolicy(name: string, cat: Catalogue): Policy | undefined {
  if (!own(cat.packs, name)) return undefined;
  const pack = cat.packs[name];
  return makePolicy(name, pack.description, pack.lists, cat.entities, cat.lists, cat.as_of);
}

/** Is this a pack name, or else something that names a file (a path, or anything with . / \)? Throws for neither. */
export function checkPolicyName(nameOrFile: string, cat: Catalogue): void {
  if (!own(cat.packs, nameOrFile) && !/[./\\]/.test(nameOrFile)) throw new PolicyError(`unknown policy "${clean(nameOrFile, 60)}" (packs: ${Object.keys(cat.packs).join(', ')}; or give a YAML file)`);
}

/**
 * User policy file:
 *   name: my-site            # required
 *   as_of: 2026-12-01        # optional: when you last checked it (default: the built-in data's, with extends)
 *   extends: ndaa            # optional built-in pack to start from
 *   lists: { id: {name, type, instrument, date, source, scope?} }   # optional extra lists
 *   use_lists: [id, ...]     # optional: which lists count (default: the pack's plus your own)
 *   entities: [...]          # optional extra entities, same shape as src/data/policy/entities.yaml
 */
export function parsePolicyText(text: string, file: string, cat: Catalogue, vocab?: Vocabulary): Policy {
  const base = clean(path.basename(file), 120);
  let doc: unknown;
  try { doc = parseYaml(text, { maxAliasCount: 50 }); } catch (e) {
    throw new PolicyError(`${base}: not valid YAML: ${clean((e as Error).message.split('\n')[0], 200)}`);
  }
  if (!isMap(doc)) throw new PolicyError(`${base}: expected a mapping with "name" and "entities" or "extends"`);
  const d = doc;
  const known = ['name', 'description', 'as_of', 'extends', 'lists', 'use_lists', 'entities'];
  for (const k of Object.keys(d)) if (!known.includes(k)) throw new PolicyError(`${base}: unknown key "${clean(k, 60)}" (allowed: ${known.join(', ')})`);
  const name = typeof d.name === 'string' ? clean(d.name, 100) : '';
  if (!name) throw new PolicyError(`${base}: needs a "name"`);
  let listIds: string[] = [];
  let entities: Entity[] = [];
  let asOf: string | undefined;
  if (d.extends !== undefined) {
    const ext = String(d.extends);
    if (!own(cat.packs, ext)) throw new PolicyError(`${base}: extends "${clean(ext, 60)}" is not a built-in pack (${Object.keys(cat.packs).join(', ')})`);
    listIds = [...cat.packs[ext].lists];
    entities = [...cat.entities];
    asOf = cat.as_of;
  }
  if (d.as_of !== undefined) asOf = date(d.as_of, () => { throw new PolicyError(`${base}: as_of must be a YYYY-MM-DD date`); }, true);
  const lists: Record<string, ListDef> = Object.assign(Object.create(null) as Record<string, ListDef>, cat.lists);
  if (d.lists !== undefined) {
    const own_ = validateLists(d.lists, base, true);
    for (const [id, l] of Object.entries(own_)) {
      if (!l.in_force) throw new PolicyError(`${base}: list "${id}" needs "date" (YYYY-MM-DD, when it took effect)`);
      lists[id] = l;
      if (!listIds.includes(id)) listIds.push(id);
    }
  }
  if (d.entities !== undefined) {
    const mine = validateEntities(d.entities, base, lists, vocab);
    const mineIds = new Set(mine.map((e) => e.id));
    entities = [...entities.filter((e) => !mineIds.has(e.id)), ...mine];
  }
  if (d.use_lists !== undefined) {
    if (!Array.isArray(d.use_lists) || d.use_lists.some((x) => typeof x !== 'string')) throw new PolicyError(`${base}: "use_lists" must be a list of list ids`);
    listIds = d.use_lists as string[];
    for (const id of listIds) if (!own(lists, id)) throw new PolicyError(`${base}: use_lists names unknown list "${clean(id, 60)}" (see camsweep vendors --ids)`);
  }
  if (entities.length === 0) throw new PolicyError(`${base}: defines no entities (add "entities" or "extends")`);
  if (listIds.length === 0) throw new PolicyError(`${base}: no list is in use (add "extends", "lists" or "use_lists")`);
  const description = d.description === undefined ? `user policy from ${base}` : clean(String(d.description), 500);
  const p = makePolicy(name, description, listIds, entities, lists, asOf);
  if (p.entities.length === 0) throw new PolicyError(`${base}: no entity is listed on the lists in use`);
  return p;
}

function makePolicy(name: string, description: string, listIds: string[], entities: Entity[], all: Record<string, ListDef>, asOf?: string): Policy {
  const lists: Record<string, ListDef> = Object.create(null) as Record<string, ListDef>;
  for (const id of listIds) if (own(all, id)) lists[id] = all[id];
  const active = entities.filter((e) => e.listings.some((l) => own(lists, l.list)));
  return { name, description, ...(asOf ? { as_of: asOf } : {}), lists: { ...lists }, entities: active };
}

/**
 * Whether the policy restricts devices of this maker (or undated own brand) of this type: some listing
 * that can decide a verdict (not information-only) covers the equipment. Used by the accuracy gates.
 */
export function restrictsDevice(p: Policy, makerOrBrand: string, deviceType?: string): boolean {
  const typeOk = (l: Listing) => {
    const def = p.lists[l.list];
    return def.type !== 'information' && (def.equipment === 'any' || !deviceType || SURVEILLANCE_TYPES.has(deviceType));
  };
  return p.entities.some((e) => (e.makers.includes(makerOrBrand) || e.brands?.some((b) => b.id === makerOrBrand && !isDated(b)))
    && e.listings.some((l) => own(p.lists, l.list) && typeOk(l)));
}

/** One line when the policy data is more than a year old (or undated), else undefined. */
export function staleNotice(p: Policy, now: Date = new Date()): string | undefined {
  if (!p.as_of) return `policy ${p.name} carries no as_of date: check its lists against their sources before relying on it`;
  const age = (now.getTime() - Date.parse(`${p.as_of}T00:00:00Z`)) / 86_400_000;
  if (age > 365) return `policy data is as of ${p.as_of}, more than a year old: lists may have changed since (update camsweep or check the sources)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Wording.

function refOf(e: Entity, l: Listing, def: ListDef, id: string): ListingRef {
  return {
    list: def.name, list_id: id, type: def.type, instrument: def.instrument,
    date: l.date ?? def.in_force ?? 'unknown', source: l.source ?? def.sources[0],
    ...(def.scope ? { scope: def.scope } : {}), ...(l.covers ? { covers: l.covers } : {}),
    basis: l.basis ?? (def.criterion ? 'criterion' : 'named'), ...(l.reading ? { reading: l.reading } : {}),
    ...(l.cite ?? def.cite ? { cite: l.cite ?? def.cite } : {}), ...(l.status ? { status: l.status } : {}),
    ...(l.note ? { note: l.note } : {}), ...(l.max_verdict ? { max_verdict: l.max_verdict } : {}),
  };
}

export function listingRefs(e: Entity, p: Policy): ListingRef[] {
  return e.listings.filter((l) => own(p.lists, l.list)).map((l) => refOf(e, l, p.lists[l.list], l.list));
}

/** The sentence for one listing, in the instrument's own terms. */
export function listingPhrase(entityName: string, ref: ListingRef, def: ListDef): string {
  const status = ref.status ? `, ${ref.status}` : '';
  if (def.criterion) {
    const reading = ref.reading?.startsWith('listed in ') ? ref.reading : `camsweep's reading: ${def.criterion.reading}`;
    return `${entityName} is within ${def.short} (${TYPE_WORDS[def.type]}; ${reading}); ${def.criterion.names}; ${def.criterion.applies}`;
  }
  const since = def.type === 'information' ? `, ${ref.date}`
    : def.type === 'contracting-ban' && def.in_force && ref.date !== def.in_force ? `, listed since ${ref.date}, ban in force ${def.in_force}` : `, in force ${ref.date}`;
  const cite = ref.cite ? `${ref.cite}` : def.instrument.split(',')[0];
  return `${entityName} ${def.verb} ${def.short} (${TYPE_WORDS[def.type]}; ${cite}${since}${status})${def.caveat ? `: ${def.caveat}` : ''}`;
}

function dated(b: BrandRel): string {
  const end = b.end ? ` (end ${b.end})` : '';
  if (b.from && b.to) return ` from ${b.from} to ${b.to}`;
  if (b.from) return b.end ? ` from ${b.from}${end}` : ` since ${b.from}`;
  if (b.to) return ` until ${b.to}`;
  return end;
}

function isDated(b: BrandRel): boolean { return Boolean(b.from || b.to || b.end); }

// ---------------------------------------------------------------------------------------------------
// The verdict.

/** Pure: identification + policy → verdict. */
export function judge(id: Identification, p: Policy, vocab: Vocabulary = {}): Verdict {
  const nm = (v?: string) => (v ? (own(vocab, v) ? vocab[v].name : v) : '');
  const base = { policy: p.name };
  const def = (r: ListingRef) => p.lists[r.list_id ?? ''];
  // Listings that can decide a verdict: not information-only, and covering this kind of equipment.
  const restricting = (e: Entity) => listingRefs(e, p).filter((r) => def(r).type !== 'information');
  const covers = (r: ListingRef) => def(r).equipment === 'any' || !id.device_type || SURVEILLANCE_TYPES.has(id.device_type);
  const applicable = (e: Entity) => restricting(e).filter(covers);
  const info = (e: Entity) => listingRefs(e, p).filter((r) => def(r).type === 'information');
  // A company is called by its common name in sentences ("Hikvision"); its legal name is in entity_name.
  const short = (e: Entity) => e.makers.map((m) => (own(vocab, m) ? vocab[m].name : '')).find(Boolean) || e.aliases?.[0] || e.name;
  const phrases = (e: Entity, refs: ListingRef[]) => refs.map((r) => listingPhrase(short(e), r, def(r))).join('; ');
  const lead = (label: string, e: Entity) => (label === short(e) ? '' : `${label}: `);
  const infoNote = (e: Entity) => {
    const i = info(e);
    return i.length ? ` For information (not a restricting instrument): ${phrases(e, i)}.` : '';
  };
  const capped = (refs: ListingRef[]) => refs.length > 0 && refs.every((r) => r.max_verdict === 'suspect');
  const mk = (status: VerdictStatus, e: Entity | undefined, reasons: string[], listings?: ListingRef[]): Verdict => ({
    ...base, status, ...(e ? { entity: e.id, entity_name: e.name } : {}), listings: listings ?? (e ? listingRefs(e, p) : []), reasons,
  });
  const byMaker = (m?: string) => (m ? p.entities.find((e) => restricting(e).length > 0
    && (e.makers.includes(m) || e.brands?.some((b) => b.id === m && !isDated(b)))) : undefined);
  const outside = (e: Entity) => {
    const refs = restricting(e);
    return `${phrases(e, refs)}; ${refs.length === 1 ? 'that instrument covers' : 'those instruments cover'} visual surveillance equipment, and this device is a ${id.device_type}`;
  };

  // 1. The maker itself is a listed company (or an undated own brand of one).
  const makerEntity = byMaker(id.maker);
  if (makerEntity) {
    const label = id.brand && id.brand !== id.maker ? `${nm(id.brand)} (made by ${nm(id.maker)})` : nm(id.maker);
    const refs = applicable(makerEntity);
    if (refs.length === 0) return mk('clear', undefined, [`${lead(label, makerEntity)}${outside(makerEntity)}.`]);
    if (id.maker_score >= STRONG && !capped(refs)) {
      return mk('restricted', makerEntity, [`${lead(label, makerEntity)}${phrases(makerEntity, refs)}. Evidence confidence ${id.maker_score.toFixed(2)}.${infoNote(makerEntity)}`]);
    }
    const why = id.maker_score >= STRONG ? `${lead(label, makerEntity)}${phrases(makerEntity, refs)}. At most suspect: ${refs.map((r) => r.note).filter(Boolean).join(' ')}`
      : `Weak evidence (confidence ${id.maker_score.toFixed(2)}) that this device comes from ${short(makerEntity)}${label !== short(makerEntity) ? ` (label ${label})` : ''}: ${phrases(makerEntity, refs)}.`;
    return mk('suspect', makerEntity, [`${why}${infoNote(makerEntity)}`]);
  }
  // 2. Conflicting evidence that points to a listed company.
  for (const c of id.conflicts) {
    const e = byMaker(c.value);
    if (e && c.score >= WEAK && applicable(e).length) {
      return mk('suspect', e, [`Evidence conflicts: the strongest claim is ${nm(id.maker)}, but ${c.rules.join(', ')} point to ${nm(c.value)} (${c.score.toFixed(2)}): ${phrases(e, applicable(e))}.`]);
    }
  }
  // 3. Only a label is known, and that label is (or was) owned by a listed company, or sells hardware
  //    reported to be made by one. Weak relations never decide alone; a label several companies make
  //    hardware for is not attributed to any one of them.
  if (id.brand && !id.maker) {
    for (const e of p.entities) {
      const owned = e.brands?.find((b) => b.id === id.brand);
      if (owned && applicable(e).length) {
        return mk('suspect', e, [`${nm(id.brand)} is a brand of ${short(e)}${dated(owned)}; no platform evidence shows who built this unit. ${phrases(e, applicable(e))}.`]);
      }
    }
    const oem = p.entities.flatMap((e) => (e.oem_brands ?? []).filter((b) => b.id === id.brand && applicable(e).length).map((b) => ({ e, b })));
    const decisive = oem.filter((o) => o.b.confidence !== 'weak');
    const rel = (o: { e: Entity; b: BrandRel }) => `${short(o.e)} (${o.b.confidence ?? 'reported'}: ${o.b.source || 'OEM relation'})`;
    if (decisive.length === 1) {
      const { e } = decisive[0];
      return mk('suspect', e, [`${nm(id.brand)} sells hardware made by ${rel(decisive[0])}; no platform evidence shows who built this unit. ${phrases(e, applicable(e))}.`]);
    }
    if (decisive.length > 1) {
      const listings = decisive.flatMap((o) => applicable(o.e));
      return mk('suspect', undefined, [`${nm(id.brand)} has sold hardware made by ${decisive.map(rel).join(' and by ')}; no platform evidence shows who built this unit, so it is not attributed to any one of them. ${decisive.map((o) => phrases(o.e, applicable(o.e))).join('; ')}.`], listings);
    }
    if (oem.length) {
      return mk('unknown', undefined, [`${nm(id.brand)} is said to sell hardware made by ${oem.map(rel).join(' or by ')}; that weak relation alone does not make this device suspect, and no platform evidence shows who built it.`]);
    }
  }
  // 4. Identified, not listed.
  if (id.maker) {
    const label = id.brand && id.brand !== id.maker ? `${nm(id.brand)} (made by ${nm(id.maker)})` : nm(id.maker);
    return mk('clear', undefined, [`${label} is not covered by the ${p.name} policy.`]);
  }
  if (id.brand) return mk('clear', undefined, [`Identified as ${nm(id.brand)}${id.device_type ? ` (${id.device_type})` : ''}; not a restricted maker.`]);
  if (id.product) {
    // A software product alone clears a device only when it also says the device is not surveillance
    // gear (a web server, printer, router, NAS…). An embedded web or RTSP server (GoAhead, Boa,
    // GStreamer) or a DVR web UI without a maker says nothing about who built the camera or recorder.
    if (id.device_type && !SURVEILLANCE_TYPES.has(id.device_type)) {
      return mk('clear', undefined, [`Identified as ${id.product} (${id.device_type}); not a restricted maker.`]);
    }
    return mk('unknown', undefined, [`Runs ${id.product}${id.device_type ? ` (${id.device_type})` : ''}, which many makers use; who built this device is not identified.`]);
  }
  return mk('unknown', undefined, ['No fingerprint rule matched what this host sent.']);
}
