// `camsweep vendors`: the policy as a readable list or JSON. Pure rendering.
import type { Vocabulary } from '../fingerprint/rules.js';
import type { Policy } from '../policy/policy.js';

export function vendorsModel(p: Policy, vocab: Vocabulary) {
  const nm = (id: string) => vocab[id]?.name ?? id;
  return {
    policy: p.name,
    description: p.description,
    lists: Object.entries(p.lists).map(([id, l]) => ({ id, ...l })),
    entities: p.entities.map((e) => ({
      id: e.id, name: e.name, aliases: e.aliases ?? [],
      makers: e.makers.map(nm),
      brands: (e.brands ?? []).map((b) => ({ brand: nm(b.id), from: b.from, to: b.to, source: b.source })),
      oem_brands: (e.oem_brands ?? []).map((b) => ({ brand: nm(b.id), source: b.source })),
      listings: e.listings.filter((l) => p.lists[l.list]).map((l) => ({
        list: p.lists[l.list].name, instrument: p.lists[l.list].instrument, date: l.date ?? p.lists[l.list].date,
        scope: l.scope, source: l.source ?? p.lists[l.list].source,
      })),
    })),
  };
}

export function renderVendors(p: Policy, vocab: Vocabulary, fmt: 'table' | 'json'): string {
  const m = vendorsModel(p, vocab);
  if (fmt === 'json') return JSON.stringify(m, null, 2) + '\n';
  const out: string[] = [`Policy ${m.policy}: ${m.description}`, ''];
  for (const e of m.entities) {
    out.push(`${e.name} [${e.id}]${e.aliases.length ? `  (also: ${e.aliases.join(', ')})` : ''}`);
    for (const l of e.listings) out.push(`  listed: ${l.list}, ${l.date}${l.scope ? ` — scope: ${l.scope}` : ''}`, `          ${l.instrument}`);
    if (e.brands.length) out.push(`  own brands/subsidiaries: ${e.brands.map((b) => b.brand + (b.from || b.to ? ` (${b.from ?? '…'} to ${b.to ?? 'today'})` : '')).join(', ')}`);
    if (e.oem_brands.length) out.push(`  sells through OEM brands: ${e.oem_brands.map((b) => b.brand).join(', ')}`);
    out.push('');
  }
  out.push('Lists:');
  for (const l of m.lists) out.push(`  ${l.name} (${l.date}): ${l.instrument}`, `    source: ${l.source}`);
  return out.join('\n') + '\n';
}
