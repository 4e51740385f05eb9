import { describe, expect, it } from 'vitest';
import { MAX_TS, MIN_TS, shown, tsProblem, valueProblem } from './fieldRules';

describe('field rules', () => {
  it.each([
    ['number', 1.5, null],
    ['number', -0, null],
    ['number', null, null],
    ['number', Number.POSITIVE_INFINITY, 'must be a number, got Infinity'],
    ['number', Number.NaN, 'must be a number, got NaN'],
    ['number', '1', 'must be a number, got "1"'],
    ['number', 1n, 'must be a number, got 1'],
    ['number', undefined, 'must be a number, got undefined'],
    ['string', '', null],
    ['string', null, null],
    ['string', 5, 'must be a string, got 5'],
    ['string', ['a'], 'must be a string, got ["a"]'],
    ['string', { toString: () => 'x' }, 'must be a string, got {}'],
  ] as const)('%s field, value %s: %s', (type, value, problem) => {
    expect(valueProblem(type, value)).toBe(problem);
  });

  it('event times: ms within 1900..2200', () => {
    expect(tsProblem(MIN_TS)).toBeNull();
    expect(tsProblem(MAX_TS)).toBeNull();
    expect(tsProblem(MIN_TS - 1)).toBe(`ts ${MIN_TS - 1} is outside 1900..2200`);
    expect(tsProblem(Number.POSITIVE_INFINITY)).toBe('ts Infinity is outside 1900..2200');
    expect(tsProblem(Number.NaN)).toBe('ts must be a time in ms, got NaN');
    expect(tsProblem('2024-01-01')).toBe('ts must be a time in ms, got "2024-01-01"');
    expect(tsProblem(Date.parse('0001-01-01'), '0001-01-01')).toBe('ts 0001-01-01 is outside 1900..2200');
  });

  it('shows any value briefly, never throwing', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(shown(cycle)).toBe('[object Object]');
    expect(shown(10n)).toBe('10');
    expect(shown('x'.repeat(100))).toHaveLength(40);
    expect(shown(Symbol('s'))).toBe('Symbol(s)');
  });
});
