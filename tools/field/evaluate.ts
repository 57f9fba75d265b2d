// Out-of-sample accuracy on the field corpus: every record is converted to the observation record a scan
// would hold (corpus.ts), judged, and compared with its label. Metrics are computed per split (`tune`,
// `check`) and per maker. Pure: records + a judge function + a policy in, metrics out.
import type { Identification, Verdict, VerdictStatus } from '../../src/model/types.js';
import { restrictsDevice, type Policy } from '../../src/policy/policy.js';
import { restrictedIds } from '../accuracy/accuracy.js';
import { hashSplit, modelOnlyRecord, splitOf, toObservation, type FieldRecord, type ModelSample, type Split } from './corpus.js';

export interface Judged { identification: Identification; verdict: Verdict }
export type JudgeFn = (rec: ReturnType<typeof toObservation>['record']) => Judged;

/** The gates of issue 9, applied to the check half. */
export const GATES = { restricted_recall: 0.95, maker_named: 0.85, maker_right: 0.95, false_restricted: 0 } as const;
/** Restricted makers' model numbers recognised from the model name alone (check half). */
export const MODEL_GATE = 0.9;

export interface FieldResult {
  id: string;
  split: Split;
  source: string;
  label: FieldRecord['label'];
  /** The label's maker is a listed entity (or an undated own brand of one) under the policy. */
  restricted: boolean;
  /** The label names who built it. */
  known_maker: boolean;
  got: { maker?: string; brand?: string; model?: string; verdict: VerdictStatus; score: number };
  maker_ok?: boolean;
  unused: string[];
  observable: boolean;
  evidence: Array<{ rule: string; field: string; value: string; maker?: string }>;
}

export interface SplitMetrics {
  split: Split | 'all';
  records: number;
  sources: number;
  observable: number;
  restricted: { total: number; caught: number; recall: number; missed: string[] };
  false_restricted: string[];
  maker_named: { total: number; named: number; rate: number };
  maker_right: { named: number; right: number; rate: number; wrong: string[] };
  /** Cameras/recorders of non-restricted makers left `unknown`. */
  other_cameras_unknown: { total: number; unknown: number };
  verdicts: Record<VerdictStatus, number>;
  per_maker: Array<{ maker: string; records: number; named: number; right: number; restricted_caught?: number }>;
  gates?: { restricted_recall: boolean; false_restricted: boolean; maker_named: boolean; maker_right: boolean; pass: boolean };
}

const SURVEILLANCE = new Set(['camera', 'recorder', 'doorbell', 'thermal', 'access-control', 'camera-or-recorder']);

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : Math.round((a / b) * 1000) / 1000;
}

export function judgeAll(records: FieldRecord[], moved: ReadonlySet<string>, judge: JudgeFn, policy: Policy): FieldResult[] {
  const { makers, ownBrands } = restrictedIds(policy);
  return records.map((r) => {
    const { record, unused } = toObservation(r);
    const { identification: id, verdict } = judge(record);
    const known = r.label.maker !== 'unknown';
    const dt = r.label.device_type;
    const restricted = (known && makers.has(r.label.maker) && restrictsDevice(policy, r.label.maker, dt))
      || (!!r.label.brand && ownBrands.has(r.label.brand) && restrictsDevice(policy, r.label.brand, dt));
    const observable = (record.seen_by ?? []).length > 0 || !!record.mac;
    return {
      id: r.id, split: splitOf(r, moved), source: r.source.key, label: r.label, restricted, known_maker: known,
      got: { maker: id.maker, brand: id.brand, model: id.model, verdict: verdict.status, score: id.maker_score },
      ...(known && id.maker ? { maker_ok: id.maker === r.label.maker } : {}),
      unused, observable,
      evidence: id.evidence.map((e) => ({ rule: e.rule, field: e.field, value: e.value, ...(e.extracted.maker ? { maker: e.extracted.maker } : {}) })),
    };
  });
}

