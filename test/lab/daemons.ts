// Real peer daemons nobody here wrote (Debian packages installed by test/lab/setup.sh), each started
// only inside a lab namespace with a private /run and private config (bind mounts in a private mount
// namespace: see netns.ts spawn()). Each recipe follows the daemon's Debian manual page.
import fs from 'node:fs';
import path from 'node:path';
import type { LabProcess, NetnsLab } from './netns.js';

export interface AvahiOptions {
  hostName: string;
  /** Instance name of the advertised services. */
  instance: string;
  services: Array<{ type: string; port: number; txt?: string[] }>;
  /** Also expose the avahi D-Bus API (for avahi-browse in the same private mount namespace). */
  dbus?: boolean;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Write a private /etc/avahi for one instance; returns the directory. */
export function avahiConfig(lab: NetnsLab, host: string, o: AvahiOptions): string {
  const dir = lab.dir(host, 'avahi-etc');
  fs.mkdirSync(path.join(dir, 'services'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'avahi-daemon.conf'), [
    '[server]',
    `host-name=${o.hostName}`,
    'domain-name=local',
    'use-ipv4=yes',
    'use-ipv6=yes',
    'allow-interfaces=eth0',
    `enable-dbus=${o.dbus ? 'yes' : 'no'}`,
    'ratelimit-interval-usec=1000000',
    'ratelimit-burst=1000',
    '',
    '[wide-area]',
    'enable-wide-area=no',
    '',
    '[publish]',
    'publish-addresses=yes',
    'publish-hinfo=no',
    'publish-workstation=no',
    'publish-domain=no',
    '',
    '[reflector]',
    'enable-reflector=no',
    '',
    '[rlimits]',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'hosts'), '');
  if (o.services.length) {
    const svc = o.services.map((s) => [
      '  <service>',
      `    <type>${xmlEscape(s.type)}</type>`,
      `    <port>${s.port}</port>`,
      ...(s.txt ?? []).map((t) => `    <txt-record>${xmlEscape(t)}</txt-record>`),
      '  </service>',
    ].join('\n')).join('\n');
    fs.writeFileSync(path.join(dir, 'services', 'camlab.service'),
      `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>${xmlEscape(o.instance)}</name>\n${svc}\n</service-group>\n`);
  }
  return dir;
}

/** avahi-daemon advertising static services. Ready when every service is established. */
export async function startAvahi(lab: NetnsLab, host: string, o: AvahiOptions): Promise<LabProcess> {
  const etc = avahiConfig(lab, host, o);
  return lab.spawn(host, ['avahi-daemon', '--no-drop-root', '--no-chroot', '--no-rlimits', '--no-proc-title'], {
    label: 'avahi-daemon', binds: [{ src: etc, dst: '/etc/avahi' }], privateRun: true,
    ready: o.services.length ? /Service "[^"]*" \([^)]*\) successfully established/ : /Server startup complete/,
    readyTimeoutMs: 15_000,
  });
}

export interface WsddOptions { hostName: string; workgroup?: string; uuid?: string }

/** wsdd (WS-Discovery, Windows "Network" neighbourhood), both IPv4 and IPv6 on eth0. */
export async function startWsdd(lab: NetnsLab, host: string, o: WsddOptions): Promise<LabProcess> {
  const args = ['wsdd', '-i', 'eth0', '-n', o.hostName, '-w', o.workgroup ?? 'CAMLAB', '-s', '-v'];
  if (o.uuid) args.push('-U', o.uuid);
  // wsdd logs "joined multicast group" per address family once it is listening.
  return lab.spawn(host, args, { label: 'wsdd', privateRun: true, ready: /joined multicast group.*239\.255\.255\.250|Starting|wsdd.*(started|listening)/i, readyTimeoutMs: 10_000 });
}

export interface MiniupnpdOptions {
  friendlyName: string;
  manufacturer: string;
  modelName: string;
  modelNumber: string;
  serial: string;
  uuid: string;
  httpPort?: number;
  notifyInterval?: number;
}

/** miniupnpd: a real SSDP responder + UPnP IGD description server (HTTP on httpPort, default 49152). */
export async function startMiniupnpd(lab: NetnsLab, host: string, o: MiniupnpdOptions): Promise<LabProcess> {
  const etc = lab.dir(host, 'miniupnpd-etc');
  const conf = path.join(etc, 'miniupnpd.conf');
  fs.writeFileSync(conf, [
    'ext_ifname=eth0',
    'listening_ip=eth0',
    `http_port=${o.httpPort ?? 49152}`,
    'enable_natpmp=no',
    'enable_upnp=yes',
    'ext_perform_stun=no',
    'secure_mode=yes',
    'system_uptime=yes',
    `notify_interval=${o.notifyInterval ?? 30}`,
    `friendly_name=${o.friendlyName}`,
    `manufacturer_name=${o.manufacturer}`,
    'manufacturer_url=https://miniupnp.tuxfamily.org/',
    `model_name=${o.modelName}`,
    `model_number=${o.modelNumber}`,
    'model_description=MiniUPnP daemon in the camsweep namespace lab',
    `serial=${o.serial}`,
    `uuid=${o.uuid}`,
    'allow 1024-65535 10.213.0.0/24 1024-65535',
    'deny 0-65535 0.0.0.0/0 0-65535',
    '',
  ].join('\n'));
  // The config is bound to /etc/miniupnpd before /run is replaced (a path under /run would vanish).
  return lab.spawn(host, ['miniupnpd', '-d', '-f', '/etc/miniupnpd/miniupnpd.conf'], {
    label: 'miniupnpd', binds: [{ src: etc, dst: '/etc/miniupnpd' }], privateRun: true, ready: /HTTP listening on port|Listening for NAT-PMP|SSDP/i, readyTimeoutMs: 10_000,
  });
}
