// Run the real CLI binary as a child process (the same thing a user runs).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/camsweep.js', import.meta.url));

export interface Run { code: number | null; signal?: NodeJS.Signals | null; stdout: string; stderr: string; ms: number; peakRssKb?: number }

export interface CliOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Node flags before the script (e.g. --expose-gc). */
  nodeArgs?: string[];
  /** Run under `prlimit --nofile=N:N` (descriptor limit, soft and hard). */
  nofile?: number;
  /** Standard input from this file instead of a pipe or /dev/null. */
  stdinFile?: string;
  /** Sample the child's peak resident memory (VmHWM, /proc) while it runs. */
  sampleRss?: boolean;
  /** Working directory of the child (default: this process's). */
  cwd?: string;
}

export interface Started { child: ChildProcess; done: Promise<Run>; stderrSoFar(): string; stdoutSoFar(): string }

/** Start the CLI; resolves `done` when it exits. */
export function startCli(args: string[], opts: CliOptions = {}): Started {
  const argv = [...(opts.nodeArgs ?? []), BIN, ...args];
  const cmd = opts.nofile !== undefined ? 'prlimit' : process.execPath;
  const cmdArgs = opts.nofile !== undefined ? [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...argv] : argv;
  const stdin = opts.stdinFile !== undefined ? fs.openSync(opts.stdinFile, 'r') : opts.input === undefined ? 'ignore' : 'pipe';
  const t0 = Date.now();
  const child = spawn(cmd, cmdArgs, {
    env: { ...process.env, NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1', ...opts.env },
    stdio: [stdin, 'pipe', 'pipe'],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  if (typeof stdin === 'number') fs.closeSync(stdin);
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const sampler = opts.sampleRss ? setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch { /* gone */ }
  }, 10) : undefined;
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`camsweep ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, ...(opts.sampleRss ? { peakRssKb: peak } : {}) });
    });
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  return { child, done, stderrSoFar: () => stderr, stdoutSoFar: () => stdout };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<Run> {
  return startCli(args, opts).done;
}

/** Resolves when `f()` is true (polled every 20 ms), rejects after `ms`. */
export async function waitFor(f: () => boolean, ms = 20000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!f()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
