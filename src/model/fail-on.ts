// The --fail-on gate: which devices fail a run at a level. One definition for the exit code and for
// every format that shows pass/fail (JUnit, SARIF levels, Markdown, HTML). Pure.
import type { DeviceReport, VerdictStatus } from './report.js';

export const FAIL_ON = ['restricted', 'suspect', 'unknown', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * How strict each --fail-on level is: a device fails the run when its verdict ranks at or above the
 * level. `unknown` fails everything not shown to be clear (restricted, suspect and unknown devices).
 */
export const FAIL_RANK: Record<VerdictStatus, number> = { clear: 0, unknown: 1, suspect: 2, restricted: 3 };

/** The verdict is at or above the level (acceptances aside; `never`: none is). */
export function failsAt(status: VerdictStatus, failOn: FailOn | string): boolean {
  if (failOn === 'never') return false;
  const bar = FAIL_RANK[failOn as VerdictStatus];
  return bar !== undefined && FAIL_RANK[status] >= bar;
}

/** A baseline accepts the device now (its acceptance has not expired). */
export function isAccepted(d: Pick<DeviceReport, 'acceptance'>): boolean {
  return d.acceptance?.status === 'accepted';
}

/** The device fails the gate: at or above the level and not accepted (an expired acceptance fails again). */
export function fails(d: Pick<DeviceReport, 'verdict' | 'acceptance'>, failOn: FailOn | string): boolean {
  return failsAt(d.verdict.status, failOn) && !isAccepted(d);
}

/** What the gate says of one device: passes (below the level), accepted (at or above it, accepted), fails (an expired acceptance fails too). */
export function gateWord(d: Pick<DeviceReport, 'verdict' | 'acceptance'>, failOn: FailOn | string): 'fails' | 'accepted' | 'passes' {
  if (!failsAt(d.verdict.status, failOn)) return 'passes';
  return isAccepted(d) ? 'accepted' : 'fails';
}

/** The exit code of the gate over a run's devices: 1 when any device fails, else 0. */
export function gateExit(devices: Iterable<Pick<DeviceReport, 'verdict' | 'acceptance'>>, failOn: FailOn | string): 0 | 1 {
  for (const d of devices) if (fails(d, failOn)) return 1;
  return 0;
}
