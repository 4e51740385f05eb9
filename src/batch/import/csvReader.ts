/**
 * CSV and TSV through DuckDB's own read_csv (core, offline; the NOTES.md trap: nothing else in this
 * DuckDB-WASM build reads files without fetching an extension). The file is read where it lies.
 *
 * DuckDB's sniffer guesses the dialect, but given a ragged file it quietly skips lines or falls back
 * to one column; so the dialect it finds is then fixed and the file read strictly (`auto_detect=false`,
 * `strict_mode`, no null padding): a row with too few or too many fields fails the import with its
 * line number instead of turning into something else.
 * Types: BOOLEAN, BIGINT, DOUBLE or VARCHAR from the sniffer, never its DATE/TIMESTAMP guesses: it
 * allows one date format per file and would produce TIMESTAMP WITH TIME ZONE (which fetches ICU).
 * Dates are found per text column here (dateFormats.ts) and parsed with core functions only.
 */
import type { RecordBatch } from 'apache-arrow';
import type { BatchEngine } from '../BatchEngine';
import { cleanColumnNames } from '../files/cleanColumnNames';
import { FileProblem, reasonOf, throwIfAborted } from '../files/FileProblem';
import { normalizeBatch, planArrow } from '../files/normalizeArrow';
import { fileChunks } from '../files/byteSource';
import { Rechunker } from '../files/rechunk';
import type { DetectedFormat, FileReader, FileReaderOptions, ImportBatch, ImportField, NamedBlob } from '../files/types';
import { DEFAULT_CHUNK_ROWS } from '../files/types';
import { dateCandidates, dateExpression, formatType } from './dateFormats';

const SAMPLE_ROWS = 2_000;
const TYPES = `auto_type_candidates=['BOOLEAN','BIGINT','DOUBLE','VARCHAR']`;
const KEEP_TYPES = new Set(['BOOLEAN', 'BIGINT', 'DOUBLE']);

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const col = (i: number) => `"c${i}"`;

interface Dialect {
  delim: string;
  quote: string;
  escape: string;
}

let registered = 0;

/** Explains DuckDB's CSV errors in a person's words, naming the file. */
export function csvProblem(fileName: string, e: unknown): FileProblem {
  const text = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
  const at = line ? `line ${line}` : 'somewhere past the first rows';
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(text);
  if (fields) return new FileProblem(fileName, `has a row of ${fields[2]} fields where the header has ${fields[1]} (${at})`, { cause: e });
  if (/Invalid unicode|not utf-8/i.test(text)) return new FileProblem(fileName, `is not valid UTF-8 text (${at}); save it as UTF-8 and drop it again`, { cause: e });
  const parse = /Could not parse string "([^"]*)" according to format specifier "([^"]*)"/.exec(text);
  if (parse)
    return new FileProblem(fileName, `has the value ${JSON.stringify(parse[1])} that is not a date in the format ${parse[2]} (${at}); pick another format or keep the column as text`, { cause: e });
  const conv = /Could not convert string "([^"]*)" to '(\w+)'/.exec(text);
  if (conv) return new FileProblem(fileName, `has the value ${JSON.stringify(conv[1])} where a ${(conv[2] ?? 'value').toLowerCase()} was expected (${at})`, { cause: e });
  if (/sniff/i.test(text)) return new FileProblem(fileName, 'could not be read as CSV: no consistent delimiter and quoting was found', { cause: e });
  return new FileProblem(fileName, `could not be read as CSV: ${reasonOf(e)}`, { cause: e });
}

