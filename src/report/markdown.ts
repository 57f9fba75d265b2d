// Markdown summary for pull requests and CI job summaries ($GITHUB_STEP_SUMMARY): counts by verdict
// and maker, what the scan covered, and the devices that need attention (restricted and suspect,
// then those failing --fail-on). GitHub-flavoured tables; every value escaped (src/report/markup.ts). Pure.
import type { DeviceReport, ScanReport } from '../model/types.js';
import { FAIL_RANK, fails, failsAt } from '../model/fail-on.js';
import { evidencePhrases } from './evidence.js';
import { md } from './markup.js';
import type { RenderOptions } from './reporter.js';
import { citedListings, countByMaker, coverage, durationSeconds, makerOf, VERDICTS } from './summary.js';

/** Devices listed one per row at most (the rest are counted). */
const MAX_ROWS = 50;

const cellList = (xs: string[]) => xs.map((x) => md(x, 120)).join(', ') || '–';

function deviceRow(d: DeviceReport, o: RenderOptions): string {
  const id = d.identification;
  const ev = evidencePhrases(d).slice(0, 3).map((p) => p.text);
  return `| ${md(d.ip, 45)} | ${fails(d, o.failOn) ? '**' + d.verdict.status + '**' : d.acceptance?.status === 'accepted' ? d.verdict.status + ' (accepted)' : d.verdict.status} | ${md(makerOf(d), 60)} | ${md(id.model ?? '', 60) || '–'} | ${md(id.firmware ?? '', 60) || '–'} | ${cellList(d.verdict.listings.map((l) => l.list))} | ${cellList(ev)} |`;
}

export function renderMarkdown(r: ScanReport, o: RenderOptions): string {
  const s = r.summary;
  const cov = coverage(r);
  const dur = durationSeconds(r);
  const failing = r.devices.filter((d) => fails(d, o.failOn));
  const out: string[] = [];
  out.push(`## camsweep: ${s.restricted} restricted, ${s.suspect} suspect of ${s.devices} device${s.devices === 1 ? '' : 's'}`);
  out.push('');
  out.push(`Policy **${md(r.policy.name, 60)}**${r.policy.as_of ? ` (data as of ${md(r.policy.as_of, 20)})` : ''}: ${r.policy.lists.map((l) => md(l, 80)).join(', ') || 'no lists'}.  `);
  out.push(`${md(r.command, 20)} of ${r.targets.length} target${r.targets.length === 1 ? '' : 's'} (${md(r.targets.slice(0, 5).join(', '), 300)}${r.targets.length > 5 ? ', …' : ''}), ${s.hosts_scanned} host${s.hosts_scanned === 1 ? '' : 's'} scanned, ${md(r.finished_at, 40)}${dur !== undefined ? `, ${dur.toFixed(1)} s` : ''}; camsweep ${md(r.tool.version, 40)}.  `);
  out.push(`Coverage: ${cov.complete ? 'complete' : `**${md(cov.text, 200)}**`}. Fails at or above: ${o.failOn === 'never' ? 'never' : `${o.failOn}`} (${failing.length} device${failing.length === 1 ? '' : 's'}).`);
  out.push('');
  out.push('| verdict | devices |', '|---|---:|');
  for (const v of VERDICTS) out.push(`| ${v} | ${s[v]} |`);
  out.push('');
  const makers = countByMaker(r.devices);
  if (makers.length) {
    out.push('| maker | devices | restricted | suspect | clear | unknown |', '|---|---:|---:|---:|---:|---:|');
    for (const m of makers) out.push(`| ${md(m.maker, 80)} | ${m.total} | ${m.by.restricted} | ${m.by.suspect} | ${m.by.clear} | ${m.by.unknown} |`);
    out.push('');
  }
  // The devices that need attention: restricted and suspect, and whatever fails --fail-on.
  const shown = r.devices.filter((d) => d.verdict.status === 'restricted' || d.verdict.status === 'suspect' || failsAt(d.verdict.status, o.failOn))
    .sort((a, b) => FAIL_RANK[b.verdict.status] - FAIL_RANK[a.verdict.status]);
  if (shown.length) {
    out.push('| address | verdict | maker | model | firmware | lists | evidence |', '|---|---|---|---|---|---|---|');
    for (const d of shown.slice(0, MAX_ROWS)) out.push(deviceRow(d, o));
    if (shown.length > MAX_ROWS) out.push('', `…and ${shown.length - MAX_ROWS} more (see the full report).`);
    out.push('');
  }
  const cited = citedListings(r.devices);
  if (cited.length) {
    out.push('<details><summary>Instruments cited</summary>', '');
    for (const l of cited) out.push(`- **${md(l.list, 80)}**: ${md(l.instrument, 400)}${l.cite ? ` (${md(l.cite, 120)})` : ''}`);
    out.push('', '</details>', '');
  }
  if (r.warnings.length) {
    out.push('<details><summary>Warnings</summary>', '');
    for (const w of r.warnings.slice(0, 20)) out.push(`- ${md(w, 300)}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
