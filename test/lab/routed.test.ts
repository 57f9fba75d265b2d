// Issue 13 and issue 7 on a routed namespace LAN (test/bench/layouts.ts buildRouted): the default scan
// (discovery + TCP) of a /20 with 41 live hosts finds every live host and open port, the same set as
// --protocols tcp, in every run, and prints no warning; a responder with a public address that answers
// a target's discovery probe gets no packet without --allow-public and is listed as seen, not probed;
// under ulimit -n 128 the scan finds the same set or exits 3. Root only; skipped otherwise.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/model/types.js';
import { buildRouted, SCANNER, type RoutedLab } from '../bench/layouts.js';
import { labUnavailable, sweepStaleLabs } from './netns.js';
import { CAMSWEEP, REPO, RUN_DEVICE } from './topology.js';

const why = labUnavailable() ?? (fs.existsSync(RUN_DEVICE) ? undefined : `${RUN_DEVICE} is missing (npm run build)`);
const PUBLIC = '100.128.0.9'; // globally routable (just past 100.64.0.0/10); lives only inside the farm namespace
const RESPONDER = fileURLToPath(new URL('./public-responder.mjs', import.meta.url));

function openPairs(r: ScanReport): Set<string> {
  const s = new Set<string>();
  for (const d of r.devices) for (const p of d.open_ports) s.add(`${d.ip}:${p}`);
  return s;
}
const sorted = (s: Set<string>) => [...s].sort();

