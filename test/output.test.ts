// Honest output (issue 7): every string from the network, a saved report or a record file is cleaned
// before it is stored or printed, in every format, TLS names included; record keys are checked
// exactly; a verdict never rests on evidence the printed observations do not contain.
// Real TLS server on 127.77.71.10 (a certificate generated here with openssl).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/model/types.js';
import { acceptableKey, cleanJson } from '../src/util/sanitize.js';
import { runCli } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(tmpdir(), 'camsweep-output-'));
const hasOpenssl = (() => { try { execFileSync('openssl', ['version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

// Raw C0 (but LF), DEL, C1, bidi controls and line/paragraph separators: none may reach any output.
// eslint-disable-next-line no-control-regex
const RAW_BAD = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// Nor may their JSON escapes: the value itself must have been cleaned.
const ESCAPED_BAD = /\\u(00[01][0-9a-f]|007f|008[0-9a-f]|009[0-9a-f]|061c|200[ef]|202[89a-e]|206[6-9])/i;

function clean(out: string, what: string): void {
  const m = RAW_BAD.exec(out);
  expect(m, `${what}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index}: ${JSON.stringify(out.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 20))}`).toBeNull();
  const e = ESCAPED_BAD.exec(out);
  expect(e, `${what}: escaped ${e?.[0]} at ${e?.index}`).toBeNull();
}

describe.skipIf(!hasOpenssl)('TLS certificate names', () => {
  let server: tls.Server;
  beforeAll(async () => {
    // A certificate whose subject (and issuer) has a right-to-left override, a C1 CSI and 600+ OUs (~40 KB).
    const ou = Array.from({ length: 620 }, () => `/OU=ou-${'z'.repeat(58)}`).join('');
    const key = path.join(tmp, 'evil.key');
    const pem = path.join(tmp, 'evil.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', pem, '-days', '2', '-utf8', '-subj', `/CN=Evil\u202eCam\u009b31m\u0085x${ou}`], { stdio: 'ignore' });
    server = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(pem) }, (c) => {
      c.on('error', () => {});
      c.once('data', () => c.end('HTTP/1.1 200 OK\r\nServer: tlsbox\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    });
    await new Promise<void>((r) => server.listen(8443, '127.77.71.10', () => r()));
  });
  afterAll(async () => { await new Promise((r) => server?.close(r)); });

  it('subject and issuer are cleaned and bounded in json, jsonl and table', async () => {
    for (const f of ['json', 'jsonl', 'table'] as const) {
      const r = await runCli(['scan', '127.77.71.10', '-p', '8443', '--protocols', 'tcp', '-f', f, '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      clean(r.stdout.replace(/\n/g, ''), f);
      if (f === 'json') {
        const t = (JSON.parse(r.stdout) as ScanReport).devices[0]!.observations.tls![0]!;
        expect(t.subject).toMatch(/^CN=Evil ?Cam ?31m/);
        expect(t.subject!.length).toBeLessThanOrEqual(513);
        expect(t.issuer!.length).toBeLessThanOrEqual(513);
      }
    }
  });
});

describe('record keys are checked exactly', () => {
  it('" __proto__" (and other keys that cleaning would change) are dropped, never trimmed into place', () => {
    const v = cleanJson(JSON.parse('{"ip":"10.0.0.1"," __proto__":{"http":[1]},"__proto__":{"x":1},"http\\u0000":[2],"constructor":3,"ok":4}')) as Record<string, unknown>;
    expect(Object.keys(v).sort()).toEqual(['ip', 'ok']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect((v as { http?: unknown }).http).toBeUndefined();
    expect(acceptableKey(' a')).toBe(false);
    expect(acceptableKey('a'.repeat(129))).toBe(false);
    expect(acceptableKey('server')).toBe(true);
  });

  it('identify never judges on evidence its printed observations do not show', async () => {
    const rec = '{"ip":"10.0.0.1"," __proto__":{"http":[{"port":80,"status":401,"headers":{"server":"App-webs/","www-authenticate":"Digest realm=\\"IP Camera(C2183)\\", nonce=\\"1\\""}}],"sadp":{"DeviceType":"DS-2CD2143G0-I"}}}\n';
    const r = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'never'], { input: rec });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as ScanReport).devices[0]!;
    expect(d.observations).toEqual({ ip: '10.0.0.1' });
    expect(d.identification.evidence).toEqual([]);
    expect(d.verdict.status).not.toBe('restricted');
    // Whatever evidence there is, its value appears in the printed observations.
    const r2 = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'never'], { input: '{"ip":"10.0.0.2","http":[{"port":80,"headers":{"server":"App-webs/"}}]}\n' });
    const d2 = (JSON.parse(r2.stdout) as ScanReport).devices[0]!;
    const printed = JSON.stringify(d2.observations);
    for (const e of d2.identification.evidence) expect(printed, e.rule).toContain(JSON.stringify(e.value).slice(1, -1));
  });
});

describe('a saved report is as untrusted as the network', () => {
  const hostile = {
    ip: '10.0.0.7', mac_from: 'arp\r\nVerdict: CLEAR', hostname: 'cam\tone\r\nFAKE: yes',
    open_ports: [80, '80\r\nInjected: yes'], seen_by: ['tcp\r\nFAKE VERDICT: CLEAR', 'http'], addresses: ['10.0.0.7', 'fe80::1\r\nFAKE: 2'],
    http: [{ port: 80, status: 200, headers: { server: 'App-webs/\u001b[2J\u202eevil', 'x-a\tb': 'c' }, title: 'T\u0085itle\u2028x\r\nFAKE: title', body: 'line1\r\nline2\tTAB\u009b31m' }],
    tls: [{ port: 443, subject: 'CN=\u202eevil\u0007', issuer: 'CN=x\r\ny' }],
  };

  it('explain --input prints no CR, TAB or other control from any field, and no injected line', async () => {
    const f = path.join(tmp, 'hostile-report.json');
    fs.writeFileSync(f, JSON.stringify({ schema_version: '1.1', devices: [{ ip: hostile.ip, observations: hostile }] }));
    const r = await runCli(['explain', '10.0.0.7', '--input', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\r\t]/);
    clean(r.stdout.replace(/\n/g, ''), 'explain');
    expect(r.stdout).not.toMatch(/^\s*(FAKE|Injected|Verdict: CLEAR)/m);
    expect(r.stdout).toMatch(/Open TCP ports: 80\n/);
  });

  it('identify prints it cleaned in every format', async () => {
    const input = JSON.stringify(hostile) + '\n';
    for (const f of ['json', 'jsonl', 'table'] as const) {
      const r = await runCli(['identify', '-', '-f', f, '--fail-on', 'never'], { input });
      expect(r.code, r.stderr).toBe(0);
      // JSON keeps a body's line breaks as \r\n escapes (text, not control): only C0/C1/bidi escapes are banned.
      clean(r.stdout.replace(/\n/g, '').replace(/\\r|\\n|\\t/g, ''), f);
      // Single-line fields lost their line breaks (so nothing can start a line of its own in a table).
      if (f !== 'table') expect(r.stdout).toMatch(/"seen_by":\s*\[\s*"tcp  FAKE VERDICT: CLEAR",\s*"http"\s*\]/);
    }
  });
});
