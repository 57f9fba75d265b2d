// Output while the scan runs: JSON Lines device lines as each verdict is final (before a slow host is
// done), read back by `identify`; the progress line on a real terminal (a pty from util-linux
// `script`) and never in a pipe or with --quiet. Simulated lab and a slow host on 127.77.133.0/24.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../src/lab/index.js';
import { Progress, progressLine } from '../src/cli/progress.js';
import { scan, scanRequest } from '../src/index.js';
import type { ScanReport } from '../src/model/types.js';
import { BIN, runCli, startCli, waitFor } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-stream-'));
const SLOW = '127.77.133.200';
/** The slow host holds every connection without a word for this long: a probe waits out its timeout. */
const TIMEOUT_MS = 3000;

let lab: Lab;
let fast: string;
let port: number;
let slow: net.Server;
const held: net.Socket[] = [];
/** Connections to the slow host open right now (it reads and discards what it gets, and never answers). */
let slowOpen = 0;

beforeAll(async () => {
  lab = await startLab({ subnet: '127.77.133.0/24', only: ['nginx-server'], discovery: false });
  fast = lab.devices[0].ip;
  port = Number(Object.values(lab.devices[0].ports)[0]);
  slow = net.createServer((s) => {
    held.push(s);
    slowOpen++;
    s.on('close', () => { slowOpen--; });
    s.on('error', () => {});
    s.resume();
  });
  await new Promise<void>((resolve, reject) => { slow.once('error', reject); slow.listen(port, SLOW, () => resolve()); });
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => slow?.close(() => r()));
  await lab?.stop();
});

const scanArgs = () => ['scan', fast, SLOW, '-p', String(port), '--protocols', 'tcp', '-t', String(TIMEOUT_MS), '--host-timeout', String(TIMEOUT_MS * 2), '--fail-on', 'never'];

describe('JSON Lines stream as devices are judged', () => {
  it('the fast device\'s line is written while the slow host is still being probed; the summary comes last', async () => {
    const run = startCli([...scanArgs(), '-f', 'jsonl', '-q']);
    await waitFor(() => run.stdoutSoFar().includes('\n'), 60000, 'the first JSON line');
    // The scan has not ended: the process is running, and no summary is out yet.
    expect(run.child.exitCode).toBeNull();
    expect(run.stdoutSoFar()).not.toMatch(/"type":"summary"/);
    const first = JSON.parse(run.stdoutSoFar().split('\n')[0]);
    expect(first).toMatchObject({ type: 'device', ip: fast, verdict: { status: 'clear' } });
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.ip])).toEqual([['device', fast], ['device', SLOW], ['summary', undefined]]);
    expect(lines[2].summary).toMatchObject({ devices: 2 });
    expect(lines[1].open_ports).toEqual([port]);
  });

  it('streams into an -o file the same way, and identify reads its own JSON Lines back (the summary line skipped)', async () => {
    const out = path.join(tmp, 'scan.jsonl');
    const run = startCli([...scanArgs(), '-f', 'jsonl', '-q', '-o', out]);
    await waitFor(() => { try { return readFileSync(out, 'utf8').includes('\n'); } catch { return false; } }, 60000, 'the first line in the file');
    expect(run.child.exitCode).toBeNull();
    expect((await run.done).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.trim().split('\n').at(-1)).toMatch(/^\{"type":"summary"/);

    const back = await runCli(['identify', out, '-f', 'json', '--fail-on', 'never']);
    expect(back.code, back.stderr).toBe(0);
    const rep = JSON.parse(back.stdout) as ScanReport;
    expect(rep.devices.map((d) => d.ip).sort()).toEqual([fast, SLOW].sort());
    expect(rep.summary.devices).toBe(2);
    const piped = await runCli(['identify', '-f', 'jsonl', '--fail-on', 'never'], { input: text });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['device', 'device', 'summary']);
  });
});