/**
 * Metrics over the records camsweep can observe at all: a record whose captures are only things no
 * camsweep probe sees (an SSH or FTP banner, a dataset's summary column) is counted in `records` but
 * left out of every rate, and reported as not observable.
 */
export function metrics(results: FieldResult[], split: Split | 'all', withGates: boolean): SplitMetrics {
  const all = split === 'all' ? results : results.filter((r) => r.split === split);
  const rs = all.filter((r) => r.observable);
  const restricted = rs.filter((r) => r.restricted);
  const caught = restricted.filter((r) => r.got.verdict === 'restricted' || r.got.verdict === 'suspect');
  const false_restricted = rs.filter((r) => r.known_maker && !r.restricted && r.got.verdict === 'restricted').map((r) => r.id);
  const known = rs.filter((r) => r.known_maker);
  const named = known.filter((r) => r.got.maker);
  const right = named.filter((r) => r.maker_ok);
  const others = rs.filter((r) => r.known_maker && !r.restricted && SURVEILLANCE.has(r.label.device_type ?? ''));
  const verdicts: Record<VerdictStatus, number> = { restricted: 0, suspect: 0, clear: 0, unknown: 0 };
  for (const r of rs) verdicts[r.got.verdict]++;
  const makerIds = [...new Set(known.map((r) => r.label.maker))].sort();
  const per_maker = makerIds.map((m) => {
    const of = known.filter((r) => r.label.maker === m);
    const res = of.filter((r) => r.restricted);
    return {
      maker: m, records: of.length, named: of.filter((r) => r.got.maker).length, right: of.filter((r) => r.maker_ok).length,
      ...(res.length ? { restricted_caught: res.filter((r) => r.got.verdict === 'restricted' || r.got.verdict === 'suspect').length } : {}),
    };
  });
  const m: SplitMetrics = {
    split, records: all.length, sources: new Set(all.map((r) => r.source)).size, observable: rs.length,
    restricted: { total: restricted.length, caught: caught.length, recall: ratio(caught.length, restricted.length), missed: restricted.filter((r) => !caught.includes(r)).map((r) => r.id) },
    false_restricted,
    maker_named: { total: known.length, named: named.length, rate: ratio(named.length, known.length) },
    maker_right: { named: named.length, right: right.length, rate: ratio(right.length, named.length), wrong: named.filter((r) => !r.maker_ok).map((r) => r.id) },
    other_cameras_unknown: { total: others.length, unknown: others.filter((r) => r.got.verdict === 'unknown').length },
    verdicts, per_maker,
  };
  if (withGates) {
    const g = {
      restricted_recall: m.restricted.recall >= GATES.restricted_recall,
      false_restricted: m.false_restricted.length <= GATES.false_restricted,
      maker_named: m.maker_named.rate >= GATES.maker_named,
      maker_right: m.maker_right.rate >= GATES.maker_right,
    };
    m.gates = { ...g, pass: Object.values(g).every(Boolean) };
  }
  return m;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Text report. Misses are listed for `tune` only: `check` is measured, never read record by record. */
export function formatField(results: FieldResult[], policy: string): string {
  const out: string[] = [];
  const tune = metrics(results, 'tune', false);
  const check = metrics(results, 'check', true);
  out.push(`camsweep field accuracy (real-device captures, fixtures/field), policy ${policy}`, '');
  const row = (label: string, t: string, c: string) => `  ${label.padEnd(52)} ${t.padStart(16)} ${c.padStart(16)}`;
  out.push(row('', 'tune', 'check (honest)'));
  out.push(row('records (sources)', `${tune.records} (${tune.sources})`, `${check.records} (${check.sources})`));
  out.push(row('  of which camsweep can observe (the rates below)', String(tune.observable), String(check.observable)));
  out.push(row('restricted recall (restricted or suspect)', `${tune.restricted.caught}/${tune.restricted.total} ${pct(tune.restricted.recall)}`, `${check.restricted.caught}/${check.restricted.total} ${pct(check.restricted.recall)}`));
  out.push(row('non-restricted makers judged restricted', String(tune.false_restricted.length), String(check.false_restricted.length)));
  out.push(row('maker named (of records with a known maker)', `${tune.maker_named.named}/${tune.maker_named.total} ${pct(tune.maker_named.rate)}`, `${check.maker_named.named}/${check.maker_named.total} ${pct(check.maker_named.rate)}`));
  out.push(row('named maker right', `${tune.maker_right.right}/${tune.maker_right.named} ${pct(tune.maker_right.rate)}`, `${check.maker_right.right}/${check.maker_right.named} ${pct(check.maker_right.rate)}`));
  out.push(row('other makers\' cameras/recorders left unknown', `${tune.other_cameras_unknown.unknown}/${tune.other_cameras_unknown.total}`, `${check.other_cameras_unknown.unknown}/${check.other_cameras_unknown.total}`));
  out.push(row('verdicts r/s/c/u', `${tune.verdicts.restricted}/${tune.verdicts.suspect}/${tune.verdicts.clear}/${tune.verdicts.unknown}`, `${check.verdicts.restricted}/${check.verdicts.suspect}/${check.verdicts.clear}/${check.verdicts.unknown}`));
  out.push('');
  out.push('Per maker (records: named / right; restricted makers: caught):');
  const makers = [...new Set([...tune.per_maker, ...check.per_maker].map((p) => p.maker))].sort();
  for (const mk of makers) {
    const f = (p?: SplitMetrics['per_maker'][number]) => (p ? `${p.records}: ${p.named}/${p.right}${p.restricted_caught !== undefined ? ` c${p.restricted_caught}` : ''}` : '-');
    out.push(row(`  ${mk}`, f(tune.per_maker.find((p) => p.maker === mk)), f(check.per_maker.find((p) => p.maker === mk))));
  }
  out.push('');
  const g = check.gates!;
  out.push(`Gates on check: recall >= ${pct(GATES.restricted_recall)} ${g.restricted_recall ? 'OK' : 'FAIL'}; no false restricted ${g.false_restricted ? 'OK' : 'FAIL'}; `
    + `maker named >= ${pct(GATES.maker_named)} ${g.maker_named ? 'OK' : 'FAIL'}; maker right >= ${pct(GATES.maker_right)} ${g.maker_right ? 'OK' : 'FAIL'} => ${g.pass ? 'PASS' : 'FAIL'}`);
  return out.join('\n');
}

/** Tune-half misses, for rule writers (never the check half). */
export function formatTuneMisses(results: FieldResult[]): string {
  const out: string[] = [];
  for (const r of results.filter((x) => x.split === 'tune')) {
    const missRestricted = r.restricted && r.got.verdict !== 'restricted' && r.got.verdict !== 'suspect';
    const falseRestricted = r.known_maker && !r.restricted && r.got.verdict === 'restricted';
    const makerMiss = r.known_maker && (!r.got.maker || r.maker_ok === false);
    if (!missRestricted && !falseRestricted && !makerMiss) continue;
    const what = [missRestricted && 'restricted missed', falseRestricted && 'FALSE restricted', makerMiss && (r.got.maker ? `maker ${r.got.maker} wrong` : 'no maker')].filter(Boolean).join(', ');
    out.push(`${r.id} [${what}] label ${r.label.maker}${r.label.brand ? `/${r.label.brand}` : ''} ${r.label.model ?? ''} (${r.label.device_type ?? '?'}); got ${r.got.verdict}`);
    for (const e of r.evidence) out.push(`    ${e.rule} ${e.field} = ${JSON.stringify(e.value).slice(0, 120)}${e.maker ? ` -> ${e.maker}` : ''}`);
    for (const u of r.unused) out.push(`    unused: ${u}`);
  }
  return out.join('\n');
}

export interface ModelMetrics {
  split: Split;
  /** Per maker: models sampled, recognised (maker named right from the model name alone). */
  makers: Array<{ maker: string; models: number; recognised: number; rate: number }>;
  restricted: { models: number; recognised: number; rate: number };
  /** Other makers' models attributed to a restricted maker. */
  false_restricted: string[];
}

/** Model-name recognition: each sampled model as a lone UPnP modelName, split by a hash of the model. */
export function modelMetrics(samples: ModelSample[], judge: JudgeFn, policy: Policy, split: Split): ModelMetrics {
  const { makers: listed } = restrictedIds(policy);
  const per = new Map<string, { models: number; recognised: number }>();
  const false_restricted: string[] = [];
  for (const s of samples) for (const m of s.models) {
    if (hashSplit(`model:${m.model}`) !== split) continue;
    const maker = m.maker ?? s.maker!;
    const { identification: id } = judge(modelOnlyRecord(m.model));
    const p = per.get(maker) ?? { models: 0, recognised: 0 };
    p.models++;
    if (id.maker === maker) p.recognised++;
    per.set(maker, p);
    if (!listed.has(maker) && id.maker && listed.has(id.maker)) false_restricted.push(`${maker}:${m.model} -> ${id.maker}`);
  }
  const makers = [...per.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([maker, p]) => ({ maker, ...p, rate: ratio(p.recognised, p.models) }));
  const r = makers.filter((m) => listed.has(m.maker));
  const models = r.reduce((a, m) => a + m.models, 0);
  const recognised = r.reduce((a, m) => a + m.recognised, 0);
  return { split, makers, restricted: { models, recognised, rate: ratio(recognised, models) }, false_restricted };
}

export function formatModels(tune: ModelMetrics, check: ModelMetrics | undefined): string {
  const out = ['Model names alone (UPnP modelName; evenly spaced samples of public model lists):'];
  const makers = [...new Set([...tune.makers, ...(check?.makers ?? [])].map((m) => m.maker))].sort();
  for (const mk of makers) {
    const f = (m?: ModelMetrics['makers'][number]) => (m ? `${m.recognised}/${m.models} ${pct(m.rate)}` : '-');
    out.push(`  ${mk.padEnd(50)} ${f(tune.makers.find((m) => m.maker === mk)).padStart(16)} ${check ? f(check.makers.find((m) => m.maker === mk)).padStart(16) : ''}`);
  }
  out.push(`  ${'restricted makers\' models recognised'.padEnd(50)} ${`${pct(tune.restricted.rate)}`.padStart(16)} ${check ? pct(check.restricted.rate).padStart(16) : ''}`);
  out.push(`  ${'other makers\' models taken for a restricted maker'.padEnd(50)} ${String(tune.false_restricted.length).padStart(16)} ${check ? String(check.false_restricted.length).padStart(16) : ''}`);
  if (!check) for (const f of tune.false_restricted) out.push(`    ${f}`);
  return out.join('\n');
}

/** The tune half alone, for rule writers. */
export function formatTune(t: SplitMetrics): string {
  const out = [`Field corpus, TUNE half only (${t.records} records, ${t.observable} observable by camsweep, ${t.sources} sources):`];
  out.push(`  restricted recall ${t.restricted.caught}/${t.restricted.total} ${pct(t.restricted.recall)}; non-restricted judged restricted ${t.false_restricted.length}${t.false_restricted.length ? ` (${t.false_restricted.join(', ')})` : ''}`);
  out.push(`  maker named ${t.maker_named.named}/${t.maker_named.total} ${pct(t.maker_named.rate)}; named maker right ${t.maker_right.right}/${t.maker_right.named} ${pct(t.maker_right.rate)}${t.maker_right.wrong.length ? ` (wrong: ${t.maker_right.wrong.join(', ')})` : ''}`);
  out.push(`  other makers' cameras/recorders left unknown ${t.other_cameras_unknown.unknown}/${t.other_cameras_unknown.total}`);
  for (const p of t.per_maker) out.push(`    ${p.maker.padEnd(20)} ${p.records} records, named ${p.named}, right ${p.right}${p.restricted_caught !== undefined ? `, caught ${p.restricted_caught}` : ''}`);
  return out.join('\n');
}
