// Test tooling, not shipped (compiled by `npm run test:lab` into build/). Runs ONE simulated device (a src/lab persona) on a real address inside a network namespace of the
// namespace lab (test/lab/). Root only, and only inside a network namespace other than the machine's
// own: it binds the real port numbers and joins the discovery multicast groups.
//
//   node build/test/lab/run-device.js --persona hikvision-camera --ip 10.213.0.11 --iface-address 10.213.0.11
//       [--only-protocols sadp,dhip,onvif,ssdp,mdns,tcp] [--no-multicast] [--announce [--announce-interval ms]]
//       [--mac aa:bb:cc:dd:ee:ff] [--serial S]      (a second unit of the same model: own MAC and serial)
//
// Where the interface holding --iface-address has IPv6 up (a link-local address), WS-Discovery, SSDP and
// mDNS also answer on FF02::C / FF02::FB there (not with --no-multicast).
// Prints `ready` on stdout once every service listens; exits 0 on SIGTERM/SIGINT. SIGUSR1 announces again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Persona } from '../../src/lab/personas.js';
import { getPersona, PERSONAS } from '../../src/lab/personas.js';
import * as labServer from '../../src/lab/server.js';
import type { Lab, LabDevice } from '../../src/lab/server.js';
import { startDiscoveryResponders, type DiscoveryResponders } from '../../src/lab/discovery.js';

const PROTOCOLS = ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'tcp'] as const;
type Proto = (typeof PROTOCOLS)[number];

function die(msg: string, code = 2): never {
  process.stderr.write(`run-device: ${msg}\n`);
  process.exit(code);
}

function ipv4(s: string, what: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m || m.slice(1).some((x) => Number(x) > 255)) die(`${what} "${s}" is not an IPv4 address`);
  return s;
}

/**
 * Only inside a namespace of the test lab (named cs<pid>[n<k>]-<host> by test/lab/netns.ts): never in the
 * machine's own network namespace, where binding real ports and joining groups would touch the real LAN.
 */
function labNamespace(): string | undefined {
  try {
    const name = execFileSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^cs\d+(n\d+)?-[a-z0-9-]+$/.test(name) ? name : undefined;
  } catch { return undefined; }
}

function macForms(mac: string): { colon: string; bare: string; eui64: string } {
  const b = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (b.length !== 12) die(`--mac "${mac}" is not a MAC address`);
  const bytes = b.match(/../g)!.map((x) => Number.parseInt(x, 16));
  const e = [bytes[0]! ^ 2, bytes[1]!, bytes[2]!, 0xff, 0xfe, bytes[3]!, bytes[4]!, bytes[5]!];
  const groups = [0, 2, 4, 6].map((i) => ((e[i]! << 8) | e[i + 1]!).toString(16));
  return { colon: b.match(/../g)!.join(':'), bare: b, eui64: groups.join(':') };
}

/** Replace every spelling of `from` (aa:bb.., AA-BB.., aabb..., EUI-64) in s by the same spelling of `to`. */
function replaceMac(s: string, from: string, to: string): string {
  const f = macForms(from);
  const t = macForms(to);
  const fb = f.bare.match(/../g)!;
  const tb = t.bare.match(/../g)!;
  let out = s;
  for (const sep of [':', '-', '']) {
    const re = new RegExp(fb.join(sep), 'gi');
    out = out.replace(re, (hit) => {
      const v = tb.join(sep);
      return hit === hit.toUpperCase() && /[A-F]/.test(hit) ? v.toUpperCase() : v;
    });
  }
  return out.split(f.eui64).join(t.eui64);
}