describe.skipIf(why)('a routed /20 (issue 13)', () => {
  let b: RoutedLab;
  const camsweep = async (args: string[], opts: { prefix?: string[] } = {}) => {
    const t0 = Date.now();
    const r = await b.lab.exec(SCANNER, [...(opts.prefix ?? []), 'node', CAMSWEEP, ...args], { timeoutMs: 240_000, env: { NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '0' } });
    let report: ScanReport | undefined;
    try { report = JSON.parse(r.stdout) as ScanReport; } catch { /* below */ }
    if (!report) throw new Error(`camsweep ${args.join(' ')} exited ${r.code} without a report: ${r.stderr.slice(-3000)}`);
    return { ...r, report, ms: Date.now() - t0 };
  };

  beforeAll(async () => {
    const swept = sweepStaleLabs();
    if (swept.length) console.log(`swept stale labs: ${swept.join(', ')}`);
    b = await buildRouted();
    console.log(`${b.description}; lab ${b.lab.prefix} ready in ${b.setupSeconds.toFixed(2)} s`);
  });
  afterAll(async () => { if (b) await b.lab.teardown(); });

  it('the default scan finds exactly the open set of the TCP-only sweep, in every run, with no warning', async () => {
    const tcp = await camsweep(['scan', b.cidr, '--protocols', 'tcp', '-f', 'json', '--fail-on', 'never']);
    expect(tcp.code, tcp.stderr).toBe(0);
    expect(sorted(openPairs(tcp.report))).toEqual(sorted(b.expectedOpen));
    for (let run = 1; run <= 2; run++) {
      const d = await camsweep(['scan', b.cidr, '-f', 'json', '--fail-on', 'never']);
      console.log(`default scan #${run}: ${(d.ms / 1000).toFixed(1)} s wall (TCP-only ${(tcp.ms / 1000).toFixed(1)} s); discovery ${JSON.stringify(d.report.stats?.discovery_ms)}`);
      expect(d.code, d.stderr.slice(-2000)).toBe(0);
      expect(sorted(openPairs(d.report)), `run ${run}`).toEqual(sorted(b.expectedOpen));
      expect(d.stderr, 'no Node warning, no camsweep warning').not.toMatch(/Warning|warning:/);
      expect(d.report.complete).toBe(true);
    }
  });

  it('under ulimit -n 128 the default scan finds the same set, or exits 3', async () => {
    const r = await camsweep(['scan', b.cidr, '-f', 'json', '--fail-on', 'never'], { prefix: ['prlimit', '--nofile=128:128'] });
    console.log(`ulimit -n 128: exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s; ${r.stderr.split('\n').filter((l) => /connections at once/.test(l)).join(' ')}`);
    expect([0, 3]).toContain(r.code);
    if (r.code === 0) expect(sorted(openPairs(r.report))).toEqual(sorted(b.expectedOpen));
    else expect(r.report.complete).toBe(false);
  });

  describe('hostnames that resolve to forbidden addresses', () => {
    beforeAll(() => {
      // `ip netns exec` binds /etc/netns/<ns>/hosts over /etc/hosts for the scanner only; teardown removes it.
      const ns = b.lab.host(SCANNER).ns;
      fs.writeFileSync(`/etc/netns/${ns}/hosts`, ['127.0.0.1 localhost', '224.0.0.1 mcast.camlab', '255.255.255.255 bcast.camlab', '0.0.0.0 zero.camlab', '240.1.2.3 reserved.camlab', `${PUBLIC} pub.camlab`, '10.50.0.42 cam42.camlab', ''].join('\n'));
    });
    it.each([['mcast.camlab', /resolves to 224\.0\.0\.1, one of the multicast or reserved addresses/], ['bcast.camlab', /limited broadcast/], ['zero.camlab', /this network/], ['reserved.camlab', /reserved addresses/], ['pub.camlab', /resolves to the public address 100\.128\.0\.9/]])('%s is refused before the first packet (exit 2)', async (name, re) => {
      const r = await b.lab.exec(SCANNER, ['node', CAMSWEEP, 'scan', name, '-p', '80', '--protocols', 'tcp'], { env: { NO_COLOR: '1' } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    });
    it('a hostname resolving to a target address is scanned (and named in the report)', async () => {
      const r = await camsweep(['scan', 'cam42.camlab', '--protocols', 'tcp', '-f', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.report.devices.map((d) => [d.ip, d.hostname])).toEqual([['10.50.0.42', 'cam42.camlab']]);
    });
  });

  describe('a public responder', () => {
    const target = '10.50.0.42';
    beforeAll(async () => {
      // The public address lives on the farm; the router forwards its replies and counts (and drops) anything sent to it.
      const farm = b.lab.host('farm');
      for (const [host, argv] of [
        ['farm', ['ip', 'addr', 'add', `${PUBLIC}/32`, 'dev', 'lan0']],
        ['router', ['ip', 'route', 'add', `${PUBLIC}/32`, 'via', target, 'dev', 'eth1']],
        ['router', ['iptables', '-I', 'FORWARD', '1', '-s', PUBLIC, '-j', 'ACCEPT']],
        ['router', ['iptables', '-I', 'FORWARD', '1', '-d', PUBLIC, '-j', 'DROP', '-m', 'comment', '--comment', 'camsweep-test to public']],
        [SCANNER, ['ip', 'route', 'add', `${PUBLIC}/32`, 'via', '10.213.0.254']],
      ] as Array<[string, string[]]>) {
        const r = await b.lab.exec(host, argv);
        if (r.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${r.stderr}`);
      }
      void farm;
      await b.lab.spawn('farm', ['node', RESPONDER, target, PUBLIC, new URL('../../dist/protocols/wsdiscovery.js', import.meta.url).href], { label: 'public-responder', ready: /^ready/m, cwd: REPO });
    });

    it('gets no packet without --allow-public and is listed as seen, not probed', async () => {
      const counter = async () => {
        const out = (await b.lab.exec('router', ['iptables', '-L', 'FORWARD', '-v', '-x', '-n'])).stdout;
        const line = out.split('\n').find((l) => l.includes(PUBLIC) && /DROP/.test(l));
        return Number(line?.trim().split(/\s+/)[0] ?? NaN);
      };
      const before = await counter();
      const r = await camsweep(['scan', target, '--protocols', 'onvif,tcp', '--listen-time', '1500', '-f', 'json', '--fail-on', 'never']);
      const after = await counter();
      expect(r.code, r.stderr).toBe(0);
      expect(after - before, 'packets the scanner sent to the public responder').toBe(0);
      expect(r.report.devices.map((d) => d.ip)).toEqual([target]);
      const seen = r.report.seen_not_probed ?? [];
      expect(seen.map((x) => x.ip)).toEqual([PUBLIC]);
      expect(seen[0]!.announced.onvif?.xaddrs).toEqual([`http://${PUBLIC}/onvif/device_service`]);
    });
  });
});
