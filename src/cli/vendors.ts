// `camsweep vendors`: the policy as a readable list, JSON or JSON Lines, and `--ids`: the ids a policy
// file may use. Pure rendering; every string is cleaned again here (user policy files are cleaned when
// parsed, this is the second line of defence before a terminal).
import type { Vocabulary } from '../fingerprint/rules.js';
import { listingRefs, staleNotice, TYPE_WORDS, type Policy } from '../policy/policy.js';
import { policyIds } from '../data/load.js';
import { clean } from '../util/sanitize.js';

export type VendorsFormat = 'table' | 'json' | 'jsonl';

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const c = (s: unknown, max = 2000) => clean(s, max);

export function vendorsModel(p: Policy, vocab: Vocabulary, now: Date = new Date()) {
  const nm = (id: string) => c(own(vocab, id) ? vocab[id].name : id, 200);
  const notice = staleNotice(p, now);
  return {
    policy: c(p.name, 100),
    description: c(p.description),
    ...(p.as_of ? { as_of: p.as_of } : {}),
    ...(notice ? { notice } : {}),
    lists: Object.entries(p.lists).map(([id, l]) => ({
      id, name: c(l.name, 200), type: l.type, instrument: c(l.instrument), ...(l.cite ? { cite: c(l.cite, 200) } : {}),
      ...(l.scope ? { scope: c(l.scope) } : {}), equipment: l.equipment, ...(l.affiliates ? { affiliates: c(l.affiliates) } : {}),
      ...(l.caveat ? { caveat: c(l.caveat) } : {}),
      ...(l.criterion ? { criterion: { test: c(l.criterion.test), reading: c(l.criterion.reading, 200), fact: l.criterion.fact, values: l.criterion.values.map((v) => c(v, 10)), names: c(l.criterion.names, 200), applies: c(l.criterion.applies, 300) } } : {}),
      ...(l.signed ? { signed: l.signed } : {}), ...(l.in_force ? { in_force: l.in_force } : {}),
      phases: l.phases.map((ph) => ({ date: ph.date, what: c(ph.what) })),
      sources: l.sources.map((s) => c(s)),
    })),
    entities: p.entities.map((e) => ({
      id: e.id, name: c(e.name, 200), aliases: (e.aliases ?? []).map((a) => c(a, 200)),
      makers: e.makers.map(nm),
      ...(e.headquarters ? { headquarters: { country: e.headquarters.country, source: c(e.headquarters.source) } } : {}),
      brands: (e.brands ?? []).map((b) => ({ brand: nm(b.id), id: b.id, ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}), ...(b.end ? { end: c(b.end) } : {}), source: c(b.source) })),
      oem_brands: (e.oem_brands ?? []).map((b) => ({ brand: nm(b.id), id: b.id, confidence: b.confidence ?? 'reported', source: c(b.source) })),
      listings: listingRefs(e, p).map((r) => ({
        list: c(r.list, 200), list_id: r.list_id, type: r.type, date: r.date, ...(r.cite ? { cite: c(r.cite, 200) } : {}),
        ...(r.covers ? { covers: c(r.covers, 200) } : {}), basis: r.basis, ...(r.reading ? { reading: c(r.reading, 400) } : {}),
        ...(r.status ? { status: r.status } : {}), ...(r.max_verdict ? { max_verdict: r.max_verdict } : {}),
        source: c(r.source), ...(r.note ? { note: c(r.note) } : {}),
      })),
    })),
  };
}

