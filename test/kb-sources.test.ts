// Citations a client can check. Every knowledge-base rule, every safe HTTP request in http-paths.yaml
// and every labelled corpus record (fixtures/devices x_sources) cites PUBLIC sources: something a
// client without the project's private notes can open and read.
//
// A source is split into its parts (at "; " outside brackets); every part must name at least one of
//   - a URL (http:// or https://)
//   - a repository file, thread or commit: owner/repo:path, owner/repo@commit[:path], owner/repo#N
//     (a bare owner/repo is not enough: it says where to look, not what to read)
//   - an IEEE registry entry: IEEE MA-L / MA-M / MA-S with a hex prefix or the quoted organisation
//   - a published specification with its section: ONVIF Core Specification §…, UPnP Device
//     Architecture 1.1 §…, an RFC (RFC 6763, optionally with §)
//   - another named published document with its section: "<title> (Manual|Guide|Specification|Standard) §…"
// or be marked `unverified: <what is known>`; a rule whose source says unverified has confidence ≤ 0.3
// (project policy for facts that could not be traced to a public source).
//
// Never a project notes file (research/…, fingerprints.md, peers.md, lab.md, node-libs.md, ../shared,
// /work/…) and never Rapid7 recog, the project's independent yardstick. No file under src/data or
// fixtures/devices, nor the README, may point at the notes at all (comments included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadKnowledgeBase } from '../src/data/load.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export const NOTES = /\.\.\/shared\b|\/work\/|(?:^|[\s("'`])research\/|\b(?:fingerprints|peers|lab|node-libs|style-anchors|corpus-common|dev-common)\.md\b|\bresearch notes?\b|\bproject notes?\b/i;
const RECOG = /\brecog\b|rapid7/i;

// A URL on a private, loopback or link-local address is a device someone looked at, not a source.
const PRIVATE_HOST = /^(?:localhost|127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|\[?(?:::1|fe80:|f[cd][0-9a-f]{2}:))/i;
const publicUrl = { test: (part: string) => [...part.matchAll(/\bhttps?:\/\/([^\s/)]+)[^\s)]*/g)].some((m) => !PRIVATE_HOST.test(m[1])) };

