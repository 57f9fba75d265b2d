#!/usr/bin/env node
// Independent discovery probe for the lab harness test (NOT camsweep code): plain dgram, no deps.
// Sends WS-Discovery probes (wsdp:Device, dn:NetworkVideoTransmitter), SSDP M-SEARCH ssdp:all and
// mDNS PTR queries (legacy unicast from an ephemeral port), then prints one JSON object:
// { wsd: [ip...], ssdp: [{ip, location, server}], mdns: [{ip, names}] }.
import dgram from 'node:dgram';
import crypto from 'node:crypto';

const listenMs = Number(process.argv[2] ?? 2500);
const out = { wsd: new Set(), ssdp: new Map(), mdns: new Map() };

function wsdProbe(types, ns) {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" ${ns}><soap:Header><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action><wsa:MessageID>urn:uuid:${crypto.randomUUID()}</wsa:MessageID></soap:Header><soap:Body><wsd:Probe><wsd:Types>${types}</wsd:Types></wsd:Probe></soap:Body></soap:Envelope>`;
}

function dnsQuery(names) {
  const parts = [Buffer.from([0x12, 0x34, 0, 0, 0, names.length, 0, 0, 0, 0, 0, 0])];
  for (const n of names) {
    for (const label of n.split('.')) { parts.push(Buffer.from([label.length]), Buffer.from(label)); }
    parts.push(Buffer.from([0, 0, 12, 0, 1])); // PTR IN
  }
  return Buffer.concat(parts);
}

function readName(buf, off, depth = 0) {
  const labels = [];
  while (off < buf.length && depth < 20) {
    const len = buf[off];
    if (len === 0) return { name: labels.join('.'), next: off + 1 };
    if ((len & 0xc0) === 0xc0) {
      const ptr = ((len & 0x3f) << 8) | buf[off + 1];
      const r = readName(buf, ptr, depth + 1);
      labels.push(r.name);
      return { name: labels.join('.'), next: off + 2 };
    }
    labels.push(buf.subarray(off + 1, off + 1 + len).toString('utf8'));
    off += 1 + len;
  }
  return { name: labels.join('.'), next: off };
}

function dnsNames(buf) {
  const names = new Set();
  try {
    const count = buf.readUInt16BE(4) + buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
    let off = 12;
    const qd = buf.readUInt16BE(4);
    for (let i = 0; i < count && off < buf.length; i++) {
      const r = readName(buf, off);
      off = r.next;
      if (i < qd) { off += 4; continue; }
      const type = buf.readUInt16BE(off); const rdlen = buf.readUInt16BE(off + 8);
      const rdata = off + 10;
      names.add(r.name);
      if (type === 12) names.add(readName(buf, rdata).name);
      off = rdata + rdlen;
    }
  } catch { /* truncated */ }
  return [...names];
}

const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: 8 << 20 });
sock.on('message', (msg, rinfo) => {
  const text = msg.toString('utf8');
  if (rinfo.port === 3702 && /ProbeMatch/.test(text)) out.wsd.add(rinfo.address);
  else if (rinfo.port === 1900 && /^HTTP\/1\.1 200/i.test(text)) {
    const loc = /^location:\s*(.*)$/im.exec(text)?.[1]?.trim();
    const server = /^server:\s*(.*)$/im.exec(text)?.[1]?.trim();
    out.ssdp.set(rinfo.address, { ip: rinfo.address, location: loc, server });
  } else if (rinfo.port === 5353) {
    const prev = out.mdns.get(rinfo.address) ?? new Set();
    for (const n of dnsNames(msg)) prev.add(n);
    out.mdns.set(rinfo.address, prev);
  }
});
sock.bind(0, () => {
  const send = (buf, port, addr) => sock.send(buf, port, addr);
  send(Buffer.from(wsdProbe('wsdp:Device', 'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof"')), 3702, '239.255.255.250');
  send(Buffer.from(wsdProbe('dn:NetworkVideoTransmitter', 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"')), 3702, '239.255.255.250');
  send(Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'), 1900, '239.255.255.250');
  send(dnsQuery(['_http._tcp.local', '_rtsp._tcp.local']), 5353, '224.0.0.251');
  setTimeout(() => {
    sock.close();
    process.stdout.write(JSON.stringify({
      wsd: [...out.wsd].sort(),
      ssdp: [...out.ssdp.values()],
      mdns: [...out.mdns.entries()].map(([ip, names]) => ({ ip, names: [...names] })),
    }) + '\n');
  }, listenMs);
});
