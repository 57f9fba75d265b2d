// Every knowledge-base rule must cite a PRIMARY PUBLIC source (project rule: "cite a source on every rule").
// The project's internal research notes (research/fingerprints.md, peers.md, lab.md, node-libs.md) may be kept
// as secondary pointers, but they are not public, so they are stripped before the check.
//
// Heuristic: after removing internal-note references, the source must name at least one of
//   - a URL (http:// or https://)
//   - a GitHub reference: owner/repo:path, owner/repo#N, owner/repo@commit, or a bare owner/repo
//     (the bare form only when the owner contains a lower-case letter, so model numbers such as
//     "DS-7804HW-E1/M" or "NV1104/NV21xx" do not count)
//   - an nmap-service-probes line (`nmap-service-probes ... L<n>` or named `match`/`matches`)
//   - a Greenbone NVT file (gb_*.nasl / gb_*.sc)
//   - an IEEE registry entry (IEEE MA-L / MA-M / MA-S)
//   - a spec: ONVIF Core specification, UPnP Device Architecture / UPnP Forum template, an RFC
// The only exception is a rule whose fact could not be traced to a public source: its source must say
// "unverified" and its confidence must be at most 0.3 (project policy for unverifiable rules).
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../src/fingerprint/rules.js';

const INTERNAL = /(?:research\/)?(?:research\s+)?\b(?:fingerprints|peers|lab|node-libs)\.md(?:\s*§[\d.\-–/§, ]*(?:and\s*§[\d.]+)?)?/g;
const STOP = new Set(['and/or', 'input/output', 'read/write', 'on/off']);
const PUBLIC: Array<[string, RegExp]> = [
  ['url', /\bhttps?:\/\/\S+/],
  ['github path/issue/commit', /\b[A-Za-z0-9][\w.-]*\/[\w.-]+(?::[\w./-]+|#\d+|@[0-9a-f]{7,40})/],
  ['nmap-service-probes', /nmap-service-probes\b[^;]*(?:\bL\d+|\bmatch(?:es)?\b)/],
  ['Greenbone NVT', /\bgb_\w+\.(?:nasl|sc)\b/],
  ['IEEE registry', /\bIEEE MA-[LMS]\b/],
  ['spec', /\bONVIF Core spec|\bUPnP Device Architecture|\bUPnP Forum\b|\bRFC ?\d{3,5}\b/i],
];

export function publicReferences(source: string): string[] {
  const rest = source.replace(INTERNAL, ' ');
  const found = PUBLIC.filter(([, re]) => re.test(rest)).map(([k]) => k);
  for (const m of rest.matchAll(/(?<![\w./-])([A-Za-z0-9][\w.-]*)\/([\w.-]*[A-Za-z][\w.-]*)(?![\w/])/g)) {
    const [whole, owner] = m;
    if (/[a-z]/.test(owner) && owner.length >= 2 && !STOP.has(whole.toLowerCase())) { found.push('github repo'); break; }
  }
  return found;
}

describe('knowledge-base sources', () => {
  const kb = loadKnowledgeBase();

  it('the heuristic rejects internal-only and vague sources and accepts public ones', () => {
    expect(publicReferences('research/fingerprints.md §5.2 (DS-7816N-K2, DS-7804HW-E1/M)')).toEqual([]);
    expect(publicReferences('peers.md §3.2 (DeviceClass IPC, NVR, VTO, VTH, BSC)')).toEqual([]);
    expect(publicReferences('public code comments; lab.md')).toEqual([]);
    expect(publicReferences('Amcrest IP2M-841, NV1104/NV21xx/NV41xx')).toEqual([]);
    expect(publicReferences('jorhelp/Ingram:Ingram/rules.csv (hikvision)')).not.toEqual([]);
    expect(publicReferences('D4-project/Plum-Island#204')).not.toEqual([]);
    expect(publicReferences('nmap-service-probes (nmap/nmap@db4aefdd) L9762')).not.toEqual([]);
    expect(publicReferences('IEEE MA-L 001F54 "Lorex Technology Inc."')).not.toEqual([]);
    expect(publicReferences('https://developer.axis.com/vapix/')).not.toEqual([]);
  });

  for (const rule of kb.rules) {
    it(`${rule.file} ${rule.id} cites a primary public source`, () => {
      if (/\bunverified\b/i.test(rule.source)) expect(rule.confidence, `${rule.id} is unverified`).toBeLessThanOrEqual(0.3);
      else expect(publicReferences(rule.source), `${rule.id}: ${rule.source}`).not.toEqual([]);
    });
  }
});
