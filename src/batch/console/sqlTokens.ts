/**
 * A lexer for DuckDB SQL text, for the console: its guard must see strings, quoted names and comments
 * exactly as DuckDB will (a `;` or `DROP` inside a string is text, not a statement), and Ctrl+Enter
 * must find statement boundaries the same way. It follows DuckDB's (Postgres's) lexical rules: nested
 * block comments, `''` and `""` doubling, `E'…'` backslash escapes, `$tag$…$tag$` strings.
 */

export type SqlTokenKind =
  | 'space'
  | 'lineComment'
  | 'blockComment'
  /** Any string literal: `'…'`, `E'…'` or `$tag$…$tag$` (see `SqlToken.quote`). */
  | 'string'
  /** A double-quoted identifier. */
  | 'quotedIdent'
  | 'number'
  /** A keyword or unquoted identifier. */
  | 'word'
  /** A prepared-statement parameter: `$1`, `$name`. */
  | 'param'
  | 'operator'
  /** One of `( ) [ ] { } , .` */
  | 'punct'
  | 'semicolon';

export interface SqlToken {
  kind: SqlTokenKind;
  /** The text exactly as written. */
  text: string;
  /** Offset of the first character in the SQL text. */
  start: number;
  /** Offset just after the last character. */
  end: number;
  /** For strings and quoted identifiers: the content with quotes removed and escapes decoded. */
  value?: string;
  /** For strings: how it is quoted. */
  quote?: 'plain' | 'escape' | 'dollar';
  /** True when a string, quoted identifier or block comment runs to the end of the text without closing. */
  unterminated?: boolean;
}

export interface SqlStatement {
  /** The statement without its `;` and without surrounding whitespace and comments. */
  text: string;
  start: number;
  end: number;
}

