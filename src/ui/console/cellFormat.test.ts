import { describe, expect, it } from 'vitest';
import { isNumericType, tsvField, withSeparators } from './cellFormat';

describe('cellFormat', () => {
  it('puts separators into the digits as they are', () => {
    expect(withSeparators('1234567')).toBe('1,234,567');
    expect(withSeparators('-9223372036854775808')).toBe('-9,223,372,036,854,775,808');
    expect(withSeparators('1234567.125')).toBe('1,234,567.125');
    expect(withSeparators('999')).toBe('999');
    expect(withSeparators('-0')).toBe('-0');
    expect(withSeparators('1e+21')).toBe('1e+21');
    expect(withSeparators('NaN')).toBe('NaN');
  });

  it('knows numeric types by DuckDB name', () => {
    expect(isNumericType('DECIMAL(18,3)')).toBe(true);
    expect(isNumericType('BIGINT')).toBe(true);
    expect(isNumericType('VARCHAR')).toBe(false);
    expect(isNumericType('INTEGER[]')).toBe(false);
  });

  it('keeps a TSV row on one line', () => {
    expect(tsvField('a\tb\nc\\d')).toBe('a\\tb\\nc\\\\d');
    expect(tsvField(null)).toBe('');
  });
});
