/**
 * CSV and TSV through csv-parse's streaming parser, strictly: a stray quote or a row with the wrong
 * number of fields stops the replay naming the line, since relaxing quietly would shift values
 * into the wrong columns. Empty lines are skipped; a UTF-8 byte-order mark is dropped.
 */
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import type { Row, RowChunks, SourceColumn } from './readRows';
import { fileProblem, ReplayError } from './ReplayError';

const CHUNK_ROWS = 1000;
/** A quote never closed would otherwise read the rest of a big file into one value. */
const MAX_RECORD_CHARS = 10 * 1024 * 1024;

interface Parsed {
  record: string[];
  info: { lines: number };
}

/** One sentence for what csv-parse found wrong, with the line. */
export function csvProblem(file: string, e: CsvError, headerFields: number): ReplayError {
  const at = `${file}, line ${String(e.lines)}`;
  const record = e.record;
  switch (e.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return new ReplayError(`${at}: ${Array.isArray(record) ? record.length : 'a different number of'} fields where the header has ${headerFields}`);
    case 'INVALID_OPENING_QUOTE':
      return new ReplayError(
        `${at}: a quote inside an unquoted value (quote the whole value and double the quotes inside it; or, if the file never quotes values, as many TSV files do not, add --no-quotes)`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new ReplayError(`${at}: text right after a closing quote (a quote inside a quoted value must be doubled; or, if the file never quotes values, add --no-quotes)`);
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ReplayError(`${at}: a quoted value is never closed`);
    case 'CSV_MAX_RECORD_SIZE':
      return new ReplayError(`${at}: a row over ${MAX_RECORD_CHARS} characters (an unclosed quote?)`);
    default:
      return new ReplayError(`${at}: ${e.message}`);
  }
}

/** Checks header names: every column needs one, and two that differ only in case would be one field. */
function headerColumns(file: string, names: readonly string[]): SourceColumn[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw.trim();
    if (name === '') throw new ReplayError(`${file}: column ${i + 1} has no name in the header line`);
    const before = seen.get(name.toLowerCase());
    if (before !== undefined)
      throw new ReplayError(
        `${file}: the header names ${JSON.stringify(names[before]!.trim())} and ${JSON.stringify(name)} (columns ${before + 1} and ${i + 1}), and field names must differ in more than case`,
      );
    seen.set(name.toLowerCase(), i);
    return { name, kind: 'csv' };
  });
}

/** `quotes` false: a quote is a character like any other (files that never quote, as many TSV files). */
export async function readCsv(file: string, delimiter: string, quotes = true): Promise<RowChunks> {
  const input = createReadStream(file);
  const parser = input.pipe(parse({ delimiter, bom: true, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS, ...(quotes ? {} : { quote: false }) }));
  // A read error (no such file) is not passed on by pipe: hand it to the parser so the iterator throws it.
  input.on('error', (e) => parser.destroy(e));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<Parsed>;
  let headerFields = 0;
  const next = async (): Promise<IteratorResult<Parsed>> => {
    try {
      return await records.next();
    } catch (e) {
      throw e instanceof CsvError ? csvProblem(file, e, headerFields) : fileProblem(file, e);
    }
  };
  const first = await next();
  if (first.done) {
    input.destroy();
    throw new ReplayError(`${file} is empty: a CSV file starts with a header line naming its columns`);
  }
  const columns = headerColumns(file, first.value.record);
  headerFields = columns.length;

  const close = () => {
    parser.destroy();
    input.destroy();
  };
  async function* chunks(): AsyncGenerator<Row[], void, undefined> {
    try {
      let chunk: Row[] = [];
      for (let r = await next(); !r.done; r = await next()) {
        chunk.push({ line: r.value.info.lines, values: r.value.record });
        if (chunk.length >= CHUNK_ROWS) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length) yield chunk;
    } finally {
      close();
    }
  }
  return { columns, chunks: chunks(), close };
}
