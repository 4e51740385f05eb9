import { describe, expect, it } from 'vitest';
import { chartPlan } from './ResultChart';

const col = (name: string, type: string) => ({ name, type });

describe('chartPlan', () => {
  it('bars per text value, lines over time, and a line per text value for long-form rows', () => {
    expect(chartPlan([col('city', 'VARCHAR'), col('n', 'BIGINT'), col('sum', 'DOUBLE')])).toEqual({ x: 0, kind: 'category', ys: [1, 2] });
    expect(chartPlan([col('m', 'TIMESTAMP'), col('n', 'BIGINT')])).toEqual({ x: 0, kind: 'time', ys: [1] });
    expect(chartPlan([col('m', 'TIMESTAMP'), col('country', 'VARCHAR'), col('n', 'BIGINT'), col('s', 'DOUBLE')])).toEqual({ x: 0, kind: 'time', ys: [2], series: 1 });
  });

  it('nothing to chart without a time or text column, or without numbers', () => {
    expect(chartPlan([col('n', 'BIGINT')])).toBeNull();
    expect(chartPlan([col('city', 'VARCHAR'), col('ok', 'BOOLEAN')])).toBeNull();
  });
});
