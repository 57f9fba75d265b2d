// The probe registry. Adding a protocol = one file + one line here.
import { httpProbe } from './http.js';
import { rtspProbe } from './rtsp.js';
import type { Probe } from './types.js';

export const probes = { http: httpProbe, rtsp: rtspProbe } satisfies Record<string, Probe>;
export type ProbeName = keyof typeof probes;
export type { Probe } from './types.js';
