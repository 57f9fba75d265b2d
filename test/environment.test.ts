// Environment (issue 7): the container warning only when it applies (never for loopback targets) and
// only after the input was validated; no Node warning on an ordinary scan; the CLI behaves in a
// loopback-only network namespace (like `docker run --network none`), which this test creates and
// deletes itself (root only).
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { containerWarningApplies, detectContainer } from '../src/net/interfaces.js';
import { BIN, runCli } from './helpers/cli.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0 && process.platform === 'linux'
  && (() => { try { execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' }); return true; } catch { return false; } })();

describe('the container warning', () => {
  it('applies only with discovery, interfaces of camsweep\'s choosing, and a target off loopback', () => {
    expect(containerWarningApplies({ discovery: true, interfaceNamed: false, loopbackOnly: false })).toBe(true);
    expect(containerWarningApplies({ discovery: true, interfaceNamed: false, loopbackOnly: true })).toBe(false);
    expect(containerWarningApplies({ discovery: false, interfaceNamed: false, loopbackOnly: false })).toBe(false);
    expect(containerWarningApplies({ discovery: true, interfaceNamed: true, loopbackOnly: false })).toBe(false);
    expect(containerWarningApplies({ discovery: true, interfaceNamed: false, loopbackOnly: true, passive: true })).toBe(true);
  });
  it('detectContainer: Docker with loopback only / on a bridge / with a LAN interface', () => {
    const lo = { name: 'lo', address: '127.0.0.1', netmask: '255.0.0.0', cidr: '127.0.0.0/8', multicast: false };
    const br = { name: 'eth0', address: '172.17.0.2', netmask: '255.255.0.0', cidr: '172.17.0.0/16', multicast: true };
    const lan = { name: 'eth0', address: '192.168.1.20', netmask: '255.255.255.0', cidr: '192.168.1.0/24', multicast: true };
    const docker = { exists: (p: string) => p === '/.dockerenv', readFile: () => '' };
    expect(detectContainer({ ...docker, interfaces: [lo] })).toMatch(/no network interface besides loopback/);
    expect(detectContainer({ ...docker, interfaces: [lo, br] })).toMatch(/bridge network/);
    expect(detectContainer({ ...docker, interfaces: [lo, lan] })).toBeUndefined();
    expect(detectContainer({ exists: () => false, readFile: () => '', interfaces: [lo] })).toBeUndefined();
  });
});

describe('no Node warning on an ordinary scan', () => {
  it('a /24 with every protocol prints no warning (no MaxListenersExceededWarning, nothing else)', async () => {
    const r = await runCli(['scan', '127.77.73.0/24', '-p', '9', '--listen-time', '500', '-f', 'json', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Warning|warning:/);
  });
});

describe.skipIf(!root)('in a loopback-only network namespace', () => {
  const inNs = (args: string[]) => {
    const ns = `cslo${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      return spawnSync('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 60000, env: { ...process.env, NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1' } });
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  };
  it('an input error is the first and only line on stderr (the environment is looked at only after validation)', () => {
    for (const args of [['scan', '8.8.8.8'], ['scan', '300.1.2.3'], ['scan', '127.0.0.1', '--timeout', '0'], ['scan', '-l', '/nonexistent/list']]) {
      const r = inNs(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^camsweep: error: /);
    }
  });
  it('a loopback scan says nothing about containers; a scan off loopback with discovery warns only if camsweep runs in one', () => {
    const lo = inNs(['scan', '127.0.0.1', '-p', '9', '--listen-time', '200', '-f', 'json', '--fail-on', 'never']);
    expect(lo.status, lo.stderr).toBe(0);
    expect(lo.stderr).not.toMatch(/running inside|warning/i);
    const off = inNs(['scan', '10.99.0.5', '-p', '9', '-t', '200', '--listen-time', '200', '-f', 'json', '--fail-on', 'never']);
    expect(off.status, off.stderr).toBe(0);
    const inContainer = detectContainer({ interfaces: [] }) !== undefined;
    if (inContainer) expect(off.stderr).toMatch(/warning: running inside \w+ with no network interface besides loopback/);
    else expect(off.stderr).not.toMatch(/running inside/);
  });
});
