// The benchmark's pure pieces (npm test runs this file; it runs no benchmark): GNU time, nmap XML and
// tcpdump parsing, SYN-rate statistics, the CPU-profile and connection-trace summaries, the options.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNmap, parseSynLines, parseTimeV, synStats, type Syn } from './measure.js';
import { connKind, requestsPerOpenPort, summariseProfile, summariseTrace, topLevelFunctions, type CpuProfile, type Trace } from './profile.js';
import { configFromEnv, parseArgs } from './options.mjs';
import { routedLive, ROUTED, CAMERA_PATTERNS, BENCH_PORTS, PORT_KIND } from './layouts.js';

describe('parseTimeV', () => {
  const report = [
    '\tCommand being timed: "node bin/camsweep.js scan 10.60.0.0/24"',
    '\tUser time (seconds): 3.37',
    '\tSystem time (seconds): 0.98',
    '\tPercent of CPU this job got: 69%',
    '\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:06.27',
    '\tMaximum resident set size (kbytes): 190464',
    '\tExit status: 1',
  ].join('\n');
  it('reads peak RSS, CPU, wall clock and exit status', () => {
    expect(parseTimeV(report)).toEqual({ maxRssKb: 190464, userS: 3.37, sysS: 0.98, elapsedMs: 6270, exitStatus: 1 });
  });
  it('reads h:mm:ss and a signal', () => {
    const r = parseTimeV('Command terminated by signal 9\n\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02:03\n');
    expect(r).toEqual({ elapsedMs: 3_723_000, signal: 9 });
  });
  it('gives nothing for text that is not a report', () => {
    expect(parseTimeV('time: cannot run foo: No such file or directory')).toEqual({});
  });
});

describe('parseNmap', () => {
  const xml = `<?xml version="1.0"?><nmaprun><host><status state="up"/><address addr="10.60.0.1" addrtype="ipv4"/>
    <ports><port protocol="tcp" portid="80"><state state="open"/></port><port protocol="tcp" portid="443"><state state="closed"/></port>
    <port protocol="tcp" portid="554"><state state="open"/></port></ports></host>
    <host><address addr="10.60.0.2" addrtype="ipv4"/><address addr="02:00:00:00:00:01" addrtype="mac"/><ports><port protocol="tcp" portid="8000"><state state="filtered"/></port></ports></host>
    <runstats><finished elapsed="1.61"/><hosts up="2" down="254" total="256"/></runstats></nmaprun>`;
  it('keeps open TCP ports only, with the elapsed time and host counts', () => {
    const r = parseNmap(xml);
    expect([...r.open].sort()).toEqual(['10.60.0.1:554', '10.60.0.1:80']);
    expect(r.elapsedMs).toBeCloseTo(1610);
    expect(r.up).toBe(2);
    expect(r.down).toBe(254);
  });
  it('throws on output that is not an nmap report', () => {
    expect(() => parseNmap('Starting Nmap 7.93\nFailed to resolve')).toThrow(/no XML report/);
  });
});

