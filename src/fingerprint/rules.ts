// Loading and validating the fingerprint knowledge base. Rules are data (src/data/fingerprints/*.yaml);
// this module turns them into compiled, validated objects. No network, no global state.
import path from 'node:path';
import { DEVICE_TYPES } from '../model/report.js';
import { isRuleField } from '../model/fields.js';
import type { Extraction } from '../model/types.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { buildDeclaredIndex, DECLARED_MODES, type Declared, type DeclaredIndex, type DeclaredMode } from './declared.js';

export { DEVICE_TYPES } from '../model/report.js';

export interface RuleExample {
  value: string;
  path?: string;
  expect: Extraction;
  note?: string;
}

export interface RawRule {
  id: string;
  description: string;
  /** The field the rule reads (examples are checked against it). */
  field: string;
  /** More fields carrying the same kind of value (e.g. a model number in ONVIF, UPnP, SADP and DHIP). */
  also?: string[];
  path?: string;
  pattern: string;
  flags?: string;
  extract: Extraction;
  confidence: number;
  source: string;
  examples: RuleExample[];
  /**
   * A self-declared maker rule: the pattern's group `d` is looked up in the vendor vocabulary
   * (src/fingerprint/declared.ts) as a `name`, the `lead` of a make-and-model string, or a `domain`;
   * the rule matches only when it names a vendor, and extracts that vendor's maker and brand. Such a
   * rule is tried after every other rule of its field.
   */
  declared?: DeclaredMode;
}

export interface Rule extends RawRule {
  regex: RegExp;
  pathRegex?: RegExp;
  file: string;
  order: number;
  /** For `declared` rules: the vocabulary lookup. */
  resolve?: (value: string) => Declared | undefined;
}

export interface KnowledgeBase {
  rules: Rule[];
  byField: Map<string, Rule[]>;
  vocab: Vocabulary;
}

/** Options of the knowledge base: ids the self-declared lookup never names (the policy catalogue's entities). */
export interface KnowledgeBaseOptions { reserved?: ReadonlySet<string> }

const defaultIndexes = new WeakMap<Vocabulary, DeclaredIndex>();
function defaultIndex(vocab: Vocabulary): DeclaredIndex {
  let i = defaultIndexes.get(vocab);
  if (!i) defaultIndexes.set(vocab, i = buildDeclaredIndex(vocab));
  return i;
}

export type { VocabEntry, Vocabulary } from '../model/vocabulary.js';

export class KnowledgeBaseError extends Error {}

const ALLOWED_FLAGS = /^[imsu]*$/;
const EXTRACT_KEYS = new Set(['maker', 'brand', 'model', 'firmware', 'serial', 'device_type', 'product', 'platform']);

/** Fields a rule may read: those the field registry declares (src/model/fields.ts). */
function fieldAllowed(field: string): boolean {
  return isRuleField(field);
}

