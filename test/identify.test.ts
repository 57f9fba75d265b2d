// `camsweep identify` re-judges saved observation records offline: every lab device must come out with
// its persona's maker, brand and verdict, and the --policy switch must change verdicts as the packs say.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { PERSONAS } from '../src/lab/index.js';
import { runCli } from './helpers/cli.js';
import { expectedOf } from './lab-sim/expected.js';
import type { ScanReport } from '../src/model/types.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/lab/observations.jsonl', import.meta.url));
const records = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ip: string; x_persona: string });

describe('identify on the lab records (JSON Lines)', () => {
  it('covers every persona of the lab', () => {
    expect(new Set(records.map((r) => r.x_persona))).toEqual(new Set(PERSONAS.map((p) => p.name)));
  });

  for (const policy of ['ndaa', 'uk'] as const) {
    it(`gives every device its expected maker and verdict under ${policy}`, async () => {
      const r = await runCli(['identify', FIXTURE, '-f', 'json', '--policy', policy, '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as ScanReport;
      expect(rep.devices).toHaveLength(records.length);
      for (const rec of records) {
        const p = PERSONAS.find((x) => x.name === rec.x_persona)!;
        const exp = expectedOf(p.name, policy);
        const dev = rep.devices.find((d) => d.ip === rec.ip)!;
        expect(dev.verdict.status, `${p.name} under ${policy}: ${dev.verdict.reasons.join(' ')}`).toBe(exp.verdict);
        if (exp.maker) expect(dev.identification.maker, p.name).toBe(exp.maker);
        if (exp.brand) expect(dev.identification.brand, p.name).toBe(exp.brand);
      }
    });
  }

  it('Uniview is clear under ndaa and restricted under uk; exit code follows --fail-on', async () => {
    const uni = records.find((r) => r.x_persona === 'uniview-camera')!;
    const input = JSON.stringify(uni) + '\n';
    const a = await runCli(['identify', '-', '-f', 'json'], { input });
    expect(a.code).toBe(0);
    expect((JSON.parse(a.stdout) as ScanReport).devices[0].verdict.status).toBe('clear');
    const b = await runCli(['identify', '-', '-f', 'json', '--policy', 'uk'], { input });
    expect(b.code).toBe(1);
    const v = (JSON.parse(b.stdout) as ScanReport).devices[0].verdict;
    expect(v.status).toBe('restricted');
    expect(v.listings[0].date).toBe('2022-11-24');
  });

  it('accepts a JSON array and a whole saved report, and prints a table on request', async () => {
    const arr = JSON.stringify(records.slice(0, 3));
    const a = await runCli(['identify', '-', '-f', 'table', '--fail-on', 'never'], { input: arr });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/3 devices on 3 hosts/);
  });

  it('sanitises hostile records: no control character reaches the terminal', async () => {
    const evil = JSON.stringify({ ip: '10.9.9.9', http: [{ port: 80, headers: { server: 'App-webs/\u001b[2J\u001b]0;pwned\u0007' }, title: 'x\u009b31m\r\nInjected' }] });
    const r = await runCli(['identify', '-', '-f', 'table', '--fail-on', 'never'], { input: evil });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const j = await runCli(['identify', '-', '-f', 'json', '--fail-on', 'never'], { input: evil });
    expect(j.stdout).not.toMatch(/\\u001b|\\u0007|\\u009b/);
  });
});
