// Policy: which entities are restricted under which lists, loaded from data, and the pure verdict function.
import { readDataYaml } from '../data-cache.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DATA_DIR } from '../paths.js';
import type { Identification, ListingRef, Verdict, VerdictStatus } from '../types.js';
import type { Vocabulary } from '../fingerprint/rules.js';

export interface ListDef { name: string; instrument: string; date: string; source: string }
export interface PackDef { description: string; lists: string[] }
export interface BrandRel { id: string; from?: string; to?: string; source: string }
export interface Listing { list: string; scope?: string; date?: string; source?: string; note?: string }
export interface Entity {
  id: string; name: string; aliases?: string[]; makers: string[];
  brands?: BrandRel[]; oem_brands?: BrandRel[]; listings: Listing[];
}
export interface Policy { name: string; description: string; lists: Record<string, ListDef>; entities: Entity[] }

export class PolicyError extends Error {}

export const STRONG = 0.8;
/** Device types that fall under the lists' video-surveillance scope. */
export const SURVEILLANCE_TYPES = new Set(['camera', 'recorder', 'doorbell', 'thermal', 'access-control', 'camera-or-recorder']);
export const WEAK = 0.3;

interface Catalogue { lists: Record<string, ListDef>; packs: Record<string, PackDef>; entities: Entity[] }

let catalogue: Catalogue | undefined;
export function loadCatalogue(dir = path.join(DATA_DIR, 'policy')): Catalogue {
  if (catalogue && dir === path.join(DATA_DIR, 'policy')) return catalogue;
  const l = readDataYaml(path.join(dir, 'lists.yaml')) as { lists: Record<string, ListDef>; packs: Record<string, PackDef> };
  const e = readDataYaml(path.join(dir, 'entities.yaml')) as { entities: unknown };
  const entities = validateEntities(e.entities, 'entities.yaml', l.lists);
  const c = { lists: l.lists, packs: l.packs, entities };
  if (dir === path.join(DATA_DIR, 'policy')) catalogue = c;
  return c;
}