describe('SYN capture', () => {
  const lines = [
    'reading from file x.pcap, link-type EN10MB (Ethernet), snapshot length 96',
    '1700000000.000000 IP 10.213.0.2.40000 > 10.60.0.1.80: Flags [S], seq 1, win 64240, options [mss 1460], length 0',
    '1700000000.500000 IP 10.213.0.2.40001 > 10.60.0.1.443: Flags [S], seq 2, win 64240, length 0',
    '1700000001.000000 IP 10.213.0.2.40000 > 10.60.0.1.80: Flags [S], seq 1, win 64240, length 0',
    '1700000001.250000 IP 10.213.0.2.40002 > 10.60.0.2.80: Flags [S], seq 3, win 64240, length 0',
    '1700000002.000000 IP 10.213.0.2.40003 > 10.60.0.3.80: Flags [S], seq 4, win 64240, length 0',
    '1700000002.100000 IP 10.213.0.2.40004 > 10.60.0.3.80: Flags [S.], seq 4, ack 1, win 64240, length 0',
  ].join('\n');
  it('parses SYNs (not SYN-ACKs) and counts a retransmitted SYN once', () => {
    const syns = parseSynLines(lines);
    expect(syns).toHaveLength(5);
    const s = synStats(syns);
    expect(s.connections).toBe(4);
    expect(s.retransmits).toBe(1);
    expect(s.spanS).toBeCloseTo(2);
    expect(s.rate).toBeCloseTo(1.5);
    expect(s.perSecond).toEqual([2, 1]);
    expect(s.byPort).toEqual({ 80: 3, 443: 1 });
  });
  it('holds its invariants for any capture', () => {
    const syn = fc.record({ t: fc.double({ min: 0, max: 100, noNaN: true }), src: fc.constant('10.213.0.2'), sport: fc.integer({ min: 1024, max: 1030 }), dst: fc.constantFrom('10.60.0.1', '10.60.0.2'), dport: fc.constantFrom(80, 443) });
    fc.assert(fc.property(fc.array(syn, { maxLength: 200 }), (syns: Syn[]) => {
      const s = synStats(syns);
      expect(s.connections + s.retransmits).toBe(syns.length);
      expect(s.connections).toBeLessThanOrEqual(2 * 2 * 7);
      expect(s.perSecond.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(s.connections);
      expect(Object.values(s.byPort).reduce((a, b) => a + b, 0)).toBe(s.connections);
      if (s.connections > 1 && s.spanS > 0) expect(s.rate).toBeCloseTo((s.connections - 1) / s.spanS);
    }));
  });
});

describe('CPU profile summary', () => {
  const repo = '/r';
  const cf = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });
  // (root) -> connectCheck (tcp.js:10) -> internalConnect (node:net); (root) -> exchange closure (tcp.js:40) -> TLSSocket._start (node:_tls_wrap)
  const prof: CpuProfile = {
    nodes: [
      { id: 1, callFrame: cf('(root)'), children: [2, 4, 6, 7, 8] },
      { id: 2, callFrame: cf('connectCheck', 'file:///r/dist/net/tcp.js', 10), children: [3] },
      { id: 3, callFrame: cf('internalConnect', 'node:net', 1000) },
      { id: 4, callFrame: cf('', 'file:///r/dist/net/tcp.js', 40), children: [5] },
      { id: 5, callFrame: cf('TLSSocket._start', 'node:_tls_wrap', 1100) },
      { id: 6, callFrame: cf('(idle)') },
      { id: 7, callFrame: cf('(garbage collector)') },
      { id: 8, callFrame: cf('parseResponse', 'file:///r/dist/wire/response.js', 5) },
    ],
    startTime: 0, endTime: 10_000,
    // each sample lasts the next delta: 1 ms each
    samples: [3, 3, 5, 5, 5, 6, 6, 6, 6, 7],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  const fns = (url: string) => (url.endsWith('tcp.js') ? [{ line: 5, name: 'connectCheck' }, { line: 30, name: 'exchange' }] : undefined);
  it('attributes self, inclusive and activity time', () => {
    const s = summariseProfile(prof, { repo, functions: fns });
    expect(s.totalMs).toBe(10);
    const self = Object.fromEntries(s.self.map((f) => [f.fn, f.ms]));
    expect(self).toEqual({ '(idle)': 4, 'TLSSocket._start': 3, internalConnect: 2, '(garbage collector)': 1 });
    const incl = Object.fromEntries(s.inclusive.map((f) => [`${f.fn} ${f.where}`, f.ms]));
    expect(incl['connectCheck dist/net/tcp.js:11']).toBe(2);
    expect(incl['(anonymous) dist/net/tcp.js:41']).toBe(3);
    const cats = Object.fromEntries(s.categories.map((c) => [c.name, c.ms]));
    expect(cats['TLS (handshakes, record layer)']).toBe(3);
    expect(cats['connect checks (net/tcp connectCheck)']).toBe(2);
    expect(cats['idle (waiting for the network or timers)']).toBe(4);
    expect(cats['garbage collection']).toBe(1);
  });
  it('finds top-level functions of compiled files', () => {
    const src = 'import x from "y";\nexport function connectCheck(host) {\n  const f = () => 1;\n}\nexport async function exchange(o) {}\nconst helper = (a) => a;\n';
    expect(topLevelFunctions(src)).toEqual([{ line: 1, name: 'connectCheck' }, { line: 4, name: 'exchange' }, { line: 5, name: 'helper' }]);
  });
});

