/**
 * The SQL console's read-only guard: decides, before DuckDB sees a script, whether each statement
 * only reads or only touches the console's own temporary objects. DuckDB itself runs with external
 * access disabled, so files and URLs are refused twice; the guard is there for a clear sentence, and
 * because DuckDB would otherwise let anyone DROP or CREATE OR REPLACE the dataset views in `main`.
 * It reads tokens, not a full grammar: it looks at what each statement starts with and where names,
 * calls and literals sit, which is enough for DuckDB's statement forms.
 */
import * as say from './guardMessages';
import { findOutsideRead } from './outsideReads';
import { identifierName as identName, keyword as kw, isPunct, type SqlToken, statementTokens, tokenize } from './sqlTokens';

export interface GuardContext {
  /** Dataset table names exactly as shown (case-insensitive matching, as DuckDB resolves identifiers). */
  datasetTables: readonly string[];
  /**
   * Names of the console connection's temporary objects that exist now: tables, views, and also the
   * macros and sequences it may drop (compared case-insensitively).
   */
  tempObjects: readonly string[];
}

/** What a statement does, as far as the console cares (for a label or a choice of result display). */
export type ConsoleStatementKind = 'query' | 'describe' | 'show' | 'summarize' | 'pivot' | 'explain' | 'create' | 'insert' | 'update' | 'delete' | 'merge' | 'drop' | 'alter' | 'truncate' | 'comment';

export type GuardVerdict = { ok: true; statements: { text: string; kind: ConsoleStatementKind }[] } | { ok: false; message: string; offset?: number };

/** A refusal on its way out of the statement walk (thrown to keep each rule a straight line). */
class Refusal {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

interface Scope {
  sql: string;
  tokens: SqlToken[];
  datasets: Set<string>;
  temps: Set<string>;
  /** Object names (`CREATE TEMP MACRO query(…)`, `INSERT INTO glob (a)`) that are not function calls. */
  names: Set<SqlToken>;
}

interface QualifiedName {
  /** Parts as DuckDB resolves them: decoded, lower-cased. */
  parts: string[];
  /** As written. */
  text: string;
  start: number;
  /** Index of the token after the name. */
  next: number;
}

const READ_STARTS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'PIVOT', 'UNPIVOT', 'PIVOT_WIDER', 'PIVOT_LONGER']);
const TEMP_KINDS = new Set(['TABLE', 'VIEW', 'MACRO', 'FUNCTION', 'SEQUENCE']);
/** Second words that belong to the refused statement's name: `EXPORT DATABASE`, `FORCE INSTALL`. */
const PHRASE_WORDS = new Set(['DATABASE', 'INSTALL', 'CHECKPOINT', 'TRANSACTION', 'EXTENSIONS', 'SECRET']);

/**
 * Checks console SQL (one or more statements) before it runs: every statement must read, or make or
 * change only the console's temporary objects. Returns the statements to run, or the first refusal
 * with the offset of the word it is about.
 */
export function checkConsoleSql(sql: string, ctx: GuardContext): GuardVerdict {
  const open = tokenize(sql).find((t) => t.unterminated);
  if (open) return { ok: false, message: say.unterminated(sql, open), offset: open.start };
  const lower = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));
  const datasets = lower(ctx.datasetTables);
  const temps = lower(ctx.tempObjects);
  const statements: { text: string; kind: ConsoleStatementKind }[] = [];
  try {
    for (const statement of statementTokens(sql)) {
      const scope: Scope = { sql, tokens: statement.tokens, datasets, temps, names: new Set() };
      const kind = classify(scope, 0);
      const known = (name: string) => datasets.has(name) || temps.has(name);
      const outside = findOutsideRead(statement.tokens, known, scope.names);
      if (outside) return { ok: false, ...outside };
      statements.push({ text: statement.text, kind });
    }
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
  return { ok: true, statements };
}

