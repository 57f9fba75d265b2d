// The lab LAN of issue 3: who lives where. Shared by the harness test and the camsweep tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAvahi, startMiniupnpd, startWsdd } from './daemons.js';
import { LAB_NET, NetnsLab, type HostSpec, type LabProcess } from './netns.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The namespace lab's device runner (test tooling: test/lab/run-device.ts, compiled into build/ by npm run test:lab). */
export const RUN_DEVICE = path.join(REPO, 'build', 'test', 'lab', 'run-device.js');
export const CAMSWEEP = path.join(REPO, 'bin', 'camsweep.js');

export interface SimCamera {
  host: string;
  octet: number;
  persona: string;
  /** Expected under the default ndaa policy. */
  restricted: boolean;
  /** Evidence protocol expected in the verdict (observation field), when restricted. */
  evidence?: Array<'sadp' | 'dhip'>;
  /** run-device flags beyond --persona/--ip. */
  flags?: string[];
  /** Namespace without the multicast route. */
  unicastOnly?: boolean;
  /** Discovery protocols this device answers (for assertions). */
  protocols: string[];
  mac?: string;
}

/** Simulated cameras (src/lab personas run by test/lab/run-device.ts, built to build/test/lab/run-device.js). */
export const CAMERAS: SimCamera[] = [
  { host: 'hik', octet: 11, persona: 'hikvision-camera', restricted: true, evidence: ['sadp'], protocols: ['onvif', 'sadp', 'tcp'], mac: '44:19:b6:12:34:56' },
  { host: 'dahua', octet: 12, persona: 'dahua-camera', restricted: true, evidence: ['dhip'], protocols: ['onvif', 'dhip', 'tcp'], mac: '3c:ef:8c:41:6c:ce' },
  { host: 'amcrest', octet: 13, persona: 'amcrest-camera', restricted: true, evidence: ['dhip'], protocols: ['onvif', 'dhip', 'tcp'], mac: '9c:8e:cd:3e:5a:71' },
  { host: 'lts', octet: 14, persona: 'lts-camera', restricted: true, evidence: ['sadp'], protocols: ['onvif', 'sadp', 'tcp'], mac: '14:2f:fd:0a:1b:2c' },
  { host: 'axis', octet: 15, persona: 'axis-camera', restricted: false, protocols: ['onvif', 'ssdp', 'mdns', 'tcp'], mac: 'ac:cc:8e:01:23:45' },
  { host: 'uniview', octet: 16, persona: 'uniview-camera', restricted: false, protocols: ['onvif', 'tcp'], mac: '48:ea:63:44:55:66' },
  { host: 'hanwha', octet: 17, persona: 'hanwha-camera', restricted: false, protocols: ['onvif', 'ssdp', 'tcp'], mac: '00:09:18:a1:b2:c3' },
  // Answers only unicast: no multicast route in its namespace, no group joins.
  { host: 'unicast', octet: 21, persona: 'hikvision-nvr', restricted: true, flags: ['--no-multicast'], unicastOnly: true, protocols: ['onvif', 'tcp'], mac: 'c0:56:e3:a1:b2:c3' },
  // Answers only SADP (no TCP services, no other discovery protocol).
  { host: 'sadponly', octet: 22, persona: 'ezviz-camera', restricted: true, evidence: ['sadp'], flags: ['--only-protocols', 'sadp'], protocols: ['sadp'], mac: '64:f2:fb:11:22:33' },
  // Answers only DHIP: a second Dahua unit (own MAC and serial, so it is a different physical device).
  { host: 'dhiponly', octet: 23, persona: 'dahua-camera', restricted: true, evidence: ['dhip'], flags: ['--only-protocols', 'dhip', '--mac', '3c:ef:8c:41:6c:d7', '--serial', '7L0AB2CPAZ00777'], protocols: ['dhip'], mac: '3c:ef:8c:41:6c:d7' },
  // An operator-branded Huawei router: its index names no platform; the Huawei MAC prefix in the
  // scanner's neighbour table makes HiLink's SesTokInfo the first extra request (issue 9, item 5).
  // It speaks no discovery protocol at all, so it is unicast-only too (no multicast route, never announces).
  { host: 'hilink', octet: 24, persona: 'huawei-hilink-operator', restricted: true, unicastOnly: true, protocols: ['tcp'], mac: '00:e0:fc:a1:b2:c3' },
];

export interface PeerDaemon { host: string; octet: number; kind: 'avahi' | 'miniupnpd' | 'wsdd'; protocols: string[] }

export const DAEMONS: PeerDaemon[] = [
  { host: 'avahi', octet: 31, kind: 'avahi', protocols: ['mdns'] },
  { host: 'upnp', octet: 32, kind: 'miniupnpd', protocols: ['ssdp'] },
  { host: 'wsdd', octet: 33, kind: 'wsdd', protocols: ['onvif'] },
];

export const SCANNER = { host: 'scanner', octet: 2 };

export const AVAHI = {
  hostName: 'camlab-nas',
  instance: 'CamLab NAS',
  services: [
    { type: '_http._tcp', port: 80, txt: ['path=/', 'vendor=camlab'] },
    { type: '_rtsp._tcp', port: 554, txt: ['path=/stream1'] },
  ],
};
export const UPNP = {
  friendlyName: 'CamLab media gateway', manufacturer: 'CamLab MiniUPnP', modelName: 'MiniUPnPd lab', modelNumber: '2.3.1',
  serial: 'CAMLAB-UPNP-0001', uuid: '2f6d5a3c-1b7e-4c8a-9d0f-0a0b0c0d0e0f', httpPort: 49152,
};
export const WSDD = { hostName: 'CAMLAB-PC', workgroup: 'CAMLAB', uuid: '6a1c3f7e-8b2d-4e59-a0c4-1d2e3f405162' };

export function ipOf(octet: number): string { return `${LAB_NET}.${octet}`; }

export function hostSpecs(): HostSpec[] {
  return [
    { name: SCANNER.host, octet: SCANNER.octet },
    ...CAMERAS.map((c) => ({ name: c.host, octet: c.octet, multicast: !c.unicastOnly, mac: c.mac })),
    ...DAEMONS.map((d) => ({ name: d.host, octet: d.octet })),
  ];
}

export function buildLab(): NetnsLab {
  return NetnsLab.create(hostSpecs());
}

export async function startDaemons(lab: NetnsLab): Promise<Record<string, LabProcess>> {
  const [avahi, upnp, wsdd] = await Promise.all([
    startAvahi(lab, 'avahi', AVAHI),
    startMiniupnpd(lab, 'upnp', UPNP),
    startWsdd(lab, 'wsdd', WSDD),
  ]);
  return { avahi: avahi!, upnp: upnp!, wsdd: wsdd! };
}

/** Start one simulated camera; resolves when run-device prints "ready". */
export function startCamera(lab: NetnsLab, c: SimCamera, extra: string[] = []): Promise<LabProcess> {
  const ip = ipOf(c.octet);
  return lab.spawn(c.host, ['node', RUN_DEVICE, '--persona', c.persona, '--ip', ip, '--iface-address', ip, ...(c.flags ?? []), ...extra], {
    label: `run-device-${c.host}`, ready: /^ready\b/m, readyTimeoutMs: 20_000, cwd: REPO,
  });
}
