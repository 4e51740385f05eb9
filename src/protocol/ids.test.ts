import { describe, expect, it } from 'vitest';
import { idProblem } from './ids';

describe('idProblem', () => {
  it('takes identifiers', () => {
    for (const id of ['shop', 'clicks_2026', 'a.b-c', '_x', '9lives']) expect(idProblem(id)).toBeNull();
  });
  it('refuses names every object has, and what is not an identifier', () => {
    for (const id of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf']) expect(idProblem(id)).toMatch(/reserved/);
    for (const id of ['', '-x', '.x', 'a b', 'ü', 'x'.repeat(101), 'a/b']) expect(idProblem(id)).toMatch(/letters, digits/);
  });
});