/** Index after the `)` matching the `(` at `i` (or the end). */
function skipParens(tokens: SqlToken[], i: number): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (isPunct(tokens[j], '(')) depth++;
    else if (isPunct(tokens[j], ')') && --depth === 0) return j + 1;
  }
  return tokens.length;
}

/** The first keyword(s) of a statement as written, for a message: `export database`, `FORCE INSTALL`. */
function phrase(scope: Scope, i: number): string {
  const first = scope.tokens[i]!;
  const second = scope.tokens[i + 1];
  return second && PHRASE_WORDS.has(kw(second)) ? scope.sql.slice(first.start, second.end) : first.text;
}

function refuse(message: string, token: SqlToken | undefined, scope: Scope): never {
  throw new Refusal(message, token?.start ?? scope.sql.length);
}

function readName(scope: Scope, i: number): QualifiedName | null {
  const { tokens } = scope;
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const part = identName(tokens[j]);
    if (part === null) break;
    parts.push(part);
    scope.names.add(tokens[j]!);
    j++;
    if (!isPunct(tokens[j], '.') || identName(tokens[j + 1]) === null) break;
    j++;
  }
  if (parts.length === 0) return null;
  const start = tokens[i]!.start;
  return { parts, text: scope.sql.slice(start, tokens[j - 1]!.end), start, next: j };
}

/** The name without its `temp` / `temp.main` qualifier, or null when it is qualified otherwise. */
function tempLocal(name: QualifiedName): string | null {
  const [a, b, c] = name.parts;
  if (name.parts.length === 1) return a!;
  if (name.parts.length === 2 && a === 'temp') return b!;
  if (name.parts.length === 3 && a === 'temp' && b === 'main') return c!;
  return null;
}

/**
 * Reads the name a statement changes at `i`, which must be one of the console's temporary objects.
 * `columnOf` reads `t.c` as table `t` (COMMENT ON COLUMN).
 */
function target(scope: Scope, i: number, verb: 'changed' | 'dropped', columnOf = false): QualifiedName | null {
  const read = readName(scope, i);
  if (!read) {
    // Not a name (a literal, say): refuse rather than guess; at the end, DuckDB reports what is missing.
    if (scope.tokens[i]) refuse(say.readOnlyTarget(scope.tokens[i]!.text, 'other', verb), scope.tokens[i], scope);
    return null;
  }
  const name = columnOf && read.parts.length > 1 ? { ...read, parts: read.parts.slice(0, -1), text: read.text.slice(0, read.text.lastIndexOf('.')) } : read;
  const local = tempLocal(name);
  const last = name.parts[name.parts.length - 1]!;
  if (local !== null && scope.temps.has(local)) return read;
  const kind = scope.datasets.has(last) ? 'dataset' : last.startsWith('ds_') ? 'internal' : 'other';
  throw new Refusal(say.readOnlyTarget(name.text, kind, verb), name.start);
}

/** A new temporary object (or a renamed one) may neither hide a dataset nor take a reserved name. */
function checkNewName(scope: Scope, name: QualifiedName | null): void {
  if (!name) return;
  const local = tempLocal(name);
  if (local === null) throw new Refusal(say.notTempSchema(name.text), name.start);
  if (scope.datasets.has(local)) throw new Refusal(say.shadowsDataset(name.text), name.start);
  if (local.startsWith('ds_')) throw new Refusal(say.reservedName(name.text), name.start);
}

