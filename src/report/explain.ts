// `camsweep explain`: the full evidence chain for one device, in words a consultant can paste into a
// report. Every step names its rule and the rule's source. Pure rendering.
import type { Vocabulary } from '../model/vocabulary.js';
import type { Policy } from '../policy/policy.js';
import type { DeviceReport } from '../model/types.js';
import { clean } from '../util/sanitize.js';
import { staleNotice, TYPE_WORDS } from '../policy/policy.js';

/** The chain for one device; `now` dates the policy-staleness notice (no clock is read here). */
export function renderExplain(d: DeviceReport, k: { kb: { vocab: Vocabulary }; policy: Policy }, now: Date): string {
  const id = d.identification;
  const out: string[] = [];
  out.push(`Device ${clean(d.ip, 60)}${d.mac ? ` (MAC ${clean(d.mac, 20)}${d.observations.mac_from ? `, from ${clean(d.observations.mac_from, 20)}` : ''})` : ''}`);
  if (d.addresses?.length) out.push(`  Addresses: ${d.addresses.map((a) => clean(a, 60)).join(', ')}`);
  // Fields of a saved report are untrusted too: every one is printed through clean() (one line, no controls).
  if (d.open_ports.length) out.push(`  Open TCP ports: ${d.open_ports.map((p) => clean(p, 8)).join(', ')}`);
  if (d.seen_by.length) out.push(`  Seen by: ${d.seen_by.map((p) => clean(p, 32)).join(', ')}`);
  if (d.device_id) out.push(`  Device id: ${clean(d.device_id, 20)}`);
  for (const x of d.sightings ?? []) out.push(`  Sighting: ${clean(x.module, 16)} from ${clean(x.address, 60)} (${clean(x.identifier, 80)})`);
  for (const n of d.notes ?? []) out.push(`  Note: ${clean(n, 300)}`);
  out.push('');
  const p = k.policy;
  out.push(`Verdict: ${d.verdict.status.toUpperCase()} under policy ${clean(d.verdict.policy, 100)}${p.as_of ? ` (policy data as of ${p.as_of})` : ''}`);
  const notice = staleNotice(p, now);
  if (notice) out.push(`  Notice: ${clean(notice, 300)}`);
  for (const r of d.verdict.reasons) out.push(`  ${clean(r, 1500)}`);
  for (const l of d.verdict.listings) {
    const def = l.list_id && Object.prototype.hasOwnProperty.call(p.lists, l.list_id) ? p.lists[l.list_id] : undefined;
    const type = l.type && Object.prototype.hasOwnProperty.call(TYPE_WORDS, l.type) ? TYPE_WORDS[l.type as keyof typeof TYPE_WORDS] : clean(l.type, 40);
    out.push(`  - ${clean(l.list, 200)}: ${type || 'instrument'}${l.cite ? `; ${clean(l.cite, 200)}` : ''}; ${l.type === 'information' ? 'dated' : 'in force'} ${clean(l.date, 20)}${l.status ? ` (${clean(l.status, 20)})` : ''}${l.covers ? `; covers ${clean(l.covers, 200)}` : ''}`);
    out.push(`      instrument: ${clean(l.instrument, 1000)}`);
    if (l.basis === 'criterion') out.push(`      ${def?.criterion ? `criterion: ${clean(def.criterion.test, 500)}; the instrument names no company; ` : ''}within it by camsweep's reading: ${clean(l.reading, 400)}`);
    if (l.scope) out.push(`      binds: ${clean(l.scope, 2000)}`);
    if (def?.signed && def.signed !== l.date) out.push(`      signed ${def.signed}`);
    for (const ph of def?.phases ?? []) out.push(`      ${ph.date}: ${clean(ph.what, 600)}`);
    if (def?.caveat) out.push(`      note: ${clean(def.caveat, 300)}`);
    if (l.note) out.push(`      note: ${clean(l.note, 600)}`);
    out.push(`      source: ${clean(l.source, 1000)}`);
  }
  out.push('');
  out.push('Identification:');
  out.push(`  Brand (label): ${id.brand_name ?? 'unknown'}`);
  out.push(`  Maker (who built it): ${id.maker_name ?? 'unknown'}${id.maker ? `, combined confidence ${id.maker_score.toFixed(2)}` : ''}`);
  if (id.model) out.push(`  Model: ${clean(id.model, 120)}`);
  if (id.firmware) out.push(`  Firmware: ${clean(id.firmware, 120)}`);
  if (id.serial) out.push(`  Serial: ${clean(id.serial, 120)}`);
  if (id.device_type) out.push(`  Device type: ${clean(id.device_type, 40)}`);
  if (id.product) out.push(`  Product: ${clean(id.product, 120)}`);
  if (id.platform) out.push(`  Platform: ${clean(id.platform, 60)}`);
  if (id.channels) out.push(`  Recorder channels: ${id.channels.total} (${id.channels.analog} analog, ${id.channels.ip} IP): up to ${id.channels.total} cameras behind this recorder are not seen directly`);
  for (const r of id.reasoning) out.push(`  ${clean(r, 600)}`);
  out.push('');
  out.push(`Evidence (${id.evidence.length} piece${id.evidence.length === 1 ? '' : 's'}, strongest first):`);
  id.evidence.forEach((e, i) => {
    const said = Object.entries(e.extracted).map(([kk, v]) => `${kk}=${kk === 'maker' || kk === 'brand' ? k.kb.vocab[v as string]?.name ?? v : v}`).join(', ');
    out.push(`  ${i + 1}. ${clean(e.description, 200)} [rule ${clean(e.rule, 120)}, confidence ${clean(e.confidence, 12)}]`);
    out.push(`     seen at ${clean(e.where, 120)}: ${clean(e.field, 60)} = "${clean(e.value, 200)}"`);
    out.push(`     says: ${clean(said, 300)}`);
    out.push(`     source: ${clean(e.source, 400)}`);
  });
  if (id.evidence.length === 0) out.push('  none: no rule of the knowledge base matched anything this device sent.');
  const failed = (d.results ?? []).filter((r) => r.status !== 'success');
  if (d.results?.length) {
    out.push('');
    out.push(`Module results: ${d.results.length - failed.length} of ${d.results.length} succeeded`);
    for (const r of failed) out.push(`  ${clean(r.module, 16)}${r.port ? `:${clean(r.port, 8)}` : ''} ${clean(r.status, 20)}${r.code ? ` (${clean(r.code, 32)})` : ''}${r.error ? `: ${clean(r.error, 200)}` : ''}`);
  }
  if (d.errors.length) {
    out.push('');
    out.push('Errors while probing:');
    for (const e of d.errors) out.push(`  ${clean(e.stage, 32)}${e.port ? `:${clean(e.port, 8)}` : ''} ${clean(e.code, 32)}: ${clean(e.message, 200)}`);
  }
  return out.join('\n') + '\n';
}
