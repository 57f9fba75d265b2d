// The --fail-on levels: which verdicts fail a run (the exit code) and a device's test case (JUnit,
// SARIF level). One table, read by the CLI and the reporters. Pure.
import type { VerdictStatus } from './report.js';

export const FAIL_ON = ['restricted', 'suspect', 'unknown', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * How strict each --fail-on level is: a device fails the run when its verdict ranks at or above the
 * level. `unknown` fails everything not shown to be clear (restricted, suspect and unknown devices).
 */
export const FAIL_RANK: Record<VerdictStatus, number> = { clear: 0, unknown: 1, suspect: 2, restricted: 3 };

/** True when a device with this verdict fails at this --fail-on level (`never`: none does). */
export function failsAt(status: VerdictStatus, failOn: FailOn | string): boolean {
  if (failOn === 'never') return false;
  const bar = FAIL_RANK[failOn as VerdictStatus];
  return bar !== undefined && FAIL_RANK[status] >= bar;
}