const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|`?:\\');
const PUNCT_CHARS = new Set('()[]{},.');
const SPACE = /\s/u;
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{M}\p{N}_$]/u;
// A dollar-quote tag is an identifier without `$`; `$1` and `$name` (no closing `$`) are parameters.
const DOLLAR_TAG = /\$(?:[\p{L}_][\p{L}\p{M}\p{N}_]*)?\$/uy;
const DIGIT = /[0-9]/;

/** Postgres treats any non-ASCII character that is not a space as part of an identifier; so do we. */
function isWordStart(ch: string): boolean {
  return WORD_START.test(ch) || (ch.charCodeAt(0) >= 0x80 && !SPACE.test(ch));
}

function isWordPart(ch: string): boolean {
  return WORD_PART.test(ch) || (ch.charCodeAt(0) >= 0x80 && !SPACE.test(ch));
}

/** The character (whole code point) at `i`, or '' at the end. */
function charAt(sql: string, i: number): string {
  const cp = sql.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Splits SQL text into tokens covering every character, in order. Never throws. */
export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, end: number, extra?: Partial<SqlToken>) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, end, ...extra });
    i = end;
  };
  while (i < sql.length) {
    const ch = charAt(sql, i);
    const next = sql[i + 1] ?? '';
    if (SPACE.test(ch)) {
      let j = i + 1;
      while (j < sql.length && SPACE.test(sql[j]!)) j++;
      push('space', j);
    } else if (ch === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('lineComment', nl === -1 ? sql.length : nl);
    } else if (ch === '/' && next === '*') {
      const end = blockCommentEnd(sql, i);
      push('blockComment', end ?? sql.length, end === null ? { unterminated: true } : undefined);
    } else if (ch === "'") {
      pushQuoted(sql, i, "'", false, (end, value, unterminated) => push('string', end, { value, quote: 'plain', ...(unterminated && { unterminated }) }));
    } else if ((ch === 'e' || ch === 'E') && next === "'") {
      pushQuoted(sql, i + 1, "'", true, (end, value, unterminated) => push('string', end, { value, quote: 'escape', ...(unterminated && { unterminated }) }));
    } else if (ch === '"') {
      pushQuoted(sql, i, '"', false, (end, value, unterminated) => push('quotedIdent', end, { value, ...(unterminated && { unterminated }) }));
    } else if (ch === '$') {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        const end = close === -1 ? sql.length : close + tag.length;
        const value = sql.slice(i + tag.length, close === -1 ? sql.length : close);
        push('string', end, { value, quote: 'dollar', ...(close === -1 && { unterminated: true }) });
      } else {
        let j = i + 1;
        while (j < sql.length && isWordPart(charAt(sql, j))) j += charAt(sql, j).length;
        push(j > i + 1 ? 'param' : 'operator', j);
      }
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(next))) {
      push('number', numberEnd(sql, i));
    } else if (isWordStart(ch)) {
      let j = i + ch.length;
      while (j < sql.length && isWordPart(charAt(sql, j))) j += charAt(sql, j).length;
      push('word', j);
    } else if (ch === ';') {
      push('semicolon', i + 1);
    } else if (PUNCT_CHARS.has(ch)) {
      push('punct', i + 1);
    } else if (OPERATOR_CHARS.has(ch)) {
      // As in Postgres, an operator stops where a comment starts: `a*/*c*/b` is `a`, `*`, comment, `b`.
      let j = i + 1;
      while (j < sql.length && OPERATOR_CHARS.has(sql[j]!) && !sql.startsWith('--', j) && !sql.startsWith('/*', j)) j++;
      push('operator', j);
    } else {
      push('operator', i + ch.length);
    }
  }
  return tokens;
}

/** Offset after the `*\/` closing the comment opened at `start`, or null if it never closes. Comments nest. */
function blockCommentEnd(sql: string, start: number): number | null {
  let depth = 0;
  for (let j = start; j < sql.length - 1; j++) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j++;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return null;
}

/** Reads a quote-delimited run opened at `open` where a doubled quote stands for one; `escapes` adds backslash escapes. */
function pushQuoted(sql: string, open: number, quote: string, escapes: boolean, emit: (end: number, value: string, unterminated: boolean) => void): void {
  let value = '';
  let j = open + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (c === quote) {
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
        continue;
      }
      emit(j + 1, value, false);
      return;
    }
    if (escapes && c === '\\' && j + 1 < sql.length) {
      const [decoded, length] = decodeEscape(sql, j + 1);
      value += decoded;
      j += 1 + length;
      continue;
    }
    value += c;
    j++;
  }
  emit(sql.length, value, true);
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes the escape after a backslash at `at`: returns the text and how many characters it used. */
function decodeEscape(sql: string, at: number): [string, number] {
  const c = sql[at]!;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  const hex = (max: number, from: number) => /^[0-9a-fA-F]+/.exec(sql.slice(from, from + max))?.[0];
  const code = (digits: string | undefined, radix: number, prefix: number): [string, number] | null => {
    if (!digits) return null;
    const cp = Number.parseInt(digits, radix);
    return cp <= 0x10ffff ? [String.fromCodePoint(cp), prefix + digits.length] : null;
  };
  const decoded =
    c === 'x' ? code(hex(2, at + 1), 16, 1) : c === 'u' ? code(hex(4, at + 1), 16, 1) : c === 'U' ? code(hex(8, at + 1), 16, 1) : code(/^[0-7]{1,3}/.exec(sql.slice(at, at + 3))?.[0], 8, 0);
  return decoded ?? [charAt(sql, at), charAt(sql, at).length];
}

/** Offset after a number starting at `start`: `42`, `1_000`, `3.14`, `.5`, `1e-3`, `0x1F`, `0b101`. */
function numberEnd(sql: string, start: number): number {
  const prefixed = /^0[xX][0-9a-fA-F_]+|^0[bB][01_]+/.exec(sql.slice(start, start + 200));
  if (prefixed) return start + prefixed[0].length;
  let j = start;
  while (j < sql.length && /[0-9_]/.test(sql[j]!)) j++;
  if (sql[j] === '.' && sql[j + 1] !== '.') {
    j++;
    while (j < sql.length && /[0-9_]/.test(sql[j]!)) j++;
  }
  const exponent = /^[eE][+-]?[0-9]+/.exec(sql.slice(j, j + 20));
  return exponent ? j + exponent[0].length : j;
}

/** An unquoted word in upper case (how keywords compare); '' for anything else. */
export function keyword(token: SqlToken | undefined): string {
  return token?.kind === 'word' ? token.text.toUpperCase() : '';
}

/** The name a word or quoted identifier stands for, lower-cased (DuckDB ignores case even in quotes); null for other tokens. */
export function identifierName(token: SqlToken | undefined): string | null {
  if (token?.kind === 'word') return token.text.toLowerCase();
  if (token?.kind === 'quotedIdent') return (token.value ?? '').toLowerCase();
  return null;
}

export function isPunct(token: SqlToken | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

/** Whitespace and comments: the tokens DuckDB skips. */
export function isTrivia(token: SqlToken): boolean {
  return token.kind === 'space' || token.kind === 'lineComment' || token.kind === 'blockComment';
}

/** One statement of a script with its tokens, trivia left out. */
export interface StatementTokens extends SqlStatement {
  tokens: SqlToken[];
}

/**
 * The statements of a script, split at `;` (strings, quoted names and comments taken into account),
 * each with its tokens other than whitespace and comments; statements with nothing else are dropped.
 */
export function statementTokens(sql: string): StatementTokens[] {
  const statements: StatementTokens[] = [];
  let tokens: SqlToken[] = [];
  const flush = () => {
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (first && last) statements.push({ text: sql.slice(first.start, last.end), start: first.start, end: last.end, tokens });
    tokens = [];
  };
  for (const token of tokenize(sql)) {
    if (token.kind === 'semicolon') flush();
    else if (!isTrivia(token)) tokens.push(token);
  }
  flush();
  return statements;
}

/**
 * The statements of a script, split at `;` (strings, quoted names and comments taken into account),
 * each trimmed of whitespace and comments; statements with nothing else in them are dropped.
 */
export function splitStatements(sql: string): SqlStatement[] {
  return statementTokens(sql).map(({ text, start, end }) => ({ text, start, end }));
}

/**
 * The statement to run for a cursor at `offset` (Ctrl+Enter): the one the cursor is in or at the end
 * of; from whitespace, comments or a `;` between statements, the one before; before the first, the
 * first. Null when the text holds no statement.
 */
export function statementAt(sql: string, offset: number): SqlStatement | null {
  const statements = splitStatements(sql);
  let chosen: SqlStatement | null = null;
  for (const statement of statements) {
    if (statement.start > offset) break;
    chosen = statement;
  }
  return chosen ?? statements[0] ?? null;
}
