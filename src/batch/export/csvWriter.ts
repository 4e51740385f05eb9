/**
 * CSV (RFC 4180) from Arrow record batches: comma separated, `\n` line ends, UTF-8 without a BOM,
 * a header row of the column names. Values are written as arrowText.ts prints them; NULL is an
 * empty unquoted field and an empty string `""`, so the two stay apart. A field is quoted when it
 * holds `,` `"` CR or LF, or starts or ends with a space (readers trim those); quotes are doubled.
 */
import { type DataType, type Field, type RecordBatch, Type } from 'apache-arrow';
import { columnText } from './arrowText';

/** About this many bytes per chunk: a caller keeps a few of them, then hands them to a Blob. */
export const CSV_CHUNK_BYTES = 1024 * 1024;

const NEEDS_QUOTES = /[",\r\n]|^ | $/;

/** One field of a CSV row. */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Types whose text never needs quotes and is never empty: written without the test. */
function plainText(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return true;
    default:
      return false;
  }
}

/**
 * The CSV text of `batches` as UTF-8 chunks of about `chunkBytes`. The header comes from the first
 * batch's schema (give a batch of 0 rows for an empty table: no batch at all writes nothing); the
 * later batches must have the same columns in the same order.
 */
export async function* csvChunks(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, chunkBytes = CSV_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let out = '';
  let columns = -1;
  for await (const batch of batches) {
    // Typed here: with other importers of apache-arrow in the program, tsc has inferred `any` for it.
    const fields: readonly Field[] = batch.schema.fields;
    if (columns < 0) {
      columns = fields.length;
      out += `${fields.map((f) => csvField(f.name)).join(',')}\n`;
    } else if (fields.length !== columns) {
      throw new Error(`CSV export: a batch of ${fields.length} columns after batches of ${columns}`);
    }
    const texts = fields.map((_, k) => columnText(batch.getChildAt(k)!));
    const plain = fields.map((f) => plainText(f.type));
    const n = batch.numRows;
    for (let i = 0; i < n; i++) {
      let line = '';
      for (let k = 0; k < columns; k++) {
        const text = texts[k]!(i);
        if (k > 0) line += ',';
        line += text === null ? '' : plain[k] ? text : csvField(text);
      }
      out += `${line}\n`;
      if (out.length >= chunkBytes) {
        yield encoder.encode(out);
        out = '';
      }
    }
  }
  if (out.length > 0) yield encoder.encode(out);
}