function classify(scope: Scope, i: number): ConsoleStatementKind {
  const { tokens } = scope;
  const token = tokens[i];
  const k = kw(token);
  if (!token) return 'query'; // `EXPLAIN` or `WITH …` with nothing after: DuckDB reports it.
  if (isPunct(token, '(')) {
    let j = i;
    while (isPunct(tokens[j], '(')) j++;
    if (!READ_STARTS.has(kw(tokens[j]))) refuse(say.unknownStatement(tokens[j]?.text ?? '('), tokens[j], scope);
    return classify(scope, j) === 'pivot' ? 'pivot' : 'query';
  }
  if (k === 'WITH') return withStatement(scope, i);
  if (READ_STARTS.has(k)) return k.startsWith('PIVOT') || k.startsWith('UNPIVOT') ? 'pivot' : 'query';
  if (k === 'DESCRIBE' || k === 'SHOW' || k === 'SUMMARIZE') return k.toLowerCase() as ConsoleStatementKind;
  if (k === 'EXPLAIN') {
    let j = i + 1;
    if (kw(tokens[j]) === 'ANALYZE' || kw(tokens[j]) === 'ANALYSE') j++;
    if (isPunct(tokens[j], '(') && !READ_STARTS.has(kw(tokens[j + 1])) && !isPunct(tokens[j + 1], '(')) j = skipParens(tokens, j); // (FORMAT json)
    if (tokens[j]) classify(scope, j);
    return 'explain';
  }
  if (k === 'CREATE') return createStatement(scope, i);
  if (k === 'DROP') return dropStatement(scope, i);
  if (k === 'INSERT') {
    let j = i + 1;
    if (kw(tokens[j]) === 'OR') j += 2; // OR REPLACE / OR IGNORE
    if (kw(tokens[j]) === 'INTO') j++;
    target(scope, j, 'changed');
    return 'insert';
  }
  if (k === 'UPDATE') {
    if (kw(tokens[i + 1]) === 'EXTENSIONS' && (!tokens[i + 2] || isPunct(tokens[i + 2], '('))) refuse(say.updateExtensions(phrase(scope, i)), token, scope);
    target(scope, i + 1, 'changed');
    return 'update';
  }
  if (k === 'DELETE' || k === 'TRUNCATE' || k === 'MERGE') {
    const skip = kw(tokens[i + 1]) === 'FROM' || kw(tokens[i + 1]) === 'TABLE' || kw(tokens[i + 1]) === 'INTO' ? 2 : 1;
    target(scope, i + skip, 'changed');
    return k.toLowerCase() as ConsoleStatementKind;
  }
  if (k === 'ALTER') return alterStatement(scope, i);
  if (k === 'COMMENT' && kw(tokens[i + 1]) === 'ON') {
    target(scope, i + 3, 'changed', kw(tokens[i + 2]) === 'COLUMN');
    return 'comment';
  }
  const refused = say.REFUSED_STATEMENTS[k];
  if (refused) refuse(refused(phrase(scope, i)), token, scope);
  refuse(say.unknownStatement(token.text), token, scope);
}

/** `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (query), … main`: each part must read; the main statement is checked as itself. */
function withStatement(scope: Scope, i: number): ConsoleStatementKind {
  const { tokens } = scope;
  let j = i + 1;
  if (kw(tokens[j]) === 'RECURSIVE') j++;
  for (;;) {
    const nameToken = tokens[j];
    if (identName(nameToken) === null) return 'query';
    j++;
    if (isPunct(tokens[j], '(')) j = skipParens(tokens, j);
    if (kw(tokens[j]) === 'USING' && kw(tokens[j + 1]) === 'KEY') j = skipParens(tokens, j + 2);
    if (kw(tokens[j]) === 'AS') j++;
    if (kw(tokens[j]) === 'NOT') j++;
    if (kw(tokens[j]) === 'MATERIALIZED') j++;
    if (!isPunct(tokens[j], '(')) return 'query';
    const body = tokens[j + 1];
    const bodyKind = body && !isPunct(body, ')') ? classify(scope, j + 1) : 'query';
    if (bodyKind !== 'query' && bodyKind !== 'pivot') refuse(say.writeInsideWith(nameToken!.text), body, scope);
    j = skipParens(tokens, j);
    if (!isPunct(tokens[j], ',')) break;
    j++;
  }
  const main = kw(tokens[j]);
  if (READ_STARTS.has(main) || isPunct(tokens[j], '(') || ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(main)) return classify(scope, j);
  if (!tokens[j]) return 'query';
  refuse(say.unknownStatement(tokens[j]!.text), tokens[j], scope);
}