export function packNames(): string[] {
  return Object.keys(loadCatalogue().packs);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validateEntities(raw: unknown, file: string, lists: Record<string, ListDef>, vocab?: Vocabulary): Entity[] {
  const fail = (where: string, m: string): never => { throw new PolicyError(`${file}: ${where}: ${m}`); };
  if (!Array.isArray(raw)) fail('entities', 'must be a list');
  const ids = new Set<string>();
  return (raw as unknown[]).map((x, i) => {
    const where = `entities[${i}]`;
    if (!x || typeof x !== 'object') fail(where, 'must be a mapping');
    const e = x as Record<string, unknown>;
    if (typeof e.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(e.id)) fail(where, 'needs an "id" of lower-case letters, digits and dashes');
    const id = e.id as string;
    const w = `entity "${id}"`;
    if (ids.has(id)) fail(w, 'duplicate id');
    ids.add(id);
    if (typeof e.name !== 'string' || !e.name) fail(w, 'needs a "name"');
    const strList = (k: string, required: boolean): string[] => {
      const v = e[k];
      if (v === undefined && !required) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return fail(w, `"${k}" must be a list of strings`);
      return v as string[];
    };
    const makers = strList('makers', true);
    if (makers.length === 0) fail(w, '"makers" must name at least one vendor id');
    if (vocab) for (const m of makers) if (!vocab[m]) fail(w, `maker "${m}" is not a known vendor id (see camsweep vendors --ids)`);
    const rels = (k: string): BrandRel[] => {
      const v = e[k];
      if (v === undefined) return [];
      if (!Array.isArray(v)) return fail(w, `"${k}" must be a list`);
      return v.map((b, j) => {
        const bb = (typeof b === 'string' ? { id: b, source: '' } : b) as BrandRel;
        if (!bb || typeof bb.id !== 'string') fail(w, `${k}[${j}] needs an "id"`);
        for (const d of ['from', 'to'] as const) if (bb[d] !== undefined && !ISO_DATE.test(String(bb[d]))) fail(w, `${k}[${j}].${d} must be a YYYY-MM-DD date`);
        return { id: bb.id, from: bb.from ? String(bb.from) : undefined, to: bb.to ? String(bb.to) : undefined, source: String(bb.source ?? '') };
      });
    };
    const listings = e.listings;
    if (!Array.isArray(listings) || listings.length === 0) fail(w, '"listings" must name at least one list');
    const ls = (listings as unknown[]).map((li, j) => {
      const L = li as Listing;
      if (!L || typeof L.list !== 'string') fail(w, `listings[${j}] needs a "list"`);
      if (!lists[L.list]) fail(w, `listings[${j}]: unknown list "${L.list}" (known: ${Object.keys(lists).join(', ')})`);
      return { list: L.list, scope: L.scope, date: L.date ? String(L.date) : undefined, source: L.source, note: L.note };
    });
    return { id, name: e.name as string, aliases: strList('aliases', false), makers, brands: rels('brands'), oem_brands: rels('oem_brands'), listings: ls };
  });
}

/** A built-in pack by name, or a user YAML file (a path, or anything ending in .yaml/.yml). */
export function loadPolicy(nameOrFile: string, vocab?: Vocabulary): Policy {
  const cat = loadCatalogue();
  const pack = cat.packs[nameOrFile];
  if (pack) return makePolicy(nameOrFile, pack.description, pack.lists, cat.entities, cat.lists);
  if (!/[./\\]/.test(nameOrFile)) throw new PolicyError(`unknown policy "${nameOrFile}" (packs: ${Object.keys(cat.packs).join(', ')}; or give a YAML file)`);
  let text: string;
  try { text = readFileSync(nameOrFile, 'utf8'); } catch (e) {
    throw new PolicyError(`cannot read policy file ${nameOrFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePolicyFile(text, nameOrFile, vocab);
}

/**
 * User policy file:
 *   name: my-site            # required
 *   extends: ndaa            # optional built-in pack to start from
 *   lists: { id: {name, instrument, date, source} }   # optional extra lists
 *   use_lists: [id, ...]     # optional: which lists count (default: the pack's plus your own)
 *   entities: [...]          # optional extra entities, same shape as src/data/policy/entities.yaml
 */
export function parsePolicyFile(text: string, file: string, vocab?: Vocabulary): Policy {
  const cat = loadCatalogue();
  const base = path.basename(file);
  let doc: unknown;
  try { doc = YAML.parse(text, { maxAliasCount: 50 }); } catch (e) {
    throw new PolicyError(`${base}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new PolicyError(`${base}: expected a mapping with "name" and "entities" or "extends"`);
  const d = doc as Record<string, unknown>;
  const known = new Set(['name', 'description', 'extends', 'lists', 'use_lists', 'entities']);
  for (const k of Object.keys(d)) if (!known.has(k)) throw new PolicyError(`${base}: unknown key "${k}" (allowed: ${[...known].join(', ')})`);
  if (typeof d.name !== 'string' || !d.name) throw new PolicyError(`${base}: needs a "name"`);
  let listIds: string[] = [];
  let entities: Entity[] = [];
  if (d.extends !== undefined) {
    const p = cat.packs[String(d.extends)];
    if (!p) throw new PolicyError(`${base}: extends "${String(d.extends)}" is not a built-in pack (${Object.keys(cat.packs).join(', ')})`);
    listIds = [...p.lists];
    entities = [...cat.entities];
  }
  const lists: Record<string, ListDef> = { ...cat.lists };
  if (d.lists !== undefined) {
    if (!d.lists || typeof d.lists !== 'object' || Array.isArray(d.lists)) throw new PolicyError(`${base}: "lists" must be a mapping of id → {name, instrument, date, source}`);
    for (const [id, v] of Object.entries(d.lists as Record<string, unknown>)) {
      const L = v as ListDef;
      for (const k of ['name', 'instrument', 'date', 'source'] as const) {
        if (!L || typeof L[k] !== 'string' || !L[k]) throw new PolicyError(`${base}: list "${id}" needs "${k}"`);
      }
      if (!ISO_DATE.test(L.date)) throw new PolicyError(`${base}: list "${id}": date must be YYYY-MM-DD`);
      lists[id] = L;
      listIds.push(id);
    }
  }
  if (d.entities !== undefined) {
    const own = validateEntities(d.entities, base, lists, vocab);
    const ownIds = new Set(own.map((e) => e.id));
    entities = [...entities.filter((e) => !ownIds.has(e.id)), ...own];
  }
  if (d.use_lists !== undefined) {
    if (!Array.isArray(d.use_lists)) throw new PolicyError(`${base}: "use_lists" must be a list of list ids`);
    listIds = d.use_lists.map(String);
    for (const id of listIds) if (!lists[id]) throw new PolicyError(`${base}: use_lists names unknown list "${id}"`);
  }
  if (entities.length === 0) throw new PolicyError(`${base}: defines no entities (add "entities" or "extends")`);
  if (listIds.length === 0) throw new PolicyError(`${base}: no list is in use (add "extends", "lists" or "use_lists")`);
  return makePolicy(d.name, String(d.description ?? `user policy from ${base}`), listIds, entities, lists);
}

function makePolicy(name: string, description: string, listIds: string[], entities: Entity[], all: Record<string, ListDef>): Policy {
  const lists: Record<string, ListDef> = {};
  for (const id of listIds) lists[id] = all[id];
  const active = entities.filter((e) => e.listings.some((l) => lists[l.list]));
  return { name, description, lists, entities: active };
}

function listingRefs(e: Entity, p: Policy): ListingRef[] {
  return e.listings.filter((l) => p.lists[l.list]).map((l) => {
    const def = p.lists[l.list];
    return { list: def.name, instrument: def.instrument, date: l.date ?? def.date, source: l.source ?? def.source, ...(l.scope ? { scope: l.scope } : {}) };
  });
}

function dated(b: BrandRel): string {
  if (b.from && b.to) return ` from ${b.from} to ${b.to}`;
  if (b.from) return ` since ${b.from}`;
  if (b.to) return ` until ${b.to}`;
  return '';
}

/** Pure: identification + policy → verdict. */
export function judge(id: Identification, p: Policy, vocab: Vocabulary = {}): Verdict {
  const nm = (v?: string) => (v ? vocab[v]?.name ?? v : '');
  const byMaker = (m?: string) => (m ? p.entities.find((e) => e.makers.includes(m) || e.brands?.some((b) => b.id === m && !b.from && !b.to)) : undefined);
  const base = { policy: p.name };
  const mk = (status: VerdictStatus, e: Entity | undefined, reasons: string[]): Verdict => ({
    ...base, status, ...(e ? { entity: e.id, entity_name: e.name } : {}), listings: e ? listingRefs(e, p) : [], reasons,
  });
  const lists = (e: Entity) => listingRefs(e, p).map((l) => l.list).join('; ');

  // 1. The maker itself is a listed entity (or an undated brand of one).
  const makerEntity = byMaker(id.maker);
  if (makerEntity) {
    const label = id.brand && id.brand !== id.maker ? `${nm(id.brand)} (made by ${nm(id.maker)})` : nm(id.maker);
    if (id.maker_score >= STRONG) {
      return mk('restricted', makerEntity, [`${label}: ${makerEntity.name} is named by ${lists(makerEntity)} (evidence confidence ${id.maker_score.toFixed(2)}).`]);
    }
    return mk('suspect', makerEntity, [`Weak evidence (confidence ${id.maker_score.toFixed(2)}) that ${label} comes from ${makerEntity.name}, named by ${lists(makerEntity)}.`]);
  }
  // 2. Conflicting evidence that points to a listed entity.
  for (const c of id.conflicts) {
    const e = byMaker(c.value);
    if (e && c.score >= WEAK) {
      return mk('suspect', e, [`Evidence conflicts: the strongest claim is ${nm(id.maker)}, but ${c.rules.join(', ')} point to ${nm(c.value)} (${c.score.toFixed(2)}), named by ${lists(e)}.`]);
    }
  }
  // 3. Only a label is known, and that label is (or was) owned by, or sells hardware of, a listed entity.
  if (id.brand && !id.maker) {
    for (const e of p.entities) {
      const owned = e.brands?.find((b) => b.id === id.brand);
      if (owned) {
        return mk('suspect', e, [`${nm(id.brand)} is a brand of ${e.name}${dated(owned)}; no platform evidence shows who built this unit. Named by ${lists(e)}.`]);
      }
    }
    for (const e of p.entities) {
      const oem = e.oem_brands?.find((b) => b.id === id.brand);
      if (oem) {
        return mk('suspect', e, [`${nm(id.brand)} sells hardware made by ${e.name} (${oem.source || 'OEM relation'}); no platform evidence shows who built this unit. Named by ${lists(e)}.`]);
      }
    }
  }
  // 4. Identified, not listed.
  if (id.maker) {
    const label = id.brand && id.brand !== id.maker ? `${nm(id.brand)} (made by ${nm(id.maker)})` : nm(id.maker);
    return mk('clear', undefined, [`${label} is not named by the ${p.name} policy.`]);
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
