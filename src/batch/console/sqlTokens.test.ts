import { describe, expect, it } from 'vitest';
import { type SqlToken, splitStatements, statementAt, tokenize } from './sqlTokens';

/** Tokens other than whitespace, as [kind, text] pairs. */
const shape = (sql: string) => tokenize(sql).flatMap((t) => (t.kind === 'space' ? [] : [[t.kind, t.text]]));
const only = (sql: string): SqlToken => {
  const tokens = tokenize(sql);
  expect(tokens).toHaveLength(1);
  return tokens[0]!;
};

describe('tokenize', () => {
  it('splits a statement into words, numbers, punctuation and operators', () => {
    expect(shape('SELECT a.b, count(*)::INT >= 1.5 FROM t;')).toEqual([
      ['word', 'SELECT'],
      ['word', 'a'],
      ['punct', '.'],
      ['word', 'b'],
      ['punct', ','],
      ['word', 'count'],
      ['punct', '('],
      ['operator', '*'],
      ['punct', ')'],
      ['operator', '::'],
      ['word', 'INT'],
      ['operator', '>='],
      ['number', '1.5'],
      ['word', 'FROM'],
      ['word', 't'],
      ['semicolon', ';'],
    ]);
  });

  it('keeps offsets that cover the text exactly', () => {
    const sql = "SELECT 'a;b' AS \"x\"\"y\" -- c\n/* d /* e */ f */ FROM $$g$$ WHERE E'h\\'' = $1;";
    const tokens = tokenize(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    for (const t of tokens) expect(sql.slice(t.start, t.end)).toBe(t.text);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.start).toBe(tokens[i - 1]!.end);
  });

  it('covers any text, whatever it holds', () => {
    const pool = ["'", '"', '$', '$$', '$a$', '--', '/*', '*/', 'E', "\\'", ';', ' ', '\n', 'x', '1', '.', '(', 'é', '😀', '::', '-'];
    for (let seed = 1; seed < 500; seed++) {
      const sql = Array.from({ length: 1 + (seed % 13) }, (_, i) => pool[(seed * 31 + i * 17 + ((seed * i) % 7)) % pool.length]).join('');
      const tokens = tokenize(sql);
      expect(tokens.map((t) => t.text).join(''), sql).toBe(sql);
      expect(tokens.every((t) => t.end > t.start)).toBe(true);
    }
  });

  it('decodes single-quoted strings with doubled quotes', () => {
    expect(only("'it''s'")).toMatchObject({ kind: 'string', quote: 'plain', value: "it's" });
    expect(only("''")).toMatchObject({ kind: 'string', value: '' });
    // A backslash is an ordinary character in a plain string.
    expect(tokenize("'a\\' b'").map((t) => t.kind)).toEqual(['string', 'space', 'word', 'string']);
  });

  it('decodes E strings with backslash escapes', () => {
    expect(only("E'it\\'s'")).toMatchObject({ kind: 'string', quote: 'escape', value: "it's", text: "E'it\\'s'" });
    expect(only("e'a\\nb\\t\\\\\\x41\\u00e9\\101\\q'''")).toMatchObject({ value: "a\nb\t\\AéAq'" });
    expect(shape("SELECT e'x'")).toEqual([
      ['word', 'SELECT'],
      ['string', "e'x'"],
    ]);
    // Only a standalone E starts one: `type'x'` is a word then a string.
    expect(shape("somE'x'")).toEqual([
      ['word', 'somE'],
      ['string', "'x'"],
    ]);
  });

  it('reads dollar-quoted strings with or without a tag', () => {
    expect(only('$$it\'s; "here"$$')).toMatchObject({ kind: 'string', quote: 'dollar', value: 'it\'s; "here"' });
    expect(only('$fn$ a $$ b $fn$')).toMatchObject({ kind: 'string', value: ' a $$ b ' });
    expect(shape('$1 + $name')).toEqual([
      ['param', '$1'],
      ['operator', '+'],
      ['param', '$name'],
    ]);
  });

  it('decodes double-quoted identifiers', () => {
    expect(only('"a""; DROP TABLE b; --"')).toMatchObject({ kind: 'quotedIdent', value: 'a"; DROP TABLE b; --' });
    expect(only('"Web Events"')).toMatchObject({ value: 'Web Events' });
  });

  it('reads comments: line comments to the end of the line, block comments nested', () => {
    expect(shape('a -- b; c\nd')).toEqual([
      ['word', 'a'],
      ['lineComment', '-- b; c'],
      ['word', 'd'],
    ]);
    expect(shape('/* a /* b */ c; */ SELECT')).toEqual([
      ['blockComment', '/* a /* b */ c; */'],
      ['word', 'SELECT'],
    ]);
    // An operator stops where a comment starts.
    expect(shape('a*/*c*/b')).toEqual([
      ['word', 'a'],
      ['operator', '*'],
      ['blockComment', '/*c*/'],
      ['word', 'b'],
    ]);
    expect(shape('1--2')).toEqual([
      ['number', '1'],
      ['lineComment', '--2'],
    ]);
  });

  it('flags what runs to the end without closing', () => {
    expect(only("'abc")).toMatchObject({ kind: 'string', unterminated: true, value: 'abc' });
    expect(only("E'abc\\'")).toMatchObject({ kind: 'string', quote: 'escape', unterminated: true });
    expect(only('"abc')).toMatchObject({ kind: 'quotedIdent', unterminated: true });
    expect(only('/* a /* b */')).toMatchObject({ kind: 'blockComment', unterminated: true });
    expect(only('$x$ abc $x')).toMatchObject({ kind: 'string', quote: 'dollar', unterminated: true });
    expect(tokenize('\'a\' "b" /* c */').some((t) => t.unterminated)).toBe(false);
  });

  it('reads numbers in their forms', () => {
    expect(shape('42 3.14 .5 1e-3 2.5E+10 1_000 0x1F 0b101 7.').map((t) => t[1])).toEqual(['42', '3.14', '.5', '1e-3', '2.5E+10', '1_000', '0x1F', '0b101', '7.']);
    expect(shape('1..2')).toEqual([
      ['number', '1'],
      ['punct', '.'],
      ['number', '.2'],
    ]);
  });

  it('reads unicode words as words', () => {
    expect(shape('名前 café prix€ x😀y _a1$b')).toEqual([
      ['word', '名前'],
      ['word', 'café'],
      ['word', 'prix€'],
      ['word', 'x😀y'],
      ['word', '_a1$b'],
    ]);
    expect(only('\u00a0\u2003\t\n')).toMatchObject({ kind: 'space' });
  });
});

