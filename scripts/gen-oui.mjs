#!/usr/bin/env node
// Regenerates src/data/oui.json from the IEEE registry as packaged by the `oui-data` devDependency.
// Only organisations the knowledge base can use are kept (camera makers, restricted entities, their
// brands, common network and consumer equipment, and the Wi-Fi module makers whose OUIs name no device
// maker), so the runtime table stays small. One pattern a line below and one prefix a line in the output,
// so that branches adding makers merge line by line; after a merge, run this script again.
// Usage: node scripts/gen-oui.mjs
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const oui = require('oui-data');
const pkg = JSON.parse(readFileSync(new URL('../node_modules/oui-data/package.json', import.meta.url), 'utf8'));
const KEEP = [
  // restricted entities, their brands and OEM labels
  'hikvision', 'ezviz', 'microimage', 'hikrobot', 'dahua', 'huacheng', 'huaray', 'uniview', 'tiandy', 'hytera', 'huawei', 'hisilicon', '\\bzte\\b',
  'amcrest', 'lorex', 'lt security', 'observint', 'swann', 'honeywell', 'interlogix', 'intelbras', 'cp plus',
  // camera makers
  'axis communications', 'hanwha', 'samsung techwin', 'robert bosch', 'bosch security', 'bosch sicherheits', 'vivotek', 'avigilon', 'sony',
  'panasonic', 'i-pro co', 'mobotix', 'milesight', 'reolink', 'ubiquiti', 'xiongmai', 'geovision', 'acti corp', 'pelco', 'canon', 'foscam',
  'd-link', 'verkada', 'flir', 'tvt co', 'instar deutschland', 'bird home automation', 'jovision', 'edimax', 'verint', 'wyze', 'arlo technology',
  'blink by amazon', 'amazon technologies', 'ring llc', 'xiaomi', 'imilab', 'yeelink', 'vcs video', 'motorola solutions', 'google, inc', 'nest labs',
  // printers, NAS, routers, media, IoT
  'hewlett', '\\bhp inc', 'brother industries', 'seiko epson', 'mikrotik', 'routerboard', 'tp-link', 'mercury communication', 'netgear', 'cisco',
  'linksys usa', 'synology', 'qnap', 'avm', 'sagemcom', 'freebox', 'devolo', 'asustek', 'sonos', 'roku', 'sound united', 'd&m holdings',
  'yamaha corporation', 'lenbrook', 'apple, inc', '^nvidia', 'lg electronics', 'samsung electronics', 'tcl king', 'humax', 'belkin', 'shelly',
  'allterco', 'signify', 'philips lighting', 'nabu casa', 'raspberry', 'intel corp',
  // more non-restricted camera makers, network gear, printers and consumer devices (rules round 2)
  'gopro', 'grandstream', 'arecont', 'selea srl', 'beward', 'commax', 'march networks', 'genetec inc', 'dallmeier', 'vicon industries',
  'fortinet', 'sonicwall', 'juniper networks', 'ruckus wireless', 'zyxel', 'palo alto networks', 'draytek', 'teltonika',
  'peplink', 'cradlepoint', 'keenetic', 'compal broadband', 'kyocera corporation', 'ricoh company', 'xerox corp', 'lexmark',
  'eaton corp', 'miele', 'homewizard', 'eq-3',
  // more non-restricted camera, recorder and network makers (rules round 3)
  'asustor', 'basler ag', 'digital watchdog', 'iqinvision', 'jvc kenwood', 'nuuo', 'planet technology', 'sanyo electric', 'stardot',
  'trendnet', 'toshiba', 'zavio', 'webgate',
  // round 4 — other makers (rules4-o): broadband CPE/ONT, switches, media, printers, NAS, recorders
  'fiberhome', 'comtrend', 'mitrastar', '^arris', '^commscope', 'technicolor', 'thomson telecom', '^vantiva', '^nokia', '^ruijie networks',
  'tenda technology', '^bose corp', 'hitron', '^calix', 'actiontec', '^vizio', '^hisense', '^sharp corp', '^buffalo', '^netis', '^idis',
  '^ubee interactive', 'konica minolta',
  // round 7 (rules7b): camera makers seen by MAC alone in the field corpus
  '^merit li-?lin', '^matrix comsec', '^teleste',
  // round 8 (rules8o): makers whose own registrations name them (vendors.yaml `oui: true`, rule declared.oui)
  'pantum', 'zebra technologies', 'cambium networks', 'bang & olufsen', 'ikea of sweden', '^ecobee', 'lutron electronics', '^netatmo',
  'fibar group', 'lumi united', 'meross', '^nanoleaf', 'zmodo', 'fujifilm', '^somfy', 'oki electric', '^eero', '^irobot', 'crestron',
  '^control4', 'onkyo', 'nintendo', 'universal devices', 'seagate', '^polycom', 'everfocus', '2n telekomunikace', 'zkteco', 'lancom systems',
  '^jablotron', 'speco technologies', '^dell\\b', 'western digital', 'silicondust', 'gigaset', '^tivo', 'enphase', 'sophos', 'logitech',
  'valve corp',
  // Wi-Fi/SoC module makers and contract manufacturers: their OUIs name no device maker
  'espressif', 'tuya', 'realtek', 'mediatek', 'beken', 'amlogic', 'ingenic', 'fn-link', 'azurewave', 'gaoshengda', 'icomm', 'bouffalo', 'ampak',
  'shenzhen bilian', 'hon hai', 'universal global scientific', 'liteon', 'murata', 'silicon laboratories', 'texas instruments', 'quectel',
];
const RE = new RegExp(KEEP.join('|'), 'i');
const out = {};
let n = 0;
for (const [k, v] of Object.entries(oui).sort(([a], [b]) => a.localeCompare(b))) {
  const org = String(v).split('\n')[0].trim();
  if (RE.test(org)) { out[k] = org; n++; }
}
const head = { source: 'IEEE MA-L/MA-M/MA-S registries via npm oui-data@' + pkg.version, generated: new Date().toISOString().slice(0, 10), count: n };
const lines = Object.entries(out).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
const text = JSON.stringify(head).slice(0, -1) + ',"prefixes":{\n' + lines.join(',\n') + '\n}}\n';
JSON.parse(text);
writeFileSync(new URL('../src/data/oui.json', import.meta.url), text);
console.error(`wrote ${n} prefixes`);
