// The fingerprint engine: observations in, identification out. Pure: no I/O, no clock, no globals (but
// a bounded memo of firstMatch answers per knowledge base, which changes no answer).
//
// For every field value of a record, the rules that read that field are tried in file order and the
// first one that matches explains the value (recog's rule: a value is claimed by one rule). The same
// rule firing on several ports counts once. Confidences of independent rules that agree on a maker are
// combined as a noisy-OR: 1 - Π(1 - c). Disagreeing makers are kept as conflicts, never hidden.
import type { Claim, DeviceType, Evidence, Extraction, FieldValue, Identification, ObservationRecord, RecorderChannels } from '../model/types.js';
import { clean } from '../util/sanitize.js';
import { extractFields, fieldCap, MAX_FIELD_CHARS, type MacVendorLookup } from './fields.js';
import type { KnowledgeBase, Rule } from './rules.js';
import { describeField } from '../model/fields.js';

/** Fill `{1}` / `{name}` placeholders from a match; drop keys whose group did not participate. */
export function fillExtraction(tpl: Extraction, m: RegExpExecArray): Extraction {
  const out: Extraction = {};
  for (const [k, v] of Object.entries(tpl) as Array<[keyof Extraction, string]>) {
    let missing = false;
    const filled = v.replace(/\{(\w+)\}/g, (_s, g: string) => {
      const val = /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g];
      if (val === undefined || val === '') { missing = true; return ''; }
      return val;
    }).trim();
    if (!missing && filled) (out as Record<string, string>)[k] = k === 'maker' || k === 'brand' ? filled.toLowerCase() : clean(filled, 128);
  }
  return out;
}

export interface RuleHit { extracted: Extraction; /** The matched text with a little context, bounded. */ excerpt: string; matched: string }

/**
 * Try one rule against one value. The value (and the request path) are cut to the field's cap first,
 * whoever the caller is: no rule's pattern ever runs on an unbounded string.
 */
export function matchRule(rule: Rule, value: string, reqPath?: string, field = rule.field): RuleHit | undefined {
  if (rule.pathRegex) {
    const p = reqPath ?? '/';
    if (!rule.pathRegex.test(p.length > MAX_FIELD_CHARS ? p.slice(0, MAX_FIELD_CHARS) : p)) return undefined;
  }
  const cap = fieldCap(field);
  if (value.length > cap) value = value.slice(0, cap);
  rule.regex.lastIndex = 0;
  const m = rule.regex.exec(value);
  if (!m) return undefined;
  let extracted = fillExtraction(rule.extract, m);
  if (rule.resolve) {
    // A self-declared maker rule matches only when its value names a vendor of the vocabulary.
    const d = m.groups?.d;
    const named = d ? rule.resolve(d) : undefined;
    if (!named) return undefined;
    extracted = { ...extracted, ...named };
  }
  return { extracted, excerpt: excerpt(value, m.index, m[0].length), matched: clean(m[0], 120) };
}

/** Short values are shown whole; in long ones (page bodies) only the matched part, with context. */
export function excerpt(value: string, index: number, length: number, max = 160): string {
  if (value.length <= max) return clean(value, max);
  const start = Math.max(0, index - 24);
  const end = Math.min(value.length, Math.max(index + length, start + max));
  return `${start > 0 ? '…' : ''}${clean(value.slice(start, Math.min(end, start + max)), max)}${end < value.length ? '…' : ''}`;
}

type FirstHit = ({ rule: Rule } & RuleHit) | undefined;

/** Entries the memo of firstMatch keeps per knowledge base at most, and the characters of their keys at most. */
export const MATCH_MEMO_MAX = 1024;
export const MATCH_MEMO_CHARS = 2_000_000;

/**
 * A bounded LRU of firstMatch answers, one per knowledge base (a dense network gives the same banner,
 * title and page from 254 hosts; each is matched against the field's rules once). The answer depends
 * only on the knowledge base and the (field, path, value), so a hit is the same result: the engine
 * stays pure in what it returns. Misses are kept too. Hits are handed out as copies.
 */
class MatchMemo {
  private readonly map = new Map<string, { hit: FirstHit; chars: number }>();
  private chars = 0;
  constructor(readonly max = MATCH_MEMO_MAX, readonly maxChars = MATCH_MEMO_CHARS) {}
  get size(): number { return this.map.size; }
  get keyChars(): number { return this.chars; }
  get(key: string): { hit: FirstHit } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key); // most recently used last
    this.map.set(key, e);
    return e;
  }
  set(key: string, hit: FirstHit): void {
    if (key.length > this.maxChars) return;
    const old = this.map.get(key);
    if (old) { this.map.delete(key); this.chars -= old.chars; }
    this.map.set(key, { hit, chars: key.length });
    this.chars += key.length;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.max && this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= e.chars;
    }
  }
}

