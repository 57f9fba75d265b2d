// What an RTSP answer reveals beyond its Server header: the realm of each authentication challenge
// (WWW-Authenticate of a 401) and, when a device answers DESCRIBE without credentials, the session
// description (SDP, RFC 8866) it sends. Pure and bounded: a hostile answer costs O(length), at most
// MAX_SDP_SCAN characters are read, at most MAX_SDP_VALUES values come out, each at most 256 characters.
//
// Out of the SDP come the lines vendors fill with their own names:
//   s=  session name ("Media Presentation", "HIK Media Server", "Session streamed by \"preview\"")
//   i=  session or media information ("h264Preview_01_main", "Media Presentation")
//   o=  origin: its first token is the user name ("-" almost always; some stacks put their own name)
//   u=  URI of the description ("www.evostream.com")
//   a=tool:     the streaming library and its version ("LIVE555 Streaming Media v2017.10.28")
//   a=control:  stream URLs and track names ("rtsp://…/Streaming/Channels/101/trackID=1", "trackID=1")
//   a=rtpmap:   payload encodings ("96 H264/90000")
//   a=…:        every other attribute that is not a standard SDP/RTSP/WebRTC one, as "name:value" with the
//               name in lower case: vendor extensions ("packetization-supported:DH",
//               "media_header:MEDIAINFO=494D4B48…", "appversion:1.0", "x-qt-text-nam:…")
import { clean } from '../util/sanitize.js';

export const MAX_SDP_SCAN = 16384;
export const MAX_SDP_VALUES = 64;
export const SDP_VALUE_MAX = 256;
/** At most this many challenges per header value are read. */
export const MAX_CHALLENGES = 8;

/** Attributes of the SDP, RTSP and WebRTC specifications (and codec parameters): they name no vendor. */
const STANDARD_ATTRS = new Set([
  'rtpmap', 'fmtp', 'control', 'range', 'recvonly', 'sendonly', 'sendrecv', 'inactive', 'framerate', 'framesize', 'tool', 'type', 'charset',
  'sdplang', 'lang', 'orient', 'ptime', 'maxptime', 'quality', 'cat', 'keywds', 'rtcp', 'rtcp-mux', 'rtcp-rsize', 'rtcp-fb', 'ssrc', 'ssrc-group', 'mid',
  'group', 'setup', 'fingerprint', 'ice-ufrag', 'ice-pwd', 'ice-options', 'candidate', 'extmap', 'extmap-allow-mixed', 'msid', 'msid-semantic',
  'mpeg4-iod', 'mpeg4-esid', 'isma-compliance', 'length', 'etag', 'cliprect', 'source-filter', 'crypto', 'end-of-candidates', 'imageattr', 'rid', 'simulcast',
]);

export type SdpKey = 'session' | 'info' | 'origin' | 'uri' | 'tool' | 'control' | 'rtpmap' | 'attr';
export interface SdpValue { key: SdpKey; value: string }

/** The SDP lines vendors name themselves in. Never throws; values cleaned (one line, no control character) and bounded. */
export function parseSdp(body: unknown): SdpValue[] {
  if (typeof body !== 'string' || !body) return [];
  const text = body.length > MAX_SDP_SCAN ? body.slice(0, MAX_SDP_SCAN) : body;
  // An SDP starts with v=; anything else (an HTML error page, a JSON body) is not read as one.
  if (!/^\s{0,8}v=\d/.test(text)) return [];
  const out: SdpValue[] = [];
  const seen = new Set<string>();
  const add = (key: SdpKey, raw: string) => {
    if (out.length >= MAX_SDP_VALUES) return;
    const value = clean(raw, SDP_VALUE_MAX);
    if (!value) return;
    const k = `${key}\u0000${value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ key, value });
  };
  let start = 0;
  for (let lines = 0; start < text.length && lines < 1024 && out.length < MAX_SDP_VALUES; lines++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 1024)).replace(/\r$/, '');
    start = end + 1;
    if (line.length < 2 || line[1] !== '=') continue;
    const v = line.slice(2);
    switch (line[0]) {
      case 's': add('session', v); break;
      case 'i': add('info', v); break;
      case 'u': add('uri', v); break;
      case 'o': { const user = v.trim().split(/\s/, 1)[0] ?? ''; if (user && user !== '-') add('origin', user); break; }
      case 'a': {
        const c = v.indexOf(':');
        const name = (c < 0 ? v : v.slice(0, c)).trim().toLowerCase();
        const val = c < 0 ? '' : v.slice(c + 1);
        if (name === 'tool') add('tool', val);
        else if (name === 'control') add('control', val);
        else if (name === 'rtpmap') add('rtpmap', val);
        else if (/^[a-z][a-z0-9_.-]{0,47}$/.test(name) && !STANDARD_ATTRS.has(name)) add('attr', c < 0 ? name : `${name}:${val}`);
        break;
      }
      default: break;
    }
  }
  return out;
}

/**
 * The realm of every challenge in WWW-Authenticate value(s): quoted (`realm="IP Camera(C2183)"`),
 * unquoted (`realm=device`) or with the quote never closed (truncated firmware output: the rest of the
 * value up to a comma). Several challenges on one line ("Digest …, Basic …") each give theirs. Never
 * throws; each realm cleaned and at most 256 characters; at most MAX_CHALLENGES per value.
 */
export function challengeRealms(h: unknown): string[] {
  const values = (Array.isArray(h) ? h : [h]).filter((x): x is string => typeof x === 'string').slice(0, MAX_CHALLENGES);
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.length > 4096 ? raw.slice(0, 4096) : raw;
    const re = /\brealm\s{0,4}=\s{0,4}(?:"([^"]{0,512})(?:"|$)|([^",\s]{1,512}))/gi;
    let n = 0;
    for (let m = re.exec(v); m && n < MAX_CHALLENGES; m = re.exec(v), n++) {
      const realm = clean(m[1] ?? m[2] ?? '', SDP_VALUE_MAX);
      if (realm && !out.includes(realm)) out.push(realm);
    }
  }
  return out;
}
