// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) for code-scanning dashboards: one
// result per restricted or suspect device (and per device failing --fail-on), with two rules,
// camsweep/restricted-device and camsweep/suspect-device (and camsweep/unidentified-device when
// --fail-on unknown). A result is an "error" when its device fails --fail-on, a "warning" otherwise.
// A device is a logical location (kind "resource": its address, fully qualified by its device id) and,
// for dashboards that take only files, the pseudo path devices/ADDRESS;
// partialFingerprints.deviceId keeps a device's result the same result from one scan to the next.
// The invocation says whether the scan saw everything. Text cleaned (src/util/sanitize.ts); JSON
// output made terminal-safe like the JSON report. Pure.
import type { DeviceReport, ScanReport, VerdictStatus } from '../model/types.js';
import { fails, failsAt } from '../model/fail-on.js';
import { clean, jsonTerminalSafe } from '../util/sanitize.js';
import { evidencePhrases } from './evidence.js';
import type { RenderOptions } from './reporter.js';
import { coverage, makerOf, rankedEvidence } from './summary.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFO_URI = 'https://github.com/camsweep/camsweep';

const RULES: Record<Exclude<VerdictStatus, 'clear'>, { id: string; name: string; short: string; full: string }> = {
  restricted: {
    id: 'camsweep/restricted-device', name: 'RestrictedDevice', short: 'A camera or recorder from a restricted maker',
    full: 'The device was identified, from the evidence it sent, as made by a company that an instrument of the policy restricts (a prohibition, an export control, a procurement criterion or a contracting ban).',
  },
  suspect: {
    id: 'camsweep/suspect-device', name: 'SuspectDevice', short: 'A device that may come from a restricted maker',
    full: 'Some evidence ties the device to a restricted company, but not enough to be sure (a brand-only match, an OEM relation, or a company that cannot be told apart from an unlisted namesake).',
  },
  unknown: {
    id: 'camsweep/unidentified-device', name: 'UnidentifiedDevice', short: 'A device camsweep could not identify',
    full: 'The device answered but nothing it sent identified its maker, so it could not be shown to be clear.',
  },
};

/**
 * A device as a repository-relative pseudo path, devices/ADDRESS (":" of IPv6 as "_"): code-scanning
 * dashboards accept only relative paths as a result's location.
 */
export function devicePath(d: DeviceReport): string {
  return `devices/${clean(d.ip, 45).replace(/[^0-9A-Za-z.-]/g, '_')}`;
}

function resultOf(d: DeviceReport, o: RenderOptions, ruleIndex: Map<string, number>): Record<string, unknown> {
  const status = d.verdict.status as Exclude<VerdictStatus, 'clear'>;
  const rule = RULES[status];
  const id = d.identification;
  const phrases = evidencePhrases(d).slice(0, 4).map((p) => p.text);
  const what = [makerOf(d), clean(id.model ?? '', 60)].filter(Boolean).join(' ');
  const text = `${clean(d.ip, 45)}: ${status} (${what})${d.verdict.reasons[0] ? `. ${clean(d.verdict.reasons[0], 400)}` : ''}${phrases.length ? ` Evidence: ${phrases.join(', ')}.` : ''}`;
  return {
    ruleId: rule.id, ruleIndex: ruleIndex.get(rule.id), level: fails(d, o.failOn) ? 'error' : d.acceptance?.status === 'accepted' ? 'note' : 'warning',
    message: { text },
    locations: [{
      physicalLocation: { artifactLocation: { uri: devicePath(d) }, region: { startLine: 1 } },
      logicalLocations: [{ name: clean(d.ip, 45), fullyQualifiedName: clean(d.device_id ?? d.ip, 45), kind: 'resource' }],
    }],
    ...(d.device_id ? { partialFingerprints: { deviceId: clean(d.device_id, 20) } } : {}),
    properties: {
      verdict: status, maker: clean(id.maker ?? '', 60) || undefined, model: clean(id.model ?? '', 60) || undefined, firmware: clean(id.firmware ?? '', 60) || undefined,
      mac: clean(d.mac ?? '', 17) || undefined, lists: d.verdict.listings.map((l) => clean(l.list, 80)), citations: d.verdict.listings.map((l) => clean(l.cite ?? l.source, 200)),
      evidence: rankedEvidence(d).slice(0, 8).map((e) => ({ rule: clean(e.rule, 80), field: clean(e.field, 80), where: clean(e.where, 80), value: clean(e.value, 200), confidence: e.confidence })),
    },
  };
}

export function renderSarif(r: ScanReport, o: RenderOptions): string {
  const flagged = r.devices.filter((d) => d.verdict.status === 'restricted' || d.verdict.status === 'suspect' || (d.verdict.status === 'unknown' && failsAt('unknown', o.failOn)));
  const used = (Object.keys(RULES) as Array<keyof typeof RULES>).filter((k) => k !== 'unknown' || failsAt('unknown', o.failOn));
  const rules = used.map((k) => ({
    id: RULES[k].id, name: RULES[k].name, shortDescription: { text: RULES[k].short }, fullDescription: { text: RULES[k].full },
    defaultConfiguration: { level: failsAt(k, o.failOn) ? 'error' : 'warning' }, helpUri: `${INFO_URI}#output-formats`, properties: { tags: ['security', 'supply-chain', 'camsweep'] },
  }));
  const ruleIndex = new Map(rules.map((x, i) => [x.id, i]));
  const cov = coverage(r);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'camsweep', version: clean(r.tool.version, 40), semanticVersion: /^\d+\.\d+\.\d+/.test(r.tool.version) ? clean(r.tool.version, 40) : undefined, informationUri: INFO_URI, rules } },
      invocations: [{
        executionSuccessful: cov.complete, startTimeUtc: clean(r.started_at, 40), endTimeUtc: clean(r.finished_at, 40),
        ...(cov.complete ? {} : { toolExecutionNotifications: [{ level: 'error', message: { text: clean(cov.text, 300) } }] }),
      }],
      results: flagged.map((d) => resultOf(d, o, ruleIndex)),
      properties: { policy: clean(r.policy.name, 60), lists: r.policy.lists.map((l) => clean(l, 80)), targets: r.targets.slice(0, 1000).map((t) => clean(t, 100)), summary: r.summary, failOn: o.failOn },
    }],
  };
  return jsonTerminalSafe(JSON.stringify(log, null, 2)) + '\n';
}
