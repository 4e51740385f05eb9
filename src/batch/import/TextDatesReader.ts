/**
 * Dates written as text in a JSON, NDJSON, Parquet or Arrow file ("Jan 1 2000", "03/04/2001"), found
 * and read the way CSV's are (dateFormats.ts): from the first batch, each text column is tested
 * against the formats in DuckDB (core strptime, no time-zone extension); a column read as dates is
 * converted batch by batch through a small table in DuckDB. Wraps the format's own reader.
 */
import { makeData, RecordBatch, Struct, Table, makeVector, tableToIPC, type Vector } from 'apache-arrow';
import type { BatchEngine } from '../BatchEngine';
import { normalizeBatch, planArrow, schemaOf } from '../files/normalizeArrow';
import { Rechunker } from '../files/rechunk';
import type { FileReader, ImportBatch, ImportField } from '../files/types';
import { dateCandidates, dateExpression, formatType } from './dateFormats';

const SAMPLE_ROWS = 2_000;
let tables = 0;

const col = (i: number) => `"c${i}"`;

export class TextDatesReader implements FileReader {
  schema: ImportField[] = [];
  /** Per field name: the date formats that read every sampled value, best first. */
  readonly dateFormats = new Map<string, string[]>();
  /** Per field name: the format it is read with. */
  readonly formats = new Map<string, string>();
  sample: RecordBatch | null = null;
  private iterator: AsyncIterator<ImportBatch> | null = null;
  private first: ImportBatch | null = null;
  /** Field indexes read as dates, in order. */
  private converted: number[] = [];

  constructor(
    private readonly inner: FileReader,
    private readonly engine: () => Promise<BatchEngine>,
    private readonly fileName: string,
    private readonly chosen: Readonly<Record<string, string | null>> = {},
  ) {}

  get rowCount(): number | null {
    return this.inner.rowCount;
  }

  async open(): Promise<void> {
    await this.inner.open();
    this.schema = this.inner.schema.map((f) => ({ ...f }));
    this.iterator = this.inner.batches()[Symbol.asyncIterator]();
    const next = await this.iterator.next();
    this.first = next.done ? null : next.value;
    const text = this.schema.map((f, i) => ({ f, i })).filter(({ f }) => f.type === 'text');
    if (this.first && text.length > 0) {
      const engine = await this.engine();
      const batch = this.first.batch;
      const name = await this.load(
        engine,
        batch.slice(0, SAMPLE_ROWS),
        text.map((t) => t.i),
      );
      try {
        for (const { f, i } of text) {
          const found = await dateCandidates(async (sql) => (await engine.query(sql)).rows as unknown[][], name, col(i));
          if (found.length > 0) this.dateFormats.set(f.name, found);
        }
      } finally {
        await engine.dropTable(name);
      }
    }
    for (const [i, f] of this.schema.entries()) {
      const candidates = this.dateFormats.get(f.name);
      if (!candidates) continue;
      const format = Object.hasOwn(this.chosen, f.name) ? this.chosen[f.name] : candidates[0];
      if (!format) continue;
      this.formats.set(f.name, format);
      f.type = formatType(format);
      this.converted.push(i);
    }
    this.sample = this.first ? await this.convert(this.first.batch) : null;
  }

  /** The batch's columns `indexes` as a table c<i> in DuckDB; returns its name. */
  private async load(engine: BatchEngine, batch: RecordBatch, indexes: readonly number[]): Promise<string> {
    const vectors = Object.create(null) as Record<string, Vector>;
    for (const i of indexes) vectors[`c${i}`] = makeVector(batch.getChildAt(i)!.data[0]!);
    const name = `text_dates_${++tables}`;
    await engine.appendArrow(name, tableToIPC(new Table(vectors), 'stream'));
    return name;
  }

  /** The batch with its date columns read in their formats (the other columns as they are). */
  private async convert(batch: RecordBatch): Promise<RecordBatch> {
    if (this.converted.length === 0) return batch;
    const engine = await this.engine();
    const name = await this.load(engine, batch, this.converted);
    const children = batch.data.children.slice();
    try {
      const select = this.converted.map((i) => `${dateExpression(col(i), this.formats.get(this.schema[i]!.name)!)} AS ${col(i)}`).join(', ');
      // Gathered back into one batch of the input's length (DuckDB answers in vectors of its own size).
      let rechunk: Rechunker | null = null;
      let out: RecordBatch | null | undefined = null;
      for await (const b of engine.stream(`SELECT ${select} FROM ${name}`)) {
        const plan = planArrow(b.schema);
        rechunk ??= new Rechunker(plan.schema, Math.max(1, batch.numRows));
        out = rechunk.push(normalizeBatch(plan, b, this.fileName, 0))[0] ?? out;
      }
      out ??= rechunk?.flush();
      if (!out || out.numRows !== batch.numRows) throw new Error(`dates in ${this.fileName} could not be read: ${out?.numRows ?? 0} of ${batch.numRows} rows came back`);
      this.converted.forEach((i, k) => {
        children[i] = out.data.children[k]!;
      });
    } finally {
      await engine.dropTable(name);
    }
    const schema = schemaOf(this.schema);
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
  }

  async *batches(): AsyncGenerator<ImportBatch> {
    if (this.first) yield { batch: await this.convert(this.first.batch), bytesRead: this.first.bytesRead };
    for (;;) {
      const next = await this.iterator!.next();
      if (next.done) return;
      yield { batch: await this.convert(next.value.batch), bytesRead: next.value.bytesRead };
    }
  }
}
