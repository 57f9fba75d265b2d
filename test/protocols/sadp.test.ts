import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildInquiry, parseSadp, parseSadpMessage, buildSadpReply, sadpSummary } from '../../src/protocols/sadp.js';
import { normaliseMac } from '../../src/model/address.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';

// Fixtures from the SADP XML format documented by (julienblitte/UniversalScanner
// Hikvision.cs + Hikvision.selftest field set and order; hikvision-tooling internal/sadp/scanner.go).
// Values are illustrative (DS-2CD2143G0-I, serial = model + date + batch, dash-form MAC with a Hikvision OUI).
const HIK_REPLY = '<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>6F1D5C2A-0B3E-4A7F-9C1D-2E3F4A5B6C7D</Uuid><Types>inquiry</Types>'
  + '<DeviceType>123456</DeviceType><DeviceDescription>DS-2CD2143G0-I</DeviceDescription><DeviceSN>DS-2CD2143G0-I20200101AACH123456789</DeviceSN>'
  + '<CommandPort>8000</CommandPort><HttpPort>80</HttpPort><MAC>44-19-b6-00-00-01</MAC><IPv4Address>192.0.0.64</IPv4Address>'
  + '<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask><IPv4Gateway>0.0.0.0</IPv4Gateway><IPv6Address>::</IPv6Address><IPv6Gateway>::</IPv6Gateway>'
  + '<IPv6MaskLen>64</IPv6MaskLen><DHCP>false</DHCP><AnalogChannelNum>0</AnalogChannelNum><DigitalChannelNum>1</DigitalChannelNum>'
  + '<SoftwareVersion>V5.5.0build 170725</SoftwareVersion><DSPVersion>V7.3 build 170718</DSPVersion><BootTime>2020-01-01 00:00:00</BootTime>'
  + '<ResetAbility>false</ResetAbility><DiskNumber>0</DiskNumber><Activated>false</Activated><PasswordResetAbility>true</PasswordResetAbility>'
  + '<PasswordResetModeSecond>true</PasswordResetModeSecond><SupportHCPlatform>true</SupportHCPlatform><HCPlatformEnable>false</HCPlatformEnable>'
  + '<IsModifyVerificationCode>false</IsModifyVerificationCode><Encoder>true</Encoder><OEMInfo>Hikvision</OEMInfo>'
  + '<SDKOverTLSPort>8443</SDKOverTLSPort><SDKServerStatus>true</SDKServerStatus></ProbeMatch>';

// An OEM unit (LTS-style relabel), pretty-printed with CRLF, missing IPv4Address (UniversalScanner then
// falls back to the source IP).
const OEM_REPLY = '<?xml version="1.0" encoding="UTF-8"?>\r\n<ProbeMatch>\r\n  <Uuid>6F1D5C2A-0B3E-4A7F-9C1D-2E3F4A5B6C7D</Uuid>\r\n'
  + '  <Types>inquiry</Types>\r\n  <DeviceDescription>CMIP3042W-28M</DeviceDescription>\r\n  <DeviceSN>CMIP3042W-28M20190615AAWRD12345678</DeviceSN>\r\n'
  + '  <MAC>c0-56-e3-12-34-56</MAC>\r\n  <SoftwareVersion>V5.4.5build 170124</SoftwareVersion>\r\n  <Activated>true</Activated>\r\n</ProbeMatch>\r\n';

const ALL_VALID = [HIK_REPLY, OEM_REPLY, buildInquiry('6f1d5c2a-0b3e-4a7f-9c1d-2e3f4a5b6c7d')];

describe('buildInquiry', () => {
  it('matches the documented probe exactly, upper-casing the Uuid', () => {
    expect(buildInquiry('6f1d5c2a-0b3e-4a7f-9c1d-2e3f4a5b6c7d').toString()).toBe(
      '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>6F1D5C2A-0B3E-4A7F-9C1D-2E3F4A5B6C7D</Uuid><Types>inquiry</Types></Probe>');
    expect(buildInquiry('a', 'inquiry_v32').toString()).toContain('<Types>inquiry_v32</Types>');
    expect(buildInquiry('<x>&').toString()).toContain('<Uuid>&lt;X&gt;&amp;</Uuid>');
  });
  it('parses back as a probe (the simulator side)', () => {
    expect(parseSadpMessage(buildInquiry('abc'))).toEqual({ root: 'Probe', kind: 'probe', fields: { Uuid: 'ABC', Types: 'inquiry' } });
  });
});

