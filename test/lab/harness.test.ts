// The namespace LAN itself, checked with tools that are not camsweep: the topology and its safety
// properties, the real daemons answering (our own plain-dgram probe plus nmap's broadcast scripts),
// and a teardown that leaves nothing behind. Root only; skipped otherwise.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNetSnapshot, labUnavailable, listNamespaces, sweepStaleLabs, type NetnsLab } from './netns.js';
import { buildLab, CAMERAS, DAEMONS, ipOf, REPO, startDaemons, UPNP } from './topology.js';

const why = labUnavailable();
const PROBE = path.join(REPO, 'test', 'lab', 'probe.mjs');

describe.skipIf(why)('namespace lab harness (no camsweep)', () => {
  let lab: NetnsLab;
  let hostBefore: Record<string, string>;
  let teardownSeconds = -1;

  beforeAll(async () => {
    const swept = sweepStaleLabs();
    if (swept.length) console.log(`swept stale labs: ${swept.join(', ')}`);
    hostBefore = hostNetSnapshot();
    lab = buildLab();
    console.log(`lab ${lab.prefix}: ${lab.hosts.size} hosts built in ${lab.buildSeconds.toFixed(2)} s`);
    const t0 = Date.now();
    await startDaemons(lab);
    console.log(`daemons ready in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  });

  afterAll(async () => {
    if (!lab) return;
    const r = await lab.teardown();
    teardownSeconds = r.seconds;
    console.log(`lab ${lab.prefix} torn down in ${r.seconds.toFixed(2)} s (killed ${r.killed.length} processes)`);
  });

  it('leaves the host namespace alone while the lab is up', () => {
    expect(hostNetSnapshot()).toEqual(hostBefore);
    const hostLinks = hostBefore.links ?? '';
    expect(hostLinks).not.toMatch(/camsweep-lab/);
  });

  it('has the promised topology: no default route, multicast route except the unicast-only host', () => {
    for (const h of lab.hosts.values()) {
      const routes = lab.execSync(h.name, ['ip', '-4', 'route', 'show', 'table', 'all']);
      expect(routes, h.name).not.toMatch(/^default/m);
      expect(routes, h.name).toMatch(new RegExp(`^10\\.213\\.0\\.0/24 dev eth0`, 'm'));
      if (h.multicast) expect(routes, h.name).toMatch(/^224\.0\.0\.0\/4 dev eth0/m);
      else expect(routes, h.name).not.toMatch(/224\.0\.0\.0/);
      const links = lab.execSync(h.name, ['ip', '-o', 'link']);
      expect(links.trim().split('\n').map((l) => l.split(':')[1]!.trim().split('@')[0]).sort(), h.name).toEqual(['eth0', 'lo']);
      expect(lab.execSync(h.name, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).toContain(`${h.ip}/24`);
    }
    const unicast = CAMERAS.find((c) => c.unicastOnly)!;
    expect(lab.host(unicast.host).multicast).toBe(false);
    const lanLinks = lab.execSync('scanner', ['ip', 'netns', 'identify']);
    expect(lanLinks.trim()).toBe(lab.ns('scanner'));
  });

  it('connects hosts over the bridge (TCP to miniupnpd from the scanner)', async () => {
    const r = await lab.exec('scanner', ['nmap', '-n', '-sT', '-Pn', '-p', String(UPNP.httpPort), ipOf(32)], { timeoutMs: 30_000 });
    expect(r.stdout).toMatch(new RegExp(`${UPNP.httpPort}/tcp\\s+open`));
  });

  it('the real daemons answer WS-Discovery, SSDP and mDNS (plain dgram probe from the scanner)', async () => {
    const r = await lab.exec('scanner', ['node', PROBE, '2500'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { wsd: string[]; ssdp: Array<{ ip: string; location?: string; server?: string }>; mdns: Array<{ ip: string; names: string[] }> };
    const wsdd = DAEMONS.find((d) => d.kind === 'wsdd')!;
    const upnp = DAEMONS.find((d) => d.kind === 'miniupnpd')!;
    const avahi = DAEMONS.find((d) => d.kind === 'avahi')!;
    expect(got.wsd).toContain(ipOf(wsdd.octet));
    const ssdp = got.ssdp.find((s) => s.ip === ipOf(upnp.octet));
    expect(ssdp?.location).toBe(`http://${ipOf(upnp.octet)}:${UPNP.httpPort}/rootDesc.xml`);
    expect(ssdp?.server).toMatch(/MiniUPnPd\/2\./);
    const mdns = got.mdns.find((m) => m.ip === ipOf(avahi.octet));
    expect(mdns?.names.join(' ')).toMatch(/CamLab NAS\._(http|rtsp)\._tcp\.local/);
  });

  it('nmap broadcast scripts see avahi (DNS-SD) and miniupnpd (UPnP) from the scanner', async () => {
    const [dnssd, upnp] = await Promise.all([
      lab.exec('scanner', ['nmap', '-n', '-e', 'eth0', '--script', 'broadcast-dns-service-discovery'], { timeoutMs: 60_000 }),
      lab.exec('scanner', ['nmap', '-n', '-e', 'eth0', '--script', 'broadcast-upnp-info'], { timeoutMs: 60_000 }),
    ]);
    expect(dnssd.stdout).toContain(`Address=${ipOf(31)}`);
    expect(dnssd.stdout).toMatch(/554\/tcp rtsp/);
    // nmap 7.93 reports only the first UPnP responder; this lab runs no simulated camera, so miniupnpd
    // is the only SSDP responder and must be the one reported.
    expect(upnp.stdout).toContain(UPNP.friendlyName);
    expect(upnp.stdout).toContain(UPNP.manufacturer);
  });

  it('sweeps leftovers of a crashed run (owner PID gone) and leaves live labs alone', async () => {
    let dead = 4_000_000;
    while (fs.existsSync(`/proc/${dead}`)) dead++;
    const prefix = `cs${dead}`;
    for (const n of ['lan', 'cam']) execFileSync('ip', ['netns', 'add', `${prefix}-${n}`]);
    fs.mkdirSync(`/run/camsweep-lab/${prefix}`, { recursive: true });
    const orphan = spawn('ip', ['netns', 'exec', `${prefix}-cam`, 'sleep', '300'], { stdio: 'ignore', detached: true });
    orphan.unref();
    await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(`/proc/${orphan.pid}`)).toBe(true);
    const swept = sweepStaleLabs();
    expect(swept).toContain(prefix);
    expect(swept).not.toContain(lab.prefix);
    expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    expect(fs.existsSync(`/run/camsweep-lab/${prefix}`)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    const stat = fs.existsSync(`/proc/${orphan.pid}/stat`) ? fs.readFileSync(`/proc/${orphan.pid}/stat`, 'utf8') : '';
    expect(stat === '' || / Z /.test(stat), `orphan ${orphan.pid} still running: ${stat}`).toBe(true);
    expect(listNamespaces().filter((n) => n.startsWith(`${lab.prefix}-`)).length).toBe(lab.hosts.size + 1);
  });

  it('tears down completely: no namespace, process or file of this lab remains; host unchanged', async () => {
    const prefix = lab.prefix;
    const pidsBefore = lab.labPids();
    expect(pidsBefore.length).toBeGreaterThanOrEqual(3);
    const r = await lab.teardown();
    teardownSeconds = r.seconds;
    expect(r.errors).toEqual([]);
    expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    for (const pid of pidsBefore) expect(fs.existsSync(`/proc/${pid}`), `pid ${pid}`).toBe(false);
    expect(fs.existsSync(`/run/camsweep-lab/${prefix}`)).toBe(false);
    expect((fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns') : []).filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    expect(hostNetSnapshot()).toEqual(hostBefore);
    console.log(`teardown ${teardownSeconds.toFixed(2)} s`);
  });
});
