// The pure layout under the table: widths, truncation, column choice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitCell, layoutColumns, truncate, visibleWidth, wrapWords, type ColumnSpec } from '../../src/report/layout.js';
import { paint } from '../../src/report/color.js';

describe('truncate', () => {
  it('cuts at a word boundary with an ellipsis, or after whole characters for one long token', () => {
    expect(truncate('Huawei Auth-Http Server 1.0', 14)).toBe('Huawei Auth-…');
    expect(truncate('Huawei Auth-Http Server 1.0', 10)).toBe('Huawei…');
    expect(truncate('Huawei Auth-Http Server 1.0', 27)).toBe('Huawei Auth-Http Server 1.0');
    expect(truncate('DS-2CD2143G0-I', 8)).toBe('DS-2CD2…'); // "DS-" would keep less than half
    expect(truncate('ABCDEFGHIJKLMNOP', 8)).toBe('ABCDEFG…');
    expect(truncate('摄像机摄像机', 7)).toBe('摄像机…');
    expect(truncate('anything', 1)).toBe('…');
    expect(truncate('anything', 0)).toBe('');
  });
  it('never exceeds the width, and what it keeps is the start of the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 0, max: 90 }), (s, w) => {
      const t = truncate(s, w);
      expect(visibleWidth(t)).toBeLessThanOrEqual(w);
      if (t !== s) {
        if (w > 0) expect(t.endsWith('…')).toBe(true);
        expect(s.startsWith(t.slice(0, -1).trimEnd())).toBe(true);
      }
    }));
  });
});

describe('fitCell with parts', () => {
  const v = { parts: ['Hikvision web server', 'Hikvision Digest realm'], short: ['web server', 'Digest realm'], sep: ', ', total: 5 };
  it('shows as many whole parts as fit and counts the rest', () => {
    expect(fitCell(v, 80)).toBe('Hikvision web server, Hikvision Digest realm +3 more');
    expect(fitCell(v, 40)).toBe('Hikvision web server +4 more');
    expect(fitCell(v, 20)).toBe('Hikvision web server');
    expect(fitCell(v, 18)).toBe('web server +4 more');
    expect(fitCell(v, 16)).toBe('web server');
    expect(fitCell(v, 6)).toBe('web…');
  });
});

describe('layoutColumns', () => {
  const specs: ColumnSpec[] = [
    { key: 'a', header: 'A', priority: 0, tier: 0, min: 5 },
    { key: 'b', header: 'B', priority: 1, tier: 1, min: 4, want: 10 },
    { key: 'c', header: 'C', priority: 2, tier: 2, min: 8 },
    { key: 'e', header: 'E', priority: 3, tier: 1, min: 3 },
  ];
  const rows = [{ a: 'aaaaa', b: 'bbbbbbbbbbbbbbbbbbbb', c: 'cccccccc', e: '-' }];
  it('keeps tier 0, admits tier 1 at its minimum, tier 2 only when the others have their want; drops empty columns', () => {
    expect(layoutColumns(specs, rows, 11).columns.map((c) => [c.key, c.width])).toEqual([['a', 5], ['b', 4]]);
    expect(layoutColumns(specs, rows, 20).columns.map((c) => [c.key, c.width])).toEqual([['a', 5], ['b', 13]]);
    expect(layoutColumns(specs, rows, 27).columns.map((c) => [c.key, c.width])).toEqual([['a', 5], ['b', 10], ['c', 8]]);
    expect(layoutColumns(specs, rows, 60).columns.map((c) => [c.key, c.width])).toEqual([['a', 5], ['b', 20], ['c', 8]]);
  });
  it('squeezes even tier 0 into a tiny width', () => {
    const l = layoutColumns(specs, rows, 3);
    expect(l.columns.reduce((s, c) => s + c.width, 0)).toBeLessThanOrEqual(3);
  });
});

describe('wrapWords and paint', () => {
  it('wraps at spaces only', () => {
    expect(wrapWords(['one', 'two', 'three'], 8)).toEqual([['one', 'two'], ['three']]);
    expect(wrapWords(['abcdefghijkl'], 5)).toEqual([['abcd…']]);
  });
  it('paints whole spans with one SGR sequence and a reset, and nothing when off', () => {
    expect(paint(['bold', 'red'], 'x', true)).toBe('\u001b[1;31mx\u001b[0m');
    expect(paint('green', 'x', false)).toBe('x');
    expect(paint('green', '', true)).toBe('');
  });
});