const PUBLIC: Array<[string, { test(s: string): boolean }]> = [
  ['url', publicUrl],
  ['repository path, thread or commit', /(?<![\w./-])[A-Za-z0-9][\w.-]*\/[\w.-]+(?::[\w./()-]*[\w)]|#\d+|@[0-9a-f]{7,40}\b)/],
  ['IEEE registry entry', /\bIEEE MA-[LMS]\b[^;]*?(?:\b[0-9A-F]{6}(?:-[0-9A-F]{1,3})?\b|"[^"]+")/],
  ['ONVIF spec section', /\bONVIF [\w ]*Specification\b[^;]*§\s?\d/],
  ['UPnP spec section', /\bUPnP Device Architecture(?: 1\.[01]| 2\.0)?\b[^;]*§\s?\d/],
  ['RFC', /\bRFC ?\d{3,5}\b/],
  ['published document section', /\b(?:Manual|Guide|Specification|Standard|Handbook)\b[^;]*§\s?\d/],
];

/** The parts of a citation: split at "; " that is outside brackets and quotes. */
export function citationParts(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"') quote = !quote;
    else if (!quote && (c === '(' || c === '[')) depth++;
    else if (!quote && (c === ')' || c === ']')) depth = Math.max(0, depth - 1);
    if (c === ';' && depth === 0 && !quote && (source[i + 1] === ' ' || i === source.length - 1)) { parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

export function publicReferences(part: string): string[] {
  return PUBLIC.filter(([, re]) => re.test(part)).map(([k]) => k);
}

/** Problems with one citation (empty when it is fine). */
export function citationProblems(source: string): string[] {
  const problems: string[] = [];
  if (!source || source.trim().length < 8) return ['no source'];
  if (NOTES.test(source)) problems.push(`cites the project notes (${source.match(NOTES)![0]})`);
  if (RECOG.test(source)) problems.push('cites Rapid7 recog, the independent yardstick');
  for (const part of citationParts(source)) {
    if (/^unverified\b/i.test(part)) continue;
    if (publicReferences(part).length === 0) problems.push(`no public reference in "${part}"`);
  }
  return problems;
}

describe('the citation check', () => {
  it('rejects notes, recog, bare repositories and vague parts, and accepts public references', () => {
    for (const bad of [
      'research/fingerprints.md §5.2 (DS-7816N-K2, DS-7804HW-E1/M)',
      'peers.md §3.2 (DeviceClass IPC, NVR, VTO, VTH, BSC)',
      'IEEE MA-L 4419B6 "Hangzhou Hikvision"; research/fingerprints.md §3',
      'nmap-service-probes (nmap/nmap@db4aefdd) L9762, via /work/shared/research/fingerprints.md §4.1',
      'public code comments; lab.md',
      'Amcrest IP2M-841, NV1104/NV21xx/NV41xx',
      'letsdebug/letsdebug (Go source; file not pinned)',
      'jorhelp/Ingram:Ingram/rules.csv; public test fixtures (not pinned)',
      'rapid7/recog:xml/http_servers.xml',
      'ONVIF Core Specification (Manufacturer is the vendor name)',
      'Greenbone gb_dahua_devices_detect.sc',
      'browser-tab capture at http://192.168.100.1/ (Huawei ONT)',
    ]) expect(citationProblems(bad), bad).not.toEqual([]);
    for (const good of [
      'jorhelp/Ingram:Ingram/rules.csv (hikvision)',
      'D4-project/Plum-Island#204',
      'nmap/nmap@db4aefdd:nmap-service-probes L9762',
      'IEEE MA-L 001F54 "Lorex Technology Inc."',
      'IEEE MA-M 402C76-1 "Shanghai Dahua Scale Factory"',
      'https://developer.axis.com/vapix/',
      'ONVIF Core Specification §8.3.1 GetDeviceInformation',
      'UPnP Device Architecture 1.1 §2.3 (manufacturer)',
      'RFC 6763 §6',
      'Clivebi/nvtscript@65a8f078:2018/dahua/gb_dahua_devices_detect.sc; unverified: older firmware',
    ]) expect(citationProblems(good), good).toEqual([]);
  });
});

describe('knowledge-base rules cite public sources', () => {
  const kb = loadKnowledgeBase();
  for (const rule of kb.rules) {
    it(`${rule.file} ${rule.id}`, () => {
      expect(citationProblems(rule.source), `${rule.id}: ${rule.source}`).toEqual([]);
      if (/\bunverified\b/i.test(rule.source)) expect(rule.confidence, `${rule.id} is unverified`).toBeLessThanOrEqual(0.3);
    });
  }
});

describe('safe HTTP requests cite public sources', () => {
  const doc = parseYaml(readFileSync(path.join(ROOT, 'src/data/http-paths.yaml'), 'utf8')) as { paths: Array<{ id: string; source: string }> };
  for (const p of doc.paths) it(`http-paths ${p.id}`, () => { expect(citationProblems(p.source), `${p.id}: ${p.source}`).toEqual([]); });
});

describe('labelled corpus records cite public sources', () => {
  const dir = path.join(ROOT, 'fixtures/devices');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim());
    for (const line of lines) {
      const rec = JSON.parse(line) as { x_id: string; x_sources?: string[] };
      it(`${f} ${rec.x_id}`, () => {
        expect(rec.x_sources?.length ?? 0, `${rec.x_id} has no x_sources`).toBeGreaterThan(0);
        for (const s of rec.x_sources ?? []) expect(citationProblems(s), `${rec.x_id}: ${s}`).toEqual([]);
      });
    }
  }
});

describe('no file points at the project notes', () => {
  const files: string[] = [path.join(ROOT, 'README.md')];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const full = path.join(d, n);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|jsonl?|md|txt|csv)$/.test(n)) files.push(full);
    }
  };
  walk(path.join(ROOT, 'src/data'));
  walk(path.join(ROOT, 'fixtures/devices'));
  it('finds the files it checks', () => { expect(files.length).toBeGreaterThan(15); });
  for (const f of files) {
    it(path.relative(ROOT, f), () => {
      const lines = readFileSync(f, 'utf8').split('\n');
      const hits = lines.map((l, i) => [i + 1, l] as const).filter(([, l]) => NOTES.test(l)).map(([n, l]) => `${n}: ${l.slice(0, 160)}`);
      expect(hits).toEqual([]);
    });
  }
});
