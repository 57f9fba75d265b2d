// What camsweep must say about each lab persona: the test oracle for the simulated lab (kept with the
// tests, not in src/, so it is never shipped). Vocabulary ids from src/data/vendors.yaml.
import type { DeviceType, VerdictStatus } from '../../src/model/types.js';

export interface Expected {
  /** Vocabulary id of the label on the box, when identifiable. */
  brand?: string;
  /** Vocabulary id of who built it / whose platform it runs. */
  maker?: string;
  verdict: VerdictStatus;
  model?: string;
  device_type?: DeviceType;
  /** Software product a rule may name (e.g. nginx). */
  product?: string;
}

/** Per persona: expected under the default `ndaa` policy, and under `uk` where that differs. */
export const EXPECTED: Record<string, { ndaa: Expected; uk?: Expected }> = {
  'hikvision-camera': { ndaa: { brand: 'hikvision', maker: 'hikvision', verdict: 'restricted', model: 'DS-2CD2143G0-I', device_type: 'camera' } },
  'hikvision-nvr': { ndaa: { brand: 'hikvision', maker: 'hikvision', verdict: 'restricted', model: 'DS-7608NI-K2', device_type: 'recorder' } },
  'dahua-camera': { ndaa: { brand: 'dahua', maker: 'dahua', verdict: 'restricted', model: 'IPC-HFW2431S-S-S2', device_type: 'camera' } },
  'amcrest-camera': { ndaa: { brand: 'amcrest', maker: 'dahua', verdict: 'restricted', model: 'IP4M-1041B', device_type: 'camera' } },
  'lts-camera': { ndaa: { brand: 'lts', maker: 'hikvision', verdict: 'restricted', model: 'CMIP8242WB-28M', device_type: 'camera' } },
  'ezviz-camera': { ndaa: { brand: 'ezviz', maker: 'hikvision', verdict: 'restricted', model: 'CS-C6N-A0-1C2WFR', device_type: 'camera' } },
  'uniview-camera': { ndaa: { brand: 'uniview', maker: 'uniview', verdict: 'clear', model: 'IPC2124SR3-PF40', device_type: 'camera' }, uk: { brand: 'uniview', maker: 'uniview', verdict: 'restricted', model: 'IPC2124SR3-PF40', device_type: 'camera' } },
  'axis-camera': { ndaa: { brand: 'axis', maker: 'axis', verdict: 'clear', model: 'M1065-L', device_type: 'camera' } },
  'hanwha-camera': { ndaa: { brand: 'hanwha', maker: 'hanwha', verdict: 'clear', model: 'XNV-6080', device_type: 'camera' } },
  'bosch-camera': { ndaa: { brand: 'bosch', maker: 'bosch', verdict: 'clear', model: 'FLEXIDOME IP 5000i', device_type: 'camera' } },
  'nginx-server': { ndaa: { verdict: 'clear', product: 'nginx', device_type: 'web-server' } },
  'hp-printer': { ndaa: { brand: 'hp', maker: 'hp', verdict: 'clear', model: 'LaserJet Pro M404dn', device_type: 'printer' } },
  'xiongmai-dvr': { ndaa: { maker: 'xiongmai', verdict: 'clear', device_type: 'recorder' }, uk: { maker: 'xiongmai', verdict: 'restricted', device_type: 'recorder' } },
  'huawei-router': { ndaa: { maker: 'huawei', brand: 'huawei', verdict: 'restricted', device_type: 'router' } },
  // Weak answers (issue 9, item 5): named only by what the extra evidence kinds read.
  'hanwha-rtsp-only': { ndaa: { maker: 'hanwha', brand: 'hanwha', verdict: 'clear' } },
  'dahua-open-rtsp': { ndaa: { maker: 'dahua', brand: 'dahua', verdict: 'restricted' } },
  // Under the UK pack a router is outside the criterion (it covers visual surveillance equipment).
  // Named by Ubiquiti discovery alone (UDP 10001).
  'ubiquiti-camera': { ndaa: { maker: 'ubiquiti', brand: 'ubiquiti', verdict: 'clear', model: 'UVC G3 Flex', device_type: 'camera' } },
  // Named by TP-Link discovery alone (UDP 20002).
  'tapo-camera': { ndaa: { maker: 'tplink', brand: 'tapo', verdict: 'clear', model: 'C210', device_type: 'camera' }, uk: { maker: 'tplink', brand: 'tapo', verdict: 'suspect', model: 'C210', device_type: 'camera' } },
  'huawei-hilink-operator': { ndaa: { maker: 'huawei', brand: 'huawei', verdict: 'restricted', device_type: 'router' }, uk: { maker: 'huawei', brand: 'huawei', verdict: 'clear', device_type: 'router' } },
};

export function expectedOf(persona: string, policy: 'ndaa' | 'uk' = 'ndaa'): Expected {
  const e = EXPECTED[persona];
  if (!e) throw new Error(`no expectation for lab persona ${persona}`);
  return policy === 'uk' ? e.uk ?? e.ndaa : e.ndaa;
}
