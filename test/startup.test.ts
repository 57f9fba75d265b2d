// Start-up (issue 11): a `--protocols tcp` scan loads only what it needs. The CLI runs with a test-only
// preload (test/helpers/count-modules.mjs: node:module hooks that record every module loaded) and the
// test asserts the discovery modules, their protocol codecs and XML/DNS parsers, the YAML parser (the data come from the build cache), the lab and the
// report renderers it does not use stay unloaded; a scan with discovery loads them (the hook sees them).
// Loopback only: 127.91.51.1 (nothing listens; port 80 answers RST).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./helpers/count-modules.mjs', import.meta.url));

/** The modules one CLI run loaded, as paths relative to the checkout (node: built-ins left out). */
function modulesLoaded(args: string[]): string[] {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-startup-')), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], { env: { ...process.env, CAMSWEEP_TEST_MODULES_OUT: out }, encoding: 'utf8', timeout: 60000 });
  expect(r.status, r.stderr).toBe(0);
  const urls = fs.readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return [...new Set(urls.map((u) => path.relative(ROOT, fileURLToPath(u))))];
}

const HEAVY = [
  /^dist\/discovery\/(?!types\.js$)/, // the discovery modules and their engine (types.js is names only)
  /^dist\/lab\//,
  /^dist\/protocols\/(wsdiscovery|ssdp|mdns|sadp|dhip|ubnt|common|lenient-json|digest)\.js$/,
  /^dist\/report\/(html|csv|markdown|junit|sarif|explain|baseline|diff)\.js$/,
  /node_modules\/(fast-xml-parser|dns-packet|yaml)\//,
];

describe('start-up', () => {
  it('a --protocols tcp scan loads no discovery module, codec, XML/DNS parser, lab or unused renderer', () => {
    const mods = modulesLoaded(['scan', '127.91.51.1', '-p', '80', '--protocols', 'tcp', '-f', 'json', '-q']);
    expect(mods).toContain('dist/scan/scan.js'); // the hook sees the run's own modules
    expect(mods).toContain('dist/probes/http.js');
    expect(mods.filter((m) => HEAVY.some((re) => re.test(m)))).toEqual([]);
    expect(mods.filter((m) => m.startsWith('dist/')).length).toBeLessThan(80);
  });

  it('a scan with discovery loads its modules when it runs them', () => {
    const mods = modulesLoaded(['scan', '127.91.51.1', '-p', '80', '--protocols', 'onvif,tcp', '--listen-time', '100', '-f', 'json', '-q']);
    expect(mods).toContain('dist/discovery/onvif.js');
    expect(mods.some((m) => /node_modules\/fast-xml-parser\//.test(m))).toBe(true);
  });

  it('a policy file given loads the YAML parser (the hook sees modules require() loads)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-startup-'));
    const file = path.join(dir, 'p.yaml');
    fs.writeFileSync(file, 'name: test\nextends: ndaa\n');
    try {
      const mods = modulesLoaded(['scan', '127.91.51.1', '-p', '80', '--protocols', 'tcp', '--policy', file, '-f', 'json', '-q']);
      expect(mods.some((m) => /node_modules\/yaml\//.test(m))).toBe(true);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