function createStatement(scope: Scope, i: number): ConsoleStatementKind {
  const { tokens } = scope;
  let j = i + 1;
  const orReplace = () => {
    if (kw(tokens[j]) === 'OR' && kw(tokens[j + 1]) === 'REPLACE') j += 2;
  };
  orReplace();
  const temp = kw(tokens[j]) === 'TEMP' || kw(tokens[j]) === 'TEMPORARY';
  if (temp) j++;
  orReplace();
  const what = kw(tokens[j]);
  const whatEnd = what === 'PERSISTENT' ? j + 1 : j;
  const p = scope.sql.slice(tokens[i]!.start, tokens[whatEnd]?.end ?? scope.sql.length);
  if (what === 'SECRET' || (what === 'PERSISTENT' && kw(tokens[j + 1]) === 'SECRET')) refuse(say.secrets(p), tokens[i], scope);
  j++;
  if (kw(tokens[j]) === 'IF' && kw(tokens[j + 1]) === 'NOT' && kw(tokens[j + 2]) === 'EXISTS') j += 3;
  const name = readName(scope, j);
  if (!temp) {
    // CREATE OR REPLACE VIEW sales: say that sales is read-only, not only that CREATE wants TEMP.
    const last = name?.parts[name.parts.length - 1];
    if (name && last !== undefined && scope.datasets.has(last)) throw new Refusal(say.readOnlyTarget(name.text, 'dataset', 'changed'), name.start);
    refuse(say.permanentCreate(p, tokens[whatEnd]?.text ?? '', TEMP_KINDS.has(what)), tokens[i], scope);
  }
  if (!TEMP_KINDS.has(what)) refuse(say.tempKindNotMade(p), tokens[i], scope);
  checkNewName(scope, name);
  return 'create';
}

function dropStatement(scope: Scope, i: number): ConsoleStatementKind {
  const { tokens } = scope;
  let j = i + 1;
  if (kw(tokens[j]) === 'PERSISTENT' || kw(tokens[j]) === 'TEMPORARY' || kw(tokens[j]) === 'TEMP') j++;
  const what = kw(tokens[j]);
  const p = scope.sql.slice(tokens[i]!.start, tokens[j]?.end ?? scope.sql.length);
  if (what === 'SECRET') refuse(say.secrets(p), tokens[i], scope);
  if (!TEMP_KINDS.has(what)) refuse(say.dropKindNotMade(p), tokens[i], scope);
  j++;
  if (what === 'MACRO' && kw(tokens[j]) === 'TABLE') j++;
  if (kw(tokens[j]) === 'IF' && kw(tokens[j + 1]) === 'EXISTS') j += 2;
  for (;;) {
    const name = target(scope, j, 'dropped');
    if (!name || !isPunct(tokens[name.next], ',')) return 'drop';
    j = name.next + 1;
  }
}

function alterStatement(scope: Scope, i: number): ConsoleStatementKind {
  const { tokens } = scope;
  const what = kw(tokens[i + 1]);
  if (what !== 'TABLE' && what !== 'VIEW') refuse(say.alterKindNotMade(scope.sql.slice(tokens[i]!.start, tokens[i + 1]?.end)), tokens[i], scope);
  let j = i + 2;
  if (kw(tokens[j]) === 'IF' && kw(tokens[j + 1]) === 'EXISTS') j += 2;
  const name = target(scope, j, 'changed');
  // RENAME TO would let a temporary table take a dataset's name (RENAME COLUMN a TO b is harmless).
  for (let r = name?.next ?? j; r < tokens.length - 1; r++) {
    if (kw(tokens[r]) === 'RENAME' && kw(tokens[r + 1]) === 'TO') checkNewName(scope, readName(scope, r + 2));
  }
  return 'alter';
}
