// The HTML report in a real browser: Debian's chromium, driven by playwright-core (no browser is
// downloaded: executablePath). The page renders with no console error, no page error and no CSP
// violation; it makes no network request of any kind; sorting and the filters work; a value
// <script>alert(1)</script> from a device shows as text (no dialog opens); print media hides the
// controls and shows every row. A screenshot is kept as an artefact: artifacts/html-report.png.
//
// Chromium absent: in CI (CI=true) that is a failure (.ci/run installs it); elsewhere the suite is
// skipped with a message saying so.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/model/types.js';
import { renderHtml } from '../../src/report/html.js';
import { hostileReport, loadFixed12, SCRIPT } from '../report/hostile.js';

const CHROMIUM = process.env.CAMSWEEP_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true' || process.env.CI === '1';

if (!present && !inCi) {
  process.stderr.write(`test/browser: skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CAMSWEEP_CHROMIUM); .ci/run installs it\n`);
}

describe.skipIf(!present && !inCi)('the HTML report in headless chromium', () => {
  let browser: Browser;
  const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-html-'));

  beforeAll(async () => {
    if (!present) throw new Error(`CI: no chromium at ${CHROMIUM}; .ci/run installs it with apt`);
    // The browser itself reaches nothing either: no name resolves, every connection would go to a
    // dead proxy on loopback, and playwright already turns off background networking and updates.
    browser = await chromium.launch({
      executablePath: CHROMIUM, timeout: 120000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--host-resolver-rules=MAP * ~NOTFOUND', '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>', '--no-pings', '--disable-domain-reliability'],
    });
  }, 150000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  interface Opened { page: Page; url: string; requests: string[]; problems: string[]; dialogs: string[] }

  async function open(r: ScanReport, name: string): Promise<Opened> {
    const file = path.join(tmp, name);
    writeFileSync(file, renderHtml(r, { width: 100, color: false, failOn: 'restricted' }));
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { csp: string[] }).csp ??= [];
        (window as unknown as { csp: string[] }).csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(url, { waitUntil: 'load' });
    const csp = await page.evaluate(() => (window as unknown as { csp?: string[] }).csp ?? []);
    problems.push(...csp.map((c) => `CSP violation: ${c}`));
    return { page, url, requests, problems, dialogs };
  }

  const visible = (page: Page) => page.$$eval('#devices tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => (r.cells[0].textContent ?? '').trim()));
  const column = (page: Page, i: number) => page.$$eval('#devices tbody tr', (rows, c) => rows.map((r) => (r.cells[c].textContent ?? '').trim()), i);

  it('renders: no console error, no CSP violation, no request but the file itself; sorting and filters work; screenshot kept', async () => {
    const r = loadFixed12();
    const { page, url, requests, problems, dialogs } = await open(r, 'report.html');
    expect(await page.title()).toMatch(/^camsweep audit report: 7 restricted/);
    expect(await page.isVisible('#controls')).toBe(true);
    expect(await page.textContent('#shown')).toBe(`${r.devices.length} of ${r.devices.length} shown`);
    expect(await page.$$eval('#chains .device', (x) => x.length)).toBe(r.devices.length);
    expect(await page.isVisible('svg.chart')).toBe(true);

    // Filters: verdict check boxes, maker, free text.
    await page.uncheck('input[name=verdict][value=clear]');
    expect(await visible(page)).toHaveLength(r.devices.filter((d) => d.verdict.status !== 'clear').length);
    await page.check('input[name=verdict][value=clear]');
    await page.selectOption('#f-maker', 'Hikvision');
    const hik = r.devices.filter((d) => d.identification.maker_name === 'Hikvision');
    expect((await visible(page)).sort()).toEqual(hik.map((d) => d.ip).sort());
    await page.selectOption('#f-maker', '');
    await page.fill('#f-text', 'DS-7608NI');
    expect(await visible(page)).toEqual(r.devices.filter((d) => (d.identification.model ?? '').includes('DS-7608NI')).map((d) => d.ip));
    await page.fill('#f-text', '');
    expect(await visible(page)).toHaveLength(r.devices.length);

    // Sorting: address ascending, then descending (numerically: .9 before .10); verdict, restricted first.
    const byAddress = [...r.devices.map((d) => d.ip)].sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]));
    await page.click('#devices thead th:nth-child(1) button');
    expect(await column(page, 0)).toEqual(byAddress);
    expect(await page.getAttribute('#devices thead th:nth-child(1)', 'aria-sort')).toBe('ascending');
    await page.click('#devices thead th:nth-child(1) button');
    expect(await column(page, 0)).toEqual([...byAddress].reverse());
    await page.click('#devices thead th:nth-child(2) button');
    const verdicts = await column(page, 1);
    expect(verdicts.slice(0, r.summary.restricted).every((v) => v === 'restricted')).toBe(true);
    // Sorting keeps the filters: only the hidden rows stay hidden.
    await page.uncheck('input[name=verdict][value=restricted]');
    await page.click('#devices thead th:nth-child(3) button');
    expect(await visible(page)).toHaveLength(r.devices.length - r.summary.restricted);
    await page.check('input[name=verdict][value=restricted]');

    // Print: no controls, every row.
    await page.uncheck('input[name=verdict][value=clear]');
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#controls')).toBe(false);
    expect(await page.$$eval('#devices tbody tr', (rows) => rows.filter((x) => getComputedStyle(x).display !== 'none').length)).toBe(r.devices.length);
    await page.emulateMedia({ media: 'screen' });
    await page.check('input[name=verdict][value=clear]');

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'html-report.png');
    // The whole page down to the end of the device table and the first evidence chains (a bounded
    // bitmap: the full page of a long report is tens of megapixels).
    const height = Math.min(6000, await page.evaluate(() => document.documentElement.scrollHeight));
    await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    expect(existsSync(shot)).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-top.png') });

    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    await page.context().close();
  }, 150000);

  it(`a device value ${SCRIPT} shows as text; nothing runs, nothing is fetched`, async () => {
    const { page, url, requests, problems, dialogs } = await open(hostileReport(), 'hostile.html');
    expect(await page.$$eval('script', (s) => s.length)).toBe(1);
    expect(await page.$$eval('img', (s) => s.length)).toBe(0);
    const text = await page.textContent('#chains');
    expect(text).toContain(SCRIPT);
    expect(await page.textContent('#scope')).toContain(SCRIPT);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.context().close();
  }, 60000);
});