describe('parseSadp (table)', () => {
  it('a full reply: every field, flat, strings kept verbatim', () => {
    const f = parseSadp(Buffer.from(HIK_REPLY))!;
    expect(Object.keys(f)).toHaveLength(32);
    expect(f).toMatchObject({
      Uuid: '6F1D5C2A-0B3E-4A7F-9C1D-2E3F4A5B6C7D', Types: 'inquiry', DeviceType: '123456', DeviceDescription: 'DS-2CD2143G0-I',
      DeviceSN: 'DS-2CD2143G0-I20200101AACH123456789', CommandPort: '8000', HttpPort: '80', MAC: '44-19-b6-00-00-01',
      IPv4Address: '192.0.0.64', IPv4SubnetMask: '255.255.255.0', IPv4Gateway: '0.0.0.0', DHCP: 'false', AnalogChannelNum: '0',
      DigitalChannelNum: '1', SoftwareVersion: 'V5.5.0build 170725', DSPVersion: 'V7.3 build 170718', BootTime: '2020-01-01 00:00:00',
      Activated: 'false', PasswordResetAbility: 'true', OEMInfo: 'Hikvision', SDKOverTLSPort: '8443', IPv6Address: '::',
    });
    expect(parseSadpMessage(HIK_REPLY)!.kind).toBe('probematch');
    expect(sadpSummary(f)).toEqual({
      model: 'DS-2CD2143G0-I', serial: 'DS-2CD2143G0-I20200101AACH123456789', firmware: 'V5.5.0build 170725', mac: '44:19:b6:00:00:01',
      ipv4: '192.0.0.64', httpPort: 80, commandPort: 8000, activated: false, oem: 'Hikvision',
    });
  });

  it('OEM reply, pretty-printed, without IPv4Address', () => {
    const f = parseSadp(OEM_REPLY)!;
    expect(f).toEqual({
      Uuid: '6F1D5C2A-0B3E-4A7F-9C1D-2E3F4A5B6C7D', Types: 'inquiry', DeviceDescription: 'CMIP3042W-28M',
      DeviceSN: 'CMIP3042W-28M20190615AAWRD12345678', MAC: 'c0-56-e3-12-34-56', SoftwareVersion: 'V5.4.5build 170124', Activated: 'true',
    });
    expect(sadpSummary(f)).toEqual({ model: 'CMIP3042W-28M', serial: 'CMIP3042W-28M20190615AAWRD12345678', firmware: 'V5.4.5build 170124', mac: 'c0:56:e3:12:34:56', activated: true });
  });

  it('nested elements flatten with dots; repeated tags first-wins', () => {
    const f = parseSadp('<ProbeMatch><Uuid>u</Uuid><Net><IP>1.2.3.4</IP></Net><X>1</X><X>2</X></ProbeMatch>')!;
    expect(f).toEqual({ Uuid: 'u', 'Net.IP': '1.2.3.4', X: '1' });
  });

  it('entities are not expanded; XXE is not read', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "AAAA"><!ENTITY b "&a;&a;&a;&a;">]><ProbeMatch><DeviceDescription>&b;</DeviceDescription><Uuid>&amp;&#65;</Uuid></ProbeMatch>';
    expect(parseSadp(lol)).toEqual({ DeviceDescription: '&b;', Uuid: '&A' });
    const xxe = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><ProbeMatch><DeviceSN>&x;</DeviceSN></ProbeMatch>';
    expect(parseSadp(xxe)).toEqual({ DeviceSN: '&x;' });
  });

  it('__proto__ / constructor tags are ignored', () => {
    const f = parseSadp('<ProbeMatch><__proto__><polluted>1</polluted></__proto__><constructor>x</constructor><prototype>y</prototype><Uuid>u</Uuid></ProbeMatch>')!;
    expect(f).toEqual({ Uuid: 'u' });
    expect(polluted()).toBe(false);
    expect(parseSadp('<__proto__><a>1</a></__proto__>')).toBeNull();
  });

  it('control characters are cleaned', () => {
    const f = parseSadp('<ProbeMatch><DeviceDescription>DS\u001b[2J-2CD&#27;[31m&#x85;X</DeviceDescription></ProbeMatch>')!;
    expect(noControlChars(f)).toBe(true);
    expect(f.DeviceDescription).toBe('DS-2CD X');
  });

  it('junk, truncation, SOAP and oversize give null', () => {
    for (const x of ['', 'lollipop', '<ProbeMatch/>', '<ProbeMatch>', 'x'.repeat(70000),
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>']) {
      expect(parseSadp(x)).toBeNull();
    }
    expect(parseSadp(Buffer.alloc(0))).toBeNull();
    expect(parseSadp(42 as unknown as string)).toBeNull();
  });

  it('a reply cut short keeps the fields that arrived whole (and only those)', () => {
    const full = parseSadp(HIK_REPLY)!;
    const cut = parseSadp(HIK_REPLY.slice(0, 200))!;
    expect(cut).toEqual({ Uuid: full.Uuid, Types: 'inquiry', DeviceType: '123456', DeviceDescription: 'DS-2CD2143G0-I' }); // its closing tag had begun
    for (let n = 0; n < HIK_REPLY.length; n += 5) {
      const f = parseSadp(HIK_REPLY.slice(0, n));
      for (const [k, v] of Object.entries(f ?? {})) expect(v, `${n}:${k}`).toBe(full[k]);
    }
  });

  it('caps the number of fields', () => {
    const many = '<ProbeMatch>' + Array.from({ length: 1000 }, (_, i) => `<F${i}>v</F${i}>`).join('') + '</ProbeMatch>';
    expect(Object.keys(parseSadp(many)!).length).toBeLessThanOrEqual(128);
  });

  it('MACs in SADP form are read by the one MAC helper', () => {
    expect(normaliseMac('44-19-b6-00-00-01')).toBe('44:19:b6:00:00:01');
    expect(normaliseMac('4419b6000001')).toBe('44:19:b6:00:00:01');
    expect(normaliseMac('nope')).toBeUndefined();
    expect(normaliseMac(undefined)).toBeUndefined();
  });
});

