// `camsweep vendors --ids` lists exactly the ids a policy file may use: every listed vendor id is
// accepted as a maker and as a brand, every listed list id in listings and use_lists, every pack in
// extends; an id it does not list is refused with a message that points back to `vendors --ids`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../src/data/load.js';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-ids-'));

describe('vendors --ids', () => {
  it('every id it lists is one a policy file may use, and it is valid JSON Lines with -f jsonl', async () => {
    const r = await runCli(['vendors', '--ids', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = JSON.parse(r.stdout) as { vendors: Array<{ id: string; kind: string }>; lists: Array<{ id: string }>; packs: string[] };
    expect(ids.vendors.length).toBeGreaterThan(20);
    expect(ids.lists.length).toBeGreaterThan(3);
    expect(ids.packs).toContain('ndaa');
    const list = ids.lists[0].id;
    const entities = ids.vendors.map((v, i) => ({ id: `e-${i}`, name: `E ${i}`, makers: [v.id], brands: [v.id], listings: [{ list }] }));
    const yaml = JSON.stringify({ name: 'every-id', use_lists: ids.lists.map((l) => l.id), entities });
    const p = parsePolicyFile(yaml, 'every-id.yaml');
    expect(Object.keys(p.lists).sort()).toEqual(ids.lists.map((l) => l.id).sort());
    for (const pack of ids.packs) expect(() => parsePolicyFile(JSON.stringify({ name: 'x', extends: pack }), 'x.yaml'), pack).not.toThrow();

    const jl = await runCli(['vendors', '--ids', '-f', 'jsonl']);
    const rows = jl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.filter((x) => x.record === 'vendor')).toHaveLength(ids.vendors.length);
    expect(rows.filter((x) => x.record === 'pack').map((x) => x.id)).toEqual(ids.packs);
  });

  it('an id it does not list is refused, pointing at vendors --ids', async () => {
    const f = path.join(tmp, 'bad.yaml');
    writeFileSync(f, 'name: bad\nextends: ndaa\nentities:\n  - id: x\n    name: X\n    makers: [no-such-maker]\n    listings: [{ list: us-ndaa-889 }]\n');
    const r = await runCli(['identify', '--policy', f], { input: '{"ip":"127.77.134.1"}\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/maker "no-such-maker" is not a known vendor id \(see camsweep vendors --ids\)/);
    const help = await runCli(['vendors', '--help']);
    expect(help.stdout).toMatch(/--ids/);
  });
});
