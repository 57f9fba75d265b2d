// Accuracy of identification and verdicts on a labelled device corpus. Pure: corpus text in, records
// out; records + a judge function + a policy in, metrics out; metrics in, text out. No I/O here (the
// runner in main.ts reads the files and prints).
//
// Corpus record = an ObservationRecord plus
//   x_expected: { brand?, maker?, verdict, policy?, verdicts? }   (vocabulary ids; verdict under `policy`,
//               default "ndaa"; `verdicts` optionally gives the expected verdict under other policies)
//   x_sources:  [ "citation", ... ]   public facts the record is built from
//   x_note:     what the case tests
//   x_id:       optional stable id (default: file name, or file:line for JSONL)
import type { Evidence, Identification, ObservationRecord, Verdict, VerdictStatus } from '../../src/model/types.js';
import { restrictsDevice, type Policy } from '../../src/policy/policy.js';

export const VERDICTS: readonly VerdictStatus[] = ['restricted', 'suspect', 'clear', 'unknown'];

export interface Expectation {
  brand?: string;
  maker?: string;
  verdict: VerdictStatus;
  policy?: string;
  verdicts?: Record<string, VerdictStatus>;
}

export interface CorpusCase {
  id: string;
  file: string;
  record: ObservationRecord;
  expected: Expectation;
  sources: string[];
  note: string;
}

export interface CorpusProblem { where: string; problem: string }

/** Check one parsed value; returns problems (empty when the record is usable). */
export function validateCase(v: unknown, where: string, vocab?: Record<string, unknown>): CorpusProblem[] {
  const out: CorpusProblem[] = [];
  const bad = (problem: string) => out.push({ where, problem });
  if (!v || typeof v !== 'object' || Array.isArray(v)) { bad('not a JSON object'); return out; }
  const r = v as Record<string, unknown>;
  if (typeof r.ip !== 'string' || !r.ip) bad('missing "ip"');
  const e = r.x_expected as Record<string, unknown> | undefined;
  if (!e || typeof e !== 'object' || Array.isArray(e)) bad('missing "x_expected"');
  else {
    if (!VERDICTS.includes(e.verdict as VerdictStatus)) bad(`x_expected.verdict must be one of ${VERDICTS.join('|')}`);
    for (const k of ['maker', 'brand'] as const) {
      if (e[k] === undefined) continue;
      if (typeof e[k] !== 'string' || !e[k]) bad(`x_expected.${k} must be a vocabulary id`);
      else if (vocab && !vocab[e[k] as string]) bad(`x_expected.${k} "${String(e[k])}" is not in vendors.yaml`);
    }
    if (e.policy !== undefined && typeof e.policy !== 'string') bad('x_expected.policy must be a policy name');
    if (e.verdicts !== undefined) {
      if (!e.verdicts || typeof e.verdicts !== 'object') bad('x_expected.verdicts must map policy -> verdict');
      else for (const [p, s] of Object.entries(e.verdicts)) if (!VERDICTS.includes(s as VerdictStatus)) bad(`x_expected.verdicts.${p} is not a verdict`);
    }
  }
  const s = r.x_sources;
  if (!Array.isArray(s) || s.length === 0 || s.some((x) => typeof x !== 'string' || x.length < 8)) bad('x_sources must list at least one citation');
  if (typeof r.x_note !== 'string' || r.x_note.length < 8) bad('x_note must say what the case tests');
  return out;
}

/**
 * Parse corpus files: `.json` (one record or an array of records) or `.jsonl` (one record per line;
 * blank lines and lines starting with // are skipped).
 */
