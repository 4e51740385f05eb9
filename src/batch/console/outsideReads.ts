/**
 * What in a console statement reaches outside the datasets: URLs, files and SQL given as text.
 * DuckDB runs with external access disabled, so this is about a clear sentence at the right word;
 * the statement's kind (and so what it may change) is the guard's other half, in sqlGuard.ts.
 */
import * as say from './guardMessages';
import { identifierName, isPunct, keyword, type SqlToken } from './sqlTokens';

/** A refusal at the offset of the word it is about. */
export interface OutsideRead {
  message: string;
  offset: number;
}

/** Words after which a literal is read as a table (DuckDB's replacement scan). */
const TABLE_WORDS = new Set(['FROM', 'JOIN', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT']);
/** Words that end a FROM list, so a later `, 'x'` is not a table. */
const FROM_ENDS = new Set(['WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'SELECT', 'RETURNING', 'ON', 'USING', 'SET', 'VALUES']);
/** Functions whose own syntax has a FROM that is no table: `trim(both 'x' from 'xax')`. */
const FROM_IN_CALL = new Set(['trim', 'substring', 'overlay', 'extract']);
/** Any scheme: http, s3, gcs, az, hf, file… (DuckDB's file systems keep growing). */
const URL = /^\s*[a-z][a-z0-9+.-]*:\/\//i;
/** A quoted name read as a file by the replacement scan when no table has that name. */
const FILE_NAME = /\.(csv|tsv|txt|parquet|json|jsonl|ndjson|gz|zst|xlsx|arrow|feather|db|duckdb|sqlite)$/i;

/**
 * The first thing in a statement (its tokens without trivia) that reaches outside the datasets: a
 * URL where a table goes, a call to a function that reads files or runs SQL text, or a literal (or a quoted name
 * that looks like a file) where a table goes. `known` says whether a lower-cased name is a dataset or
 * temporary object; `notCalls` are object names followed by `(` that are no calls (`INSERT INTO t (a)`).
 */
export function findOutsideRead(tokens: readonly SqlToken[], known: (name: string) => boolean, notCalls: ReadonlySet<SqlToken>): OutsideRead | null {
  // Per parenthesis depth: inside a FROM list? and which function owns the parenthesis.
  const inFrom: boolean[] = [false];
  const owner: (string | null)[] = [null];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    const next = tokens[k + 1];
    const depth = inFrom.length - 1;
    // A URL as a value (`WHERE referrer LIKE 'https://…%'`) is data; only where a table goes (below) or
    // in a reading function (refused by name) would DuckDB fetch it, and DuckDB is closed to that anyway.
    const name = identifierName(token);
    const refused = name !== null && isPunct(next, '(') && !notCalls.has(token) ? say.REFUSED_FUNCTIONS.get(name) : undefined;
    if (refused) return at(token, refused(token.text));
    let found: OutsideRead | null = null;
    if (isPunct(token, '(')) {
      inFrom.push(false);
      owner.push(identifierName(tokens[k - 1]));
    } else if (isPunct(token, ')') && depth > 0) {
      inFrom.pop();
      owner.pop();
    } else if (isPunct(token, ',') && inFrom[depth]) {
      found = tableItem(next, 'a comma in FROM', known);
    } else if (token.kind === 'word') {
      const word = keyword(token);
      if (word === 'FROM' && FROM_IN_CALL.has(owner[depth] ?? '')) continue;
      if (word === 'FROM' || word === 'JOIN') inFrom[depth] = true;
      else if (FROM_ENDS.has(word)) inFrom[depth] = false;
      // Only after FROM and JOIN is a quoted name surely a table (`CREATE TEMP TABLE "x.csv"` is not one).
      if (TABLE_WORDS.has(word)) found = tableItem(next, token.text, word === 'FROM' || word === 'JOIN' ? known : null);
    }
    if (found) return found;
  }
  return null;
}

function at(token: SqlToken, message: string): OutsideRead {
  return { message, offset: token.start };
}

/** A literal where a table goes is a file (or URL) for DuckDB's replacement scan; so is a quoted name that looks like one and names nothing. */
function tableItem(token: SqlToken | undefined, after: string, known: ((name: string) => boolean) | null): OutsideRead | null {
  if (token?.kind === 'string') return at(token, URL.test(token.value ?? '') ? say.reachesForUrl(token.text) : say.fileByName(token.text, after));
  if (!known || token?.kind !== 'quotedIdent') return null;
  const value = token.value ?? '';
  if (known(value.toLowerCase())) return null;
  if (URL.test(value)) return at(token, say.reachesForUrl(token.text));
  if (FILE_NAME.test(value)) return at(token, say.fileByName(token.text, after));
  return null;
}
