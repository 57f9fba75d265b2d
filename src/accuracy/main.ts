// `npm run accuracy`: run the fingerprint engine and the policy over the labelled device corpus
// (fixtures/devices) and print per-maker precision/recall, the verdict confusion matrix and every miss
// with its evidence. Exit status: 0 = gates pass, 1 = a gate failed, 2 = the corpus or options are bad.
//
//   node dist/accuracy/main.js [--policy NAME|FILE] [--json] [--min-recall X] [PATH ...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultKnowledgeBase } from '../fingerprint/rules.js';
import { loadPolicy } from '../policy/policy.js';
import { assess } from '../scan/scan.js';
import { ROOT } from '../paths.js';
import { evaluate, formatReport, MIN_RESTRICTED_RECALL, parseCorpus } from './accuracy.js';

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
  process.stderr.write('usage: accuracy [--policy NAME|FILE] [--json] [--min-recall 0.98] [PATH ...]\n');
  process.exit(2);
}

export function main(argv: string[]): number {
  let policyName = 'ndaa';
  let json = false;
  let minRecall = MIN_RESTRICTED_RECALL;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
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
  const { cases, problems } = parseCorpus(corpusFiles(paths), kb.vocab);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`corpus: ${p.where}: ${p.problem}\n`);
    return 2;
  }
  const m = evaluate(cases, (rec) => assess(rec, { kb, policy }), policy, minRecall);
  if (json) {
    process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReport(m)}\n`);
  }
  return m.gates.pass ? 0 : 1;
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
