// A small JSON Schema checker for the subset camsweep's own schemas use (type, enum, const, pattern,
// minimum/maximum/exclusiveMinimum, required, properties, additionalProperties, items, anyOf/oneOf,
// local $ref): enough to refuse a saved report that is not one, with one line naming the first place
// it goes wrong, before any renderer touches it. "format" is not checked. Pure.
import type { JsonSchema } from './shape.js';

type S = JsonSchema & {
  type?: string | string[]; enum?: unknown[]; const?: unknown; pattern?: string; minimum?: number; maximum?: number; exclusiveMinimum?: number;
  required?: string[]; properties?: Record<string, S>; additionalProperties?: S | boolean; items?: S; anyOf?: S[]; oneOf?: S[]; $ref?: string;
};

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function matchesType(v: unknown, t: string): boolean {
  if (t === 'integer') return typeof v === 'number' && Number.isInteger(v);
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeOf(v) === t;
}

const show = (v: unknown) => { const s = JSON.stringify(v); return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 40) + '…' : s; };
const at = (path: string, k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k);

/** The first way `v` departs from `schema` ("devices[3].verdict.status: must be one of …"), or undefined when it conforms. */
export function firstSchemaError(v: unknown, schema: JsonSchema, root: JsonSchema = schema, path = ''): string | undefined {
  const s = schema as S;
  const where = path || '(the document)';
  if (s.$ref) {
    const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
    const target = m ? (root.$defs as Record<string, S> | undefined)?.[m[1]] : undefined;
    if (!target) return `${where}: schema reference ${s.$ref} not found`;
    return firstSchemaError(v, target, root, path);
  }
  if (s.anyOf || s.oneOf) {
    const alts = (s.anyOf ?? s.oneOf)!;
    const errs = alts.map((a) => firstSchemaError(v, a, root, path));
    if (!errs.some((e) => e === undefined)) return errs[0];
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => matchesType(v, t))) return `${where}: must be ${types.join(' or ')}, not ${typeOf(v)}`;
  }
  if (s.const !== undefined && v !== s.const) return `${where}: must be ${show(s.const)}`;
  if (s.enum && !s.enum.includes(v)) return `${where}: must be one of ${s.enum.map(show).join(', ')}, not ${show(v)}`;
  if (typeof v === 'string' && s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) return `${where}: ${show(v)} does not match ${s.pattern}`;
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return `${where}: must be at least ${s.minimum}`;
    if (s.maximum !== undefined && v > s.maximum) return `${where}: must be at most ${s.maximum}`;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return `${where}: must be more than ${s.exclusiveMinimum}`;
  }
  if (Array.isArray(v) && s.items) {
    for (let i = 0; i < v.length; i++) { const e = firstSchemaError(v[i], s.items, root, at(path, i)); if (e) return e; }
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!Object.prototype.hasOwnProperty.call(o, k)) return `${where}: "${k}" is missing`;
    for (const k of Object.keys(o)) {
      const sub = s.properties?.[k];
      if (sub) { const e = firstSchemaError(o[k], sub, root, at(path, k)); if (e) return e; }
      else if (s.additionalProperties === false) return `${at(path, k)}: not allowed here`;
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') { const e = firstSchemaError(o[k], s.additionalProperties, root, at(path, k)); if (e) return e; }
    }
  }
  return undefined;
}
