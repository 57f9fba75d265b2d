// The discovery-module registry: the scan core knows modules only through this map.
import type { DiscoveryModule, DiscoveryName } from './types.js';
import { onvif } from './onvif.js';
import { ssdp } from './ssdp.js';
import { mdns } from './mdns.js';
import { sadp } from './sadp.js';
import { dhip } from './dhip.js';
import { ubnt } from './ubnt.js';
import { tdp } from './tdp.js';

export const discoveryModules = { onvif, ssdp, mdns, sadp, dhip, ubnt, tdp } satisfies Record<DiscoveryName, DiscoveryModule>;

export { onvif, ssdp, mdns, sadp, dhip, ubnt, tdp };
export type * from './types.js';
export { DISCOVERY_NAMES } from './types.js';
