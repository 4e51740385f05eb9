/**
 * JSON (a top-level array of objects) and NDJSON (one object per line), in two passes over the Blob:
 * the first infers each key's type from all its values, the second fills typed batches. Reading
 * twice (and decompressing twice, for gzip) costs less than holding every row as a JS object.
 * Columns are the keys in the order they first appear; a key missing from a record is null there.
 */
import { cleanColumnNames } from './cleanColumnNames';
import { FileProblem, reasonOf, throwIfAborted } from './FileProblem';
import { JsonBatchBuilder, JsonColumnStats, ValueMismatch } from './jsonColumns';
import { ArraySplitter, LineSplitter, textChunks, type RecordSink, type Splitter } from './jsonText';
import { schemaOf } from './normalizeArrow';
import { DEFAULT_CHUNK_ROWS, type DetectedFormat, type FieldType, type FileReader, type FileReaderOptions, type ImportBatch, type ImportField, type NamedBlob } from './types';
import type { RecordBatch, Schema } from 'apache-arrow';

/** More distinct keys than this is more likely a map keyed by ids than records: refused. */
export const MAX_JSON_COLUMNS = 2000;

type JsonRecord = Record<string, unknown>;

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

export class JsonReader implements FileReader {
  schema: ImportField[] = [];
  rowCount: number | null = null;
  private readonly keyIndex = new Map<string, number>();
  private types: FieldType[] = [];
  private arrowSchema: Schema | null = null;

  constructor(
    private readonly file: NamedBlob,
    private readonly detected: DetectedFormat,
    private readonly opts: FileReaderOptions = {},
  ) {}

  private splitter(): Splitter {
    return this.detected.format === 'json' ? new ArraySplitter(this.file.name) : new LineSplitter();
  }

  private where(at: number): string {
    return this.detected.format === 'json' ? `element ${at}` : `line ${at}`;
  }

  private parse(text: string, at: number): JsonRecord {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      // A .json file starting with `{` was taken for NDJSON; if its first line is no object, it is a lone (pretty-printed) object.
      if (at === 1 && this.detected.format === 'ndjson' && /\.json(\.gz)?$/i.test(this.file.name)) {
        throw new FileProblem(this.file.name, `is not a JSON array of objects, nor NDJSON (line 1 is not a complete JSON object: ${reasonOf(e)})`);
      }
      throw new FileProblem(this.file.name, `is not valid JSON at ${this.where(at)} (${reasonOf(e)})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FileProblem(this.file.name, `has ${kindOf(v)} at ${this.where(at)}, where a JSON object (one record) should be`);
    return v as JsonRecord;
  }

  async open(): Promise<void> {
    const keys: string[] = [];
    const stats: JsonColumnStats[] = [];
    let rows = 0;
    const sink: RecordSink = (text, at) => {
      const record = this.parse(text, at);
      rows++;
      for (const key in record) {
        let c = this.keyIndex.get(key);
        if (c === undefined) {
          if (keys.length === MAX_JSON_COLUMNS)
            throw new FileProblem(this.file.name, `has over ${MAX_JSON_COLUMNS} distinct keys (at ${this.where(at)}): is it one object keyed by ids rather than records?`);
          c = keys.length;
          this.keyIndex.set(key, c);
          keys.push(key);
          stats.push(new JsonColumnStats());
        }
        stats[c]!.add(record[key]);
      }
    };
    const splitter = this.splitter();
    for await (const { text } of textChunks(this.file, this.detected.gzip, this.opts.signal)) splitter.push(text, sink);
    splitter.end(sink);
    if (rows === 0) throw new FileProblem(this.file.name, 'holds no records');
    if (keys.length === 0) throw new FileProblem(this.file.name, 'holds only empty objects: no columns');
    const clean = cleanColumnNames(keys);
    this.schema = keys.map((key, c) => {
      const r = stats[c]!.resolve();
      const field: ImportField = { name: clean.names[c]!, sourceName: key, type: r.type };
      if (r.zoned) field.zoned = true;
      const note = [clean.columnNotes[c], r.note].filter(Boolean).join('; ');
      if (note) field.note = note;
      return field;
    });
    this.types = this.schema.map((f) => f.type);
    this.arrowSchema = schemaOf(this.schema);
    this.rowCount = rows;
  }

  async *batches(): AsyncGenerator<ImportBatch> {
    const { arrowSchema, file } = this;
    if (!arrowSchema) throw new Error('JsonReader: call open() before batches()');
    const builder = new JsonBatchBuilder(arrowSchema, this.types, this.opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
    const ready: RecordBatch[] = [];
    const changed = (at: number) => new FileProblem(file.name, `changed while it was being read (at ${this.where(at)}); read it again`);
    const sink: RecordSink = (text, at) => {
      const record = this.parse(text, at);
      try {
        for (const key in record) {
          const c = this.keyIndex.get(key);
          if (c === undefined) throw changed(at);
          builder.set(c, record[key]);
        }
      } catch (e) {
        throw e instanceof ValueMismatch ? changed(at) : e;
      }
      if (builder.endRow()) ready.push(builder.finish()!);
    };
    const splitter = this.splitter();
    let bytesRead = 0;
    for await (const chunk of textChunks(file, this.detected.gzip, this.opts.signal)) {
      bytesRead = chunk.bytesRead;
      splitter.push(chunk.text, sink);
      for (const batch of ready.splice(0)) {
        yield { batch, bytesRead };
        throwIfAborted(this.opts.signal, file.name);
      }
    }
    splitter.end(sink);
    for (const batch of ready.splice(0)) yield { batch, bytesRead };
    const last = builder.finish();
    if (last) yield { batch: last, bytesRead: file.size };
  }
}
