// Exit codes are a CI contract (issue 7): a scan that did not finish or could not see never exits 0.
// Real binary, real sockets on loopback (127.77.52.0/24 - 127.77.59.0/24).
import { EXPECTED } from './lab-sim/expected.js';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../src/lab/index.js';
import { scanExit, signalHandler } from '../src/cli/main.js';
import { executePlan, planScan } from '../src/scan/scan.js';
import { defaultKnowledgeBase } from '../src/data/load.js';
import { loadPolicy } from '../src/data/load.js';
import { sweepHosts, type ScanOptions } from '../src/scan/scan.js';
import type { ConnectResult, ExchangeOptions, ExchangeResult } from '../src/net/tcp.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli, startCli, waitFor } from './helpers/cli.js';
import { httpServer } from './helpers/responders.js';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../schema/scan-report.schema.json', import.meta.url), 'utf8')));

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-exit-'));
const silent: net.Server[] = [];
const held = new Set<net.Socket>();

/** A TCP server that accepts and never answers. */
async function silentServer(ip: string, port: number): Promise<void> {
  const s = net.createServer((c) => { held.add(c); c.on('error', () => {}); c.on('close', () => held.delete(c)); });
  silent.push(s);
  await new Promise<void>((r) => s.listen(port, ip, () => r()));
}

beforeAll(async () => {
  await silentServer('127.77.52.10', 8080);
  await silentServer('127.77.52.11', 8080);
});
afterAll(async () => {
  for (const c of held) c.destroy();
  await Promise.all(silent.map((s) => new Promise((r) => s.close(r))));
});

