import { describe, expect, it } from 'vitest';
import { MAX_MESSAGES, withMessage } from './messages';

describe('withMessage', () => {
  it('puts the newest first, folds a repeat in a row, and keeps MAX_MESSAGES', () => {
    let m = withMessage([], 'info', 'a', 1);
    m = withMessage(m, 'error', 'b', 2);
    m = withMessage(m, 'error', 'b', 3);
    expect(m).toEqual([
      { at: 3, level: 'error', text: 'b', repeat: 2 },
      { at: 1, level: 'info', text: 'a', repeat: 1 },
    ]);
    m = withMessage(m, 'info', 'b', 4); // same text, other level: a new line
    expect(m[0]).toEqual({ at: 4, level: 'info', text: 'b', repeat: 1 });
    for (let i = 0; i < 50; i++) m = withMessage(m, 'info', `n${i}`, 10 + i);
    expect(m).toHaveLength(MAX_MESSAGES);
    expect(m[0]?.text).toBe('n49');
  });
});
