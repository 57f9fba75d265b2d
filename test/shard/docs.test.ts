// The example files in docs/examples/ for running shards on two engines (a Kubernetes Indexed Job, a
// GitHub Actions matrix) parse, and every camsweep command they run is valid for camsweep's own option
// parser (checkInvocation: the real commander program and option table, nothing run). The shard
// commands cover parts 1..N exactly once, and the merge reads exactly the files the shards write.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { checkInvocation } from '../../src/cli/main.js';

const read = (f: string) => readFileSync(new URL(`../../docs/examples/${f}`, import.meta.url), 'utf8');

/** `$((…))` arithmetic, `$NAME`, `${NAME}` and `${{ expr }}` from `vars`; anything unknown is left alone. */
function expand(s: string, vars: Record<string, string>): string {
  return s
    .replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\$\(\((.*?)\)\)/g, (m, e: string) => {
      const x = e.replace(/\$?([A-Za-z_]\w*)/g, (v, k: string) => vars[k] ?? v);
      return /^[\d\s+*/-]+$/.test(x) ? String(Function(`"use strict"; return (${x});`)()) : m;
    })
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? m);
}

/** Shell words: whitespace-separated, '…' and "…" quoted. */
function words(s: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m; (m = re.exec(s));) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The simple commands of a small shell script, with variables assigned on their own lines applied. */
function commands(script: string, env: Record<string, string>): string[][] {
  const vars = { ...env };
  const out: string[][] = [];
  for (const raw of script.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const assign = /^([A-Za-z_]\w*)=(\$\(\(.*\)\)|\S+)$/.exec(line);
    if (assign) { vars[assign[1]] = expand(assign[2], vars); continue; }
    for (const part of line.split(/&&|\|\||;/)) {
      const w = words(expand(part.trim(), vars));
      if (w.length) out.push(w);
    }
  }
  return out;
}

/** The camsweep invocations among commands (also `npx camsweep`), as the argv camsweep gets. */
function camsweepArgs(cmds: string[][]): string[][] {
  return cmds.flatMap((w) => (w[0] === 'camsweep' ? [w.slice(1)] : w[0] === 'npx' && w.includes('camsweep') ? [w.slice(w.indexOf('camsweep') + 1)] : []));
}

function globRe(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '$');
}

