// The command line as a user meets it: real binary, real sockets on loopback, real exit codes.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startLab, type Lab } from '../src/lab/index.js';
import { runCli } from './helpers/cli.js';
import { expectedOf } from './lab-sim/expected.js';
import type { ScanReport } from '../src/model/types.js';

const schema = JSON.parse(readFileSync(new URL('../schema/scan-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-cli-'));

function oneLineError(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^camsweep: error: /);
  expect(stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
}

describe('usage and input errors exit 2 with one line', () => {
  it('refuses a public address', async () => {
    const r = await runCli(['scan', '8.8.8.8', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to scan "8\.8\.8\.8".*public/);
    oneLineError(r.stderr);
    expect(r.stdout).toBe('');
  });
  it.each([['300.1.2.3'], ['10.0.0.0/40'], ['10.0.0.9-2'], ['bad_host!']])('rejects malformed target %s', async (t) => {
    const r = await runCli(['scan', t]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr);
  });
  it('rejects an unreadable target list', async () => {
    const r = await runCli(['scan', '-l', path.join(tmp, 'missing.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read target list .*no such file/);
    oneLineError(r.stderr);
  });
  it('rejects a bad policy file', async () => {
    const f = path.join(tmp, 'bad-policy.yaml');
    writeFileSync(f, 'name: x\nentities: [{ id: a, name: A, makers: [nosuchmaker], listings: [{list: us-ndaa-889}] }]\n');
    const r = await runCli(['scan', '127.0.0.1', '-p', '9', '--policy', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-policy\.yaml: entity "a": maker "nosuchmaker"/);
    oneLineError(r.stderr);
  });
  it('rejects an unknown policy name, bad ports and bad numbers', async () => {
    for (const args of [['--policy', 'martian'], ['-p', '70000'], ['-t', 'soon']]) {
      const r = await runCli(['scan', '127.0.0.1', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });
  it('rejects more hosts than --max-hosts', async () => {
    const r = await runCli(['scan', '10.0.0.0/8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than the limit of 65536/);
  });
  it('rejects a malformed records file for identify', async () => {
    const f = path.join(tmp, 'bad.jsonl');
    writeFileSync(f, '{"ip":"10.0.0.1"}\n{not json\n');
    const r = await runCli(['identify', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
    const r2 = await runCli(['identify', path.join(tmp, 'nope.jsonl')]);
    expect(r2.code).toBe(2);
  });
  it('documents exit codes in --help', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*0 +finished[\s\S]*1 +finished[\s\S]*2 +usage[\s\S]*3 +the scan could not run/);
    expect(r.stdout).toMatch(/--fail-on/);
  });
});

describe('scanning the simulated lab over loopback', () => {
  let lab: Lab;
  let target: string;
  beforeAll(async () => {
    lab = await startLab({ subnet: '127.77.5.0/24' });
    target = `${lab.targets[0]}-${lab.targets[lab.targets.length - 1].split('.').pop()}`;
  });
  afterAll(async () => { await lab?.stop(); });

  it('finds every device, judges each as its persona says, exits 1 on restricted, and matches the schema', async () => {
    const r = await runCli(['scan', target, '-p', lab.portList.join(','), '-f', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as ScanReport;
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(report.devices).toHaveLength(lab.devices.length);
    for (const d of lab.devices) {
      const dev = report.devices.find((x) => x.ip === d.ip)!;
      expect(dev, d.persona.name).toBeDefined();
      const exp = expectedOf(d.persona.name);
      expect(dev.verdict.status, `${d.persona.name}: ${JSON.stringify(dev.identification.evidence.map((e) => e.rule))}`).toBe(exp.verdict);
      if (exp.maker) expect(dev.identification.maker, d.persona.name).toBe(exp.maker);
      if (exp.brand) expect(dev.identification.brand, d.persona.name).toBe(exp.brand);
      expect(dev.open_ports.length).toBeGreaterThan(0);
    }
    expect(r.stderr).toMatch(new RegExp(`Scanning 127\\.77\\.5\\.10-${9 + lab.targets.length} \\(${lab.targets.length} hosts\\)`));
  });

  it('reads targets from stdin, honours --fail-on never and --quiet', async () => {
    const r = await runCli(['scan', '-p', lab.portList.join(','), '--fail-on', 'never', '-q', '-f', 'jsonl'], { input: `${lab.targets[0]}\n# comment\n${lab.targets[1]}\n` });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'device')).toHaveLength(2);
    expect(lines[lines.length - 1].type).toBe('summary');
  });

  it('--fail-on suspect also fails on restricted; a clear-only scan exits 0', async () => {
    const nginx = lab.devices.find((d) => d.persona.name === 'nginx-server')!;
    const ok = await runCli(['scan', nginx.ip, '-p', lab.portList.join(','), '-f', 'json', '--fail-on', 'suspect']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).summary.clear).toBe(1);
  });

  it('writes -o files and saved scans can be re-judged offline with identify', async () => {
    const out = path.join(tmp, 'scan.json');
    const r = await runCli(['scan', target, '-p', lab.portList.join(','), '-o', out, '-q']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const again = await runCli(['identify', out, '-f', 'json', '--policy', 'uk']);
    const rep = JSON.parse(again.stdout) as ScanReport;
    const uni = lab.devices.find((d) => d.persona.name === 'uniview-camera')!;
    expect(rep.devices.find((d) => d.ip === uni.ip)!.verdict.status).toBe('restricted');
  });

  it('explain probes one address live when no saved scan is given', async () => {
    const amcrest = lab.devices.find((d) => d.persona.name === 'amcrest-camera')!;
    const r = await runCli(['explain', amcrest.ip, '-p', lab.portList.join(',')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Verdict: RESTRICTED under policy ndaa/);
    expect(r.stdout).toMatch(/Brand \(label\): Amcrest/);
    expect(r.stdout).toMatch(/Maker \(who built it\): Dahua/);
    expect(r.stdout).toMatch(/rule dahua\.dhip\.present/);
    const pub = await runCli(['explain', '8.8.8.8']);
    expect(pub.code).toBe(2);
    expect(pub.stderr).toMatch(/public/);
  });

  it('explain prints the evidence chain with rules and sources', async () => {
    const out = path.join(tmp, 'scan2.json');
    await runCli(['scan', target, '-p', lab.portList.join(','), '-o', out, '-q']);
    const dahua = lab.devices.find((d) => d.persona.name === 'dahua-camera')!;
    const r = await runCli(['explain', dahua.ip, '--input', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Verdict: RESTRICTED under policy ndaa/);
    expect(r.stdout).toMatch(/rule [a-z0-9.-]+, confidence/);
    expect(r.stdout).toMatch(/source: /);
    expect(r.stdout).toMatch(/Pub\. L\. 115-232/);
  });
});

describe('demo and vendors', () => {
  it('demo flags exactly the restricted lab devices and shows brand vs maker', async () => {
    const r = await runCli(['demo', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ScanReport;
    expect(rep.summary.restricted).toBeGreaterThanOrEqual(6);
    const table = await runCli(['demo']);
    expect(table.stdout).toMatch(/^127\.77\.\d+\.\d+ +restricted +Dahua +Amcrest /m); // maker, then the label on the box
    expect(table.stdout).toMatch(/restricted/);
    expect(table.stdout).not.toMatch(/\x1b\[/); // NO_COLOR honoured
  });
  it('vendors lists entities with instruments and dates', async () => {
    const r = await runCli(['vendors', '--policy', 'uk', '-f', 'json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    const ids = v.entities.map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['hikvision', 'dahua', 'uniview', 'tiandy']));
    expect(v.entities[0].listings[0].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const t = await runCli(['vendors', '-f', 'table']);
    expect(t.stdout).toMatch(/Lorex \(2018-02-06 to end unknown\)/);
  });
});

describe('documentation', () => {
  it('README options section is generated from the option table', async () => {
    const r = await runCli(['options-reference']);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(r.stdout.trim());
    expect(readme).toMatch(/^```sh\nnpm ci && npx camsweep demo/m);
  });
});

describe('local-subnet guard used by the test harness', () => {
  it('refuses to scan local subnets when no target is given and the guard is set', async () => {
    const r = await runCli(['scan', '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CAMSWEEP_FORBID_LOCAL_SUBNETS/);
  });
});

describe('exit code 3 and interface errors', () => {
  it('exits 3 when the output file cannot be written', async () => {
    const r = await runCli(['identify', '-', '-o', '/nonexistent-dir/out.json', '--fail-on', 'never'], { input: '{"ip":"10.0.0.1"}\n' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^camsweep: error: cannot write \/nonexistent-dir\/out\.json: no such directory \(ENOENT\)/);
  });
  it('rejects an unknown --interface with the known ones, exit 2', async () => {
    const r = await runCli(['scan', '127.0.0.1', '-p', '9', '--interface', 'nosuchif0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown interface nosuchif0 \(IPv4 interfaces here: /);
  });
  it('rejects an unknown protocol and a bad credentials file', async () => {
    const a = await runCli(['scan', '127.0.0.1', '--protocols', 'onvif,telnet']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown protocol "telnet"/);
    const f = path.join(tmp, 'creds.yaml');
    writeFileSync(f, '- { username: admin }\n');
    const b = await runCli(['scan', '127.0.0.1', '-p', '9', '--credentials', f]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/creds\.yaml: entry 1 needs "username" and "password"/);
  });
});
