import { describe, expect, it } from 'vitest';
import { parseValueText, valueText } from './valueText';

describe('values as people read and type them', () => {
  it('shows dates and naive timestamps as stored, whatever the zone of the machine', () => {
    expect(valueText('date', 19_000)).toBe('2022-01-08');
    expect(valueText('date', -1)).toBe('1969-12-31');
    expect(valueText('timestamp', Date.UTC(2024, 0, 31, 13, 45, 0))).toBe('2024-01-31 13:45:00');
    expect(valueText('timestamp', Date.UTC(1899, 11, 31, 23, 59, 59, 5))).toBe('1899-12-31 23:59:59.005');
    expect(valueText('boolean', false)).toBe('false');
    expect(valueText('integer', null)).toBe('');
  });

  it('reads what it shows, and names what it expected', () => {
    expect(parseValueText('timestamp', '2024-01-31 13:45:00')).toBe(Date.UTC(2024, 0, 31, 13, 45));
    expect(parseValueText('timestamp', '2024-01-31T13:45:00.5')).toBe(Date.UTC(2024, 0, 31, 13, 45, 0, 500));
    expect(parseValueText('timestamp', '2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(parseValueText('date', '1969-12-31')).toBe(-1);
    expect(parseValueText('boolean', ' TRUE ')).toBe(true);
    expect(parseValueText('integer', '-12')).toBe(-12);
    expect(parseValueText('text', ' a ')).toBe(' a ');
    expect(() => parseValueText('date', '2024-02-30')).toThrow('"2024-02-30" is not a date like 2024-01-31');
    expect(() => parseValueText('integer', '1.5')).toThrow('is not a whole number');
    expect(() => parseValueText('float', '')).toThrow('is not a number');
    expect(() => parseValueText('boolean', 'yes')).toThrow('is not true or false');
  });
});