const memos = new WeakMap<KnowledgeBase, MatchMemo>();

/** The memo's size for a knowledge base (tests: it stays bounded). */
export function matchMemoStats(kb: KnowledgeBase): { size: number; keyChars: number } {
  const m = memos.get(kb);
  return { size: m?.size ?? 0, keyChars: m?.keyChars ?? 0 };
}

function firstMatchUncached(kb: KnowledgeBase, field: string, value: string, path: string | undefined): FirstHit {
  for (const rule of kb.byField.get(field) ?? []) {
    const hit = matchRule(rule, value, path, field);
    if (hit) return { rule, ...hit };
  }
  return undefined;
}

/** The first rule (in knowledge-base order) that claims this field value (memoised per knowledge base, bounded). */
export function firstMatch(kb: KnowledgeBase, fv: Pick<FieldValue, 'field' | 'value' | 'path'>): FirstHit {
  const cap = fieldCap(fv.field);
  const value = fv.value.length > cap ? fv.value.slice(0, cap) : fv.value;
  const path = fv.path !== undefined && fv.path.length > MAX_FIELD_CHARS ? fv.path.slice(0, MAX_FIELD_CHARS) : fv.path;
  let memo = memos.get(kb);
  if (!memo) memos.set(kb, memo = new MatchMemo());
  const key = `${fv.field}\u0000${path === undefined ? '\u0001' : path}\u0000${value}`;
  let e = memo.get(key);
  if (!e) { e = { hit: firstMatchUncached(kb, fv.field, value, path) }; memo.set(key, e.hit); }
  const h = e.hit;
  return h && { rule: h.rule, extracted: { ...h.extracted }, excerpt: h.excerpt, matched: h.matched };
}

export function collectEvidence(rec: ObservationRecord, kb: KnowledgeBase, macVendor?: MacVendorLookup): Evidence[] {
  const byRule = new Map<string, Evidence>();
  for (const fv of extractFields(rec, macVendor)) {
    const hit = firstMatch(kb, fv);
    if (!hit) continue;
    const prev = byRule.get(hit.rule.id);
    const ev: Evidence = {
      rule: hit.rule.id, field: fv.field, where: fv.where, value: hit.excerpt, matched: hit.matched,
      extracted: hit.extracted, confidence: hit.rule.confidence, description: hit.rule.description, source: hit.rule.source,
    };
    // One rule counts once; keep the occurrence that extracted the most.
    if (!prev || Object.keys(ev.extracted).length > Object.keys(prev.extracted).length) byRule.set(hit.rule.id, ev);
  }
  return [...byRule.values()].sort((a, b) => b.confidence - a.confidence || a.rule.localeCompare(b.rule));
}

function noisyOr(cs: number[]): number {
  return 1 - cs.reduce((p, c) => p * (1 - c), 1);
}

function claims(evidence: Evidence[], key: 'maker' | 'brand'): Claim[] {
  const by = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const v = e.extracted[key];
    if (v) by.set(v, [...(by.get(v) ?? []), e]);
  }
  return [...by.entries()]
    .map(([value, es]) => ({ value, score: round(noisyOr(es.map((e) => e.confidence))), rules: es.map((e) => e.rule) }))
    .sort((a, b) => b.score - a.score || a.value.localeCompare(b.value));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The value of `key` from the most confident evidence that has one (ties: longest value). */
function best<K extends keyof Extraction>(evidence: Evidence[], key: K, prefer?: (e: Evidence) => boolean): Extraction[K] | undefined {
  let pick: Evidence | undefined;
  for (const e of evidence) {
    const v = e.extracted[key];
    if (!v) continue;
    const better = !pick
      || (prefer && prefer(e) && !prefer(pick))
      || (!(prefer && prefer(pick) && !prefer(e)) && (e.confidence > pick.confidence
        || (e.confidence === pick.confidence && String(v).length > String(pick.extracted[key]).length)));
    if (better) pick = e;
  }
  return pick?.extracted[key];
}