describe('connection trace summary', () => {
  const t: Trace = {
    exitAt: 1000,
    conns: [
      { t0: 100, tc: 101, t1: 102, host: '10.60.0.1', port: 80, tls: false },
      { t0: 110, tc: 111, tw: 111, t1: 130, host: '10.60.0.1', port: 80, tls: false, req: 'GET / HTTP/1.1' },
      { t0: 120, tc: 121, ts: 140, tw: 141, t1: 160, host: '10.60.0.1', port: 443, tls: true, req: 'GET /favicon.ico HTTP/1.1' },
      { t0: 125, tc: 126, t1: 150, host: '10.60.0.1', port: 8000, tls: true, err: 'ECONNRESET' },
      { t0: 200, tc: 201, tw: 201, t1: 210, host: '10.60.0.1', port: 554, tls: false, req: 'OPTIONS rtsp://10.60.0.1:554/ RTSP/1.0' },
    ],
    loop: { mean: 1, p50: 1, p90: 2, p99: 3, max: 4, stalls: [] },
    gc: { count: 0, ms: 0, byKind: {} },
  };
  it('names what each connection carried', () => {
    expect(t.conns.map(connKind)).toEqual(['connect check', 'HTTP GET /', 'HTTPS GET /favicon.ico', 'TLS, nothing sent', 'RTSP OPTIONS']);
  });
  it('gives the timeline, peak concurrency and TLS on plain ports', () => {
    const s = summariseTrace(t, (_h, p) => p !== 443);
    expect(s.connections).toBe(5);
    expect(s.firstConnectAt).toBe(100);
    expect(s.lastCheckEndAt).toBe(102);
    expect(s.firstProbeAt).toBe(110);
    expect(s.lastProbeEndAt).toBe(210);
    expect(s.peakInFlight).toBe(3);
    expect(s.tlsOnPlainPorts).toBe(1);
    expect(s.tlsHandshakesOk).toBe(1);
    expect(s.tlsHandshakeMedianMs).toBe(20);
  });
  it('divides the responders\' counts by the open ports', () => {
    const r = requestsPerOpenPort({ since: 0, until: 1, byPort: { 80: { connection: 16, 'GET /': 2 } } }, new Map([[80, 2], [554, 1]]));
    expect(r).toEqual([{ port: 80, open: 2, perPort: { connection: 8, 'GET /': 1 } }, { port: 554, open: 1, perPort: {} }]);
  });
});

describe('options', () => {
  it('defaults to the issue-11 layouts, 3 rounds, rates 500 and 2000', () => {
    expect(parseArgs([])).toMatchObject({ layouts: ['dense', 'mixed', 'routed'], size: 20, rounds: 3, rates: [500, 2000], profile: false, memory: false, nmap: true, floor: false });
  });
  it('parses every option', () => {
    expect(parseArgs(['--layouts', 'routed', '--size', '/16', '--rounds=1', '--rates', 'none', '--profile', '--memory', '--memory-sizes', '24,/20', '--no-nmap', '--floor', '--out', 'x.json']))
      .toEqual({ layouts: ['routed'], size: 16, rounds: 1, rates: [], profile: true, memory: true, memorySizes: [24, 20], nmap: false, floor: true, out: 'x.json' });
  });
  it('refuses what it does not know', () => {
    expect(() => parseArgs(['--size', '8'])).toThrow(/--size/);
    expect(() => parseArgs(['--layouts', 'dense,bogus'])).toThrow(/unknown layout bogus/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--rounds'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--layouts', 'none'])).toThrow(/nothing to do/);
  });
  it('round-trips through BENCH_CONFIG and honours the older knobs', () => {
    const c = parseArgs(['--layouts', 'sim,farm', '--rounds', '5']);
    expect(configFromEnv({ BENCH_CONFIG: JSON.stringify(c) })).toEqual(c);
    expect(configFromEnv({ BENCH_LAYOUTS: 'routed-discovery', BENCH_REPS: '2' })).toMatchObject({ layouts: ['routed-discovery'], rounds: 2 });
  });
});

describe('layouts', () => {
  it('1% live in each routed block, inside the block, no .0 or .255, issue 13\'s /20', () => {
    expect(routedLive(20)).toBe(ROUTED.live);
    for (const [prefix, n] of [[20, 41], [18, 164], [16, 655]] as const) {
      const live = routedLive(prefix);
      expect(live).toHaveLength(n);
      expect(new Set(live).size).toBe(n);
      const last = 2 ** (32 - prefix) - 1;
      for (const ip of live) {
        const [, , c, d] = ip.split('.').map(Number);
        expect(ip.startsWith('10.50.')).toBe(true);
        expect(c! * 256 + d!).toBeLessThan(last);
        expect(d).not.toBe(0);
        expect(d).not.toBe(255);
      }
    }
  });
  it('the camera patterns open 4 of the 8 default ports each and cover all eight', () => {
    for (const p of CAMERA_PATTERNS) { expect(p.ports).toHaveLength(4); for (const x of p.ports) expect(BENCH_PORTS).toContain(x); }
    expect(new Set(CAMERA_PATTERNS.flatMap((p) => p.ports)).size).toBe(8);
    for (const x of BENCH_PORTS) expect(PORT_KIND[x]).toBeDefined();
  });
});