/** A second physical unit of a persona: same model, own MAC and serial (discovery data only). */
function cloneUnit(p: Persona, mac?: string, serial?: string): Persona {
  if (!mac && !serial) return p;
  const d = p.discovery;
  const oldSerial = d?.onvif?.serial ?? (d?.dhip?.deviceInfo['SerialNo'] as string | undefined) ?? d?.sadp?.['DeviceSN'] ?? d?.upnp?.serialNumber;
  const oldMac = p.mac ?? d?.dhip?.mac;
  const fix = (s: string) => {
    let out = s;
    if (mac && oldMac) out = replaceMac(out, oldMac, mac);
    if (serial && oldSerial) out = out.split(oldSerial).join(serial);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { ...p, mac: mac ? macForms(mac).colon : p.mac, discovery: d ? (walk(d) as Persona['discovery']) : d, notes: `${p.notes ?? ''} (second unit)`.trim() };
}

/** Keep only the discovery answers of the chosen protocols (a SADP-only camera answers nothing else). */
function onlyDiscovery(p: Persona, protocols: Set<Proto>): Persona {
  const d = p.discovery;
  if (!d) return p;
  const keep: NonNullable<Persona['discovery']> = {};
  if (protocols.has('onvif') && d.onvif) keep.onvif = d.onvif;
  if (protocols.has('ssdp') && d.upnp) keep.upnp = d.upnp;
  if (protocols.has('mdns') && d.mdns) keep.mdns = d.mdns;
  if (protocols.has('sadp') && d.sadp) keep.sadp = d.sadp;
  if (protocols.has('dhip') && d.dhip) keep.dhip = d.dhip;
  return { ...p, discovery: keep };
}

/** TCP services on the device's own address in its namespace (discovery responders start separately). */
async function startTcp(persona: Persona, ip: string): Promise<{ lab: Lab; device: LabDevice }> {
  const lab = await labServer.startDevice(persona, ip, { realPorts: true });
  return { lab, device: lab.devices[0]! };
}

/**
 * The interface holding `address` and its IPv6 link-local address, waiting up to `waitMs` for the kernel
 * to assign one (it appears once the link is up, unless IPv6 is disabled in the namespace).
 */
async function ipv6Of(address: string, waitMs = 3000): Promise<{ iface: string; linkLocal: string } | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    for (const [name, list] of Object.entries(os.networkInterfaces())) {
      if (!list?.some((a) => a.family === 'IPv4' && a.address === address)) continue;
      const ll = list.find((a) => a.family === 'IPv6' && /^fe[89ab][0-9a-f]:/i.test(a.address));
      if (ll) return { iface: name, linkLocal: ll.address.replace(/%.*$/, '') };
      if (fsExists(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`) && readTrim(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`) === '1') return undefined;
    }
    if (Date.now() >= until) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function fsExists(p: string): boolean { try { return fs.existsSync(p); } catch { return false; } }
function readTrim(p: string): string { try { return fs.readFileSync(p, 'utf8').trim(); } catch { return ''; } }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persona: { type: 'string' },
      ip: { type: 'string' },
      'iface-address': { type: 'string' },
      'only-protocols': { type: 'string' },
      'no-multicast': { type: 'boolean', default: false },
      announce: { type: 'boolean', default: false },
      'announce-interval': { type: 'string', default: '2000' },
      mac: { type: 'string' },
      serial: { type: 'string' },
    },
    strict: true,
  });
  if (!values.persona) die(`--persona is required; known: ${PERSONAS.map((p) => p.name).join(', ')}`);
  const base = getPersona(values.persona);
  if (!base) die(`unknown persona "${values.persona}"; known: ${PERSONAS.map((p) => p.name).join(', ')}`);
  if (!values.ip) die('--ip is required');
  const ip = ipv4(values.ip, '--ip');
  const ifaceAddress = ipv4(values['iface-address'] ?? ip, '--iface-address');
  const only = values['only-protocols'] ? values['only-protocols'].split(',').map((s) => s.trim()).filter(Boolean) : [...PROTOCOLS];
  const bad = only.filter((p) => !(PROTOCOLS as readonly string[]).includes(p));
  if (bad.length) die(`--only-protocols: unknown ${bad.join(', ')}; known: ${PROTOCOLS.join(', ')}`);
  const protocols = new Set(only as Proto[]);
  const interval = Number(values['announce-interval']);
  if (!Number.isFinite(interval) || interval < 100) die('--announce-interval must be a number of milliseconds >= 100');
  if (process.getuid?.() !== 0) die('needs root (real port numbers, multicast groups)', 3);
  if (!labNamespace()) die('refusing to run outside a namespace of the test lab (ip netns named cs<pid>-<host>); run it with `ip netns exec <lab namespace>`', 3);

  const persona = onlyDiscovery(cloneUnit(base, values.mac, values.serial), protocols);
  const stops: Array<() => Promise<void> | void> = [];
  let device: LabDevice = { persona, ip, ports: Object.fromEntries(persona.ports.map((s) => [s.port, s.port])) };
  if (protocols.has('tcp') && persona.ports.length) {
    const t = await startTcp(persona, ip);
    device = t.device;
    stops.push(() => t.lab.stop());
  }

  let responders: DiscoveryResponders | undefined;
  let ipv6Note = '';
  if (persona.discovery && Object.keys(persona.discovery).length) {
    // Unicast answers on the device's address always; groups joined on the interface unless --no-multicast
    // (IPv6 groups too where IPv6 is up on it).
    const v6 = values['no-multicast'] ? undefined : await ipv6Of(ifaceAddress);
    ipv6Note = v6 ? ` ipv6=${v6.linkLocal}%${v6.iface}` : '';
    responders = await startDiscoveryResponders(device, values['no-multicast'] ? {} : { multicastIface: ifaceAddress, ...(v6 ? { ipv6Iface: v6.iface, ipv6Address: v6.linkLocal } : {}) });
    const r = responders;
    stops.push(() => r.stop());
  }

  let timer: NodeJS.Timeout | undefined;
  const announce = async () => {
    if (!responders || values['no-multicast']) return;
    try { await responders.announce(); } catch (e) { process.stderr.write(`run-device: announce failed: ${(e as Error).message}\n`); }
  };

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    for (const s of stops.reverse()) { try { await s(); } catch { /* best effort */ } }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGUSR1', () => void announce());

  const ports = protocols.has('tcp') ? Object.keys(device.ports).join(',') || '-' : '-';
  process.stdout.write(`ready ${persona.name} ${ip} tcp=${ports} discovery=${responders ? Object.keys(persona.discovery ?? {}).join(',') : '-'}${values['no-multicast'] ? ' unicast-only' : ''}${ipv6Note}\n`);
  if (values.announce && !values['no-multicast']) {
    await announce();
    timer = setInterval(() => void announce(), interval);
  }
}

main().catch((e: unknown) => die((e as Error).stack ?? String(e), 3));