/** Validate and compile one rule; throws KnowledgeBaseError with the rule id and the problem. */
export function compileRule(raw: RawRule, file: string, order: number, vocab: Vocabulary, declaredIndex?: DeclaredIndex): Rule {
  const where = `${path.basename(file)}: rule ${raw?.id ?? `#${order}`}`;
  const fail = (m: string): never => { throw new KnowledgeBaseError(`${where}: ${m}`); };
  if (!raw || typeof raw !== 'object') fail('not an object');
  if (!/^[a-z0-9][a-z0-9._-]+$/.test(raw.id ?? '')) fail('id must be lower-case dotted words');
  if (!raw.description) fail('missing description');
  if (!raw.field || !fieldAllowed(raw.field)) fail(`unknown field "${raw.field}"`);
  if (raw.also !== undefined && (!Array.isArray(raw.also) || raw.also.some((f) => typeof f !== 'string' || !fieldAllowed(f)))) fail(`"also" must list known fields`);
  if (typeof raw.pattern !== 'string' || !raw.pattern) fail('missing pattern');
  if (raw.flags !== undefined && !ALLOWED_FLAGS.test(raw.flags)) fail(`flags "${raw.flags}" not allowed (use i, m, s, u)`);
  if (typeof raw.confidence !== 'number' || raw.confidence <= 0 || raw.confidence > 1) fail('confidence must be in (0, 1]');
  if (!raw.source || raw.source.length < 8) fail('every rule must cite its source');
  if (raw.declared !== undefined && !DECLARED_MODES.includes(raw.declared)) fail(`declared must be one of ${DECLARED_MODES.join(', ')}`);
  if (raw.declared !== undefined && !raw.pattern.includes('(?<d>')) fail('a declared rule captures the declared value as group (?<d>…)');
  if (raw.extract === undefined && raw.declared !== undefined) raw = { ...raw, extract: {} };
  if (!raw.extract || typeof raw.extract !== 'object' || (Object.keys(raw.extract).length === 0 && raw.declared === undefined)) fail('missing extract');
  if (raw.declared !== undefined && (raw.extract.maker !== undefined || raw.extract.brand !== undefined)) fail('a declared rule takes maker and brand from the vocabulary, not from extract');
  for (const [k, v] of Object.entries(raw.extract)) {
    if (!EXTRACT_KEYS.has(k)) fail(`unknown extract key "${k}"`);
    if (typeof v !== 'string') fail(`extract.${k} must be a string`);
  }
  for (const k of ['maker', 'brand'] as const) {
    const v = raw.extract[k];
    if (v && !v.includes('{') && !vocab[v]) fail(`extract.${k} "${v}" is not in vendors.yaml`);
  }
  if (raw.extract.device_type && !(DEVICE_TYPES as readonly string[]).includes(raw.extract.device_type)) fail(`bad device_type "${raw.extract.device_type}"`);
  if (!Array.isArray(raw.examples) || raw.examples.length === 0) fail('every rule needs at least one real example');
  if (raw.examples.length > 20) fail('at most 20 examples');
  let regex: RegExp;
  try { regex = new RegExp(raw.pattern, raw.flags ?? ''); } catch (e) { return fail(`bad pattern: ${(e as Error).message}`); }
  let pathRegex: RegExp | undefined;
  if (raw.path !== undefined) {
    if (![raw.field, ...(raw.also ?? [])].every((f) => f.startsWith('http.'))) fail('path only applies to http fields');
    try { pathRegex = new RegExp(raw.path); } catch (e) { return fail(`bad path pattern: ${(e as Error).message}`); }
  }
  const rule: Rule = { ...raw, regex, pathRegex, file: path.basename(file), order };
  if (raw.declared) {
    const index = declaredIndex ?? defaultIndex(vocab);
    const mode = raw.declared;
    rule.resolve = (v: string) => index.resolve(v, mode);
  }
  return rule;
}

/** The parsed rule files of src/data/fingerprints/ (read by src/data/load.ts), in file-name order. */
export interface RuleFile { file: string; doc: unknown }

/** Compile the knowledge base from its parsed files. Pure. */
export function buildKnowledgeBase(files: readonly RuleFile[], vocab: Vocabulary, options: KnowledgeBaseOptions = {}): KnowledgeBase {
  const rules: Rule[] = [];
  const index = buildDeclaredIndex(vocab, options.reserved);
  const ids = new Set<string>();
  let order = 0;
  for (const { file, doc: raw } of files) {
    const f = path.basename(file);
    const doc = raw as { field?: string; rules?: RawRule[] };
    if (!doc || !Array.isArray(doc.rules)) throw new KnowledgeBaseError(`${f}: expected a "rules" list`);
    for (const r of doc.rules) {
      const rr = { ...r, field: r?.field ?? doc.field } as RawRule;
      const rule = compileRule(rr, file, order++, vocab, index);
      if (ids.has(rule.id)) throw new KnowledgeBaseError(`${f}: duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      rules.push(rule);
    }
  }
  return indexRules(rules, vocab);
}

export function indexRules(rules: Rule[], vocab: Vocabulary): KnowledgeBase {
  const byField = new Map<string, Rule[]>();
  // Self-declared maker rules come last in every field: a dedicated rule claims a value first.
  for (const r of [...rules.filter((x) => !x.declared), ...rules.filter((x) => x.declared)]) {
    for (const f of new Set([r.field, ...(r.also ?? [])])) {
      const list = byField.get(f) ?? [];
      list.push(r);
      byField.set(f, list);
    }
  }
  return { rules, byField, vocab };
}
