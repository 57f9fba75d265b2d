// Run the real CLI binary as a child process (the same thing a user runs).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/camsweep.js', import.meta.url));

export interface Run { code: number | null; stdout: string; stderr: string }

export function runCli(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`camsweep ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}
