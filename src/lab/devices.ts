// A lab device as started: its persona, its address, its bound ports. Pure.
import type { Persona } from './personas.js';

export interface LabDevice {
  persona: Persona;
  ip: string;
  /** standard port → port actually bound. */
  ports: Record<number, number>;
}

/** Deterministic unprivileged mapping: 80→8080, 443→8443, 554→8554, any other p<1024 → 8000+p. */
export function mapPort(port: number, realPorts = false): number {
  if (realPorts || port >= 1024) return port;
  return 8000 + port;
}