export function parseCorpus(files: Array<{ file: string; text: string }>, vocab?: Record<string, unknown>): { cases: CorpusCase[]; problems: CorpusProblem[] } {
  const cases: CorpusCase[] = [];
  const problems: CorpusProblem[] = [];
  const ids = new Set<string>();
  const take = (v: unknown, where: string, file: string) => {
    const p = validateCase(v, where, vocab);
    if (p.length) { problems.push(...p); return; }
    const r = v as ObservationRecord & { x_expected: Expectation; x_sources: string[]; x_note: string; x_id?: unknown };
    const id = typeof r.x_id === 'string' && r.x_id ? r.x_id : where;
    if (ids.has(id)) { problems.push({ where, problem: `duplicate id ${id}` }); return; }
    ids.add(id);
    cases.push({ id, file, record: r, expected: r.x_expected, sources: r.x_sources, note: r.x_note });
  };
  for (const { file, text } of files) {
    if (file.endsWith('.jsonl')) {
      text.split('\n').forEach((line, i) => {
        const t = line.trim();
        if (!t || t.startsWith('//')) return;
        let v: unknown;
        try { v = JSON.parse(t); } catch (e) { problems.push({ where: `${file}:${i + 1}`, problem: `not JSON: ${(e as Error).message}` }); return; }
        take(v, `${file}:${i + 1}`, file);
      });
    } else {
      let v: unknown;
      try { v = JSON.parse(text); } catch (e) { problems.push({ where: file, problem: `not JSON: ${(e as Error).message}` }); continue; }
      if (Array.isArray(v)) v.forEach((x, i) => take(x, `${file}[${i}]`, file));
      else take(v, file, file);
    }
  }
  return { cases, problems };
}

export interface Assessment { identification: Identification; verdict: Verdict }
export type AssessFn = (rec: ObservationRecord) => Assessment;

export interface CaseResult {
  id: string;
  file: string;
  note: string;
  expected: Expectation;
  /** Expected verdict under the policy being measured (undefined: no expectation for it). */
  expected_verdict?: VerdictStatus;
  got: { maker?: string; maker_score: number; brand?: string; verdict: VerdictStatus; entity?: string; channels?: Identification['channels'] };
  /** Expected maker is a listed entity (or an undated own brand of one) under this policy. */
  restricted_maker: boolean;
  verdict_ok?: boolean;
  maker_ok: boolean;
  brand_ok: boolean;
  evidence: Array<Pick<Evidence, 'rule' | 'field' | 'where' | 'value' | 'confidence' | 'extracted'>>;
  conflicts: Identification['conflicts'];
  reasons: string[];
}

export interface MakerStats { maker: string; expected: number; identified: number; tp: number; precision: number; recall: number }

export interface Metrics {
  policy: string;
  total: number;
  makers: MakerStats[];
  restricted: { total: number; caught: number; recall: number; missed: string[] };
  /** Devices of makers that are not listed under this policy, judged `restricted`. */
  false_restricted: string[];
  /** confusion[expected][got] over records with a verdict expectation for this policy. */
  confusion: Record<VerdictStatus, Record<VerdictStatus, number>>;
  verdicts: { checked: number; correct: number; accuracy: number };
  brand: { checked: number; correct: number };
  maker: { checked: number; correct: number };
  verdict_misses: CaseResult[];
  maker_misses: CaseResult[];
  gates: { min_recall: number; recall_ok: boolean; no_false_restricted: boolean; pass: boolean };
  results: CaseResult[];
}

export const MIN_RESTRICTED_RECALL = 0.98;

/** Entity-level view of a policy: which vocabulary ids mean "this device comes from a listed maker". */
export function restrictedIds(policy: Policy): { makers: Set<string>; ownBrands: Set<string> } {
  const makers = new Set<string>();
  const ownBrands = new Set<string>();
  for (const e of policy.entities) {
    for (const m of e.makers) makers.add(m);
    for (const b of e.brands ?? []) if (!b.from && !b.to && !b.end) ownBrands.add(b.id);
  }
  return { makers, ownBrands };
}

export function expectedVerdictFor(e: Expectation, policy: string): VerdictStatus | undefined {
  if (e.verdicts?.[policy]) return e.verdicts[policy];
  return (e.policy ?? 'ndaa') === policy ? e.verdict : undefined;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : Math.round((a / b) * 1000) / 1000;
}