describe('interrupted scans', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} writes the partial report, says so on stderr and exits ${code}`, async () => {
      const run = startCli(['scan', '127.77.52.10-11', '-p', '8080', '--protocols', 'tcp', '-t', '20000', '--host-timeout', '30000', '-f', 'json', '--fail-on', 'never']);
      await waitFor(() => /TCP sweep: 2 hosts/.test(run.stderrSoFar()), 20000, 'the plan line');
      await new Promise((r) => setTimeout(r, 700)); // the connects are open and their probes waiting
      run.child.kill(sig);
      const r = await run.done;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`camsweep: ${sig} received: stopping`));
      expect(r.ms).toBeLessThan(15000); // not the 20 s read deadline
      const rep = JSON.parse(r.stdout) as ScanReport;
      expect(rep.interrupted).toBe(sig);
      expect(rep.complete).toBe(false);
      expect(rep.warnings.join(' ')).toMatch(/interrupted/);
      expect(validate(rep), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      // Partial, not empty: the hosts whose port was found open are in it.
      expect(rep.devices.map((d) => d.ip).sort()).toEqual(['127.77.52.10', '127.77.52.11']);
    });
  }

  it('a /8 (with --max-hosts raised) streams its hosts: Ctrl-C stops it within seconds, in bounded memory', async () => {
    const run = startCli(['scan', '127.0.0.0/8', '--max-hosts', '99999999', '-p', '9', '--protocols', 'tcp', '-f', 'jsonl', '--fail-on', 'never'], { sampleRss: true });
    await waitFor(() => /TCP sweep: 16777214 hosts/.test(run.stderrSoFar()), 20000, 'the plan line');
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { type: string; interrupted: string; summary: { hosts_scanned: number } };
    expect([summary.type, summary.interrupted]).toEqual(['summary', 'SIGINT']);
    // What was swept before the signal, not the 16 million planned.
    expect(summary.summary.hosts_scanned).toBeGreaterThan(0);
    expect(summary.summary.hosts_scanned).toBeLessThan(16777214);
    expect(r.peakRssKb!, 'peak RSS in kB').toBeLessThan(300 * 1024);
  });

  it('a second signal stops at once, whatever is still running', () => {
    const said: string[] = [];
    const exits: number[] = [];
    let aborted = 0;
    const state: { interrupted?: 'SIGINT' | 'SIGTERM' } = {};
    const on = signalHandler(state, () => { aborted++; }, (t) => said.push(t), (c) => exits.push(c));
    on('SIGINT');
    expect([aborted, exits]).toEqual([1, []]);
    on('SIGINT');
    expect(exits).toEqual([130]);
    expect(said.join('')).toMatch(/SIGINT again: stopping now/);
    const t: { interrupted?: 'SIGINT' | 'SIGTERM' } = {};
    const exits2: number[] = [];
    const on2 = signalHandler(t, () => {}, () => {}, (c) => exits2.push(c));
    on2('SIGTERM');
    on2('SIGTERM');
    expect(exits2).toEqual([143]);
  });

  it('two Ctrl-C in a row end the process with 130 straight away', async () => {
    const run = startCli(['scan', '127.77.52.10-11', '-p', '8080', '--protocols', 'tcp', '-t', '20000', '--host-timeout', '30000', '-f', 'json']);
    await waitFor(() => /TCP sweep: 2 hosts/.test(run.stderrSoFar()), 20000, 'the plan line');
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(15000);
  });
});

describe('local resource errors', () => {
  const options: ScanOptions = { ports: [80, 554, 8080], timeoutMs: 500, hostTimeoutMs: 5000, concurrency: 16, rate: 0, maxBytes: 65536, userAgent: 't', probes: [] };
  const fakeExchange = async (_o: ExchangeOptions): Promise<ExchangeResult> => ({ data: Buffer.alloc(0), end: 'closed', ms: 1 });
  const hosts = Array.from({ length: 40 }, (_, i) => `10.250.0.${i + 1}`);

  it('EMFILE is retried with a smaller budget: the scan recovers and every host is seen', async () => {
    let failures = 30;
    const connectCheck = async (_h: string, port: number): Promise<ConnectResult> => {
      if (failures > 0) { failures--; return { state: 'error', code: 'EMFILE', ms: 0 }; }
      return port === 80 ? { state: 'open', ms: 1 } : { state: 'closed', ms: 1 };
    };
    const r = await sweepHosts(hosts, new Map(), { ...options, net: { connectCheck, exchange: fakeExchange } });
    expect(r.notScanned).toEqual([]);
    expect(r.recovered).toBeGreaterThan(0);
    expect(r.hosts.map((h) => h.record.ip).sort()).toEqual([...hosts].sort());
  });

  it('a host that keeps failing with EMFILE is reported as local-error, never as down', async () => {
    const connectCheck = async (h: string, port: number): Promise<ConnectResult> => {
      if (h === '10.250.0.7') return { state: 'error', code: 'EMFILE', ms: 0 };
      return port === 80 ? { state: 'open', ms: 1 } : { state: 'closed', ms: 1 };
    };
    const r = await sweepHosts(hosts, new Map(), { ...options, net: { connectCheck, exchange: fakeExchange } });
    expect(r.notScanned).toEqual([{ ip: '10.250.0.7', status: 'local-error', code: 'EMFILE' }]);
    // The host that answered nothing because of EMFILE is not "down": it is not among the results as if scanned.
    expect(r.hosts.some((h) => h.record.ip === '10.250.0.7')).toBe(false);
    expect(r.hosts).toHaveLength(hosts.length - 1);
  });

  it('a scan with a host left unscanned could not see: exit 3 (over 1), 130/143 over both', async () => {
    const kb = defaultKnowledgeBase();
    const k = { kb, policy: loadPolicy('ndaa', kb.vocab) };
    const connectCheck = async (h: string, port: number): Promise<ConnectResult> => (h === '10.250.0.7' ? { state: 'error', code: 'ENOBUFS', ms: 0 } : port === 80 ? { state: 'open', ms: 1 } : { state: 'closed', ms: 1 });
    const plan = planScan({ hosts: hosts.slice(0, 10), explicitTargets: true, protocols: ['tcp'], interfaces: [], interfaceNamed: false, passive: false, listenMs: 1, options: { ...options, net: { connectCheck, exchange: fakeExchange } } });
    const r = await executePlan(plan, k, undefined);
    expect(r.notScanned).toEqual([{ ip: '10.250.0.7', status: 'local-error', code: 'ENOBUFS' }]);
    expect(r.warnings.join(' ')).toMatch(/1 host\(s\) could not be scanned/);
    const restricted = [{ verdict: { status: 'restricted' } }] as never;
    expect(scanExit({}, true, restricted, 'restricted')).toBe(3);
    expect(scanExit({}, false, restricted, 'restricted')).toBe(1);
    expect(scanExit({}, false, [], 'restricted')).toBe(0);
    expect(scanExit({ interrupted: 'SIGINT' }, true, restricted, 'restricted')).toBe(130);
    expect(scanExit({ interrupted: 'SIGTERM' }, false, [], 'restricted')).toBe(143);
  });

  describe('under a real descriptor limit (prlimit --nofile)', () => {
    let lab: Lab;
    beforeAll(async () => { lab = await startLab({ subnet: '127.77.56.0/24' }); });
    afterAll(async () => { await lab?.stop(); });

    it('ulimit -n 128: a /22 around the lab gives every lab device, or exit 3; never a silent miss', async () => {
      const r = await runCli(['scan', '127.77.56.0/22', '-p', lab.portList.join(','), '-f', 'json', '--listen-time', '1000', '--fail-on', 'never'], { nofile: 128, timeoutMs: 120000 });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect([0, 3], r.stderr.slice(-2000)).toContain(r.code);
      const rep = JSON.parse(r.stdout) as ScanReport;
      const found = new Set(rep.devices.map((d) => d.ip));
      const missing = lab.devices.map((d) => d.ip).filter((ip) => !found.has(ip));
      console.log(`ulimit -n 128, /22: exit ${r.code}, ${rep.devices.length} devices, missing ${missing.length}, not scanned ${rep.not_scanned?.length ?? 0}; ${r.stderr.split('\n').filter((l) => /connections at once|could not/.test(l)).join(' | ')}`);
      if (r.code === 0) {
        expect(missing).toEqual([]);
        expect(rep.complete).toBe(true);
        // Seen whole, not merely seen: no probe lost to EMFILE, and every verdict is the persona's.
        const localErrors = rep.devices.flatMap((d) => d.errors.filter((e) => /^(EMFILE|ENFILE|ENOBUFS|ENOMEM)$/.test(e.code)).map((e) => `${d.ip} ${e.stage}:${e.port} ${e.code}`));
        expect(localErrors).toEqual([]);
        for (const d of lab.devices) expect(rep.devices.find((x) => x.ip === d.ip)!.verdict.status, d.persona.name).toBe(EXPECTED[d.persona.name].ndaa.verdict);
      } else {
        expect(rep.complete).toBe(false);
        expect((rep.not_scanned ?? []).length + rep.warnings.filter((w) => /could not look/.test(w)).length).toBeGreaterThan(0);
      }
    });

    it('too few descriptors to work at all: exit 3 before the first packet', async () => {
      const r = await runCli(['scan', lab.targets[0], '-p', '8080'], { nofile: 40 });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/camsweep: error: only \d+ file descriptors are free \(limit 40\)/);
    });
  });

  it('SSDP description fetches take slots of --concurrency like every connection', async () => {
    // Twelve targets each answer M-SEARCH with a LOCATION on their own slow HTTP server.
    const { udpPeer } = await import('./helpers/responders.js');
    const { buildSsdpResponse, parseSsdp } = await import('../src/protocols/ssdp.js');
    let open = 0;
    let maxOpen = 0;
    const closers: Array<() => void | Promise<void>> = [];
    const ips = Array.from({ length: 12 }, (_, i) => `127.77.57.${10 + i}`);
    for (const ip of ips) {
      // Counted from accept to the answer: the client can only connect again after it has the answer.
      const s = net.createServer((c) => {
        open++; maxOpen = Math.max(maxOpen, open);
        c.on('error', () => {});
        c.resume();
        setTimeout(() => { open--; c.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); }, 400);
      });
      await new Promise<void>((r) => s.listen(8080, ip, () => r()));
      closers.push(() => new Promise<void>((r) => s.close(() => r())));
      const p = await udpPeer(ip, 1900, (m, from, sock) => {
        if (parseSsdp(m)?.kind !== 'msearch') return;
        for (let k = 0; k < 3; k++) sock.send(buildSsdpResponse({ st: 'upnp:rootdevice', usn: `uuid:flood-${ip}-${k}::upnp:rootdevice`, location: `http://${ip}:8080/d${k}.xml` }), from.port, from.address);
      });
      closers.push(() => p.close());
    }
    try {
      const r = await runCli(['scan', '127.77.57.10-21', '--protocols', 'ssdp', '-c', '3', '--listen-time', '800', '-t', '3000', '-f', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(maxOpen).toBeGreaterThan(0);
      expect(maxOpen).toBeLessThanOrEqual(3);
    } finally {
      for (const c of closers) await c();
    }
  });
});