export function identify(rec: ObservationRecord, kb: KnowledgeBase, macVendor?: MacVendorLookup): Identification {
  const evidence = collectEvidence(rec, kb, macVendor);
  const name = (id?: string) => (id ? kb.vocab[id]?.name ?? id : undefined);
  const makers = claims(evidence, 'maker');
  const brands = claims(evidence, 'brand');
  const top = makers[0];
  const maker = top?.value;
  const fromMaker = (e: Evidence) => !e.extracted.maker || e.extracted.maker === maker;
  const brand = brands[0]?.value ?? (maker && kb.vocab[maker]?.kind !== 'platform' ? maker : undefined);
  const reasoning: string[] = [];
  if (maker && top) {
    const kinds = [...new Set(evidence.filter((e) => e.extracted.maker === maker).map((e) => describeField(e.field)))];
    reasoning.push(`${name(maker)} is the maker: ${kinds.join(', ')} (${top.rules.length} rule${top.rules.length > 1 ? 's' : ''}, combined confidence ${top.score.toFixed(2)}).`);
  }
  if (brand && maker && brand !== maker) {
    const labelKinds = [...new Set(evidence.filter((e) => e.extracted.brand === brand).map((e) => describeField(e.field)))];
    const platformKinds = [...new Set(evidence.filter((e) => e.extracted.maker === maker && e.extracted.brand !== brand).map((e) => describeField(e.field)))];
    reasoning.push(`Label ${name(brand)}${labelKinds.length ? ` (${labelKinds.join(', ')})` : ''}, but ${platformKinds.length ? platformKinds.join(', ') : 'the platform evidence'} say${platformKinds.length === 1 ? 's' : ''} ${name(maker)} built it.`);
  } else if (brand && !maker) {
    reasoning.push(`Only the brand (${name(brand)}) is known; no evidence shows who built it.`);
  }
  const conflicts = makers.slice(1).filter((c) => c.score >= 0.2);
  for (const c of conflicts) reasoning.push(`Conflicting evidence points to ${name(c.value)} (${c.rules.join(', ')}, confidence ${c.score.toFixed(2)}).`);
  const product = best(evidence, 'product');
  const deviceType = best(evidence, 'device_type', fromMaker) as DeviceType | undefined;
  if (!maker && product) reasoning.push(`Identified as ${product}${deviceType ? ` (${deviceType})` : ''}, not a camera maker.`);
  const channels = recorderChannels(rec, deviceType);
  if (channels) {
    reasoning.push(`Recorder with ${channels.total} camera channel${channels.total === 1 ? '' : 's'} (${channels.analog} analog, ${channels.ip} IP, from ${channels.from.toUpperCase()}): `
      + `up to ${channels.total} camera${channels.total === 1 ? '' : 's'} behind this recorder ${channels.total === 1 ? 'is' : 'are'} not seen directly.`);
  }
  return {
    maker, maker_name: name(maker), maker_score: top?.score ?? 0,
    brand, brand_name: name(brand),
    model: best(evidence, 'model', fromMaker), firmware: best(evidence, 'firmware', fromMaker),
    serial: best(evidence, 'serial', fromMaker), device_type: deviceType, product,
    ...(best(evidence, 'platform', fromMaker) ? { platform: best(evidence, 'platform', fromMaker) } : {}),
    conflicts, evidence, reasoning, ...(channels ? { channels } : {}),
  };
}

function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,4}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 1024 ? n : undefined;
}

/**
 * Camera channels a recorder reports in its discovery answer: SADP AnalogChannelNum/DigitalChannelNum,
 * DHIP VideoInputChannels/RemoteVideoInputChannels. Reported for recorders, or whenever IP channels are
 * non-zero (a camera has none); a camera's own sensor channel is not counted.
 */
export function recorderChannels(rec: ObservationRecord, deviceType?: DeviceType): RecorderChannels | undefined {
  const sources: Array<['sadp' | 'dhip', string, string]> = [['sadp', 'AnalogChannelNum', 'DigitalChannelNum'], ['dhip', 'VideoInputChannels', 'RemoteVideoInputChannels']];
  for (const [from, aKey, iKey] of sources) {
    const d = rec[from];
    if (!d || typeof d !== 'object') continue;
    const analog = count((d as Record<string, unknown>)[aKey]);
    const ip = count((d as Record<string, unknown>)[iKey]);
    if (analog === undefined && ip === undefined) continue;
    const a = analog ?? 0;
    const i = ip ?? 0;
    if (a + i === 0) continue;
    if (deviceType === 'recorder' || (i > 0 && deviceType !== 'camera' && deviceType !== 'doorbell' && deviceType !== 'thermal')) {
      return { analog: a, ip: i, total: a + i, from };
    }
  }
  return undefined;
}

export { describeField };
