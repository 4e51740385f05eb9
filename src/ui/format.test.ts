import { describe, expect, it } from 'vitest';
import { bucketFormat, fmtClock, fmtSpan, keyText, measureFormat } from './format';

const DAY = 86_400_000;
const T = Date.UTC(2024, 0, 31, 13, 45, 7);

describe('measureFormat', () => {
  it('shows counts and integer sums as integers, raw as the plain integer', () => {
    for (const f of [measureFormat('count', undefined), measureFormat('count_distinct', 'text'), measureFormat('sum', 'integer')]) {
      expect(f.text(1234567)).toBe('1,234,567');
      expect(f.raw(1234567)).toBe('1234567');
    }
  });

  it('shows float sums and averages to two decimals at most; float sums raw to the cent', () => {
    const sum = measureFormat('sum', 'float');
    expect(sum.text(1234.5)).toBe('1,234.5');
    expect(sum.text(0.125)).toBe('0.13');
    expect(sum.raw(1234.5)).toBe('1234.50');
    expect(sum.raw(7)).toBe('7.00');
    expect(measureFormat('avg', 'integer').text(2 / 3)).toBe('0.67');
  });

  it('shows min and max of dates and timestamps as dates and times, in UTC terms', () => {
    expect(measureFormat('min', 'date').text(19753)).toBe('2024-01-31');
    expect(measureFormat('max', 'timestamp').text(T)).toBe('2024-01-31 13:45:07');
    expect(measureFormat('max', 'timestamp').raw(T)).toBe(String(T));
  });

  it('shows a missing value as a dash, raw as nothing', () => {
    expect(measureFormat('sum', 'float').text(null)).toBe('–');
    expect(measureFormat('sum', 'float').raw(null)).toBe('');
  });

  it('is one object per kind, so that recharts sees the same functions each render', () => {
    expect(measureFormat('sum', 'float')).toBe(measureFormat('sum', 'float'));
    expect(measureFormat('count', undefined)).toBe(measureFormat('count_distinct', 'date'));
  });
});

describe('keyText', () => {
  it('reads a key as its field type does', () => {
    expect(keyText('date', 19753)).toBe('2024-01-31');
    expect(keyText('timestamp', T)).toBe('2024-01-31 13:45:07');
    expect(keyText('boolean', false)).toBe('false');
    expect(keyText('text', '<b>x</b>')).toBe('<b>x</b>');
    expect(keyText('integer', null)).toBe('(null)');
  });
});

describe('bucketFormat', () => {
  it('reads buckets of a day or more as the UTC date they start on, whatever the origin', () => {
    expect(bucketFormat(DAY, false).full(Date.UTC(2024, 0, 31))).toBe('2024-01-31');
    expect(bucketFormat(7 * DAY, true).tick(Date.UTC(2024, 0, 31))).toBe('2024-01-31');
  });

  it("reads a file's buckets as the stored wall-clock time, a stream's on the viewer's clock", () => {
    expect(bucketFormat(3_600_000, true).full(T)).toBe('2024-01-31 13:45:07');
    expect(bucketFormat(3_600_000, true).tick(T)).toBe('01-31 13:45');
    expect(bucketFormat(10_000, true).tick(T)).toBe('13:45:07');
    expect(bucketFormat(10_000, false).full(T)).toBe(fmtClock(T));
    expect(bucketFormat(10_000, false).label(T)).toBe(`bucket ${fmtClock(T)}`);
  });
});

describe('fmtSpan', () => {
  it('says a span as a person would', () => {
    expect([fmtSpan(120_000), fmtSpan(300_000), fmtSpan(12 * 3_600_000), fmtSpan(DAY), fmtSpan(90 * DAY), fmtSpan(12_000)]).toEqual(['2 min', '5 min', '12 h', '1 day', '90 days', '12 s']);
  });
});
