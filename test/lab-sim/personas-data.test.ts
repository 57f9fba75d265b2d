// The lab's personas are data (src/data/lab/personas.yaml), served by the responder engine
// (src/lab/engine.ts): every port names the public source of what it sends, every route is a
// response, a known template or a known handler, and nothing points at private notes.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/lab/engine.js';
import { PERSONAS } from '../../src/lab/index.js';

const FILE = new URL('../../src/data/lab/personas.yaml', import.meta.url);
const text = readFileSync(FILE, 'utf8');
const doc = YAML.parse(text) as { templates: Record<string, unknown>; personas: Array<{ name: string; ports: Array<{ port: number; source?: string; routes?: Record<string, Record<string, unknown>>; fallback?: Record<string, unknown> }> }> };

describe('lab personas as data', () => {
  it('is what the lab serves, in file order (persona i at .10+i)', () => {
    expect(PERSONAS.map((p) => p.name)).toEqual(doc.personas.map((p) => p.name));
  });

  it('every port names its source; every route is a response, a known template or a known handler', () => {
    for (const p of doc.personas) {
      for (const port of p.ports) {
        expect(typeof port.source === 'string' && port.source.length > 8, `${p.name} ${port.port}`).toBe(true);
        for (const [k, r] of Object.entries({ ...(port.routes ?? {}), ...(port.fallback ? { fallback: port.fallback } : {}) })) {
          if ('use' in r) expect(doc.templates, `${p.name} ${port.port} ${k}`).toHaveProperty(String(r.use));
          else if ('handler' in r) expect(HANDLERS, `${p.name} ${port.port} ${k}`).toContain(r.handler);
          else expect(typeof r.status, `${p.name} ${port.port} ${k}`).toBe('string');
        }
      }
    }
  });

  it('cites public sources only (no private research notes)', () => {
    expect(text).not.toMatch(/\b(FP|PEERS) §|shared\/research|fingerprints\.md|peers\.md/);
  });
});
