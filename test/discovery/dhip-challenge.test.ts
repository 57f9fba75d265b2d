// A DHIP answer without deviceInfo (a global.login challenge, as Imou and Dahua units send in DHIP
// framing; mcw0/DahuaConsole#29) is kept with what it said, over real UDP on 127.77.143.0/24.
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { dhip } from '../../src/discovery/dhip.js';
import { buildDhipFrame, DHIP_PORT } from '../../src/protocols/dhip.js';
import { identify } from '../../src/fingerprint/engine.js';
import { defaultKnowledgeBase, defaultMacLookup } from '../../src/data/load.js';
import type { ObservationRecord } from '../../src/model/types.js';
import { ctx, run } from './helpers.js';

const NET = '127.77.143';
const sockets: dgram.Socket[] = [];
afterAll(() => { for (const s of sockets) s.close(); });

/** A DHIP responder on `ip` that answers every search with `json` in DHIP framing. */
async function responder(ip: string, json: string): Promise<void> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  s.on('message', (_m, r) => s.send(buildDhipFrame(json), r.port, r.address));
  await new Promise<void>((res) => s.bind(DHIP_PORT, ip, () => res()));
}

describe('dhip: answers without deviceInfo', () => {
  it('a login challenge is a sighting with its realm, and names Dahua with the serial', async () => {
    // The reply has no method: error, params and session (as in mcw0/DahuaConsole#29).
    await responder(`${NET}.10`, JSON.stringify({ error: { code: 268632079, message: 'Component error: login challenge!' }, id: 1, mac: '3c:ef:8c:00:00:01', params: { encryption: 'Default', random: '1894926367', realm: 'Login to 5C93A07E1D2B64F8' }, session: 2147483646 }));
    // An answer that says nothing (no deviceInfo, no params) is still dropped.
    await responder(`${NET}.11`, JSON.stringify({ id: 1, method: 'client.notifyDevInfo', params: {} }));
    // A request another client sends (a configuration tool's login) is no answer about its sender.
    await responder(`${NET}.12`, JSON.stringify({ id: 1, method: 'global.login', params: { userName: 'admin', password: '', clientType: 'Dahua3.0-Web3.0' } }));
    const out = await run(dhip, ctx({ unicastTargets: [`${NET}.10`, `${NET}.11`, `${NET}.12`] }));
    expect(out.map((s) => s.ip)).toEqual([`${NET}.10`]);
    expect(out[0].record.dhip).toMatchObject({ realm: 'Login to 5C93A07E1D2B64F8', mac: '3c:ef:8c:00:00:01' });
    expect(out[0].mac).toBe('3c:ef:8c:00:00:01');
    const id = identify({ ip: `${NET}.10`, open_ports: [], seen_by: ['dhip'], dhip: out[0].record.dhip } as unknown as ObservationRecord, defaultKnowledgeBase(), defaultMacLookup());
    expect(id.maker).toBe('dahua');
    expect(id.evidence.map((e) => e.rule)).toContain('dahua.dhip.login-realm');
  });
});
