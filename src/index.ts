// camsweep as a library: the runner the CLI uses, with typed requests and the report model.
//
//   import { scan, scanRequest, renderTable } from 'camsweep';
//   const { report } = await scan(scanRequest({ targets: ['192.168.10.0/24'], policy: 'ndaa' }));
//   for (const d of report.devices) console.log(d.device_id, d.ip, d.verdict.status, d.identification.maker_name);
//   process.stdout.write(renderTable(report, { width: 100, color: false }));
//   writeFileSync('audit.html', renderToString(await loadReporter('html'), report, { failOn: 'restricted' }));
//
// Defaults come from the CLI's one option table (src/cli/options.ts); the same guards apply (public
// addresses refused unless allowPublic, at most maxHosts hosts, follow-ups only to the targets).
import { optionDefault, parsePorts, type CommandName } from './cli/options.js';
import type { ObservationRecord } from './model/types.js';
import * as runner from './runner/index.js';
import type { DeviceReport } from './model/types.js';
import { VERSION } from './version.js';

export type {
  DeviceReport, DeviceSighting, Evidence, Identification, MergeInfo, ObservationRecord, ScanReport, SeenNotProbed, NotScanned, ShardInfo, ShardSighting, Verdict, VerdictStatus,
} from './model/types.js';
export type { ModuleResult, Status } from './model/status.js';
export { STATUSES, classifyError } from './model/status.js';
export { SCHEMA_VERSION, reportSchema } from './model/report.js';
export { SECTIONS, describeField } from './model/fields.js';
export { deviceId, identityKey } from './model/identity.js';
export { renderTable } from './report/table.js';
export { renderJson, renderJsonl } from './report/json.js';
export { renderExplain } from './report/explain.js';
export { renderHtml } from './report/html.js';
export { renderCsv, CSV_COLUMNS } from './report/csv.js';
export { renderMarkdown } from './report/markdown.js';
export { renderJunit } from './report/junit.js';
export { renderSarif } from './report/sarif.js';
export { REPORTER_NAMES, loadReporter, reporterForFile, reporters, type ReporterName } from './report/registry.js';
export { renderToString, type RenderOptions, type Reporter, type ReporterInfo } from './report/reporter.js';
export { FAIL_ON, FAIL_RANK, fails, failsAt, gateExit, gateWord, isAccepted, type FailOn } from './model/fail-on.js';
export { applyBaselineAll, BaselineError, parseBaseline, type Baseline, type BaselineEntry } from './report/baseline.js';
export { diffReports, diffExit, renderDiff, type Diff, type DiffFormat, type ReportSide } from './report/diff.js';
export { demo, defaultRuntime, judge, loadKnowledge, mergeShards, plan, prepare, probe, run, RunError, UsageError } from './runner/index.js';
export type { Knowledge, MergeOutcome, Prepared, RunHooks, RunResult, Runtime, ScanRequest, ShardInput } from './runner/index.js';
export { checkSameScan, parseShardReport, readShardReports } from './cli/merge.js';
export { parseShard, shardOfInt, HostSet } from './targets/targets.js';
export type { ShardSpec } from './targets/targets.js';

function def<T>(key: string, cmd: CommandName = 'scan'): T {
  return optionDefault(key, cmd) as T;
}

/** A complete scan request: what is given, and the CLI's defaults for the rest. */
export function scanRequest(given: Partial<runner.ScanRequest> = {}): runner.ScanRequest {
  return {
    targets: [], ports: parsePorts(def<string>('ports')), protocols: def<string>('protocols').split(',') as runner.ScanRequest['protocols'],
    passive: false, listenMs: def('listenTime'), ipv6: true, timeoutMs: def('timeout'), hostTimeoutMs: def('hostTimeout'),
    concurrency: def('concurrency'), rate: def('rate'), maxBytes: def('maxBytes'), ping: true, allowPublic: false, maxHosts: def('maxHosts'),
    credentials: [], policy: def('policy'), failOn: def('failOn'), userAgent: `camsweep/${VERSION}`,
    ...given,
  };
}

/** Scan targets (defaults filled in); the real runtime unless one is given. */
export async function scan(request: runner.ScanRequest, runtime?: runner.Runtime, hooks?: runner.RunHooks, signal?: AbortSignal): Promise<runner.RunResult> {
  return runner.scan(request, runtime ?? (await runner.defaultRuntime()), hooks, signal);
}

/** Judge observation records offline (as `camsweep identify` does) under a policy pack or policy file. */
export function identify(records: Iterable<ObservationRecord>, policy = def<string>('policy')): DeviceReport[] {
  const k = runner.loadKnowledge(policy);
  return [...records].map((r) => runner.judge(r, k));
}