/** The delimiter the header line most likely uses, for when the sniffer gave up on the rest. */
function headerDelimiter(line: string): string {
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

export class CsvReader implements FileReader {
  schema: ImportField[] = [];
  readonly rowCount = null;
  /** Per field name: the date formats that read every sampled value, best first (text columns only). */
  readonly dateFormats = new Map<string, string[]>();
  /** Per field name: the date format it is read with (absent: read as it is). */
  readonly formats = new Map<string, string>();
  /** The first rows, normalized, for the preview. */
  sample: RecordBatch | null = null;
  readonly notes: string[] = [];
  private dialect: Dialect = { delim: ',', quote: '"', escape: '"' };
  private duckTypes: string[] = [];
  private bytesPerRow = 0;
  private name = '';
  /** The registered bytes are gzip-compressed (the whole file) or not (a decompressed head). */
  private compressed = false;

  constructor(
    private readonly engine: BatchEngine,
    private readonly file: NamedBlob,
    private readonly detected: DetectedFormat,
    private readonly opts: FileReaderOptions & { formats?: Readonly<Record<string, string | null>>; headBytes?: number } = {},
  ) {}

  /**
   * The bytes DuckDB reads, registered as a buffer: DuckDB-WASM's browser file handles lost or mixed
   * up a dropped file's bytes after the first query (measured: "Buffering missing file", then empty
   * or garbled reads). For a preview only the head (decompressed, cut at a line end) is copied.
   */
  private async bytes(): Promise<Uint8Array> {
    const limit = this.opts.headBytes;
    if (limit === undefined || (!this.detected.gzip && this.file.size <= limit)) {
      this.compressed = this.detected.gzip;
      return new Uint8Array(await this.file.arrayBuffer());
    }
    const parts: Uint8Array[] = [];
    let got = 0;
    let more = false;
    for await (const c of fileChunks(this.file, this.detected.gzip, this.opts.signal)) {
      if (got >= limit) {
        more = true;
        break;
      }
      parts.push(c.bytes);
      got += c.bytes.length;
    }
    let head = new Uint8Array(got);
    let at = 0;
    for (const p of parts) {
      head.set(p, at);
      at += p.length;
    }
    if (more || got > limit) head = head.subarray(0, head.lastIndexOf(0x0a, limit) + 1);
    this.compressed = false;
    return head;
  }

  /** read_csv with the fixed dialect and our own column names c0..cN. */
  private source(types: readonly string[]): string {
    const columns = types.map((t, i) => `'c${i}': '${t}'`).join(', ');
    return `read_csv(${sqlString(this.name)}, auto_detect=false, ${this.dialectSql()}, header=true, skip=0, columns={${columns}}, strict_mode=true, null_padding=false)`;
  }

  private dialectSql(): string {
    const d = this.dialect;
    return `delim=${sqlString(d.delim)}, quote=${sqlString(d.quote)}, escape=${sqlString(d.escape)}, compression='${this.compressed ? 'gzip' : 'none'}'`;
  }

  private async query(sql: string): Promise<unknown[][]> {
    try {
      return (await this.engine.query(sql)).rows as unknown[][];
    } catch (e) {
      throw csvProblem(this.file.name, e);
    }
  }

  async open(): Promise<void> {
    this.name = `import-${++registered}.csv`;
    await this.engine.registerFile(this.name, await this.bytes());
    const src = sqlString(this.name);
    const compression = this.compressed ? 'gzip' : 'none';
    const forced = this.detected.format === 'tsv' ? `, delim='\\t'` : '';
    let sniffed: unknown[] | undefined;
    try {
      sniffed = (await this.engine.query(`SELECT Delimiter, Quote, Escape, SkipRows, Columns FROM sniff_csv(${src}, ${TYPES}, compression='${compression}'${forced})`)).rows[0];
    } catch {
      sniffed = undefined; // decided from the header below; the strict read then says what is wrong
    }
    const cols = (sniffed?.[4] as { name: string; type: string }[] | undefined) ?? [];
    const header = await this.headerLine();
    const suspicious = !sniffed || Number(sniffed[3]) > 0 || (cols.length <= 1 && /[,;\t|]/.test(header));
    if (suspicious) {
      const delim = this.detected.format === 'tsv' ? '\t' : headerDelimiter(header);
      this.dialect = { delim, quote: '"', escape: '"' };
    } else {
      const dq = (v: unknown) => (typeof v === 'string' && v !== '(empty)' ? v : '"');
      this.dialect = { delim: String(sniffed![0]), quote: dq(sniffed![1]), escape: dq(sniffed![2]) };
    }
    const raw = await this.rawHeader(suspicious ? null : cols.length, header);
    if (raw.length === 0) throw new FileProblem(this.file.name, 'has no header row');
    const types = suspicious ? raw.map(() => 'VARCHAR') : raw.map((_, i) => (KEEP_TYPES.has(cols[i]?.type ?? '') ? cols[i]!.type : 'VARCHAR'));
    this.duckTypes = types;
    const clean = cleanColumnNames(raw);
    this.notes.push(...clean.notes);
    this.schema = raw.map((sourceName, i) => {
      const f: ImportField = { name: clean.names[i]!, sourceName, type: this.baseType(types[i]!) };
      if (clean.columnNotes[i]) f.note = clean.columnNotes[i]!;
      return f;
    });
    await this.findDates();
    this.applyFormats();
    const sampleSql = `SELECT ${this.expressions()} FROM ${this.source(types)} LIMIT ${SAMPLE_ROWS}`;
    let first: RecordBatch | null = null;
    let rows = 0;
    try {
      for await (const b of this.engine.stream(sampleSql, this.opts.signal)) {
        first ??= b;
        rows += b.numRows;
      }
    } catch (e) {
      throw csvProblem(this.file.name, e);
    }
    if (!first || rows === 0) throw new FileProblem(this.file.name, 'has a header but no rows');
    this.sample = normalizeBatch(planArrow(first.schema), first, this.file.name, 0);
    this.bytesPerRow = rows > 0 ? Math.min(this.file.size, (await this.sampleBytes(rows)) / rows) : 0;
  }

  private baseType(duck: string): ImportField['type'] {
    return duck === 'BIGINT' ? 'integer' : duck === 'DOUBLE' ? 'float' : duck === 'BOOLEAN' ? 'boolean' : 'text';
  }

  /** The file's first line as text, decompressed if need be (for the fallback delimiter). */
  private async headerLine(): Promise<string> {
    for await (const chunk of fileChunks(this.file, this.detected.gzip, this.opts.signal)) {
      return new TextDecoder().decode(chunk.bytes.subarray(0, 64 * 1024)).split(/\r?\n/, 1)[0] ?? '';
    }
    return '';
  }

  /**
   * The header's names as written (DuckDB would rename repeats and empties without saying so), read
   * without sniffing: `count` columns, or when the sniffer failed as many as the header line could
   * hold (quoted delimiters make that too many: the surplus reads as nulls and is dropped).
   */
  private async rawHeader(count: number | null, line: string): Promise<string[]> {
    const n = count ?? line.split(this.dialect.delim).length;
    const columns = Array.from({ length: n }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    const rows = await this.query(
      `SELECT * FROM read_csv(${sqlString(this.name)}, auto_detect=false, header=false, columns={${columns}}, ${this.dialectSql()}, skip=0, null_padding=true, strict_mode=false) LIMIT 1`,
    );
    const names = (rows[0] ?? []) as (string | null)[];
    if (count === null) while (names.length > 1 && names[names.length - 1] === null) names.pop();
    return names.map((v) => v ?? '');
  }

  private async findDates(): Promise<void> {
    const textCols = this.schema.map((f, i) => ({ f, i })).filter(({ f }) => f.type === 'text');
    if (textCols.length === 0) return;
    const sample = `(SELECT * FROM ${this.source(this.duckTypes)} LIMIT ${SAMPLE_ROWS})`;
    for (const { f, i } of textCols) {
      const found = await dateCandidates((sql) => this.query(sql), sample, col(i));
      if (found.length > 0) this.dateFormats.set(f.name, found);
    }
  }

  /** The chosen format per text column: the caller's choice, else the best detected one. */
  private applyFormats(): void {
    const chosen = this.opts.formats ?? {};
    for (const f of this.schema) {
      const candidates = this.dateFormats.get(f.name);
      if (!candidates) continue;
      const format = Object.hasOwn(chosen, f.name) ? chosen[f.name] : candidates[0];
      if (format) this.formats.set(f.name, format);
      f.type = format ? formatType(format) : 'text';
    }
  }

  private expressions(): string {
    return this.schema
      .map((f, i) => {
        const format = this.formats.get(f.name);
        return `${format ? dateExpression(col(i), format) : col(i)} AS ${col(i)}`;
      })
      .join(', ');
  }

  /** Bytes the sample rows take in the file, for a progress estimate (DuckDB does not report bytes read). */
  private async sampleBytes(rows: number): Promise<number> {
    if (this.detected.gzip) return this.file.size; // a guess is not worth a second decompression
    const text = await this.file.slice(0, Math.min(this.file.size, 8 * 1024 * 1024)).text();
    let lines = 0;
    let at = 0;
    while (lines <= rows && at >= 0) {
      at = text.indexOf('\n', at + 1);
      lines++;
    }
    return at < 0 ? text.length : at;
  }

  async *batches(): AsyncGenerator<ImportBatch> {
    let rechunk: Rechunker | null = null;
    let rows = 0;
    let plan: ReturnType<typeof planArrow> | null = null;
    try {
      const sql = `SELECT ${this.expressions()} FROM ${this.source(this.duckTypes)}`;
      for await (const b of this.engine.stream(sql, this.opts.signal)) {
        throwIfAborted(this.opts.signal, this.file.name);
        plan ??= planArrow(b.schema);
        rechunk ??= new Rechunker(plan.schema, this.opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
        for (const out of rechunk.push(normalizeBatch(plan, b, this.file.name, rows))) {
          rows += out.numRows;
          yield { batch: out, bytesRead: Math.min(this.file.size, Math.round(rows * this.bytesPerRow)) };
        }
      }
      const last = rechunk?.flush();
      if (last) yield { batch: last, bytesRead: this.file.size };
    } catch (e) {
      if (e instanceof FileProblem || (e instanceof DOMException && e.name === 'AbortError')) throw e;
      throw csvProblem(this.file.name, e);
    }
  }

  /** Frees the copy of the file in DuckDB's memory. */
  async close(): Promise<void> {
    if (this.name) await this.engine.dropFile(this.name).catch(() => undefined);
    this.name = '';
  }
}
