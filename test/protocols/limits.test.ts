import { describe, it, expect } from 'vitest';
import { parseWsdMessage, parseDeviceInformation } from '../../src/protocols/wsdiscovery.js';
import { parseSsdp, parseDeviceDescription } from '../../src/protocols/ssdp.js';
import { parseMdns } from '../../src/protocols/mdns.js';
import { parseSadp } from '../../src/protocols/sadp.js';
import { parseDhip, dhipHeader } from '../../src/protocols/dhip.js';
import { stripDoctype } from '../../src/protocols/common.js';

// Worst-case shaped inputs just under the UDP cap: every parser must stay fast and return, not hang.
const N = 65000;
const env = (inner: string): string => `<s:Envelope><s:Body><d:ProbeMatches>${inner}</d:ProbeMatches></s:Body></s:Envelope>`;
const cases: Array<[string, string | Buffer]> = [
  ['deep nesting', '<a>'.repeat(N / 3)],
  ['many ProbeMatch', env('<d:ProbeMatch><d:Scopes>x</d:Scopes></d:ProbeMatch>'.repeat(Math.floor((N - 100) / 50)))],
  ['many "<!"', '<!'.repeat(N / 2)],
  ['unterminated DOCTYPE', '<!DOCTYPE x [' + '"'.repeat(N - 20)],
  ['char refs', '<r><x>' + '&#x41;'.repeat((N - 20) / 6) + '</x></r>'],
  ['many attributes', '<r ' + 'a="1" '.repeat((N - 10) / 6) + '/>'],
  ['whitespace scopes', env('<d:ProbeMatch><d:Scopes>' + ' x'.repeat((N - 200) / 2) + '</d:Scopes></d:ProbeMatch>')],
  ['ssdp colons', 'HTTP/1.1 200 OK\r\n' + ':'.repeat(N - 20)],
  ['ssdp many lines', 'NOTIFY * HTTP/1.1\n' + 'a:b\n'.repeat((N - 20) / 4)],
  ['dhip braces', Buffer.concat([dhipHeader(N - 40), Buffer.from('{'.repeat(N - 40))])],
  ['dhip nested arrays', Buffer.concat([dhipHeader(N - 40), Buffer.from('{"params":{"deviceInfo":' + '['.repeat(N - 80) + '}}')])],
  ['dns compression chain', Buffer.concat([Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from(Array.from({ length: (N - 20) / 2 }, () => [0xc0, 12]).flat())])],
];

describe('limits', () => {
  it.each(cases)('%s', (_n, input) => {
    const t0 = performance.now();
    for (const parse of [parseWsdMessage, parseDeviceInformation, parseSsdp, parseDeviceDescription, parseMdns, parseSadp, parseDhip] as Array<(x: string | Buffer) => unknown>) {
      expect(() => parse(input)).not.toThrow();
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('stripDoctype keeps what follows and drops the subset', () => {
    expect(stripDoctype('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c>]d">]><a>x</a>')).toBe('<?xml version="1.0"?><a>x</a>');
    expect(stripDoctype('<!doctype html><p/>')).toBe('<p/>');
    // a DOCTYPE look-alike inside a comment is cut too (up to its '>'); the document then fails to parse,
    // which is the safe direction for hostile input
    expect(stripDoctype('<a><!-- <!DOCTYPE --></a>')).toBe('<a><!-- </a>');
  });
});
