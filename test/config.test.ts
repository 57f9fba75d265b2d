// Configuration: defaults < camsweep.config.yaml (or --config) < CAMSWEEP_* environment < flags, every
// key and value checked against the option table with one-line errors. Scans go to the simulated lab
// on 127.77.132.0/24; the report's "options" show what the run used.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../src/lab/index.js';
import { configName, envName, parseConfig } from '../src/cli/config.js';
import { OPTIONS } from '../src/cli/options.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-config-'));
const ints = (v: string) => { if (!/^\d+$/.test(v)) throw new Error(`must be a whole number, got "${v}"`); return Number(v); };

describe('the config file, checked against the option table', () => {
  it('every option has a config name and an environment variable, none of them twice for one command', () => {
    for (const d of OPTIONS) {
      expect(configName(d)).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(envName(d)).toMatch(/^CAMSWEEP_[A-Z0-9_]+$/);
    }
    for (const cmd of ['scan', 'demo', 'identify', 'diff', 'vendors', 'explain', 'lab'] as const) {
      const names = OPTIONS.filter((o) => o.commands.includes(cmd)).map(configName);
      expect(new Set(names).size, cmd).toBe(names.length);
    }
  });

  it('reads values of every kind; a key only another command has is checked, then left alone', () => {
    const l = parseConfig('fail-on: suspect\nports: [80, 443, "8000-8010"]\ntimeout: 1500\nping: false\nprotocols: [onvif, tcp]\nexit-on-change: true\nbaseline: accepted.yaml\n', '/etc/cs/c.yaml', 'scan', ints);
    const v = Object.fromEntries([...l.values].map(([k, x]) => [k, x.value]));
    expect(v).toEqual({ failOn: 'suspect', ports: '80,443,8000-8010', timeout: 1500, ping: false, protocols: 'onvif,tcp', baseline: '/etc/cs/accepted.yaml' });
    expect(parseConfig('', 'c.yaml', 'scan', ints).values.size).toBe(0);
  });

  it.each([
    ['prots: 80', /c\.yaml: unknown key "prots"; keys are option names/],
    ['fail_on: never', /c\.yaml: unknown key "fail_on" \(did you mean "fail-on"\?\)/],
    ['timeout: soon', /c\.yaml: key "timeout": must be a whole number, got "soon"/],
    ['timeout: [1]', /c\.yaml: key "timeout": must be a whole number, got \[1\]/],
    ['ping: "no"', /c\.yaml: key "ping": must be true or false, got "no"/],
    ['fail-on: sometimes', /c\.yaml: key "fail-on": "sometimes" is not one of restricted, suspect, unknown, never/],
    ['protocols: {a: 1}', /c\.yaml: key "protocols": must be a comma-separated string or a list/],
    ['policy: 3', /c\.yaml: key "policy": must be a string, got 3/],
    ['exit-on-change: 3', /c\.yaml: key "exit-on-change": must be true or false/],
    ['config: other.yaml', /c\.yaml: unknown key "config"/],
    ['- a\n- b', /c\.yaml: expected a mapping of option names/],
    ['a: [', /c\.yaml: not valid YAML/],
  ])('refuses %j with a one-line error naming the key', (text, msg) => {
    let err: Error | undefined;
    try { parseConfig(text, 'c.yaml', 'scan', ints); } catch (e) { err = e as Error; }
    expect(err?.message).toMatch(msg);
    expect(err?.message).not.toMatch(/\n/);
  });
});