describe('splitStatements', () => {
  it('splits at semicolons that are not in strings, names or comments', () => {
    const sql = "SELECT ';' AS \"a;b\"; -- x; y\nSELECT $$;$$ /* ; */ ;SELECT E'\\';'";
    expect(splitStatements(sql).map((s) => s.text)).toEqual(['SELECT \';\' AS "a;b"', 'SELECT $$;$$', "SELECT E'\\';'"]);
  });

  it('drops empty and comment-only statements and trims the rest', () => {
    const sql = ' ;; -- only a comment\n; /* x */ SELECT 1 -- tail\n ;  ';
    const statements = splitStatements(sql);
    expect(statements).toEqual([{ text: 'SELECT 1', start: sql.indexOf('SELECT'), end: sql.indexOf('SELECT') + 8 }]);
    expect(splitStatements('')).toEqual([]);
    expect(splitStatements('-- nothing')).toEqual([]);
  });

  it('gives offsets into the text', () => {
    const sql = 'select 1;\n\nselect 2;select 3';
    for (const s of splitStatements(sql)) expect(sql.slice(s.start, s.end)).toBe(s.text);
  });

  it('keeps an unterminated string to the end in its statement', () => {
    expect(splitStatements("SELECT 'a; SELECT 2").map((s) => s.text)).toEqual(["SELECT 'a; SELECT 2"]);
  });
});

describe('statementAt', () => {
  const sql = 'SELECT 1;\n  SELECT 2 ;\n\n-- next\nSELECT 3';
  const at = (offset: number) => statementAt(sql, offset)?.text;

  it('finds the statement the cursor is in or at the end of', () => {
    expect(at(0)).toBe('SELECT 1');
    expect(at(3)).toBe('SELECT 1');
    expect(at(8)).toBe('SELECT 1');
    expect(at(sql.indexOf('SELECT 2') + 4)).toBe('SELECT 2');
    expect(at(sql.length)).toBe('SELECT 3');
  });

  it('takes the statement before from a semicolon, whitespace or comment between statements', () => {
    expect(at(9)).toBe('SELECT 1'); // right after the ;
    expect(at(11)).toBe('SELECT 1'); // in the spaces before SELECT 2
    expect(at(sql.indexOf(';', 15) + 1)).toBe('SELECT 2');
    expect(at(sql.indexOf('-- next') + 3)).toBe('SELECT 2');
    expect(at(sql.indexOf('SELECT 3'))).toBe('SELECT 3');
  });

  it('takes the first statement from before it, and null from text with none', () => {
    expect(statementAt('-- intro\n\nSELECT 1; SELECT 2', 2)?.text).toBe('SELECT 1');
    expect(statementAt('  -- nothing ; ', 3)).toBeNull();
    expect(statementAt('', 0)).toBeNull();
  });
});
