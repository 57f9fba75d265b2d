// `npm run accuracy`: how well camsweep identifies devices.
//  1. The field corpus (fixtures/field): responses captured from REAL devices, split by source into
//     `tune` (rules may be written from it) and `check` (never read while writing rules). The check
//     numbers are the honest ones; the gates of issue 9 apply to them.
//  2. The labelled corpus (fixtures/devices): records written from the same public facts as the rules —
//     in-sample, a regression guard only.
// Exit status: 0 = every gate passes, 1 = a gate failed, 2 = a corpus or the options are bad.
//
//   node build/tools/accuracy/main.js [--policy NAME|FILE] [--json] [--misses] [--field-only|--devices-only]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultKnowledgeBase, defaultMacLookup } from '../../src/data/load.js';
import { loadPolicy } from '../../src/data/load.js';
import { assess } from '../../src/scan/scan.js';
import { ROOT } from '../../src/paths.js';
import { evaluate, formatReport, MIN_RESTRICTED_RECALL, parseCorpus } from './accuracy.js';
import { readCorpus, readModelSamples } from '../field/corpus.js';
import { formatField, formatModels, formatTune, formatTuneMisses, judgeAll, metrics, modelMetrics, MODEL_GATE } from '../field/evaluate.js';

export function corpusFiles(paths: string[]): Array<{ file: string; text: string }> {
  const files: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/\.jsonl?$/.test(f)) files.push(path.join(p, f));
    } else files.push(p);
  }
  return files.map((f) => ({ file: path.relative(process.cwd(), f) || f, text: readFileSync(f, 'utf8') }));
}

function usage(): never {
  process.stderr.write('usage: accuracy [--policy NAME|FILE] [--json] [--misses] [--tune-only] [--field-only|--devices-only] [--min-recall 0.98] [DEVICES-PATH ...]\n');
  process.exit(2);
}

export function main(argv: string[]): number {
  let policyName = 'ndaa';
  let json = false;
  let misses = false;
  let tuneOnly = false;
  let field = true;
  let devices = true;
  let minRecall = MIN_RESTRICTED_RECALL;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--misses') misses = true;
    else if (a === '--tune-only') { tuneOnly = true; devices = false; }
    else if (a === '--field-only') devices = false;
    else if (a === '--devices-only') field = false;
    else if (a === '--policy') policyName = argv[++i] ?? usage();
    else if (a.startsWith('--policy=')) policyName = a.slice(9);
    else if (a === '--min-recall') minRecall = Number(argv[++i] ?? usage());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage();
    else paths.push(a);
  }
  if (!(minRecall >= 0 && minRecall <= 1)) usage();
  if (paths.length === 0) paths.push(path.join(ROOT, 'fixtures', 'devices'));
  const kb = defaultKnowledgeBase();
  const policy = loadPolicy(policyName, kb.vocab);
  const judge = (rec: Parameters<typeof assess>[0]) => assess(rec, { kb, policy, macVendor: defaultMacLookup() });
  let pass = true;
  const out: Record<string, unknown> = {};
  if (field) {
    const { records, moved, problems } = readCorpus(path.join(ROOT, 'fixtures', 'field'));
    if (problems.length) {
      for (const p of problems) process.stderr.write(`field corpus: ${p.where}: ${p.problem}\n`);
      return 2;
    }
    const results = judgeAll(records, moved, judge, policy);
    const check = metrics(results, 'check', true);
    pass &&= check.gates!.pass;
    const models = readModelSamples(path.join(ROOT, 'fixtures', 'field', 'model-names'));
    if (models.problems.length) {
      for (const p of models.problems) process.stderr.write(`model names: ${p.where}: ${p.problem}\n`);
      return 2;
    }
    const mTune = modelMetrics(models.samples, judge, policy, 'tune');
    const mCheck = modelMetrics(models.samples, judge, policy, 'check');
    if (models.samples.length) pass &&= mCheck.restricted.rate >= MODEL_GATE && mCheck.false_restricted.length === 0;
    if (json) out.field = { tune: metrics(results, 'tune', false), check, models: { tune: mTune, check: mCheck } };
    else if (tuneOnly) {
      // For rule writers: the tune half only (numbers and misses); the check half is not even counted.
      process.stdout.write(`${formatTune(metrics(results, 'tune', false))}\n\n${formatModels(mTune, undefined)}\n\nTune-half misses:\n${formatTuneMisses(results)}\n`);
      return 0;
    } else {
      process.stdout.write(`${formatField(results, policy.name)}\n\n`);
      if (models.samples.length) process.stdout.write(`${formatModels(mTune, mCheck)}\n  gate on check: >= ${(MODEL_GATE * 100).toFixed(0)}% and none taken for a restricted maker\n\n`);
      if (misses) process.stdout.write(`Tune-half misses (the check half is never listed):\n${formatTuneMisses(results)}\n\n`);
    }
  }
  if (devices) {
    const { cases, problems } = parseCorpus(corpusFiles(paths), kb.vocab);
    if (problems.length) {
      for (const p of problems) process.stderr.write(`corpus: ${p.where}: ${p.problem}\n`);
      return 2;
    }
    const m = evaluate(cases, judge, policy, minRecall);
    pass &&= m.gates.pass;
    if (json) out.devices = m;
    else process.stdout.write(`In-sample labelled corpus (fixtures/devices; written from the same facts as the rules):\n${formatReport(m)}\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return pass ? 0 : 1;
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invoked) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`accuracy: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
