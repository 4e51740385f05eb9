/**
 * The sentences the console's guard refuses with, kept apart from its logic so they read as a set:
 * each names what the user wrote (as they wrote it) and says, in plain words, why and what to do.
 */
import type { SqlToken } from './sqlTokens';

const LOG_ONLY = 'Events enter a dataset only through its log (a stream or an imported file).';
const TEMP_HINT = 'For your own analysis, CREATE TEMP TABLE … AS SELECT ….';
const ONLY = 'this console runs queries and temporary objects only.';

/** Statements refused whatever follows them, by their first keyword (upper case). */
export const REFUSED_STATEMENTS: Readonly<Record<string, (phrase: string) => string>> = {
  COPY: (p) => `${p} reads or writes files, and this console touches no files. ${LOG_ONLY}`,
  EXPORT: (p) => `${p} writes files, and this console touches no files: ${ONLY}`,
  IMPORT: (p) => `${p} reads files, and this console touches no files. ${LOG_ONLY}`,
  ATTACH: (p) => `${p} opens another database, and this console works only with the workbench's datasets.`,
  DETACH: (p) => `${p} closes a database that the workbench set up; ${ONLY}`,
  INSTALL: (p) => extensions(p),
  LOAD: (p) => extensions(p),
  FORCE: (p) => (/checkpoint/i.test(p) ? upkeep(p) : extensions(p)),
  SET: (p) => settings(p),
  RESET: (p) => settings(p),
  PRAGMA: (p) => `${p} reads or changes DuckDB's settings, which the workbench sets up itself. To see a dataset's columns, DESCRIBE it.`,
  CALL: (p) => `${p} runs a DuckDB procedure, which this console does not do: ${ONLY}`,
  CHECKPOINT: (p) => upkeep(p),
  VACUUM: (p) => upkeep(p),
  ANALYZE: (p) => upkeep(p),
  USE: (p) => `${p} changes what names refer to, and dataset names must keep meaning the datasets in this console.`,
  BEGIN: (p) => transactions(p),
  START: (p) => transactions(p),
  COMMIT: (p) => transactions(p),
  END: (p) => transactions(p),
  ROLLBACK: (p) => transactions(p),
  ABORT: (p) => transactions(p),
  PREPARE: (p) => prepared(p),
  EXECUTE: (p) => prepared(p),
  DEALLOCATE: (p) => prepared(p),
};

function extensions(p: string): string {
  return `${p} changes DuckDB's extensions, which the workbench sets up itself; ${ONLY}`;
}
function settings(p: string): string {
  return `${p} changes DuckDB's settings, which the workbench sets up itself; ${ONLY}`;
}
function upkeep(p: string): string {
  return `${p} is upkeep that the workbench does itself; ${ONLY}`;
}
function transactions(p: string): string {
  return `Transactions are not available in this console (${p}): each statement takes effect by itself.`;
}
function prepared(p: string): string {
  return `Prepared statements are not available in this console (${p}): write the query out instead.`;
}

export function updateExtensions(p: string): string {
  return extensions(p);
}

export function secrets(p: string): string {
  return `${p} handles credentials for remote storage, which this console never reaches.`;
}

export function unknownStatement(p: string): string {
  return `A statement starting with ${p} is not something this console runs: ${ONLY} Write a query (SELECT, FROM, WITH, DESCRIBE, SUMMARIZE …) or CREATE TEMP TABLE … AS SELECT ….`;
}

/** A CREATE without TEMP. */
export function permanentCreate(p: string, what: string, canBeTemp: boolean): string {
  const instead = canBeTemp ? `write CREATE TEMP ${what} instead` : 'use CREATE TEMP TABLE … AS SELECT … (or CREATE TEMP VIEW)';
  return `${p} would make a permanent object beside the datasets, and this console makes only temporary ones: for your own analysis, ${instead}.`;
}

export function tempKindNotMade(p: string): string {
  return `${p} is not something this console makes: it makes temporary tables, views, macros and sequences.`;
}

export function notTempSchema(name: string): string {
  return `${name} names a schema other than temp: temporary objects live in temp, so write the name without a schema.`;
}

