// Public API of the built-in simulated camera lab.
export { startLab, startDevice, mapPort, parseLabSubnet, loadCert, DEFAULT_SUBNET } from './server.js';
export type { Lab, LabDevice, StartLabOptions } from './server.js';
export { PERSONAS, getPersona } from './personas.js';
export type { Persona, PortSpec, PortProtocol, PersonaDiscovery, CertName } from './personas.js';
export { httpResponse, rtspResponse, httpDate, makeIco, BOM } from './wire.js';
export type { Bytes, LabRequest, Responder, HttpResponseOptions } from './wire.js';
export { startDiscoveryResponders, upnpDescriptionFor } from './discovery.js';
export type { DiscoveryResponders, DiscoveryResponderOptions } from './discovery.js';
