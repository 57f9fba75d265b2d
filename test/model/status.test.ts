// The result envelope: one closed vocabulary, one classifyError, results recorded per device and per run.
import { describe, expect, it } from 'vitest';
import { classifyError, STATUSES, STATUS_MEANINGS } from '../../src/model/status.js';
import { connectResult, probeResult } from '../../src/scan/scan.js';

describe('classifyError', () => {
  it.each([
    [undefined, false, 'success'], ['ECONNREFUSED', false, 'refused'], ['ETIMEDOUT', false, 'timeout'], ['ETIMEDOUT', true, 'io-timeout'],
    ['HOST_TIMEOUT', false, 'timeout'], ['PROTOCOL', true, 'protocol-error'], ['EMPTY', true, 'protocol-error'], ['ECONNRESET', true, 'protocol-error'],
    ['TRUNCATED_CAP', true, 'truncated'], ['TRUNCATED_TIMEOUT', true, 'truncated'], ['EMFILE', false, 'local-error'], ['ENOBUFS', false, 'local-error'],
    ['EADDRNOTAVAIL', false, 'local-error'], ['ABORTED', false, 'aborted'], ['EHOSTUNREACH', false, 'unreachable'], ['ENETUNREACH', false, 'unreachable'],
    ['NOT_IN_SCOPE', false, 'not-in-scope'], ['INTERNAL', false, 'internal-error'],
  ] as const)('%s (connected %s) is %s', (code, connected, status) => {
    expect(classifyError(code, connected)).toBe(status);
  });

  it('every status has a meaning and classifyError only returns statuses of the vocabulary', () => {
    expect(Object.keys(STATUS_MEANINGS).sort()).toEqual([...STATUSES].sort());
    for (const code of ['', 'X', 'EPIPE', 'EACCES', 'ERR_SOMETHING', 'ETIMEDOUT', 'EAGAIN']) expect(STATUSES).toContain(classifyError(code));
  });
});

describe('module results', () => {
  it('a connect check: open, closed, filtered, unreachable', () => {
    expect(connectResult(80, { state: 'open', ms: 3 })).toEqual({ module: 'tcp', port: 80, status: 'success', duration_ms: 3 });
    expect(connectResult(81, { state: 'closed', code: 'ECONNREFUSED', ms: 1 })).toMatchObject({ status: 'refused', code: 'ECONNREFUSED' });
    expect(connectResult(82, { state: 'filtered', code: 'ETIMEDOUT', ms: 1000 })).toMatchObject({ status: 'timeout' });
    expect(connectResult(83, { state: 'filtered', code: 'EHOSTUNREACH', ms: 2 })).toMatchObject({ status: 'unreachable' });
  });

  it('a probe: success, truncated evidence, or the status of its first error', () => {
    expect(probeResult('http', 80, { http: [{ port: 80 }] }, [], 5).status).toBe('success');
    expect(probeResult('http', 80, { http: [{ port: 80 }] }, [{ stage: 'http', port: 80, code: 'TRUNCATED_CAP', status: 'truncated', message: 'cut' }], 5)).toMatchObject({ status: 'truncated', code: 'TRUNCATED_CAP' });
    expect(probeResult('rtsp', 554, {}, [{ stage: 'rtsp', port: 554, code: 'ETIMEDOUT', status: 'io-timeout', message: 'x' }], 5)).toMatchObject({ status: 'io-timeout', code: 'ETIMEDOUT' });
    // A certificate alone (the TLS handshake worked, HTTP did not) is no HTTP answer.
    expect(probeResult('http', 443, { tls: [{ port: 443 }] }, [{ stage: 'http', port: 443, code: 'PROTOCOL', message: 'x' }], 5).status).toBe('protocol-error');
  });
});
