// camsweep on a real LAN made of network namespaces (issue 3, "A real test network"): simulated
// cameras (build/test/lab/run-device.js) and real peer daemons (avahi-daemon, miniupnpd, wsdd), scanned
// from the scanner namespace. Root only; skipped otherwise. The lab is torn down even when a test
// fails (afterAll + exit hooks in netns.ts).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceReport, ScanReport } from '../../src/model/types.js';
import { macFromEui64 } from '../../src/net/neighbours.js';
import { startAvahi, startMiniupnpd, startWsdd } from './daemons.js';
import { hostNetSnapshot, labUnavailable, listNamespaces, sweepStaleLabs, txPackets, type LabProcess, type NetnsLab } from './netns.js';
import { AVAHI, buildLab, CAMERAS, CAMSWEEP, DAEMONS, ipOf, RUN_DEVICE, startCamera, startDaemons, UPNP, WSDD, type SimCamera } from './topology.js';

const why = labUnavailable() ?? (fs.existsSync(RUN_DEVICE) ? undefined : `${RUN_DEVICE} is missing (npm run build)`);

/** Run camsweep inside the scanner namespace. Never the machine's own namespace. */
async function camsweep(lab: NetnsLab, args: string[], timeoutMs = 90_000): Promise<{ code: number; report: ScanReport; stderr: string; stdout: string }> {
  const r = await lab.exec('scanner', ['node', CAMSWEEP, ...args], { timeoutMs, env: { NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '0' } });
  let report: ScanReport;
  try { report = JSON.parse(r.stdout) as ScanReport; } catch {
    throw new Error(`camsweep ${args.join(' ')} exited ${r.code} without a JSON report.\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(-4000)}`);
  }
  return { code: r.code, report, stderr: r.stderr, stdout: r.stdout };
}

function rowsFor(report: ScanReport, ip: string): DeviceReport[] {
  return report.devices.filter((d) => d.ip === ip || (d.addresses ?? []).includes(ip));
}

function describeRow(d: DeviceReport | undefined): string {
  if (!d) return '(no row)';
  return JSON.stringify({ ip: d.ip, addresses: d.addresses, mac: d.mac, seen_by: d.seen_by, open_ports: d.open_ports, verdict: d.verdict.status, maker: d.identification.maker, evidence: d.identification.evidence.map((e) => `${e.rule}:${e.field}`) });
}

/** Evidence drawn from a discovery protocol's observation (field "sadp", "sadp.DeviceType", …). */
function protocolEvidence(d: DeviceReport, proto: string): string[] {
  return d.identification.evidence.filter((e) => e.field === proto || e.field.startsWith(`${proto}.`) || e.field.startsWith(`${proto}[`)).map((e) => `${e.rule} ${e.field}=${e.matched ?? e.value}`);
}