export function shadowsDataset(name: string): string {
  return `${name} is the name of a dataset: a temporary object with that name would hide the dataset in this console. Pick another name.`;
}

export function reservedName(name: string): string {
  return `Names starting with ds_ are kept for the workbench's own tables: pick another name than ${name}.`;
}

/** A change to something that is not a temporary object of this console. */
export function readOnlyTarget(name: string, kind: 'dataset' | 'internal' | 'other', verb: 'changed' | 'dropped'): string {
  if (kind === 'dataset') return `${name} is a dataset: its table is read-only. ${LOG_ONLY} ${TEMP_HINT}`;
  if (kind === 'internal') return `${name} is one of the workbench's own tables, and it is read-only. ${LOG_ONLY}`;
  return `${name} is not a temporary object of this console, so it cannot be ${verb} here: only what you made with CREATE TEMP can be. ${LOG_ONLY}`;
}

export function dropKindNotMade(p: string): string {
  return `${p} is not something this console does: it drops only the temporary tables, views, macros and sequences made in it.`;
}

export function alterKindNotMade(p: string): string {
  return `${p} is not something this console does: it alters only the temporary tables and views made in it.`;
}

export function writeInsideWith(name: string): string {
  return `${name} in WITH must be a query: data cannot be changed inside a WITH.`;
}

const FILE_READERS =
  'read_csv read_csv_auto read_parquet parquet_scan parquet_metadata parquet_schema parquet_file_metadata parquet_kv_metadata read_json read_json_auto read_json_objects read_ndjson read_ndjson_auto read_ndjson_objects read_text read_blob sniff_csv iceberg_scan delta_scan';
const OTHER_DATABASES = 'sqlite_scan sqlite_attach postgres_scan postgres_attach mysql_scan';

/** Functions refused wherever they are called (lower case), with their sentence. */
export const REFUSED_FUNCTIONS: ReadonlyMap<string, (name: string) => string> = new Map([
  ...FILE_READERS.split(' ').map((f) => [f, (n: string) => `${n} reads files, and this console reads only datasets: import the file instead, and it becomes a dataset with its own log.`] as const),
  ...OTHER_DATABASES.split(' ').map((f) => [f, (n: string) => `${n} reads another database, and this console reads only the workbench's datasets.`] as const),
  ['glob', (n: string) => `${n} lists files, and this console touches no files: import a file and it becomes a dataset with its own log.`],
  ['query', (n: string) => sqlText(n)],
  ['query_table', (n: string) => sqlText(n)],
  ['load_extension', (n: string) => extensions(n)],
]);

function sqlText(n: string): string {
  return `${n} runs SQL given as text, which this console cannot check before it runs: write the query out instead.`;
}

/** Shortens a literal for a message. */
function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function reachesForUrl(literal: string): string {
  return `${shown(literal)} reaches for a URL, and this console reads only the workbench's datasets: to bring data in, import the file or add a stream.`;
}

export function fileByName(literal: string, after: string): string {
  return `${shown(literal)} after ${after} would read a file by its name: files are imported, not read by name. Import it and it becomes a dataset with its own log.`;
}

/** Where a token starts, as a person counts: line and column from 1. */
function where(sql: string, offset: number): string {
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** For a string, quoted name or comment that runs to the end of the text. */
export function unterminated(sql: string, token: SqlToken): string {
  const at = where(sql, token.start);
  if (token.kind === 'blockComment') return `The comment that starts with /* at ${at} never ends: close it with */ (comments nest, so each /* needs its own */).`;
  if (token.kind === 'quotedIdent') return `The name in double quotes that starts at ${at} never ends: close it with ".`;
  if (token.quote === 'dollar') {
    const tag = /^\$[^$]*\$/.exec(token.text)?.[0] ?? '$$';
    return `The text that starts with ${tag} at ${at} never ends: close it with ${tag}.`;
  }
  if (token.quote === 'escape') return `The text in quotes that starts at ${at} never ends: close it with ' (in E'…' text, \\' is a quote inside it).`;
  return `The text in single quotes that starts at ${at} never ends: close it with '. To put a quote inside text, write it twice: 'it''s'.`;
}
