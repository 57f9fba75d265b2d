// Bounded inputs (issue 7): every file input has a size cap and a one-line error (exit 2), within
// seconds and in bounded memory whatever it is (/dev/zero, a sparse 50 MB file); identify streams
// JSON Lines; target lists are read without recursion; an empty target list is an error.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputFile, InputError, inputLines } from '../src/util/input.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(tmpdir(), 'camsweep-inputs-'));
const MB = 1024 * 1024;

function oneLineError(stderr: string, re: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr.slice(0, 500)).toHaveLength(1);
  expect(lines[0]).toMatch(/^camsweep: error: /);
  expect(lines[0]).toMatch(re);
}

describe('/dev/zero and oversized files exit 2 within seconds, under 300 MB', () => {
  const sparse = path.join(tmp, 'policy-50mb.yaml');
  fs.writeFileSync(sparse, 'name: big\n');
  fs.truncateSync(sparse, 50 * MB);
  const bigDoc = path.join(tmp, 'big-doc.json');
  fs.writeFileSync(bigDoc, '[');
  fs.truncateSync(bigDoc, 70 * MB);
  it.each([
    ['target list', ['scan', '-l', '/dev/zero', '-p', '9'], /target list \/dev\/zero is larger than 16 MiB/],
    ['identify', ['identify', '/dev/zero'], /\/dev\/zero:1: line longer than 16 MiB/],
    ['credentials', ['scan', '127.0.0.1', '-p', '9', '--credentials', '/dev/zero'], /credentials file \/dev\/zero is larger than 1 MiB/],
    ['policy', ['identify', '-', '--policy', '/dev/zero'], /policy file \/dev\/zero is larger than 1 MiB/],
    ['50 MB policy file', ['vendors', '--policy', sparse], /policy file .*policy-50mb\.yaml is larger than 1 MiB/],
    ['70 MB JSON document', ['identify', bigDoc], /a JSON document larger than 64 MiB; give it as JSON Lines/],
  ])('%s', async (_what, args, re) => {
    const r = await runCli(args, { sampleRss: true, input: args.includes('-') ? '{"ip":"10.0.0.1"}\n' : undefined, timeoutMs: 30000 });
    expect(r.code, r.stderr).toBe(2);
    oneLineError(r.stderr, re);
    expect(r.ms).toBeLessThan(10000);
    expect(r.peakRssKb!).toBeLessThan(300 * 1024);
  });

  it('the reader caps FIFOs and devices by bytes read, not by their reported size', () => {
    expect(() => readInputFile('/dev/zero', 'test input', 1000)).toThrow(InputError);
    expect(() => readInputFile('/dev/zero', 'test input', 1000)).toThrow(/larger than 1000 bytes/);
    expect(() => readInputFile(tmp, 'test input', 1000)).toThrow(/is a directory/);
    expect(() => readInputFile(path.join(tmp, 'nope'), 'test input', 1000)).toThrow(/no such file/);
  });

  it('lines are capped one at a time', async () => {
    async function* chunks() { yield Buffer.from('a\nbb'); yield Buffer.from('b\r\n'); yield Buffer.from('x'.repeat(50)); }
    const got: string[] = [];
    await expect((async () => { for await (const l of inputLines(chunks(), 'src', 20)) got.push(l.line); })()).rejects.toThrow(/src:3: line longer than 20 bytes/);
    expect(got).toEqual(['a', 'bbb']);
  });
});

describe('identify streams JSON Lines in bounded memory', () => {
  it('50,000 records through a 48 MB heap (the whole input is 4 times that), with the right summary', async () => {
    const file = path.join(tmp, 'many.jsonl');
    const fd = fs.openSync(file, 'w');
    const pad = 'x'.repeat(3000);
    for (let i = 0; i < 50000; i++) {
      const hik = i % 5 === 0;
      fs.writeSync(fd, JSON.stringify({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, http: [{ port: 80, status: 200, headers: { server: hik ? 'App-webs/' : 'nginx' }, body: pad }] }) + '\n');
    }
    fs.closeSync(fd);
    expect(fs.statSync(file).size).toBeGreaterThan(140 * MB);
    const out = path.join(tmp, 'many-out.jsonl');
    const r = await runCli(['identify', file, '-f', 'jsonl', '-o', out, '--fail-on', 'never'], { nodeArgs: ['--max-old-space-size=48'], timeoutMs: 240000 });
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    // Read the summary from the end of the output without loading it all.
    const tail = Buffer.alloc(4096);
    const ofd = fs.openSync(out, 'r');
    const size = fs.fstatSync(ofd).size;
    fs.readSync(ofd, tail, 0, tail.length, Math.max(0, size - tail.length));
    fs.closeSync(ofd);
    const last = tail.toString('utf8').trim().split('\n').pop()!;
    const summary = JSON.parse(last) as { type: string; summary: ScanReport['summary'] };
    expect(summary.type).toBe('summary');
    expect(summary.summary.devices).toBe(50000);
    expect(summary.summary.restricted).toBe(10000);
  }, 300000);

  it('a saved JSON Lines scan (device lines, outside responders, summary) is re-judged; the extra lines are skipped', async () => {
    const lines = [
      JSON.stringify({ type: 'device', ip: '10.0.0.5', observations: { ip: '10.0.0.5', http: [{ port: 80, headers: { server: 'App-webs/' } }] } }),
      JSON.stringify({ type: 'seen-not-probed', ip: '10.0.0.99', seen_by: ['onvif'], announced: {} }),
      JSON.stringify({ type: 'summary', summary: { devices: 1 } }),
    ].join('\n') + '\n';
    const r = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'never'], { input: lines });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ScanReport;
    expect(rep.devices.map((d) => d.ip)).toEqual(['10.0.0.5']);
  });
});

describe('target lists', () => {
  it('130,000 lines are read without recursion (no stack overflow)', async () => {
    const dup = path.join(tmp, 'dup.txt');
    const words: string[] = [];
    for (let i = 0; i < 130000; i++) words.push(`127.77.70.${10 + (i % 5)}`);
    fs.writeFileSync(dup, words.join('\n') + '\n');
    const r = await runCli(['scan', '-l', dup, '-p', '9', '--protocols', 'tcp', '-f', 'json', '--fail-on', 'never'], { timeoutMs: 60000 });
    expect(r.code, r.stderr.slice(-1000)).toBe(0);
    expect(r.stderr).toMatch(/Scanning 127\.77\.70\.10 \(1 host\), .* and 129992 more targets/);
    expect(r.stderr).toMatch(/TCP sweep: 5 hosts/);
    const distinct = path.join(tmp, 'distinct.txt');
    const d: string[] = [];
    for (let i = 0; i < 130000; i++) d.push(`127.${80 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
    fs.writeFileSync(distinct, d.join('\n'));
    const big = await runCli(['scan', '-l', distinct, '-p', '9'], { timeoutMs: 60000 });
    expect(big.code).toBe(2);
    oneLineError(big.stderr, /130000 hosts requested, more than the limit of 65536/);
  });

  // (The harness forbids the local-subnet fallback anyway: a regression shows as a different message, never as traffic.)
  it.each([['an empty file', ''], ['comments and blank lines only', '# nothing here\n\n   \n']])('%s is an error, never "scan the local subnets"', async (_w, text) => {
    const f = path.join(tmp, `empty-${text.length}.txt`);
    fs.writeFileSync(f, text);
    const r = await runCli(['scan', '-l', f]);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, /names no target/);
    const s = await runCli(['scan'], { input: text });
    expect(s.code).toBe(2);
    oneLineError(s.stderr, /standard input names no target/);
  });
});
