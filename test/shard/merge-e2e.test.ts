// Sharded scans of the simulated lab, joined by `camsweep merge`, equal one full scan of it: the real
// CLI, real sockets on loopback (127.77.110.0/24), N = 2 and 3. Then what merge refuses and warns about.
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { DeviceReport, ScanReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/scan-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-shard-'));

let lab: Lab;
let range: string;
let ports: string;
let full: ScanReport;
const shardFiles: Record<number, string[]> = {};

const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as ScanReport;

/**
 * A vendor path (anything but the index) is asked once per host and page: when two ports serve the same
 * page (a lab device on 8080 and 8443), the one whose index answered first asks it, so which port
 * carries that evidence changes from run to run (src/probes/types.ts HostEvidence.asked). Its path is kept.
 */
const askedOnce = (where: string | undefined) => (where ?? '').replace(/^https?:\d+(\/.+)$/, 'http(s):*$1');

/** A device without what changes from one run to the next (times, nonces, dates, durations). */
function scrub(d: DeviceReport) {
  const id = d.identification;
  return {
    device_id: d.device_id, ip: d.ip, addresses: d.addresses, mac: d.mac, hostname: d.hostname, open_ports: d.open_ports, seen_by: d.seen_by, notes: d.notes,
    sightings: (d.sightings ?? []).map((s) => `${s.module} ${s.address} ${s.identifier}`),
    observed: Object.keys(d.observations).sort(),
    mac_from: d.observations.mac_from,
    identification: {
      maker: id.maker, brand: id.brand, model: id.model, firmware: id.firmware, serial: id.serial, device_type: id.device_type, platform: id.platform,
      maker_score: id.maker_score, conflicts: id.conflicts, evidence: id.evidence.map((e) => `${e.rule} ${e.field} ${askedOnce(e.where)}`), channels: id.channels,
    },
    verdict: d.verdict,
    errors: d.errors.map((e) => `${e.stage} ${e.port} ${e.code}`),
    results: (d.results ?? []).map((r) => `${r.module} ${r.port} ${r.status}`),
  };
}

async function scan(extra: string[], out: string) {
  const r = await runCli(['scan', range, '-p', ports, '-q', '-o', out, ...extra], { timeoutMs: 90000 });
  expect(r.code, r.stderr).toBe(1); // the lab holds restricted devices: finished, seen everything, restricted found
  const rep = read(out);
  expect(validate(rep), JSON.stringify(validate.errors)).toBe(true);
  return rep;
}

beforeAll(async () => {
  lab = await startLab({ subnet: '127.77.110.0/24' });
  range = `${lab.targets[0]}-${lab.targets[lab.targets.length - 1].split('.').pop()}`;
  ports = lab.portList.join(',');
  full = await scan([], path.join(tmp, 'full.json'));
  for (const n of [2, 3]) {
    shardFiles[n] = [];
    for (let k = 1; k <= n; k++) {
      const f = path.join(tmp, `shard-${k}-of-${n}.json`);
      await scan(['--shard', `${k}/${n}`], f);
      shardFiles[n].push(f);
    }
  }
}, 240000);
afterAll(async () => { await lab?.stop(); });

describe.each([2, 3])('merging the %i shard reports of the lab', (n) => {
  it('each shard covers its part only, and the parts are disjoint and cover every target', () => {
    const parts = shardFiles[n].map(read);
    const seen = new Set<string>();
    parts.forEach((p, i) => {
      expect(p.shard).toEqual({ index: i + 1, count: n, method: 'address-hash-1', hosts: p.summary.hosts_scanned, total_hosts: lab.targets.length, multicast: i === 0 });
      for (const d of p.devices) { expect(seen.has(d.ip), d.ip).toBe(false); seen.add(d.ip); }
    });
    expect(parts.reduce((s, p) => s + p.shard!.hosts, 0)).toBe(lab.targets.length);
    expect([...seen].sort()).toEqual(full.devices.map((d) => d.ip).sort());
    // Every part has something to do here (a test where one part is empty would show less).
    for (const p of parts) expect(p.devices.length).toBeGreaterThan(0);
  });

  it('equals one full scan: devices, ids, verdicts, evidence and sightings', async () => {
    const out = path.join(tmp, `merged-${n}.json`);
    // The files in reverse order: the result does not depend on it.
    const r = await runCli(['merge', ...[...shardFiles[n]].reverse(), '-o', out]);
    expect(r.code, r.stderr).toBe(1);
    const m = read(out);
    expect(validate(m), JSON.stringify(validate.errors)).toBe(true);
    expect(m.devices.map(scrub)).toEqual(full.devices.map(scrub));
    expect(m.summary).toEqual(full.summary);
    expect(m.complete).toBe(true);
    expect(m.shard).toBeUndefined();
    expect(m.merge).toMatchObject({ count: n, method: 'address-hash-1', shards: Array.from({ length: n }, (_, i) => i + 1), missing: [], duplicates: [] });
    expect(m.merge!.inputs.map((x) => x.shard)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(m.targets).toEqual(full.targets);
    expect(m.policy).toEqual(full.policy);
    // The run-level results say which shard each came from.
    expect(new Set((m.results ?? []).map((x) => x.shard))).toEqual(new Set(Array.from({ length: n }, (_, i) => i + 1)));
  });
});

describe('what merge says about its inputs', () => {
  it('a missing shard: the report says incomplete, names it, and the exit code is 3 even with --fail-on never', async () => {
    const out = path.join(tmp, 'partial.json');
    const r = await runCli(['merge', shardFiles[3][0], shardFiles[3][2], '-o', out, '--fail-on', 'never']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/shard 2 of 3 missing/);
    const m = read(out);
    expect(validate(m)).toBe(true);
    expect(m.complete).toBe(false);
    expect(m.merge).toMatchObject({ shards: [1, 3], missing: [2] });
    expect(m.warnings.join('\n')).toMatch(/shard 2 of 3 missing: the report is incomplete/);
    expect(m.devices.length).toBe(read(shardFiles[3][0]).devices.length + read(shardFiles[3][2]).devices.length);
  });

  it('a shard given twice: warned about, used once', async () => {
    const out = path.join(tmp, 'dup.json');
    const r = await runCli(['merge', ...shardFiles[2], shardFiles[2][0], '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warning: shard 1\/2 given more than once/m);
    const m = read(out);
    expect(m.merge!.duplicates).toEqual([1]);
    expect(m.devices.map(scrub)).toEqual(full.devices.map(scrub));
    const q = await runCli(['merge', ...shardFiles[2], shardFiles[2][0], '-o', out, '-q']);
    expect(q.stderr).toBe('');
  });

  it('an incomplete shard makes the merged report incomplete (exit 3)', async () => {
    const rep = read(shardFiles[2][1]);
    const f = path.join(tmp, 'interrupted.json');
    writeFileSync(f, JSON.stringify({ ...rep, complete: false, interrupted: 'SIGINT' }));
    const r = await runCli(['merge', shardFiles[2][0], f, '-f', 'json']);
    expect(r.code).toBe(3);
    const m = JSON.parse(r.stdout) as ScanReport;
    expect(m.complete).toBe(false);
    expect(m.warnings.join('\n')).toMatch(/shard 2\/2 .* was interrupted by SIGINT/);
  });

  it('prints a table like a scan', async () => {
    const r = await runCli(['merge', ...shardFiles[2], '-f', 'table']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/restricted/);
    expect(r.stdout.split('\n').filter((l) => l.includes('127.77.110.')).length).toBe(full.devices.length);
  });

  const refusals: Array<[string, () => string[], RegExp]> = [
    ['no report', () => [], /missing required argument|merge needs/],
    ['a missing file', () => [path.join(tmp, 'nope.json')], /cannot read shard report .*nope\.json: no such file/],
    ['invalid JSON', () => { const f = path.join(tmp, 'bad.json'); writeFileSync(f, '{"schema_version": '); return [f]; }, /bad\.json: not valid JSON/],
    ['a JSON Lines report', () => { const f = path.join(tmp, 'lines.jsonl'); writeFileSync(f, '{"type":"device","ip":"127.77.110.10"}\n{"type":"summary"}\n'); return [f]; }, /lines\.jsonl: a JSON Lines report; merge reads the JSON report of each shard/],
    ['a report without shard', () => [path.join(tmp, 'full.json')], /full\.json: not a shard report \(no "shard": run camsweep scan --shard K\/N\)/],
    ['a newer schema', () => { const f = path.join(tmp, 'newer.json'); writeFileSync(f, JSON.stringify({ ...read(shardFiles[2][0]), schema_version: '1.99' })); return [f]; }, /schema 1\.99 is not one this camsweep reads/],
    ['another major schema', () => { const f = path.join(tmp, 'major.json'); writeFileSync(f, JSON.stringify({ ...read(shardFiles[2][0]), schema_version: '2.0' })); return [f]; }, /schema 2\.0 is not one/],
    ['not a scan', () => { const f = path.join(tmp, 'identify.json'); writeFileSync(f, JSON.stringify({ ...read(shardFiles[2][0]), command: 'identify' })); return [f]; }, /a report of camsweep identify, not of camsweep scan/],
    ['an unknown split', () => { const f = path.join(tmp, 'method.json'); const r = read(shardFiles[2][0]); writeFileSync(f, JSON.stringify({ ...r, shard: { ...r.shard, method: 'stride' } })); return [f]; }, /shards split by "stride"/],
    ['a bad part', () => { const f = path.join(tmp, 'part.json'); const r = read(shardFiles[2][0]); writeFileSync(f, JSON.stringify({ ...r, shard: { ...r.shard, index: 3 } })); return [f]; }, /shard 3\/2 is not a part K\/N/],
    ['shards of different splits', () => [shardFiles[2][0], shardFiles[3][1]], /not a shard of the same scan as .*: the shard counts differ \(2 vs 3\)/],
    ['shards of different targets', () => { const f = path.join(tmp, 'targets.json'); writeFileSync(f, JSON.stringify({ ...read(shardFiles[2][1]), targets: ['127.77.110.10-22'] })); return [shardFiles[2][0], f]; }, /the targets differ/],
    ['shards under different policies', () => { const f = path.join(tmp, 'policy.json'); writeFileSync(f, JSON.stringify({ ...read(shardFiles[2][1]), policy: { name: 'uk', lists: ['x'] } })); return [shardFiles[2][0], f]; }, /the policies differ/],
    ['an oversized report', () => { const f = path.join(tmp, 'huge.json'); writeFileSync(f, ''); truncateSync(f, 65 * 1024 * 1024); return [f]; }, /shard report .*huge\.json is larger than 64 MiB/],
    ['a device without a record', () => { const f = path.join(tmp, 'norecord.json'); const r = read(shardFiles[2][0]); writeFileSync(f, JSON.stringify({ ...r, devices: [{ ip: '127.77.110.10' }] })); return [f]; }, /device 1 has no "observations" record/],
  ];
  it.each(refusals)('refuses %s with one line and exit 2', async (_what, files, msg) => {
    const r = await runCli(['merge', ...files(), '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(/);
  });

  it('judges under the shards\' policy, and refuses another one', async () => {
    const r = await runCli(['merge', ...shardFiles[2], '--policy', 'uk', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^camsweep: error: --policy uk is not the policy the shards were judged under \("ndaa"/);
    const ok = await runCli(['merge', ...shardFiles[2], '--policy', 'ndaa', '-f', 'json']);
    expect(ok.code).toBe(1);
  });

  it('cleans what a report carries before printing it', async () => {
    const rep = read(shardFiles[2][0]);
    const d = structuredClone(rep.devices[0]);
    d.observations = { ...d.observations, hostname: 'evil\u001b[2J\u202ehost' };
    const f = path.join(tmp, 'hostile.json');
    writeFileSync(f, JSON.stringify({ ...rep, devices: [d, ...rep.devices.slice(1)], warnings: ['w\u001b]0;x\u0007'] }));
    const r = await runCli(['merge', f, shardFiles[2][1], '-f', 'table']);
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  });
});

describe('scan --shard refuses what cannot be split', () => {
  it.each([['0/3'], ['4/3'], ['1/0'], ['a/b'], ['3'], ['1/5000']])('--shard %s: exit 2, one line', async (v) => {
    const r = await runCli(['scan', '127.77.110.10', '-p', '9', '--shard', v]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^camsweep: error: --shard/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('without targets (each machine\'s local subnets differ) and with --passive', async () => {
    const a = await runCli(['scan', '--shard', '1/2', '--no-stdin']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--shard 1\/2 needs the targets named/);
    const b = await runCli(['scan', '127.77.110.10', '--passive', '--shard', '1/2']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--shard and --passive do not go together/);
  });
  it('splits a piped target list the same way as the same targets given as arguments', async () => {
    const f = path.join(tmp, 'piped.json');
    const r = await runCli(['scan', '-p', ports, '-q', '-o', f, '--shard', '2/3'], { input: lab.targets.join('\n') + '\n', timeoutMs: 90000 });
    expect([0, 1]).toContain(r.code);
    const piped = read(f);
    const args = read(shardFiles[3][1]);
    expect(piped.shard).toMatchObject({ index: 2, count: 3, hosts: args.shard!.hosts, total_hosts: args.shard!.total_hosts });
    expect(piped.devices.map((d) => d.ip)).toEqual(args.devices.map((d) => d.ip));
  }, 90000);
});