/** Run under a pseudo-terminal (util-linux script): stdin, stdout and stderr are the pty. */
function inPty(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // A pty from script has no size of its own: give it one, as a terminal window would.
  const cmd = 'stty cols 200 rows 50; ' + [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1', COLUMNS: '200', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${out}`)); }, 60000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

describe('progress', () => {
  it('the line: hosts done/total, rate, ETA, answering, devices judged and restricted', () => {
    expect(progressLine({ done: 1200, total: 65536, found: 14, devices: 9, restricted: 3, elapsedMs: 5000 }))
      .toBe('scanned 1200/65536 hosts (1.8%), 240 hosts/s, ETA 4m28s; 14 answering; 9 devices judged, 3 restricted');
    expect(progressLine({ done: 1, total: 2, found: 1, devices: 1, restricted: 0, elapsedMs: 2000 })).toBe('scanned 1/2 hosts (50%), 0.5 hosts/s, ETA 2s; 1 answering; 1 device judged, 0 restricted');
    const seen: string[] = [];
    let t = 0;
    const p = new Progress({ write: (s) => seen.push(s), isTTY: true, columns: 40 }, false, () => t);
    t = 1000; p.onHostDone(1, 4, 1);
    t = 1050; p.onHostDone(2, 4, 1); // within the redraw interval: not drawn
    t = 2000; p.onDevice({ verdict: { status: 'restricted' } as never });
    t = 3000; p.onHostDone(4, 4, 2);
    expect(seen).toHaveLength(3);
    for (const s of seen.slice(0, 2)) { expect(s.startsWith('\r\x1b[2K')).toBe(true); expect(s.length - 5).toBeLessThanOrEqual(39); }
    expect(seen[1]).toMatch(/scanned 2\/4/);
    expect(seen[2]).toBe('\r\x1b[2K');
    const off: string[] = [];
    new Progress({ write: (s) => off.push(s), isTTY: false }, false).onHostDone(1, 2, 1);
    new Progress({ write: (s) => off.push(s), isTTY: true }, true).onHostDone(1, 2, 1);
    expect(off).toEqual([]);
  });

  it('is drawn on a real terminal, and erased; never with --quiet', async () => {
    const out = path.join(tmp, 'tty.json');
    const r = await inPty([...scanArgs(), '-f', 'json', '-o', out]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\r\x1b\[2Kscanned 1\/2 hosts \(50%\), [\d.]+ hosts\/s, ETA \d+s; 1 answering; \d devices? judged, 0 restricted/);
    expect(r.out).toMatch(/\r\x1b\[2K(?!scanned)/); // erased again
    expect((JSON.parse(readFileSync(out, 'utf8')) as ScanReport).summary.devices).toBe(2);
    const q = await inPty([...scanArgs(), '-f', 'json', '-o', out, '-q']);
    expect(q.code).toBe(0);
    expect(q.out).not.toMatch(/scanned|\x1b\[2K/);
  });

  it('never goes into a pipe', async () => {
    const r = await runCli([...scanArgs(), '-f', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Scanning /);
    expect(r.stderr).not.toMatch(/scanned \d|\r|\x1b/);
    expect(r.stdout).not.toMatch(/scanned \d|\r|\x1b/);
    // Without a progress display the sweep still counts what it went through.
    expect((JSON.parse(r.stdout) as ScanReport).summary.hosts_scanned).toBe(2);
  });
});


describe('the library\'s onDevice hook', () => {
  it('gets each device once, the fast one while the slow host still holds a connection; the report holds the same objects', async () => {
    const got: Array<{ ip: string; slowOpen: boolean }> = [];
    const seen: unknown[] = [];
    const { report } = await scan(scanRequest({ targets: [fast, SLOW], ports: [port], protocols: ['tcp'], timeoutMs: TIMEOUT_MS, hostTimeoutMs: TIMEOUT_MS * 2, failOn: 'never' }), undefined, {
      onDevice: (d) => { seen.push(d); got.push({ ip: d.ip, slowOpen: slowOpen > 0 }); },
    });
    expect(got.map((g) => g.ip)).toEqual([fast, SLOW]);
    expect(got[0].slowOpen).toBe(true);
    await waitFor(() => slowOpen === 0, 5000, 'the scan to have closed its connections to the slow host');
    expect(report.devices).toHaveLength(2);
    for (const d of report.devices) expect(seen).toContain(d);
  });
});

describe('streamed and whole reports agree', () => {
  it('a scan with discovery gives the same devices as JSON Lines (streamed) and as JSON (simulated lab on 127.77.134.0/24)', async () => {
    const full = await startLab({ subnet: '127.77.134.0/24' });
    try {
      const args = ['scan', `${full.targets[0]}-${full.targets.at(-1)!.split('.').pop()}`, '-p', full.portList.join(','), '--listen-time', '1500', '--fail-on', 'never', '-q'];
      const [jl, js] = [await runCli([...args, '-f', 'jsonl']), await runCli([...args, '-f', 'json'])];
      expect([jl.code, js.code], jl.stderr + js.stderr).toEqual([0, 0]);
      const key = (d: { ip: string; device_id?: string; verdict: { status: string }; seen_by: string[]; identification: { maker?: string } }) =>
        [d.ip, d.device_id, d.verdict.status, d.seen_by.join('+'), d.identification.maker ?? ''].join(' ');
      const streamed = jl.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'device').map(key).sort();
      const whole = (JSON.parse(js.stdout) as ScanReport).devices.map(key).sort();
      expect(streamed).toEqual(whole);
      expect(whole).toHaveLength(full.devices.length);
      // Discovery took part: some device was seen by more than the TCP sweep.
      expect(whole.some((k) => /\b(onvif|ssdp|mdns|sadp|dhip)\b/.test(k.split(' ')[3]))).toBe(true);
    } finally {
      await full.stop();
    }
  });
});
