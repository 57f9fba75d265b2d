// The process's file-descriptor budget: every connection and socket costs one. Read from /proc on
// Linux (Node raises the soft RLIMIT_NOFILE to the hard limit at start-up, so the soft value read here
// is what the process really has); elsewhere unknown, and the scan relies on backing off on EMFILE.
import fs from 'node:fs';

export interface FdBudget { limit: number; open: number }

/** Soft "Max open files" of this process and how many descriptors are open now, or undefined. */
export function fdBudget(): FdBudget | undefined {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+|unlimited)\s+/m.exec(limits);
    if (!m) return undefined;
    const limit = m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
    const open = fs.readdirSync('/proc/self/fd').length;
    return Number.isFinite(limit) && limit > 0 ? { limit, open } : undefined;
  } catch {
    return undefined;
  }
}
