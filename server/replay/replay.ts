/**
 * One replay: open the file, find or declare the stream, then send its rows at a steady rate until
 * the file ends (or, with --loop, forever), --limit events are sent, or Ctrl+C. Everything that can
 * be checked before sending is (columns, schema); a value that does not convert stops the replay
 * before its batch goes.
 */
import { schemaProblem, type FieldDef } from '../../src/protocol/schema';
import { chooseTimeColumn, ColumnMapper } from './columns';
import { canonicalTimeZone } from '../../src/protocol/eventTime';
import { inferFields } from './inferSchema';
import { Pacer } from './pacer';
import { ProducerClient, Refused } from './producerClient';
import { openRows, RowTaker, type Format, type Row, type RowSource } from './readRows';
import { ReplayError } from './ReplayError';
import { EventMaker, instantText, ValueError, type WireEvent } from './toEvents';

export interface ReplayOptions {
  file: string;
  stream: string;
  /** Events per second. */
  rate: number;
  server: string;
  token?: string;
  /** The event-time column, when not guessed. */
  ts?: string;
  shift: boolean;
  loop: boolean;
  limit?: number;
  /** The zone naive times are read in. */
  timeZone: string;
  format?: Format;
  delimiter?: string;
  quotes?: boolean;
}

export interface ReplayIo {
  log: (line: string) => void;
  /** Aborted by Ctrl+C: the batch in flight finishes, no other starts. */
  signal?: AbortSignal;
  /** Wall-clock ms, for stamping and shifting events. */
  now?: () => number;
  /** Monotonic ms, for pacing. */
  clock?: () => number;
  progressEveryMs?: number;
  /** Rows read ahead for guessing a schema. */
  sampleRows?: number;
  /** The server's body limit. */
  maxBodyBytes?: number;
  client?: ProducerClient;
}

export type StopReason = 'end of file' | 'limit' | 'interrupted';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const count = (n: number) => n.toLocaleString('en-US');

function interruptibleSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class Replay {
  sent = 0;
  firstOffset: number | null = null;
  lastOffset: number | null = null;
  stopped: StopReason | null = null;
  elapsedMs = 0;
  private readonly client: ProducerClient;
  private readonly now: () => number;
  private readonly clock: () => number;
  private typesGuessed = false;

  constructor(
    private readonly o: ReplayOptions,
    private readonly io: ReplayIo,
  ) {
    this.client = io.client ?? new ProducerClient({ server: o.server, token: o.token, onRetry: (why, ms) => io.log(`server busy (${why}): retrying in ${(ms / 1000).toFixed(1)} s`) });
    this.now = io.now ?? Date.now;
    this.clock = io.clock ?? (() => performance.now());
  }

  private open(): Promise<RowSource> {
    return openRows(this.o.file, { format: this.o.format, delimiter: this.o.delimiter, quotes: this.o.quotes ?? true, sampleRows: this.io.sampleRows });
  }

  async run(): Promise<void> {
    const { o, io } = this;
    const zone = canonicalTimeZone(o.timeZone);
    if (!zone) throw new ReplayError(`--time-zone ${JSON.stringify(o.timeZone)} is not a time zone this machine knows (try UTC or Europe/Paris)`);
    const first = await this.open();
    let fields: FieldDef[];
    let timeColumn: number | null;
    try {
      if (first.columns.length === 0) throw new ReplayError(`${o.file} has no columns`);
      timeColumn = chooseTimeColumn(o.file, first.columns, o.ts);
      fields = await this.streamFields(first, timeColumn, zone);
    } catch (e) {
      await first.close();
      throw e;
    }
    const timeText = timeColumn === null ? 'no time column, so events are stamped when sent' : `event time from column ${JSON.stringify(first.columns[timeColumn]!.name)}`;
    const zoneText = timeColumn === null ? '' : `, times without an offset read in ${zone}`;
    io.log(`Replaying ${o.file} into ${JSON.stringify(o.stream)} at ${count(o.rate)} events/s; ${timeText}${zoneText}${o.shift && timeColumn !== null ? ', shifted so the first event is now' : ''}`);
    if (o.loop && !o.shift && timeColumn !== null) io.log('note: --loop without --shift sends the same event times on every pass');

    const start = this.clock();
    const pacer = new Pacer(o.rate, start);
    let nextProgress = start + (io.progressEveryMs ?? 5000);
    try {
      for (let pass = 0; this.stopped === null; pass++) {
        const source = pass === 0 ? first : await this.open();
        const mapper = new ColumnMapper(o.file, o.stream, fields, source.columns, timeColumn);
        const maker = new EventMaker({ file: o.file, unit: source.unit, fields, columns: source.columns, mapper, timeColumn, timeColumnGuessed: o.ts === undefined, zone, shift: o.shift });
        const taker = new RowTaker(source.rows());
        let passRows = 0;
        try {
          for (;;) {
            if (o.limit !== undefined && this.sent >= o.limit) {
              this.stopped = 'limit';
              break;
            }
            await interruptibleSleep(pacer.waitMs(this.sent, this.clock()), io.signal);
            if (io.signal?.aborted) {
              this.stopped = 'interrupted';
              break;
            }
            const n = Math.min(pacer.due(this.sent, this.clock()) || pacer.batchSize, (o.limit ?? Number.POSITIVE_INFINITY) - this.sent);
            const rows = await taker.take(n);
            if (rows.length === 0) break;
            passRows += rows.length;
            const made = this.make(maker, rows);
            await this.send(made.events, made.lines, source.unit);
            if (this.clock() >= nextProgress) {
              io.log(this.progressLine(start));
              nextProgress = this.clock() + (io.progressEveryMs ?? 5000);
            }
          }
        } finally {
          await source.close();
        }
        // Also guards --loop against spinning on a file emptied while it runs.
        if (passRows === 0 && this.stopped === null) throw new ReplayError(`${o.file} has no rows to replay`);
        if (!o.loop && this.stopped === null) this.stopped = 'end of file';
      }
    } finally {
      this.elapsedMs = this.clock() - start;
    }
  }

  /** The stream's fields: as declared on the server, or guessed from the file and declared now. */
  private async streamFields(source: RowSource, timeColumn: number | null, zone: string): Promise<FieldDef[]> {
    const { o, io } = this;
    const stream = await this.client.findStream(o.stream);
    if (stream) {
      const mapper = new ColumnMapper(o.file, o.stream, stream.fields, source.columns, timeColumn);
      mapper.resolveAll();
      const fed = new Set(source.columns.map((_, c) => mapper.fieldOf(c)));
      const missing = stream.fields.filter((_, f) => !fed.has(f)).map((f) => f.name);
      if (missing.length) io.log(`${o.file} has no column for the field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: sent as null`);
      if (stream.timeZone && stream.timeZone !== zone) io.log(`note: the stream reads naive times in ${stream.timeZone}; this replay reads the file's in ${zone} (--time-zone) and sends instants`);
      return stream.fields;
    }
    const { fields, notes } = inferFields(source.columns, source.sample, timeColumn);
    for (const note of notes) io.log(note);
    if (fields.length === 0) throw new ReplayError(`${o.file} has no column besides the time column, and a stream needs at least one field`);
    const problem = schemaProblem({ fields });
    if (problem) throw new ReplayError(`the schema guessed from ${o.file} is not one a stream takes: ${problem}`);
    await this.client.declare(o.stream, fields, zone);
    this.typesGuessed = true;
    io.log(`Declared the stream ${JSON.stringify(o.stream)}: ${fields.map((f) => `${f.name} ${f.type}`).join(', ')}`);
    return fields;
  }

  private make(maker: EventMaker, rows: readonly Row[]) {
    try {
      return maker.make(rows, this.now());
    } catch (e) {
      // A value the guessed type cannot hold: say where the type came from, and how to choose another.
      if (e instanceof ValueError && this.typesGuessed)
        throw new ReplayError(`${e.message} (the field's type was guessed from the first rows; declare the stream yourself with PUT /api/streams/${this.o.stream} to choose another)`);
      throw e;
    }
  }

  /** Posts events, in as many requests as the body limit needs; the server's first error is mapped back to the file's line. */
  private async send(events: WireEvent[], lines: number[], unit: string): Promise<void> {
    const body = JSON.stringify(events);
    const max = this.io.maxBodyBytes ?? MAX_BODY_BYTES;
    if (Buffer.byteLength(body) > max) {
      if (events.length === 1) throw new ReplayError(`${this.o.file}, ${unit} ${lines[0]}: the event is over the server's limit of ${max} bytes`);
      const half = Math.ceil(events.length / 2);
      await this.send(events.slice(0, half), lines.slice(0, half), unit);
      await this.send(events.slice(half), lines.slice(half), unit);
      return;
    }
    try {
      const r = await this.client.post(this.o.stream, body);
      this.firstOffset ??= r.firstOffset;
      this.lastOffset = r.lastOffset;
      this.sent += events.length;
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      const first = e.errors[0];
      const line = first && first.line >= 1 ? lines[first.line - 1] : undefined;
      if (first && line !== undefined) {
        const ts = events[first.line - 1]?.ts;
        throw new ReplayError(
          `the server refused ${this.o.file}, ${unit} ${line} (${e.status}): ${first.error}${typeof ts === 'number' && first.error.includes('ts') ? ` (sent as ${instantText(ts)})` : ''}`,
        );
      }
      throw e;
    }
  }

  progressLine(start: number): string {
    const secs = (this.clock() - start) / 1000;
    const rate = secs > 0 ? Math.round(this.sent / secs) : 0;
    return `sent ${count(this.sent)} events (${count(rate)}/s)${this.lastOffset === null ? '' : `, last offset ${count(this.lastOffset)}`}`;
  }

  summary(): string {
    const offsets = this.firstOffset === null ? '' : ` (offsets ${count(this.firstOffset)}..${count(this.lastOffset ?? this.firstOffset)})`;
    const why = this.stopped === 'interrupted' ? '; stopped by Ctrl+C' : this.stopped === 'limit' ? `; stopped at --limit ${count(this.o.limit ?? 0)}` : '';
    return `Sent ${count(this.sent)} events to ${JSON.stringify(this.o.stream)}${offsets} in ${(this.elapsedMs / 1000).toFixed(1)} s${why}`;
  }
}