/** Run every case through `assess` and measure. Pure given a pure `assess`. */
export function evaluate(cases: CorpusCase[], assess: AssessFn, policy: Policy, minRecall = MIN_RESTRICTED_RECALL): Metrics {
  const { makers: listedMakers, ownBrands } = restrictedIds(policy);
  const results: CaseResult[] = cases.map((c) => {
    const { identification: id, verdict } = assess(c.record);
    const exp = c.expected;
    // A device counts as a restricted maker's only where the policy covers its kind of equipment (the UK
    // 2022 criterion covers visual surveillance equipment, not a Huawei router).
    const restricted_maker = exp.maker ? listedMakers.has(exp.maker) && restrictsDevice(policy, exp.maker, id.device_type)
      : !!exp.brand && ownBrands.has(exp.brand) && restrictsDevice(policy, exp.brand, id.device_type);
    const expected_verdict = expectedVerdictFor(exp, policy.name);
    return {
      id: c.id, file: c.file, note: c.note, expected: exp, expected_verdict,
      got: {
        maker: id.maker, maker_score: id.maker_score, brand: id.brand, verdict: verdict.status, entity: verdict.entity,
        ...(id.channels ? { channels: id.channels } : {}),
      },
      restricted_maker,
      verdict_ok: expected_verdict ? expected_verdict === verdict.status : undefined,
      maker_ok: (exp.maker ?? undefined) === (id.maker ?? undefined) || (!exp.maker && !listedMakers.has(id.maker ?? '')),
      brand_ok: !exp.brand || exp.brand === id.brand,
      evidence: id.evidence.map((e) => ({ rule: e.rule, field: e.field, where: e.where, value: e.value, confidence: e.confidence, extracted: e.extracted })),
      conflicts: id.conflicts,
      reasons: [...id.reasoning, ...verdict.reasons],
    };
  });

  const makerIds = new Set<string>();
  for (const r of results) { if (r.expected.maker) makerIds.add(r.expected.maker); if (r.got.maker) makerIds.add(r.got.maker); }
  const makers: MakerStats[] = [...makerIds].sort().map((m) => {
    const expected = results.filter((r) => r.expected.maker === m).length;
    const identified = results.filter((r) => r.got.maker === m).length;
    const tp = results.filter((r) => r.expected.maker === m && r.got.maker === m).length;
    return { maker: m, expected, identified, tp, precision: ratio(tp, identified), recall: ratio(tp, expected) };
  });

  const restrictedCases = results.filter((r) => r.restricted_maker);
  const caught = restrictedCases.filter((r) => r.got.verdict === 'restricted' || r.got.verdict === 'suspect');
  const false_restricted = results.filter((r) => !r.restricted_maker && r.got.verdict === 'restricted').map((r) => r.id);

  const confusion = Object.fromEntries(VERDICTS.map((e) => [e, Object.fromEntries(VERDICTS.map((g) => [g, 0]))])) as Metrics['confusion'];
  const checked = results.filter((r) => r.expected_verdict);
  for (const r of checked) confusion[r.expected_verdict!][r.got.verdict]++;
  const correct = checked.filter((r) => r.verdict_ok).length;

  const recall = ratio(caught.length, restrictedCases.length);
  const recall_ok = recall >= minRecall;
  const no_false_restricted = false_restricted.length === 0;
  const withMaker = results.filter((r) => r.expected.maker);
  const withBrand = results.filter((r) => r.expected.brand);
  return {
    policy: policy.name,
    total: results.length,
    makers,
    restricted: {
      total: restrictedCases.length, caught: caught.length, recall,
      missed: restrictedCases.filter((r) => !caught.includes(r)).map((r) => r.id),
    },
    false_restricted,
    confusion,
    verdicts: { checked: checked.length, correct, accuracy: ratio(correct, checked.length) },
    brand: { checked: withBrand.length, correct: withBrand.filter((r) => r.brand_ok).length },
    maker: { checked: withMaker.length, correct: withMaker.filter((r) => r.maker_ok).length },
    verdict_misses: checked.filter((r) => !r.verdict_ok),
    maker_misses: results.filter((r) => !r.maker_ok || !r.brand_ok),
    gates: { min_recall: minRecall, recall_ok, no_false_restricted, pass: recall_ok && no_false_restricted },
    results,
  };
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export function describeCase(r: CaseResult): string[] {
  const e = r.expected;
  const want = [e.brand && `brand ${e.brand}`, e.maker && `maker ${e.maker}`, r.expected_verdict && `verdict ${r.expected_verdict}`].filter(Boolean).join(', ');
  const got = [r.got.brand && `brand ${r.got.brand}`, r.got.maker && `maker ${r.got.maker} (${r.got.maker_score.toFixed(2)})`, `verdict ${r.got.verdict}`].filter(Boolean).join(', ');
  const lines = [`${r.id}: expected ${want || '-'}; got ${got}`, `    case: ${r.note}`];
  if (r.evidence.length === 0) lines.push('    evidence: none (no rule matched)');
  for (const ev of r.evidence) {
    const ex = Object.entries(ev.extracted).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`    ${ev.rule} [${ev.confidence}] ${ev.field}@${ev.where} = ${JSON.stringify(ev.value)}${ex ? ` -> ${ex}` : ''}`);
  }
  for (const c of r.conflicts) lines.push(`    conflict: ${c.value} ${c.score.toFixed(2)} (${c.rules.join(', ')})`);
  return lines;
}