export function renderVendors(p: Policy, vocab: Vocabulary, fmt: VendorsFormat, now: Date = new Date()): string {
  const m = vendorsModel(p, vocab, now);
  if (fmt === 'json') return JSON.stringify(m, null, 2) + '\n';
  if (fmt === 'jsonl') {
    const { lists, entities, ...head } = m;
    return [{ record: 'policy', ...head }, ...lists.map((l) => ({ record: 'list', ...l })), ...entities.map((e) => ({ record: 'entity', ...e }))]
      .map((r) => JSON.stringify(r)).join('\n') + '\n';
  }
  const out: string[] = [`Policy ${m.policy}${m.as_of ? ` (data as of ${m.as_of})` : ''}: ${m.description}`];
  if (m.notice) out.push(`Notice: ${m.notice}`);
  out.push('', 'Lists:');
  for (const l of m.lists) {
    out.push(`  ${l.name} [${l.id}]`);
    out.push(`    type: ${TYPE_WORDS[l.type]}${l.criterion ? ' (names no company)' : ''}${l.cite ? `; ${l.cite}` : ''}`);
    out.push(`    instrument: ${l.instrument}`);
    if (l.criterion) {
      out.push(`    criterion: ${l.criterion.test}`);
      out.push(`    camsweep's reading: ${l.criterion.reading} (${l.criterion.fact} ${l.criterion.values.join('/')} in src/data/policy/makers.yaml), applied to every maker with that fact`);
    }
    if (l.scope) out.push(`    binds: ${l.scope}`);
    out.push(`    equipment: ${l.equipment === 'surveillance' ? 'visual surveillance equipment only' : 'any equipment of the companies it covers'}`);
    if (l.affiliates) out.push(`    subsidiaries, brands, OEM labels: ${l.affiliates}`);
    if (l.caveat) out.push(`    note: ${l.caveat}`);
    const dates = [l.signed ? `signed ${l.signed}` : '', l.in_force ? `${l.type === 'information' ? 'dated' : 'in force'} ${l.in_force}` : 'in force: per company (below)'].filter(Boolean);
    out.push(`    dates: ${dates.join('; ')}`);
    for (const ph of l.phases) out.push(`      ${ph.date}  ${ph.what}`);
    out.push(`    sources: ${l.sources[0]}`);
    for (const s of l.sources.slice(1)) out.push(`             ${s}`);
  }
  out.push('', 'Companies:');
  for (const e of m.entities) {
    out.push(`  ${e.name} [${e.id}]${e.aliases.length ? `  (also: ${e.aliases.join(', ')})` : ''}`);
    if (e.headquarters) out.push(`    headquarters: ${e.headquarters.country} (${e.headquarters.source})`);
    for (const l of e.listings) {
      out.push(`    - ${l.list}: ${TYPE_WORDS[l.type as keyof typeof TYPE_WORDS] ?? l.type}${l.cite ? `; ${l.cite}` : ''}; ${l.type === 'information' ? 'dated' : 'in force'} ${l.date}${l.status ? ` (${l.status})` : ''}${l.covers ? `; covers ${l.covers}` : ''}${l.max_verdict ? '; at most suspect' : ''}`);
      if (l.basis === 'criterion') out.push(`        within the criterion by camsweep's reading: ${l.reading ?? ''}`);
      out.push(`        source: ${l.source}`);
      if (l.note) out.push(`        note: ${l.note}`);
    }
    if (e.brands.length) out.push(`    own brands/subsidiaries: ${e.brands.map((b) => b.brand + (b.from || b.to ? ` (${b.from ?? '…'} to ${b.to ?? (b.end ? 'end unknown' : 'today')})` : b.end ? ' (end unknown)' : '')).join(', ')}`);
    for (const b of e.brands.filter((x) => x.end)) out.push(`      ${b.brand}: end ${b.end}`);
    if (e.oem_brands.length) out.push(`    OEM labels reported to sell its hardware: ${e.oem_brands.map((b) => `${b.brand} (${b.confidence})`).join(', ')}`);
  }
  return out.join('\n') + '\n';
}

/** `vendors --ids`: every id a user policy file may use. */
export function renderIds(vocab: Vocabulary, fmt: VendorsFormat): string {
  const ids = policyIds(vocab);
  const m = {
    vendors: ids.vendors.map((v) => ({ id: v.id, kind: v.kind, name: c(v.name, 200) })),
    lists: ids.lists.map((l) => ({ id: l.id, type: l.type, name: c(l.name, 200) })),
    packs: ids.packs,
  };
  if (fmt === 'json') return JSON.stringify(m, null, 2) + '\n';
  if (fmt === 'jsonl') {
    return [...m.vendors.map((v) => ({ record: 'vendor', ...v })), ...m.lists.map((l) => ({ record: 'list', ...l })), ...m.packs.map((id) => ({ record: 'pack', id }))]
      .map((r) => JSON.stringify(r)).join('\n') + '\n';
  }
  const w = Math.max(...m.vendors.map((v) => v.id.length), ...m.lists.map((l) => l.id.length)) + 2;
  const out = ['Vendor ids (entities: makers, brands[].id, oem_brands[].id):'];
  for (const v of m.vendors) out.push(`  ${v.id.padEnd(w)}${v.kind.padEnd(10)}${v.name}`);
  out.push('', 'List ids (listings[].list, use_lists):');
  for (const l of m.lists) out.push(`  ${l.id.padEnd(w)}${TYPE_WORDS[l.type].padEnd(23)}${l.name}`);
  out.push('', `Packs (extends, --policy): ${m.packs.join(', ')}`);
  return out.join('\n') + '\n';
}
