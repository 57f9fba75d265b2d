// Writes the TUNE half of the field corpus, one file per record (captures, the observation record the
// converter builds, and today's identification and verdict), into a folder outside the repository, so
// that rule writers work from tune records only and never read the check half.
//
//   node build/tools/field/export-tune.js OUTDIR [--policy NAME]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultKnowledgeBase, defaultMacLookup } from '../../src/data/load.js';
import { loadPolicy } from '../../src/data/load.js';
import { assess } from '../../src/scan/scan.js';
import { ROOT } from '../../src/paths.js';
import { hashSplit, readCorpus, readModelSamples, splitOf, toObservation } from './corpus.js';

const [out, ...rest] = process.argv.slice(2);
if (!out) { process.stderr.write('usage: export-tune OUTDIR [--policy NAME]\n'); process.exit(2); }
const policyName = rest[0] === '--policy' && rest[1] ? rest[1] : 'ndaa';
const kb = defaultKnowledgeBase();
const policy = loadPolicy(policyName, kb.vocab);
const { records, moved, problems } = readCorpus(path.join(ROOT, 'fixtures', 'field'));
if (problems.length) { for (const p of problems) process.stderr.write(`${p.where}: ${p.problem}\n`); process.exit(2); }
mkdirSync(out, { recursive: true });
const index: string[] = [];
let n = 0;
for (const r of records) {
  if (splitOf(r, moved) !== 'tune') continue;
  const { record, unused } = toObservation(r);
  const d = assess(record, { kb, policy, macVendor: defaultMacLookup() });
  const got = { maker: d.identification.maker, brand: d.identification.brand, model: d.identification.model, verdict: d.verdict.status, evidence: d.identification.evidence.map((e) => ({ rule: e.rule, field: e.field, value: e.value, extracted: e.extracted })) };
  writeFileSync(path.join(out, `${r.id}.json`), JSON.stringify({ id: r.id, source: r.source, label: r.label, captures: r.captures, note: r.note, observation: record, unused, got }, null, 2));
  index.push(`${r.id}\t${r.label.maker}/${r.label.brand ?? '-'}\t${r.label.device_type ?? '-'}\t${got.maker ?? '-'}\t${got.verdict}`);
  n++;
}
writeFileSync(path.join(out, 'INDEX.tsv'), `id\tlabel maker/brand\ttype\tgot maker\tgot verdict\n${index.join('\n')}\n`);
const models = readModelSamples(path.join(ROOT, 'fixtures', 'field', 'model-names'));
const tuneModels = models.samples.map((s) => ({ ...s, models: s.models.filter((m) => hashSplit(`model:${m.model}`) === 'tune') }));
writeFileSync(path.join(out, 'MODELS-tune.json'), JSON.stringify(tuneModels, null, 2));
process.stdout.write(`${n} tune records (of ${records.length}) and ${tuneModels.reduce((a, s) => a + s.models.length, 0)} tune model names written to ${out}\n`);