/** The human report `npm run accuracy` prints. */
export function formatReport(m: Metrics): string {
  const out: string[] = [];
  out.push(`camsweep accuracy: ${m.total} corpus devices, policy ${m.policy}`, '');
  out.push('Maker identification (expected maker vs identified maker):');
  out.push(`  ${pad('maker', 14)} ${pad('devices', 7, true)} ${pad('named', 6, true)} ${pad('right', 6, true)} ${pad('precision', 10, true)} ${pad('recall', 8, true)}`);
  for (const s of m.makers) {
    out.push(`  ${pad(s.maker, 14)} ${pad(s.expected, 7, true)} ${pad(s.identified, 6, true)} ${pad(s.tp, 6, true)} ${pad(s.identified ? pct(s.precision) : '-', 10, true)} ${pad(s.expected ? pct(s.recall) : '-', 8, true)}`);
  }
  out.push(`  maker right on ${m.maker.correct}/${m.maker.checked} devices with a known maker; brand right on ${m.brand.correct}/${m.brand.checked} with a known brand`, '');
  out.push('Verdicts (rows: expected, columns: got):');
  out.push(`  ${pad('', 11)} ${VERDICTS.map((v) => pad(v, 10, true)).join(' ')}`);
  for (const e of VERDICTS) out.push(`  ${pad(e, 11)} ${VERDICTS.map((g) => pad(m.confusion[e][g], 10, true)).join(' ')}`);
  out.push(`  verdict right on ${m.verdicts.correct}/${m.verdicts.checked} (${pct(m.verdicts.accuracy)})`, '');
  const recorders = m.results.filter((r) => r.got.channels);
  if (recorders.length) {
    out.push('Recorders (camera channels reported in SADP/DHIP; those cameras are not seen directly):');
    for (const r of recorders) {
      const c = r.got.channels!;
      out.push(`  ${r.id}: ${c.total} channel${c.total === 1 ? '' : 's'} (${c.analog} analog, ${c.ip} IP, from ${c.from})`);
    }
    out.push('');
  }
  if (m.verdict_misses.length) {
    out.push(`Verdict misses (${m.verdict_misses.length}):`);
    for (const r of m.verdict_misses) out.push(...describeCase(r).map((l) => `  ${l}`));
    out.push('');
  }
  const makerOnly = m.maker_misses.filter((r) => r.verdict_ok !== false);
  if (makerOnly.length) {
    out.push(`Maker/brand misses with the right verdict (${makerOnly.length}):`);
    for (const r of makerOnly) out.push(...describeCase(r).map((l) => `  ${l}`));
    out.push('');
  }
  out.push('Summary:');
  out.push(`  restricted-maker recall (restricted or suspect): ${m.restricted.caught}/${m.restricted.total} = ${pct(m.restricted.recall)} (gate >= ${pct(m.gates.min_recall)}) ${m.gates.recall_ok ? 'OK' : 'FAIL'}`);
  if (m.restricted.missed.length) out.push(`    missed: ${m.restricted.missed.join(', ')}`);
  out.push(`  non-restricted-maker devices judged restricted: ${m.false_restricted.length} ${m.gates.no_false_restricted ? 'OK' : 'FAIL'}`);
  if (m.false_restricted.length) out.push(`    ${m.false_restricted.join(', ')}`);
  out.push(`  verdicts right: ${m.verdicts.correct}/${m.verdicts.checked}; makers right: ${m.maker.correct}/${m.maker.checked}; brands right: ${m.brand.correct}/${m.brand.checked}`);
  out.push(`  ${m.gates.pass ? 'PASS' : 'FAIL'}`);
  return out.join('\n');
}