async function valid(argv: string[]) {
  const r = await checkInvocation(argv);
  expect(r.code, `camsweep ${argv.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

describe('checkInvocation (the parser the docs test relies on)', () => {
  it('accepts a valid command and refuses invalid ones, as the CLI would, without running anything', async () => {
    const ok = await checkInvocation(['scan', '10.0.0.0/24', '--shard', '2/4', '-f', 'json', '-o', '/nonexistent/dir/x.json']);
    expect(ok).toMatchObject({ code: 0, command: 'scan', args: ['10.0.0.0/24'] });
    expect(ok.options).toMatchObject({ shard: '2/4', format: 'json', output: ['/nonexistent/dir/x.json'] });
    for (const bad of [['scan', '10.0.0.0/24', '--shard', '5/4'], ['scan', '--shards', '1/2'], ['scan', '10.0.0.0/24', '-f', 'xml'], ['scan', '300.1.1.1'], ['scan', '10.0.0.1', '-p', '0'],
      ['merge'], ['merge', 'a.json', '--fail-on', 'sometimes'], ['scna', '10.0.0.1']]) {
      const r = await checkInvocation(bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.command).toBeUndefined();
    }
  });
});

describe('docs/examples/k8s-indexed-job.yaml', () => {
  const docs = YAML.parseAllDocuments(read('k8s-indexed-job.yaml'));
  it('parses', () => {
    for (const d of docs) expect(d.errors).toEqual([]);
    expect(docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
  });
  const objs = docs.map((d) => d.toJS() as Record<string, any>);
  const shards = objs.find((o) => o.kind === 'Job' && o.spec.completionMode === 'Indexed')!;
  const merge = objs.find((o) => o.kind === 'Job' && o !== shards)!;
  const scriptOf = (job: Record<string, any>) => {
    const c = job.spec.template.spec.containers[0];
    expect(c.command.slice(0, 2)).toEqual(['sh', '-c']);
    return c.command[2] as string;
  };

  it('runs part K of N in the pod of completion index K-1, each part once, each writing its own report to the volume', async () => {
    const n = shards.spec.completions as number;
    expect(n).toBeGreaterThan(1);
    expect(shards.spec.parallelism).toBe(n);
    expect(shards.spec.template.spec.restartPolicy).toBe('Never');
    const finals: string[] = [];
    for (let i = 0; i < n; i++) {
      const cmds = commands(scriptOf(shards), { JOB_COMPLETION_INDEX: String(i) });
      const cs = camsweepArgs(cmds);
      expect(cs).toHaveLength(1);
      const r = await valid(cs[0]);
      expect(r.command).toBe('scan');
      expect(r.options).toMatchObject({ shard: `${i + 1}/${n}`, format: 'json', failOn: 'never', list: '/config/targets.txt' });
      const out = (r.options!.output as string[])[0]; // -o is repeatable: a list
      const mv = cmds.find((w) => w[0] === 'mv');
      expect(mv?.[1]).toBe(out);
      finals.push(mv![2]);
    }
    expect(new Set(finals).size).toBe(n);
    // The merge reads exactly those files, from the same volume.
    const mcs = camsweepArgs(commands(scriptOf(merge), {}));
    const m = await valid(mcs.find((a) => a[0] === 'merge')!);
    const inputs = m.args!;
    for (const f of finals) expect(inputs.some((g) => globRe(g).test(f)), f).toBe(true);
    expect(finals.every((f) => !globRe(inputs[0]).test(f + '.part'))).toBe(true);
    const claim = (job: Record<string, any>) => job.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
    expect(claim(merge)).toBe(claim(shards));
    const mount = (job: Record<string, any>) => job.spec.template.spec.containers[0].volumeMounts.find((v: any) => v.name === 'reports').mountPath as string;
    for (const f of finals) expect(f.startsWith(mount(shards) + '/')).toBe(true);
    expect(inputs[0].startsWith(mount(merge) + '/')).toBe(true);
    // The merge waits for N reports before it merges; every other camsweep command there is valid too.
    expect(scriptOf(merge)).toMatch(new RegExp(`-ge ${n} \\]`));
    for (const a of mcs) await valid(a);
  });
  it('fails the Job at once on a usage error (exit 2) rather than retrying it', () => {
    expect(shards.spec.podFailurePolicy.rules).toContainEqual({ action: 'FailJob', onExitCodes: { operator: 'In', values: [2] } });
  });
  it('reads the targets from the ConfigMap it mounts', () => {
    const cm = objs.find((o) => o.kind === 'ConfigMap')!;
    expect(shards.spec.template.spec.volumes.find((v: any) => v.configMap)?.configMap.name).toBe(cm.metadata.name);
    expect(Object.keys(cm.data)).toEqual(['targets.txt']);
  });
});

describe('docs/examples/github-actions-shards.yml', () => {
  const doc = YAML.parseDocument(read('github-actions-shards.yml'));
  const wf = doc.toJS() as Record<string, any>;
  it('parses as a workflow with a shard matrix and a merge job after it', () => {
    expect(doc.errors).toEqual([]);
    expect(Object.keys(wf.jobs)).toEqual(['scan', 'merge']);
    expect(wf.jobs.merge.needs).toBe('scan');
    expect(wf.jobs.merge.if).toBe('always()');
    expect(wf.jobs.scan.strategy['fail-fast']).toBe(false);
  });
  it('runs each part once, uploads each report, and merges exactly the downloaded reports', async () => {
    const parts = wf.jobs.scan.strategy.matrix.shard as number[];
    const n = parts.length;
    expect(parts).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const names: string[] = [];
    const files: string[] = [];
    for (const k of parts) {
      const vars = { 'matrix.shard': String(k) };
      const cs = wf.jobs.scan.steps.filter((s: any) => s.run).flatMap((s: any) => camsweepArgs(commands(s.run, vars)));
      expect(cs).toHaveLength(1);
      const r = await valid(cs[0]);
      expect(r.command).toBe('scan');
      expect(r.options).toMatchObject({ shard: `${k}/${n}`, format: 'json', failOn: 'never' });
      const up = wf.jobs.scan.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
      expect(expand(up.with.path, vars)).toBe((r.options!.output as string[])[0]);
      expect(up.if).toBe('always()');
      names.push(expand(up.with.name, vars));
      files.push((r.options!.output as string[])[0]);
    }
    expect(new Set(names).size).toBe(n);
    const down = wf.jobs.merge.steps.find((s: any) => String(s.uses).startsWith('actions/download-artifact@'));
    for (const name of names) expect(globRe(down.with.pattern).test(name)).toBe(true);
    expect(down.with['merge-multiple']).toBe(true);
    const mcs = wf.jobs.merge.steps.filter((s: any) => s.run).flatMap((s: any) => camsweepArgs(commands(s.run, {})));
    const merges = mcs.filter((a: string[]) => a[0] === 'merge');
    expect(merges).toHaveLength(1);
    const m = await valid(merges[0]);
    for (const f of files) expect(m.args!.some((g) => globRe(g).test(`${down.with.path}/${f}`)), f).toBe(true);
    for (const a of mcs) await valid(a);
  });
});
