// JUnit XML for CI systems that show test results: one test case per device, failing when its verdict
// is at or above --fail-on, with the verdict's reasons and the evidence in the failure; one more test
// case, "scan coverage", that errors when the scan was interrupted or could not see everything (such a
// scan never passes). Every value escaped (src/report/markup.ts). Pure.
import type { DeviceReport, ScanReport } from '../model/types.js';
import { fails, gateWord } from '../model/fail-on.js';
import { esc } from './markup.js';
import type { RenderOptions } from './reporter.js';
import { coverage, durationSeconds, makerOf, rankedEvidence } from './summary.js';

function evidenceLines(d: DeviceReport): string[] {
  return rankedEvidence(d).slice(0, 12).map((e) => `${e.confidence.toFixed(2)} ${e.rule}: ${e.field} at ${e.where} = ${e.value}`);
}

function caseName(d: DeviceReport): string {
  const id = d.identification;
  return [d.ip, makerOf(d), id.model].filter(Boolean).join(' ');
}

function testCase(d: DeviceReport, o: RenderOptions): string {
  const v = d.verdict;
  const attrs = `classname="camsweep.${esc(v.status, 20)}" name="${esc(caseName(d), 200)}" time="0"`;
  const reasons = v.reasons.length ? v.reasons : [`${v.status}`];
  const accepted = gateWord(d, o.failOn) === 'accepted' && d.acceptance ? [`accepted: ${d.acceptance.reason} (by ${d.acceptance.accepted_by}, until ${d.acceptance.expires})`] : [];
  const body = [...accepted, ...reasons.map((x) => `reason: ${x}`), ...v.listings.map((l) => `listed: ${l.list} (${l.cite ?? l.source})`), ...evidenceLines(d).map((x) => `evidence: ${x}`)];
  const text = body.map((x) => esc(x, 600)).join('\n');
  const props = `<properties><property name="device_id" value="${esc(d.device_id ?? '', 20)}"/><property name="verdict" value="${esc(v.status, 20)}"/>${d.mac ? `<property name="mac" value="${esc(d.mac, 20)}"/>` : ''}</properties>`;
  if (fails(d, o.failOn)) {
    const msg = `${v.status}: ${reasons[0]}`;
    return `    <testcase ${attrs}>\n      ${props}\n      <failure type="${esc(v.status, 20)}" message="${esc(msg, 600)}">${text}</failure>\n    </testcase>`;
  }
  return `    <testcase ${attrs}>\n      ${props}\n      <system-out>${text}</system-out>\n    </testcase>`;
}

export function renderJunit(r: ScanReport, o: RenderOptions): string {
  const failures = r.devices.filter((d) => fails(d, o.failOn)).length;
  const cov = coverage(r);
  const errors = cov.complete ? 0 : 1;
  const tests = r.devices.length + 1;
  const time = (durationSeconds(r) ?? 0).toFixed(3);
  const suite = `camsweep ${esc(r.command, 20)} (policy ${esc(r.policy.name, 60)})`;
  const covCase = cov.complete
    ? '    <testcase classname="camsweep.scan" name="scan coverage" time="0"/>'
    : `    <testcase classname="camsweep.scan" name="scan coverage" time="0">\n      <error type="incomplete" message="${esc(cov.text, 300)}">${(r.not_scanned ?? []).slice(0, 100).map((x) => esc(`not scanned: ${x.ip} (${x.code})`, 200)).join('\n')}</error>\n    </testcase>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="camsweep" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${suite}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${esc(r.started_at.replace(/Z$/, ''), 40)}" hostname="camsweep">`,
    `    <properties><property name="camsweep.version" value="${esc(r.tool.version, 40)}"/><property name="policy" value="${esc(r.policy.name, 60)}"/><property name="fail_on" value="${esc(o.failOn, 20)}"/><property name="schema_version" value="${esc(r.schema_version, 10)}"/></properties>`,
    covCase,
    ...r.devices.map((d) => testCase(d, o)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
