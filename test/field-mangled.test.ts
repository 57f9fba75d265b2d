// Field converter, round 5: captures whose publication mangled the reply (lines collapsed into one by a
// blog, a Python bytes literal, Markdown backslash escapes, typographic quotes, a log that re-wrapped a
// line inside a tag) and replies whose firmware sent a stray line inside the header block. Every case is
// a real tune capture (record id and public source named). Publication mangling is undone in tools/field
// only; the firmware quirk is read by src/protocols/response.ts, so a live scan reads it too.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pastedResponses, toObservation, type Capture } from '../tools/field/corpus.js';
import { identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';
import { isTerminalSafe } from '../src/util/sanitize.js';

const rec = (captures: Capture[]) => toObservation({ id: 't-0001', captures });
const kb = loadKnowledgeBase();

// field-6o-0031, https://github.com/home-assistant/core/issues/14960 (curl -v of a GoAhead camera's /snapshot.cgi)
const GOAHEAD = "*   Trying 192.0.2.12...\n* TCP_NODELAY set\n* Connected to 192.0.2.12 (192.0.2.12) port 81 (#0)\n* Server auth using Basic with user 'admin'\n> GET /snapshot.cgi HTTP/1.1\n> Host: 192.0.2.12:81\n> Authorization: Basic YWRtaW46aXBjYW0=\n> User-Agent: curl/7.60.0\n> Accept: */*\n>\n< HTTP/1.1 200 OK\n< Server: GoaHead\n< Tue, 12 Jun 2012 01:56:34 GMT\n< Content-Type:image/jpeg\n< Content-Length:23100\n< Connection: close\n<\n";
// cameras-other-2-0063, offensive-security/exploitdb@b4e29f1f:exploits/hardware/webapps/39798.txt (JVC VR-809/816)
const JVC = "HTTP/1.1 200 OK\nConnection: close\nContent-Type: text/html; charset=utf-8\nContent-Length: 564\nX-Response: video.input(01).comment<img src=a\nonerror=alert(\"XSS\")>&video.input(02).comment&video.input(03).comment&video.input(04).comment&video.input(05).comment&video.input(06).comment&video.input(07).comment&video.input(08).comment&video.input(09).comment\nCache-control: no-cache\nPragma: no-cache\nExpires: Thu, 05 May 2016 14:20:45 GMT\nServer: JVC VR-809/816 API Server/1.0.0\nDate: Thu, 05 May 2016 14:20:45 GMT\n";
// dahua-0028 (capture 3): an event-stream body pasted without status line or headers
const DAHUA_MP = '--myboundary\nContent-Type: text/plain\nContent-Length: 9\n\nHeartbeat';

describe('converter + response parser: a stray line inside the header block (firmware quirk)', () => {
  it('keeps the header lines after a nameless date line (field-6o-0031, GoAhead)', () => {
    const { record } = rec([{ kind: 'http', port: 81, path: '/snapshot.cgi', partial: true, raw: GOAHEAD }]);
    expect(record.http?.[0].headers).toEqual({ server: 'GoaHead', 'content-type': 'image/jpeg', 'content-length': '23100', connection: 'close' });
    expect(record.http?.[0].body ?? '').toBe('');
  });
  it('keeps the header lines after a value broken by a raw LF; the Server header names the recorder (cameras-other-2-0063)', () => {
    const { record } = rec([{ kind: 'http', port: 80, raw: JVC }]);
    expect(record.http?.[0].headers.server).toBe('JVC VR-809/816 API Server/1.0.0');
    expect(record.http?.[0].headers['cache-control']).toBe('no-cache');
    expect(identify(record, kb).maker).toBe('jvc');
  });
  it('a body-only multipart paste stays a body (dahua-0028)', () => {
    const [t] = pastedResponses(DAHUA_MP, 'HTTP/1.1');
    expect(t).toBe(`HTTP/1.1 000 not-captured\r\n\r\n${DAHUA_MP}`);
  });
});
