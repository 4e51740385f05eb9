import { describe, expect, it } from 'vitest';
import { MAX_TS, MIN_TS, shown, tsProblem, valueProblem } from './fieldRules';

describe('field rules', () => {
  it.each([
    ['float', 1.5, null],
    ['float', -0, null],
    ['float', null, null],
    ['float', Number.POSITIVE_INFINITY, 'must be a number, got Infinity'],
    ['float', Number.NaN, 'must be a number, got NaN'],
    ['float', '1', 'must be a number, got "1"'],
    ['float', 1n, 'must be a number, got 1'],
    ['float', undefined, 'must be a number, got undefined'],
    ['integer', -42, null],
    ['integer', 2 ** 53 - 1, null],
    ['integer', 2 ** 53, 'must be an integer, got 9007199254740992'],
    ['integer', 1.5, 'must be an integer, got 1.5'],
    ['boolean', false, null],
    ['boolean', 0, 'must be true or false, got 0'],
    ['date', 19_000, null],
    ['date', '2024-01-01', 'must be a date (whole days since 1970-01-01), got "2024-01-01"'],
    ['timestamp', -1_000, null],
    ['timestamp', 0.5, 'must be a timestamp (whole ms since 1970-01-01T00:00), got 0.5'],
    ['text', '', null],
    ['text', null, null],
    ['text', 5, 'must be text, got 5'],
    ['text', ['a'], 'must be text, got ["a"]'],
    ['text', { toString: () => 'x' }, 'must be text, got {}'],
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
