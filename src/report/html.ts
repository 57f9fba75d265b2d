// The HTML audit report: one self-contained file (no fetch of any kind: styles, script and chart are
// inline; works offline and as an e-mail attachment), printable. Summary first (counts by verdict and
// maker, a chart, the policy with its legal citations, scope, time and version), then the device table
// with sorting and filters, then each device's evidence chain. Pure.
//
// Safety: every value goes through esc() (src/report/markup.ts: cleaned of control characters, markup
// escaped). The Content-Security-Policy meta allows nothing but this file's own style and script, by
// their SHA-256 hashes: no network request (default-src 'none', so no connect, img, font or frame
// source), no other script, no form target, no base URI. Without script the table is complete; the
// controls appear only when the script runs.
import { createHash } from 'node:crypto';
import type { DeviceReport, ScanReport, VerdictStatus } from '../model/types.js';
import { fails, FAIL_RANK } from '../model/fail-on.js';
import { clean } from '../util/sanitize.js';
import { evidencePhrases, labelBrand } from './evidence.js';
import { esc } from './markup.js';
import type { RenderOptions } from './reporter.js';
import { citedListings, countByMaker, coverage, durationSeconds, makerOf, rankedEvidence, VERDICTS } from './summary.js';

const COLOURS: Record<VerdictStatus, string> = { restricted: '#b3261e', suspect: '#b26a00', clear: '#1e7d32', unknown: '#5f6368' };
/** Targets listed by name at most (the rest are counted). */
const MAX_TARGETS = 200;

const STYLE = `
:root{color-scheme:light;--fg:#1b1b1b;--muted:#5f6368;--line:#d0d4d9;--bg:#fff;--band:#f4f6f8}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--muted);margin:0 0 12px}
.banner{padding:8px 12px;border-radius:4px;margin:8px 0;font-weight:600}
.banner.bad{background:#fdecea;color:#8a1c13;border:1px solid #f5c2bd}.banner.ok{background:#e8f5e9;color:#1e5e24;border:1px solid #b9dfbc}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:24px}
.v-restricted{color:${COLOURS.restricted}}.v-suspect{color:${COLOURS.suspect}}.v-clear{color:${COLOURS.clear}}.v-unknown{color:${COLOURS.unknown}}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.nw,#devices th{white-space:nowrap}
thead th{background:var(--band)}
th button{all:unset;cursor:pointer;font-weight:700}
th button:focus-visible{outline:2px solid #1a73e8}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
td.num,th.num{text-align:right}
.verdict{font-weight:700;text-transform:uppercase;font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0;padding:8px;background:var(--band);border-radius:4px}
.controls label{white-space:nowrap}
.count{color:var(--muted)}
.device{border:1px solid var(--line);border-radius:6px;padding:4px 12px 10px;margin:12px 0;break-inside:avoid}
.device h3 a{color:inherit}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;overflow-wrap:anywhere}
#citations td:nth-child(6){min-width:24em}
.chart{max-width:520px}
#makers{width:auto;min-width:50%}
.small{font-size:12px;color:var(--muted)}
@media print{body{padding:0;max-width:none;font-size:11px}.controls,.noprint{display:none!important}tr{break-inside:avoid}tr[hidden]{display:table-row!important}a{color:inherit;text-decoration:none}}
`;

// Sorting (click or Enter on a column header; numeric where the cell gives data-v) and filters
// (verdict check boxes, maker, free text) over the rows of #devices. No network, no eval, no HTML
// built from data: rows are only shown, hidden and reordered.
const SCRIPT = `
(function(){
  var table=document.getElementById('devices');if(!table)return;
  var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  var controls=document.getElementById('controls');controls.hidden=false;
  var boxes=controls.querySelectorAll('input[name=verdict]'),maker=document.getElementById('f-maker'),text=document.getElementById('f-text'),count=document.getElementById('shown');
  function apply(){
    var on={};for(var i=0;i<boxes.length;i++)on[boxes[i].value]=boxes[i].checked;
    var m=maker.value,q=text.value.trim().toLowerCase(),n=0;
    rows.forEach(function(r){
      var show=on[r.getAttribute('data-verdict')]&&(!m||r.getAttribute('data-maker')===m)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.hidden=!show;if(show)n++;
    });
    count.textContent=n+' of '+rows.length+' shown';
  }
  for(var i=0;i<boxes.length;i++)boxes[i].addEventListener('change',apply);
  maker.addEventListener('change',apply);text.addEventListener('input',apply);
  var heads=table.tHead.rows[0].cells;
  function key(r,c){var td=r.cells[c];var v=td.getAttribute('data-v');return v!==null?v:td.textContent.trim().toLowerCase();}
  Array.prototype.forEach.call(heads,function(th,c){
    var b=th.querySelector('button');if(!b)return;
    b.addEventListener('click',function(){
      var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir);
      var s=dir==='ascending'?1:-1;
      rows.sort(function(a,b2){var x=key(a,c),y=key(b2,c);return (x<y?-1:x>y?1:0)*s;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();
`;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

