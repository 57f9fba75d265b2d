// The result envelope: one closed vocabulary for how every probe, connection and discovery module
// went, one function that maps an error code onto it, and the record kept per module. Pure.
//
// After zgrab2's ScanStatus (success, connection-refused, connection-timeout, io-timeout,
// protocol-error, application-error, unknown-error), with what camsweep also has to say: a response
// cut by the byte cap or the deadline (truncated), this machine running out of a resource
// (local-error: EMFILE, ENOBUFS, …; the scan could not see, exit 3), a device outside the targets that
// got no follow-up (not-in-scope), work stopped by Ctrl-C or a deadline (aborted), no route or no
// neighbour (unreachable), and a probe that threw (internal-error: a camsweep bug, never the device).

export const STATUSES = [
  'success', 'refused', 'timeout', 'io-timeout', 'protocol-error', 'truncated', 'local-error', 'not-in-scope', 'aborted', 'unreachable', 'internal-error',
] as const;
export type Status = typeof STATUSES[number];

/** What each status means, for the JSON Schema and the README. */
export const STATUS_MEANINGS: Record<Status, string> = {
  success: 'answered; the data was read',
  refused: 'the connection was refused (TCP RST)',
  timeout: 'no answer before the deadline (connect, or the whole host or module)',
  'io-timeout': 'connected, then no complete answer before the deadline',
  'protocol-error': 'answered with something that is not the protocol, or closed without answering',
  truncated: 'answered, but the response was cut by the byte cap or the deadline (kept as evidence)',
  'local-error': 'this machine ran out of a resource (descriptors, buffers, ports): not looked at',
  'not-in-scope': 'outside the targets: seen, never contacted',
  aborted: 'stopped (interrupted, or the deadline of what contained it)',
  unreachable: 'no route to the host, or no neighbour answered',
  'internal-error': 'camsweep failed (a bug), not the device',
};

/** Socket error codes that mean this machine ran out of something (descriptors, buffers, memory, local ports). */
export const LOCAL_ERROR_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL', 'EAGAIN', 'EWOULDBLOCK']);

export function isLocalError(code: string | undefined): boolean {
  return code !== undefined && LOCAL_ERROR_CODES.has(code);
}

/**
 * The status of an error code: a Node errno (ECONNREFUSED, ETIMEDOUT, EMFILE, …) or one of camsweep's
 * own (PROTOCOL, EMPTY, TRUNCATED_CAP, TRUNCATED_TIMEOUT, HOST_TIMEOUT, ABORTED, INTERNAL, NOT_IN_SCOPE).
 * `connected`: the connection was made before the error (a timeout after connecting is an io-timeout).
 * No code is success.
 */
export function classifyError(code: string | undefined, connected = false): Status {
  if (code === undefined || code === '' || code === 'OK') return 'success';
  if (isLocalError(code)) return 'local-error';
  switch (code) {
    case 'ECONNREFUSED': return 'refused';
    case 'ETIMEDOUT': case 'ESOCKETTIMEDOUT': return connected ? 'io-timeout' : 'timeout';
    case 'HOST_TIMEOUT': return 'timeout';
    case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EHOSTDOWN': case 'ENETDOWN': return 'unreachable';
    case 'TRUNCATED_CAP': case 'TRUNCATED_TIMEOUT': return 'truncated';
    case 'ABORTED': case 'ABORT_ERR': return 'aborted';
    case 'NOT_IN_SCOPE': return 'not-in-scope';
    case 'INTERNAL': return 'internal-error';
    default: return 'protocol-error';
  }
}

/** An error code with its status, for a HostError: `{ ...coded('ETIMEDOUT', true) }`. */
export function coded(code: string, connected = false): { code: string; status: Status } {
  return { code, status: classifyError(code, connected) };
}

/** How one module went against one device (or, for discovery, in one run). */
export interface ModuleResult {
  /** tcp (the connect sweep), a probe (http, rtsp) or a discovery module (onvif, ssdp, mdns, sadp, dhip). */
  module: string;
  port?: number;
  status: Status;
  duration_ms: number;
  /** The error code behind a status other than success (ECONNREFUSED, PROTOCOL, EMFILE, …). */
  code?: string;
  error?: string;
}