describe.skipIf(why)('camsweep on the namespace LAN', () => {
  let lab: NetnsLab;
  let hostBefore: Record<string, string>;
  const cams = new Map<string, LabProcess>();
  let active: { code: number; report: ScanReport; stderr: string } | undefined;

  beforeAll(async () => {
    const swept = sweepStaleLabs();
    if (swept.length) console.log(`swept stale labs: ${swept.join(', ')}`);
    hostBefore = hostNetSnapshot();
    lab = buildLab();
    // The scanner must stay silent in --passive: no router solicitations from its kernel either.
    lab.execSync('scanner', ['sysctl', '-q', '-w', 'net.ipv6.conf.eth0.router_solicitations=0']);
    const t0 = Date.now();
    await startDaemons(lab);
    const started = await Promise.all(CAMERAS.map((c) => startCamera(lab, c)));
    CAMERAS.forEach((c, i) => cams.set(c.host, started[i]!));
    console.log(`lab ${lab.prefix}: built in ${lab.buildSeconds.toFixed(2)} s; ${CAMERAS.length} cameras + ${DAEMONS.length} daemons ready in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  });

  afterAll(async () => {
    if (!lab) return;
    const r = await lab.teardown();
    console.log(`lab ${lab.prefix} torn down in ${r.seconds.toFixed(2)} s`);
  });

  describe('one active scan from the scanner namespace', () => {
    beforeAll(async () => {
      const t0 = Date.now();
      // No target: inside the scanner namespace this is the lab's /24 and nothing else. (--no-stdin: the
      // harness hands camsweep an empty pipe, and an empty target list on stdin is an error.)
      active = await camsweep(lab, ['scan', '--no-stdin', '-f', 'json', '--listen-time', '3000', '--fail-on', 'never']);
      console.log(`active scan: ${((Date.now() - t0) / 1000).toFixed(1)} s, exit ${active.code}, ${active.report.devices.length} devices`);
      for (const d of active.report.devices) console.log(`  ${describeRow(d)}`);
      console.log(active.stderr.split('\n').filter((l) => /Done in|warning/.test(l)).join('\n'));
    });

    it('scans only the lab subnet and exits cleanly', () => {
      expect(active!.code, active!.stderr).toBe(0);
      expect(active!.report.targets.join(' ')).toMatch(/10\.213\.0\.0\/24/);
      for (const d of active!.report.devices) expect(d.ip, describeRow(d)).toMatch(/^10\.213\.0\.\d+$/);
    });

    it.each(CAMERAS.map((c) => [c.host, c] as [string, SimCamera]))('finds camera %s as exactly one device, seen by its protocols', (_h, c) => {
      const rows = rowsFor(active!.report, ipOf(c.octet));
      expect(rows.length, rows.map(describeRow).join('\n')).toBe(1);
      const d = rows[0]!;
      for (const p of c.protocols) expect(d.seen_by, `${c.persona}: ${describeRow(d)}`).toContain(p);
      if (c.mac) expect(d.mac?.toLowerCase(), describeRow(d)).toBe(c.mac);
    });

    it('merges a camera seen over several protocols into one row', () => {
      const axis = rowsFor(active!.report, ipOf(CAMERAS.find((c) => c.host === 'axis')!.octet));
      expect(axis.length).toBe(1);
      expect(axis[0]!.seen_by.filter((s) => ['onvif', 'ssdp', 'mdns', 'tcp', 'arp'].includes(s)).length, describeRow(axis[0])).toBeGreaterThanOrEqual(4);
      // The second Dahua unit (DHIP only, own MAC/serial) is a different physical device: its own row.
      const dahua = rowsFor(active!.report, ipOf(12));
      const second = rowsFor(active!.report, ipOf(23));
      expect(dahua.length).toBe(1);
      expect(second.length).toBe(1);
      expect(second[0]).not.toBe(dahua[0]);
      // Every lab address appears in at most one row.
      const ips = active!.report.devices.flatMap((d) => [...new Set([d.ip, ...(d.addresses ?? [])])]);
      expect(ips.length).toBe(new Set(ips).size);
    });

    it('flags exactly the restricted cameras, each with protocol evidence', () => {
      const restricted = active!.report.devices.filter((d) => d.verdict.status === 'restricted').map((d) => d.ip).sort();
      expect(restricted).toEqual(CAMERAS.filter((c) => c.restricted).map((c) => ipOf(c.octet)).sort());
      for (const c of CAMERAS.filter((x) => x.evidence)) {
        const d = rowsFor(active!.report, ipOf(c.octet))[0]!;
        for (const p of c.evidence!) expect(protocolEvidence(d, p).length, `${c.persona} lacks ${p} evidence: ${describeRow(d)}`).toBeGreaterThan(0);
      }
    });

    it('asks a device whose index names no platform the vendor path of its MAC prefix first (HiLink behind a Huawei MAC)', () => {
      const d = rowsFor(active!.report, ipOf(24))[0]!;
      expect(d, 'hilink router').toBeDefined();
      const paths = (d.observations.http ?? []).map((h) => h.path);
      expect(paths, describeRow(d)).toContain('/api/webserver/SesTokInfo');
      expect(d.identification.evidence.map((e) => e.rule), describeRow(d)).toContain('huawei.api.hilink.sestokinfo');
    });

    it('finds the unicast-only, SADP-only and DHIP-only cameras', () => {
      const uni = rowsFor(active!.report, ipOf(21))[0];
      expect(uni, 'unicast-only camera').toBeDefined();
      // Found by the unicast forms of the probes (its namespace has no multicast route and joins no group).
      expect(uni!.seen_by, describeRow(uni)).toContain('onvif');
      const sadp = rowsFor(active!.report, ipOf(22))[0];
      expect(sadp?.seen_by.filter((x) => x !== 'arp'), describeRow(sadp)).toEqual(['sadp']);
      expect(sadp!.open_ports, 'SADP-only camera has no TCP service').toEqual([]);
      const dhip = rowsFor(active!.report, ipOf(23))[0];
      expect(dhip?.seen_by.filter((x) => x !== 'arp'), describeRow(dhip)).toEqual(['dhip']);
      expect(dhip!.open_ports).toEqual([]);
    });

    it('reports the real daemons faithfully and does not flag them', () => {
      const avahi = rowsFor(active!.report, ipOf(31));
      const upnp = rowsFor(active!.report, ipOf(32));
      const wsdd = rowsFor(active!.report, ipOf(33));
      for (const [name, rows] of [['avahi', avahi], ['miniupnpd', upnp], ['wsdd', wsdd]] as const) {
        expect(rows.length, `${name}: ${rows.map(describeRow).join('\n')}`).toBe(1);
        expect(rows[0]!.verdict.status, `${name}: ${describeRow(rows[0])}`).not.toMatch(/restricted|suspect/);
      }
      const a = avahi[0]!;
      expect(a.seen_by).toContain('mdns');
      const mdns = JSON.stringify(a.observations.mdns ?? null);
      expect(mdns).toContain(AVAHI.instance);
      expect(mdns).toMatch(/_rtsp\._tcp/);
      expect(mdns).toMatch(/_http\._tcp/);
      const u = upnp[0]!;
      expect(u.seen_by).toContain('ssdp');
      const up = JSON.stringify(u.observations.upnp ?? null);
      expect(up).toContain(UPNP.manufacturer);
      expect(up).toContain(UPNP.friendlyName);
      expect(up).toMatch(/MiniUPnPd\/2\./);
      const w = wsdd[0]!;
      expect(w.seen_by).toContain('onvif');
      expect(JSON.stringify(w.observations.onvif ?? null)).toMatch(/pub:Computer|wsdp:Device/);
      expect(JSON.stringify(w.observations)).toContain(WSDD.uuid);
    });

    it('IPv6: simulated cameras and the real daemons answered over FF02::C / FF02::FB, merged into their IPv4 rows with the EUI-64 MAC', () => {
      expect(active!.stderr, 'the plan names IPv6 on eth0').toMatch(/multicast on eth0 \(10\.213\.0\.0\/24, IPv6 link-local\)/);
      const ll = (d: DeviceReport) => (d.addresses ?? []).filter((a) => /^fe80:/i.test(a));
      const report: string[] = [];
      // Every multicast camera that speaks ONVIF/SSDP/mDNS answers the IPv6 probes (run-device joins FF02::C/FB on eth0),
      // and so do wsdd (WS-Discovery) and avahi (mDNS), which speak IPv6 by themselves.
      const v6Hosts = [
        ...CAMERAS.filter((c) => !c.unicastOnly && c.protocols.some((p) => ['onvif', 'ssdp', 'mdns'].includes(p))).map((c) => ({ name: c.host, octet: c.octet, mac: c.mac })),
        ...DAEMONS.filter((d) => d.kind === 'wsdd' || d.kind === 'avahi').map((d) => ({ name: d.host, octet: d.octet, mac: undefined as string | undefined })),
      ];
      for (const h of v6Hosts) {
        const rows = rowsFor(active!.report, ipOf(h.octet));
        expect(rows.length, `${h.name}: ${rows.map(describeRow).join('\n')}`).toBe(1);
        const d = rows[0]!;
        const v6 = ll(d);
        report.push(`${h.name}: ${d.ip} ${v6.join(' ')} mac ${d.mac}`);
        // The row's IP stays the IPv4 address; the link-local one (with its zone) is among its addresses.
        expect(d.ip, describeRow(d)).toBe(ipOf(h.octet));
        expect(v6.length, `${h.name} has no IPv6 address: ${describeRow(d)}`).toBe(1);
        expect(v6[0], describeRow(d)).toMatch(/^fe80::[0-9a-f:]+%eth0$/);
        // The EUI-64 interface id names the NIC's MAC, and it is the row's MAC.
        expect(macFromEui64(v6[0]!).toLowerCase(), describeRow(d)).toBe(d.mac?.toLowerCase());
        if (h.mac) expect(macFromEui64(v6[0]!).toLowerCase()).toBe(h.mac);
      }
      // miniupnpd answers over IPv6 only when built with IPv6 support: reported, not required.
      const upnp = rowsFor(active!.report, ipOf(DAEMONS.find((d) => d.kind === 'miniupnpd')!.octet))[0];
      report.push(`upnp (not required): ${upnp ? ll(upnp).join(' ') || 'no IPv6 answer' : 'no row'}`);
      console.log(`IPv6 rows:\n  ${report.join('\n  ')}`);
      // Devices that do not answer multicast (or only SADP/DHIP, which have no IPv6 form) have no IPv6 address.
      for (const octet of [21, 22, 23]) expect(ll(rowsFor(active!.report, ipOf(octet))[0]!), ipOf(octet)).toEqual([]);
    });

    it('reports nothing that is not in the lab', () => {
      const known = new Set([...CAMERAS.map((c) => ipOf(c.octet)), ...DAEMONS.map((d) => ipOf(d.octet))]);
      const extra = active!.report.devices.filter((d) => !known.has(d.ip));
      expect(extra.map(describeRow)).toEqual([]);
      expect(active!.report.devices.length).toBe(known.size);
    });
  });

  describe('explicit IPv4 targets', () => {
    it('keeps the IPv6 answers of the targets (merged), leaves out everyone else', async () => {
      const axis = CAMERAS.find((c) => c.host === 'axis')!;
      const wsdd = DAEMONS.find((d) => d.kind === 'wsdd')!;
      const t0 = Date.now();
      const r = await camsweep(lab, ['scan', ipOf(axis.octet), ipOf(wsdd.octet), '-f', 'json', '--protocols', 'onvif,ssdp,mdns,tcp', '--listen-time', '2000', '--fail-on', 'never']);
      console.log(`explicit-target scan: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const d of r.report.devices) console.log(`  ${describeRow(d)}`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.report.devices.map((d) => d.ip)).toEqual([ipOf(axis.octet), ipOf(wsdd.octet)]);
      for (const d of r.report.devices) {
        const v6 = (d.addresses ?? []).filter((a) => /^fe80:/i.test(a));
        expect(v6.length, describeRow(d)).toBe(1);
        expect(macFromEui64(v6[0]!).toLowerCase(), describeRow(d)).toBe(d.mac?.toLowerCase());
      }
      expect(r.report.devices[0]!.mac?.toLowerCase()).toBe(axis.mac);
      expect(r.report.warnings.join('\n')).toMatch(/answered discovery from outside the targets: seen, not probed/);
      // Everyone else who answered is listed, never contacted.
      expect((r.report.seen_not_probed ?? []).length).toBeGreaterThan(0);
    });

    it('--no-ipv6 keeps discovery to IPv4: no link-local address on any device', async () => {
      const axis = CAMERAS.find((c) => c.host === 'axis')!;
      const r = await camsweep(lab, ['scan', ipOf(axis.octet), '-f', 'json', '--protocols', 'onvif,ssdp,mdns,tcp', '--listen-time', '2000', '--no-ipv6', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.report.devices.map((d) => d.ip)).toEqual([ipOf(axis.octet)]);
      expect(r.report.devices[0]!.addresses ?? []).toEqual([]);
      expect(r.stderr).not.toMatch(/IPv6 link-local/);
    });
  });

  describe('SSDP NOTIFY in an active scan', () => {
    it('a target that only announces itself (ssdp:alive to the group) is seen by SSDP while the scan listens', async () => {
      // The uniview camera speaks no SSDP (it answers no M-SEARCH); beside it, a sender in its namespace
      // announces a root device to 239.255.255.250:1900 on the LAN every 300 ms, as UPnP devices do.
      const cam = CAMERAS.find((c) => c.host === 'uniview')!;
      const ip = ipOf(cam.octet);
      const usn = 'uuid:notify-lab-0000-0000-000000000016::upnp:rootdevice';
      const script = `const d=require('node:dgram');const s=d.createSocket('udp4');const m=Buffer.from(${JSON.stringify(`NOTIFY * HTTP/1.1
HOST: 239.255.255.250:1900
CACHE-CONTROL: max-age=1800
LOCATION: http://${ip}:49152/notify-desc.xml
NT: upnp:rootdevice
NTS: ssdp:alive
SERVER: Linux/4.9 UPnP/1.0 NotifyOnly/1.0
USN: ${usn}

`)});` +
        `s.bind(0,()=>{s.setMulticastInterface(${JSON.stringify(ip)});s.setMulticastTTL(2);console.log('ready');setInterval(()=>s.send(m,1900,'239.255.255.250'),300);});`;
      const sender = await lab.spawn(cam.host, ['node', '-e', script], { label: 'notify', ready: /ready/ });
      try {
        const r = await camsweep(lab, ['scan', ip, '-f', 'json', '--protocols', 'ssdp', '--listen-time', '1500', '--no-ipv6', '--fail-on', 'never']);
        expect(r.code, r.stderr).toBe(0);
        const rows = rowsFor(r.report, ip);
        expect(rows, JSON.stringify(r.report.devices.map(describeRow))).toHaveLength(1);
        expect(rows[0].seen_by).toContain('ssdp');
        expect(rows[0].observations.upnp).toMatchObject({ usn, st: 'upnp:rootdevice', server: 'Linux/4.9 UPnP/1.0 NotifyOnly/1.0' });
      } finally { await sender.stop(); }
    });
  });

  describe('passive mode', () => {
    it('finds announcing devices while the scanner sends no packet', async () => {
      // Counters in the scanner namespace: kernel membership reports (IGMP, MLD) are the kernel's
      // answer to the scanner joining groups, not packets camsweep sends; everything else counts.
      const ipt = (args: string[]) => lab.execSync('scanner', ['iptables', ...args]);
      const ip6t = (args: string[]) => lab.execSync('scanner', ['ip6tables', ...args]);
      ipt(['-I', 'OUTPUT', '1', '-o', 'eth0', '-p', 'igmp', '-j', 'ACCEPT']);
      ipt(['-I', 'OUTPUT', '2', '-o', 'eth0', '-j', 'ACCEPT']);
      ip6t(['-I', 'OUTPUT', '1', '-o', 'eth0', '-p', 'ipv6-icmp', '--icmpv6-type', '143', '-j', 'ACCEPT']);
      ip6t(['-I', 'OUTPUT', '2', '-o', 'eth0', '-p', 'ipv6-icmp', '--icmpv6-type', '131', '-j', 'ACCEPT']);
      ip6t(['-I', 'OUTPUT', '3', '-o', 'eth0', '-j', 'ACCEPT']);
      const counts = () => {
        const parse = (out: string) => out.split('\n').filter((l) => /^\s*\d+\s+\d+\s+ACCEPT/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
        const v4 = parse(ipt(['-L', 'OUTPUT', '-v', '-x', '-n']));
        const v6 = parse(ip6t(['-L', 'OUTPUT', '-v', '-x', '-n']));
        return { igmp: v4[0]!, other4: v4[1]!, mld: v6[0]! + v6[1]!, other6: v6[2]!, tx: txPackets(lab, 'scanner') };
      };
      ipt(['-Z', 'OUTPUT']);
      ip6t(['-Z', 'OUTPUT']);
      const listenMs = 9000;
      // Every frame leaving the scanner's eth0, link layer included (ARP is invisible to iptables).
      // The capture window encloses the counter window, so every counted frame is also captured.
      const capture = await lab.spawn('scanner', ['tcpdump', '-i', 'eth0', '-Q', 'out', '-n', '-l', '-e', '-tt'], { label: 'tcpdump', ready: /listening on/ });
      const before = counts();
      const scan = camsweep(lab, ['scan', '--passive', '-f', 'json', '--listen-time', String(listenMs), '--fail-on', 'never']);
      await new Promise((r) => setTimeout(r, 2000)); // let it bind and join before anyone announces
      // Announcers: the simulated cameras restarted with --announce (the unicast-only one cannot), and
      // the real daemons restarted (avahi announces its services on start, wsdd sends Hello, miniupnpd
      // sends NOTIFY).
      const announcers = CAMERAS.filter((c) => !c.unicastOnly);
      await Promise.all(announcers.map((c) => cams.get(c.host)!.stop()));
      for (const p of lab.processes().filter((x) => ['avahi-daemon', 'wsdd', 'miniupnpd'].includes(x.label))) await p.stop();
      await Promise.all([
        ...announcers.map(async (c) => { cams.set(c.host, await startCamera(lab, c, ['--announce'])); }),
        startAvahi(lab, 'avahi', AVAHI), startMiniupnpd(lab, 'upnp', { ...UPNP, notifyInterval: 2 }), startWsdd(lab, 'wsdd', WSDD),
      ]);
      const { code, report, stderr } = await scan;
      const after = counts();
      await new Promise((r) => setTimeout(r, 300));
      await capture.stop('SIGINT');
      const frames = capture.output().split('\n').filter((l) => /^\d+\.\d+ /.test(l));
      // Allowed: the kernel's multicast membership reports for the groups camsweep joined, and ARP
      // *replies* the kernel gives to other hosts' who-has. An ARP request would mean the scanner
      // tried to send unicast; any other frame is a packet camsweep sent.
      const sent = frames.filter((l) => !/\bigmp\b|IGMP|multicast listener report|ARP \(0x0806\).*: Reply \S+ is-at/i.test(l));
      console.log(`passive: ${frames.length} frames left the scanner, ${frames.length - sent.length} membership reports or ARP replies`);
      console.log(`passive: counters before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
      for (const d of report.devices) console.log(`  ${describeRow(d)}`);
      expect(code, stderr).toBe(0);

      // Sent nothing: no IPv4/IPv6 packet other than the kernel's membership reports, and the
      // interface's TX counter moved by exactly those reports (so no ARP either).
      expect(after.other4 - before.other4, 'IPv4 packets sent by the scanner').toBe(0);
      expect(after.other6 - before.other6, 'IPv6 packets sent by the scanner').toBe(0);
      expect(sent, 'frames sent by the scanner other than membership reports / ARP replies').toEqual([]);
      expect(after.tx - before.tx, 'eth0 tx_packets: every frame sent was captured and classified').toBeLessThanOrEqual(frames.length);

      for (const c of announcers) {
        const rows = rowsFor(report, ipOf(c.octet));
        expect(rows.length, `${c.persona} announcing: ${rows.map(describeRow).join('\n')}`).toBe(1);
        expect(rows[0]!.open_ports, 'passive mode connects to nothing').toEqual([]);
      }
      for (const d of DAEMONS) expect(rowsFor(report, ipOf(d.octet)).length, `${d.kind} announcing`).toBe(1);
      // Passive mode also joins FF02::C / FF02::FB: wsdd's IPv6 Hello and avahi's IPv6 announcements land in their IPv4 rows.
      for (const d of DAEMONS.filter((x) => x.kind === 'wsdd' || x.kind === 'avahi')) {
        const row = rowsFor(report, ipOf(d.octet))[0]!;
        expect((row.addresses ?? []).filter((a) => /^fe80:/i.test(a)).length, `${d.kind} IPv6 announcement: ${describeRow(row)}`).toBe(1);
      }
      // The unicast-only camera never announces, and passive mode never asks.
      expect(rowsFor(report, ipOf(21))).toEqual([]);
      const restricted = report.devices.filter((d) => d.verdict.status === 'restricted').map((d) => d.ip).sort();
      expect(restricted).toEqual(announcers.filter((c) => c.restricted).map((c) => ipOf(c.octet)).sort());
    });
  });

  describe('safety and cleanup', () => {
    it('never touched the host namespace and leaves no lab behind', async () => {
      expect(hostNetSnapshot()).toEqual(hostBefore);
      const prefix = lab.prefix;
      const pids = lab.labPids();
      const r = await lab.teardown();
      console.log(`teardown: ${r.seconds.toFixed(2)} s, killed ${r.killed.length} processes`);
      expect(r.errors).toEqual([]);
      expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
      for (const pid of pids) expect(fs.existsSync(`/proc/${pid}`), `pid ${pid} still alive`).toBe(false);
      expect(fs.existsSync(`/run/camsweep-lab/${prefix}`)).toBe(false);
      expect(hostNetSnapshot()).toEqual(hostBefore);
    });
  });
});