export const HTML_CSP = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

/** A sort key for an address: IPv4 octets zero-padded, IPv6 after IPv4. */
function addressKey(ip: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? '4' + m.slice(1).map((x) => x.padStart(3, '0')).join('.') : '6' + ip.toLowerCase();
}

function anchor(d: DeviceReport, i: number): string {
  return `dev-${esc(d.device_id ?? String(i), 20).replace(/[^A-Za-z0-9_-]/g, '')}`;
}

function chart(r: ScanReport): string {
  const s = r.summary;
  const max = Math.max(1, ...VERDICTS.map((v) => s[v]));
  const bar = 300;
  const rows = VERDICTS.map((v, i) => {
    const w = Math.round((s[v] / max) * bar);
    const y = 10 + i * 28;
    return `<text x="0" y="${y + 14}" font-size="13" fill="#1b1b1b">${v}</text><rect x="90" y="${y}" width="${Math.max(w, s[v] ? 2 : 0)}" height="18" fill="${COLOURS[v]}"/><text x="${96 + w}" y="${y + 14}" font-size="13" fill="#1b1b1b">${s[v]}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 440 ${16 + VERDICTS.length * 28}" width="440" height="${16 + VERDICTS.length * 28}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Devices by verdict: ${VERDICTS.map((v) => `${s[v]} ${v}`).join(', ')}</title>${rows}</svg>`;
}

function summarySection(r: ScanReport, o: RenderOptions): string {
  const s = r.summary;
  const cov = coverage(r);
  const failing = r.devices.filter((d) => fails(d, o.failOn)).length;
  const makers = countByMaker(r.devices);
  const cards = [`<div class="card"><b>${s.devices}</b>devices</div>`, ...VERDICTS.map((v) => `<div class="card v-${v}"><b>${s[v]}</b>${v}</div>`)].join('');
  const makerRows = makers.map((m) => `<tr><td>${esc(m.maker, 80)}</td><td class="num">${m.total}</td>${VERDICTS.map((v) => `<td class="num">${m.by[v]}</td>`).join('')}</tr>`).join('\n');
  return `<section id="summary"><h2>Summary</h2>
<div class="banner ${cov.complete ? 'ok' : 'bad'}">Scan ${esc(cov.text, 200)}.${o.failOn === 'never' ? '' : ` ${failing} device${failing === 1 ? '' : 's'} at or above --fail-on ${esc(o.failOn, 20)}.`}</div>
<div class="cards">${cards}</div>
${chart(r)}
<h3>By maker</h3>
${makers.length ? `<table id="makers"><thead><tr><th>Maker</th><th class="num">Devices</th>${VERDICTS.map((v) => `<th class="num">${v}</th>`).join('')}</tr></thead><tbody>\n${makerRows}\n</tbody></table>` : '<p>No devices answered.</p>'}
</section>`;
}

function policySection(r: ScanReport): string {
  const cited = citedListings(r.devices);
  const rows = cited.map((l) => `<tr><td>${esc(l.list, 120)}</td><td>${esc(l.type ?? '', 40)}</td><td>${esc(l.instrument, 600)}</td><td>${esc(l.cite ?? '', 200)}</td><td>${esc(l.source, 300)}</td><td>${esc(l.scope ?? '', 1200)}</td></tr>`).join('\n');
  return `<section id="policy"><h2>Policy</h2>
<dl class="kv"><dt>Policy</dt><dd>${esc(r.policy.name, 80)}</dd><dt>Lists</dt><dd>${r.policy.lists.map((l) => esc(l, 120)).join('; ') || 'none'}</dd>${r.policy.as_of ? `<dt>Data checked</dt><dd>${esc(r.policy.as_of, 20)}</dd>` : ''}</dl>
${cited.length ? `<h3>Instruments cited by the verdicts</h3><table id="citations"><thead><tr><th>List</th><th>Type</th><th>Instrument</th><th>Citation</th><th>Source</th><th>Scope</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : '<p>No device falls under a list of this policy.</p>'}
</section>`;
}

function scopeSection(r: ScanReport): string {
  const dur = durationSeconds(r);
  const opts = r.options as Record<string, unknown>;
  const ports = Array.isArray(opts.ports) ? (opts.ports as unknown[]).slice(0, 200).map((p) => esc(p, 6)).join(', ') : '';
  const protocols = Array.isArray(opts.protocols) ? (opts.protocols as unknown[]).slice(0, 20).map((p) => esc(p, 20)).join(', ') : '';
  const targets = r.targets.slice(0, MAX_TARGETS).map((t) => `<code>${esc(t, 100)}</code>`).join(', ') + (r.targets.length > MAX_TARGETS ? `, and ${r.targets.length - MAX_TARGETS} more` : '');
  const notScanned = (r.not_scanned ?? []).slice(0, 200).map((x) => `${esc(x.ip, 45)} (${esc(x.code, 20)})`).join(', ');
  const outside = (r.seen_not_probed ?? []).slice(0, 200).map((x) => `${esc(x.ip, 60)} (${x.seen_by.map((p) => esc(p, 16)).join(', ')})`).join(', ');
  return `<section id="scope"><h2>Scope</h2>
<dl class="kv"><dt>Command</dt><dd>camsweep ${esc(r.command, 20)}</dd><dt>Targets</dt><dd>${targets || 'none (passive listening)'}</dd><dt>Hosts scanned</dt><dd>${r.summary.hosts_scanned}</dd>${ports ? `<dt>TCP ports</dt><dd>${ports}</dd>` : ''}${protocols ? `<dt>Protocols</dt><dd>${protocols}</dd>` : ''}
<dt>Started</dt><dd>${esc(r.started_at, 40)}</dd><dt>Finished</dt><dd>${esc(r.finished_at, 40)}${dur !== undefined ? ` (${dur.toFixed(1)} s)` : ''}</dd><dt>camsweep</dt><dd>${esc(r.tool.version, 40)} (report schema ${esc(r.schema_version, 10)})</dd>
${notScanned ? `<dt>Not scanned</dt><dd>${notScanned}</dd>` : ''}${outside ? `<dt>Seen, not probed</dt><dd>${outside} — answered discovery from outside the targets; no follow-up was sent</dd>` : ''}</dl>
${r.warnings.length ? `<h3>Warnings</h3><ul>${r.warnings.slice(0, 50).map((w) => `<li>${esc(w, 400)}</li>`).join('')}</ul>` : ''}
</section>`;
}

function deviceTable(r: ScanReport): string {
  const makers = [...new Set(r.devices.map(makerOf))].sort();
  const th = (label: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''}><button type="button">${label}</button></th>`;
  const rows = r.devices.map((d, i) => {
    const id = d.identification;
    const ev = evidencePhrases(d).slice(0, 4).map((p) => esc(p.text, 120)).join(', ') || 'no rule matched';
    return `<tr data-verdict="${esc(d.verdict.status, 20)}" data-maker="${esc(makerOf(d), 80)}"><td class="nw" data-v="${esc(addressKey(clean(d.ip, 45)), 60)}"><a href="#${anchor(d, i)}">${esc(d.ip, 45)}</a></td>`
      + `<td data-v="${3 - FAIL_RANK[d.verdict.status]}" class="verdict nw v-${esc(d.verdict.status, 20)}">${d.verdict.status}</td><td>${esc(makerOf(d), 80)}</td><td>${esc(labelBrand(d) ?? '', 60)}</td>`
      + `<td>${esc(id.model ?? '', 80)}</td><td>${esc(id.firmware ?? '', 80)}</td><td class="nw">${esc(d.mac ?? '', 17)}</td><td>${ev}</td></tr>`;
  }).join('\n');
  return `<section id="devices-section"><h2>Devices</h2>
<div id="controls" class="controls" hidden>
${VERDICTS.map((v) => `<label><input type="checkbox" name="verdict" value="${v}" checked> <span class="v-${v}">${v}</span></label>`).join('\n')}
<label>Maker <select id="f-maker"><option value="">all</option>${makers.map((m) => `<option value="${esc(m, 80)}">${esc(m, 80)}</option>`).join('')}</select></label>
<label>Search <input id="f-text" type="search" placeholder="address, model, evidence…"></label>
<span id="shown" class="count"></span>
</div>
<table id="devices"><thead><tr>${th('Address')}${th('Verdict')}${th('Maker')}${th('Brand')}${th('Model')}${th('Firmware')}${th('MAC')}${th('Evidence')}</tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function deviceChain(d: DeviceReport, i: number): string {
  const id = d.identification;
  const v = d.verdict;
  const kv = (k: string, val: string | undefined) => (val ? `<dt>${k}</dt><dd>${val}</dd>` : '');
  const listings = v.listings.map((l) => `<li><b>${esc(l.list, 120)}</b>${l.type ? ` (${esc(l.type, 40)})` : ''}: ${esc(l.instrument, 600)}${l.cite ? `; cited as ${esc(l.cite, 200)}` : ''}${l.date ? `; in force ${esc(l.date, 20)}` : ''}. Source: ${esc(l.source, 300)}${l.note ? `. ${esc(l.note, 400)}` : ''}</li>`).join('');
  const evidence = rankedEvidence(d).map((e) => `<tr><td class="num">${e.confidence.toFixed(2)}</td><td><code>${esc(e.rule, 100)}</code></td><td><code>${esc(e.field, 80)}</code> at <code>${esc(e.where, 80)}</code></td><td><code>${esc(e.value, 400)}</code>${e.matched && e.matched !== e.value ? `<br><span class="small">matched: <code>${esc(e.matched, 200)}</code></span>` : ''}</td><td>${esc(e.description, 300)}<br><span class="small">${esc(e.source, 400)}</span></td></tr>`).join('\n');
  const conflicts = id.conflicts.map((c) => `${esc(c.value, 60)} (${c.score.toFixed(2)})`).join(', ');
  return `<section class="device" id="${anchor(d, i)}"><h3><a href="#${anchor(d, i)}">${esc(d.ip, 45)}</a> — <span class="v-${v.status}">${v.status}</span>: ${esc([makerOf(d), id.model].filter(Boolean).join(' '), 160)}</h3>
<dl class="kv">${kv('Device id', d.device_id ? `<code>${esc(d.device_id, 20)}</code>` : undefined)}${kv('Addresses', (d.addresses ?? [d.ip]).slice(0, 20).map((a) => esc(a, 45)).join(', '))}${kv('MAC', d.mac ? esc(d.mac, 17) : undefined)}${kv('Host name', d.hostname ? esc(d.hostname, 120) : undefined)}
${kv('Maker', id.maker ? `${esc(id.maker_name ?? id.maker, 80)} (score ${id.maker_score.toFixed(2)})` : 'not identified')}${kv('Brand', labelBrand(d) ? esc(labelBrand(d), 60) : undefined)}${kv('Model', id.model ? esc(id.model, 80) : undefined)}${kv('Firmware', id.firmware ? esc(id.firmware, 80) : undefined)}${kv('Serial', id.serial ? esc(id.serial, 80) : undefined)}${kv('Type', id.device_type ? esc(id.device_type, 30) : undefined)}
${kv('Open ports', d.open_ports.length ? d.open_ports.map((p) => esc(p, 6)).join(', ') : undefined)}${kv('Seen by', d.seen_by.map((s) => esc(s, 16)).join(', '))}${kv('Other makers claimed', conflicts || undefined)}${kv('Entity', v.entity_name || v.entity ? esc(v.entity_name ?? v.entity, 160) : undefined)}</dl>
${v.reasons.length ? `<p><b>Verdict:</b> ${v.reasons.map((x) => esc(x, 600)).join(' ')}</p>` : ''}
${listings ? `<ul>${listings}</ul>` : ''}
${id.reasoning.length ? `<p class="small">${id.reasoning.map((x) => esc(x, 400)).join(' ')}</p>` : ''}
${evidence ? `<table class="evidence"><thead><tr><th class="num">Conf.</th><th>Rule</th><th>Field</th><th>Value</th><th>What it shows, source</th></tr></thead><tbody>\n${evidence}\n</tbody></table>` : '<p>No rule matched what this device sent.</p>'}
${(d.notes ?? []).length ? `<p class="small">${(d.notes ?? []).map((x) => esc(x, 400)).join(' ')}</p>` : ''}${d.errors.length ? `<p class="small">Errors: ${d.errors.slice(0, 20).map((e) => `${esc(e.stage, 30)}${e.port ? `:${e.port}` : ''} ${esc(e.code, 30)}`).join(', ')}</p>` : ''}
</section>`;
}

export function renderHtml(r: ScanReport, o: RenderOptions): string {
  const s = r.summary;
  const title = `camsweep audit report: ${s.restricted} restricted, ${s.suspect} suspect of ${s.devices} device${s.devices === 1 ? '' : 's'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="camsweep ${esc(r.tool.version, 40)}">
<title>${esc(title, 200)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${esc(title, 200)}</h1>
<p class="meta">Policy ${esc(r.policy.name, 80)} · ${esc(r.finished_at, 40)} · camsweep ${esc(r.tool.version, 40)} · <a class="noprint" href="#devices-section">devices</a> · <a class="noprint" href="#chains">evidence</a></p></header>
<main>
${summarySection(r, o)}
${policySection(r)}
${scopeSection(r)}
${deviceTable(r)}
<section id="chains"><h2>Evidence per device</h2>
${r.devices.map((d, i) => deviceChain(d, i)).join('\n')}
</section>
</main>
<footer class="small"><p>Generated by camsweep ${esc(r.tool.version, 40)} from a ${esc(r.command, 20)} report (schema ${esc(r.schema_version, 10)}). camsweep reports what devices said about themselves; it cannot see how a device is used.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