describe('buildSadpReply round trip', () => {
  it('keeps order, escapes values, defaults Types', () => {
    const fields = { Uuid: 'ABC', DeviceDescription: 'DS-<evil>&"', DeviceSN: '0001', CommandPort: 8000, Activated: false, MAC: '44-19-b6-00-00-01' };
    const b = buildSadpReply(fields).toString();
    expect(b.startsWith('<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>ABC</Uuid><Types>inquiry</Types>')).toBe(true);
    expect(parseSadp(b)).toEqual({ Uuid: 'ABC', Types: 'inquiry', DeviceDescription: 'DS-<evil>&"', DeviceSN: '0001', CommandPort: '8000', Activated: 'false', MAC: '44-19-b6-00-00-01' });
  });
  it('skips keys that are not XML names', () => {
    expect(parseSadp(buildSadpReply({ Uuid: 'u', 'bad key': 'x', '__proto__': 'y', 'a.b': 'z' } as Record<string, string>))).toEqual({ Uuid: 'u', Types: 'inquiry' });
  });
  it('the documented fixture round-trips', () => {
    const f = parseSadp(HIK_REPLY)!;
    expect(parseSadp(buildSadpReply(f))).toEqual(f);
  });
});

describe('properties', () => {
  const inputs = hostileInputs(ALL_VALID);
  it.each([['parseSadp', parseSadp], ['parseSadpMessage', parseSadpMessage], ['sadpSummary', (x: Buffer | string) => sadpSummary(parseSadp(x) ?? {})]] as Array<[string, (x: Buffer | string) => unknown]>)(
    '%s never throws, no control characters', (_n, parse) => {
      fc.assert(fc.property(inputs, (x) => {
        const r = parse(x);
        expect(noControlChars(r)).toBe(true);
        expect(noPrototypeKeys(r)).toBe(true);
      }), { numRuns: 400 });
      expect(polluted()).toBe(false);
    });

  it('build -> parse for arbitrary values', () => {
    const key = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,15}$/).filter((k) => k !== 'Types');
    fc.assert(fc.property(fc.dictionary(key, fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/), { minKeys: 1 }), (d) => {
      const f = parseSadp(buildSadpReply(d))!;
      expect(f).toEqual({ ...d, Types: 'inquiry' });
    }));
  });
});