describe('refused before the first packet', () => {
  it.each([['--timeout', '0'], ['--host-timeout', '0'], ['--listen-time', '0'], ['-c', '0'], ['--max-hosts', '0'], ['--timeout', '-5'], ['--max-bytes', '100']])('%s %s is refused (exit 2)', async (flag, v) => {
    const r = await runCli(['scan', '127.0.0.1', '-p', '9', flag, v]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^camsweep: error: .*(at least|whole number)/);
  });

  it('-o to a missing directory is found out before any connection is made', async () => {
    const srv = await httpServer('127.77.54.10', 8080, () => ({ status: 200, body: 'x' }));
    try {
      const r = await runCli(['scan', '127.77.54.10', '-p', '8080', '--protocols', 'tcp', '-o', path.join(tmp, 'no-such-dir', 'out.json')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^camsweep: error: cannot write .*no-such-dir\/out\.json: no such directory \(ENOENT\)/);
      expect(srv.connections).toBe(0);
      const dir = await runCli(['scan', '127.77.54.10', '-p', '8080', '--protocols', 'tcp', '-o', tmp]);
      expect(dir.code).toBe(3);
      expect(dir.stderr).toMatch(/is a directory/);
      expect(srv.connections).toBe(0);
    } finally { await srv.close(); }
  });

  it('--passive with no interface to listen on exits 3 (it would have heard nothing)', async () => {
    const r = await runCli(['scan', '127.0.0.1', '--passive']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/--passive needs an interface to listen on/);
    const lo = await runCli(['scan', '127.0.0.1', '--passive', '--interface', 'lo']);
    expect(lo.code, lo.stderr).toBe(3);
  });
});

describe('a closed standard output', () => {
  it('--help | head -1 ends quietly with 0', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('./helpers/cli.js');
    const sh = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" scan --help | head -1 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(sh.stderr.trim()).toBe('rc=0');
  });

  it('identify -f jsonl | head -1 ends quietly with the code of what it found', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('./helpers/cli.js');
    const fixture = path.join(path.dirname(BIN), '..', 'fixtures', 'lab', 'observations.jsonl');
    const sh = spawnSync('bash', ['-c', `for i in 1 2 3 4 5 6 7 8; do cat "${fixture}"; done > "${tmp}/many.jsonl"; "${process.execPath}" "${BIN}" identify "${tmp}/many.jsonl" -f jsonl | head -1 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    // Restricted devices are in the fixture: 1, with nothing else on stderr (no EPIPE stack trace).
    expect(sh.stderr.trim()).toBe('rc=1');
  });
});

describe('--fail-on unknown', () => {
  it('fails on a device not shown to be clear, passes a clear one', async () => {
    const unknown = JSON.stringify({ ip: '10.9.0.1', open_ports: [80] }) + '\n';
    const a = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'unknown'], { input: unknown });
    expect(a.code).toBe(1);
    const b = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'suspect'], { input: unknown });
    expect(b.code).toBe(0);
    const clearRec = JSON.stringify({ ip: '10.9.0.2', http: [{ port: 80, headers: { server: 'nginx/1.24.0' } }] }) + '\n';
    const c = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'unknown'], { input: clearRec });
    const status = (JSON.parse(c.stdout) as ScanReport).devices[0]!.verdict.status;
    expect(c.code, status).toBe(status === 'clear' ? 0 : 1);
  });

  it('--help documents every exit code', async () => {
    const r = await runCli(['scan', '--help']);
    for (const c of ['0', '1', '2', '3', '130', '143']) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    expect(r.stdout).toMatch(/--fail-on <level>[\s\S]*unknown/);
  });
});

