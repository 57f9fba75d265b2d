// Start-up (issue 11): a `--protocols tcp` scan loads only what it needs. The CLI runs with a test-only
// preload (test/helpers/count-modules.mjs: node:module hooks that record every module loaded) and the
// test asserts the discovery modules, their protocol codecs and XML/DNS parsers, the YAML parser (the data come from the build cache), the lab and the
// report renderers it does not use stay unloaded; a scan with discovery loads them (the hook sees them).
// Loopback only: 127.91.51.1 and 127.204.0.1 (nothing listens; port 80 answers RST). A run that learns
// no MAC address does not read the OUI table, and none builds the terminal's grapheme segmenter
// before it lays out a table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
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

/** The files one CLI run read with fs.readFileSync, as paths relative to the checkout. */
function filesRead(args: string[]): string[] {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-startup-')), 'reads.txt');
  const preload = fileURLToPath(new URL('./helpers/count-reads.mjs', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', preload, BIN, ...args], { env: { ...process.env, CAMSWEEP_TEST_READS_OUT: out }, encoding: 'utf8', timeout: 60000 });
  expect(r.status, r.stderr).toBe(0);
  const reads = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return reads.map((f) => path.relative(ROOT, f));
}

describe('start-up', () => {
  it('a scan that learns no MAC address does not read the OUI table (the knowledge base is read)', () => {
    const reads = filesRead(['scan', '127.204.0.1', '-p', '80', '--protocols', 'tcp', '-f', 'json', '-q']);
    expect(reads.some((f) => f.startsWith('src/data/') || f.startsWith('dist/'))).toBe(true);
    expect(reads.filter((f) => f.endsWith('oui.json'))).toEqual([]);
  });

  it('the OUI table is read on the first look-up', async () => {
    const { defaultMacLookup } = await import('../src/data/load.js');
    expect(defaultMacLookup()('00:10:20:30:40:50')).toBeUndefined();
    expect(defaultMacLookup()('10:01:77:00:00:01')).toMatch(/huawei/i);
  });

  it('the grapheme segmenter is built when a table is laid out, not when the layout module loads', async () => {
    const real = Intl.Segmenter;
    let built = 0;
    const Counting = class extends real { constructor(...a: ConstructorParameters<typeof Intl.Segmenter>) { super(...a); built++; } };
    (Intl as { Segmenter: typeof Intl.Segmenter }).Segmenter = Counting as typeof Intl.Segmenter;
    try {
      vi.resetModules();
      const layout = await import('../src/report/layout.js');
      expect(built).toBe(0);
      expect(layout.visibleWidth('caf\u00e9 \u{1f600}')).toBe(7);
      expect(built).toBe(1);
      layout.visibleWidth('again');
      expect(built).toBe(1);
    } finally { (Intl as { Segmenter: typeof Intl.Segmenter }).Segmenter = real; }
  });

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