describe('precedence over a real scan (simulated lab on 127.77.132.0/24)', () => {
  let lab: Lab;
  let ip: string;
  let port: string;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab({ subnet: '127.77.132.0/24', only: ['nginx-server'], discovery: false });
    ip = lab.devices[0].ip;
    port = String(Object.values(lab.devices[0].ports)[0]);
    dir = path.join(tmp, 'site');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'camsweep.config.yaml'), `# site defaults\ntimeout: 1500\nconcurrency: 7\nports: "${port}"\nfail-on: unknown\nprotocols: tcp\nformat: json\n`);
  });
  afterAll(async () => { await lab?.stop(); });

  const opts = async (args: string[], env: Record<string, string> = {}, cwd = dir) => {
    const r = await runCli(['scan', ip, ...args], { cwd, env });
    expect(r.stdout, r.stderr).toMatch(/^\{/);
    return { code: r.code, stderr: r.stderr, o: (JSON.parse(r.stdout) as ScanReport).options as Record<string, unknown> };
  };

  it('defaults < config file < environment < flags', async () => {
    const none = await opts(['-p', port, '--protocols', 'tcp', '-f', 'json'], {}, tmp);
    expect(none.o).toMatchObject({ timeout_ms: 2000, concurrency: 512, fail_on: 'restricted' });

    const cfg = await opts([]);
    expect(cfg.o).toMatchObject({ timeout_ms: 1500, concurrency: 7, fail_on: 'unknown', ports: [Number(port)], protocols: ['tcp'] });

    const env = await opts([], { CAMSWEEP_TIMEOUT: '1400', CAMSWEEP_FAIL_ON: 'never' });
    expect(env.o).toMatchObject({ timeout_ms: 1400, concurrency: 7, fail_on: 'never' });
    expect(env.code).toBe(0);

    const flag = await opts(['-t', '1300', '--fail-on', 'suspect'], { CAMSWEEP_TIMEOUT: '1400', CAMSWEEP_FAIL_ON: 'never' });
    expect(flag.o).toMatchObject({ timeout_ms: 1300, concurrency: 7, fail_on: 'suspect' });

    // Booleans too: the file says quiet, the environment says not.
    writeFileSync(path.join(tmp, 'quiet.yaml'), 'quiet: true\n');
    const quiet = await opts(['-p', port, '--protocols', 'tcp', '-f', 'json', '--config', path.join(tmp, 'quiet.yaml')], {}, tmp);
    expect(quiet.stderr).toBe('');
    const loud = await opts(['-p', port, '--protocols', 'tcp', '-f', 'json', '--config', path.join(tmp, 'quiet.yaml')], { CAMSWEEP_QUIET: 'false' }, tmp);
    expect(loud.stderr).toMatch(/Scanning 127\.77\.132\.\d+/);
  });

  it('--config FILE replaces the file in the current directory; CAMSWEEP_CONFIG names one too', async () => {
    const other = path.join(tmp, 'other.yaml');
    writeFileSync(other, `concurrency: 9\nports: "${port}"\nprotocols: tcp\n`);
    expect((await opts(['--config', other, '-f', 'json'])).o).toMatchObject({ concurrency: 9, timeout_ms: 2000 });
    expect((await opts(['-f', 'json'], { CAMSWEEP_CONFIG: other }, tmp)).o).toMatchObject({ concurrency: 9 });
  });

  it('wrong values in the file or the environment, and a missing --config file, are one-line errors (exit 2) before any packet', async () => {
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(bad, 'concurrency: many\n');
    for (const [args, env, msg] of [
      [['--config', bad], {}, /bad\.yaml: key "concurrency": .*must be a whole number, got "many"/],
      [['--config', path.join(tmp, 'none.yaml')], {}, /cannot read config file .*none\.yaml: no such file/],
      [[], { CAMSWEEP_TIMEOUT: '0' }, /environment CAMSWEEP_TIMEOUT: --timeout must be at least 1/],
      [[], { CAMSWEEP_PING: 'maybe' }, /environment CAMSWEEP_PING: must be true or false/],
      [[], { CAMSWEEP_FORMAT: 'xml' }, /environment CAMSWEEP_FORMAT: "xml" is not one of table, json, jsonl/],
    ] as Array<[string[], Record<string, string>, RegExp]>) {
      const r = await runCli(['scan', ip, ...args], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
