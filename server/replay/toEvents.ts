/**
 * Rows into the events POST /api/streams/:id/events takes: `ts` in ms since the epoch plus every
 * field of the stream (null where the file has nothing). A whole batch is converted before any of it
 * is sent, so a bad value stops the replay with nothing of its batch half-sent.
 */
import { MAX_TS, MIN_TS } from '../../src/protocol/fieldRules';
import type { FieldDef } from '../../src/protocol/schema';
import type { ColumnMapper } from './columns';
import { Bad, toEventTime, toWire, type Wire } from './convertValue';
import type { Row, SourceColumn } from './readRows';
import { ReplayError } from './ReplayError';

/** A value that does not convert to its field's type (as opposed to a bad event time). */
export class ValueError extends ReplayError {}

/** An event as posted. Built without a prototype, so a field named `__proto__` is a field. */
export type WireEvent = Record<string, Wire>;

export interface EventMakerOptions {
  file: string;
  /** What a row's number counts ('line' in text files, 'row' in Parquet), for messages. */
  unit: 'line' | 'row';
  fields: readonly FieldDef[];
  /** The file's columns; NDJSON's may grow while the replay runs. */
  columns: readonly SourceColumn[];
  mapper: ColumnMapper;
  timeColumn: number | null;
  /** The time column was taken by its name, not named by --ts: a bad time then says how to choose another. */
  timeColumnGuessed?: boolean;
  /** The zone a time without an offset is read in. */
  zone: string;
  /** Move event times so that each pass's first event is at the moment it is made. */
  shift: boolean;
}

export interface MadeEvents {
  events: WireEvent[];
  /** The file line (or row) of each event, for the server's errors. */
  lines: number[];
}

/** An instant as ISO text, or as ms where Date cannot show it (beyond ±275,760 years). */
export function instantText(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms since 1970`;
}

export class EventMaker {
  /** Added to every file time; set by the first event of a pass when shifting. */
  private shiftMs: number | null = null;

  constructor(private readonly o: EventMakerOptions) {}

  /** Starts a pass over the file: with --shift, its first event will be now again. */
  newPass(): void {
    this.shiftMs = null;
  }

  /** The events of `rows`, stamped (no time column) or shifted relative to `now`; a ReplayError naming the line for a value that does not convert. */
  make(rows: readonly Row[], now: number): MadeEvents {
    const { o } = this;
    const events: WireEvent[] = [];
    const lines: number[] = [];
    for (const row of rows) {
      const at = `${o.file}, ${o.unit} ${row.line}`;
      const ev = Object.create(null) as WireEvent;
      ev.ts = this.timeOf(row, now, at);
      for (const f of o.fields) ev[f.name] = null;
      for (let c = 0; c < row.values.length; c++) {
        const f = o.mapper.fieldOf(c, `, ${o.unit} ${row.line},`);
        if (f < 0) continue;
        const field = o.fields[f]!;
        const column = o.columns[c]!;
        const v = toWire(row.values[c], column.kind, field.type, o.zone);
        if (v instanceof Bad) throw new ValueError(`${at}: column ${JSON.stringify(column.name)}: ${v.why}`);
        ev[field.name] = v;
      }
      events.push(ev);
      lines.push(row.line);
    }
    return { events, lines };
  }

  private timeOf(row: Row, now: number, at: string): number {
    const { o } = this;
    if (o.timeColumn === null) return now;
    const column = o.columns[o.timeColumn]!;
    const t = toEventTime(row.values[o.timeColumn], column.kind, o.zone);
    if (t instanceof Bad) {
      const hint = o.timeColumnGuessed ? ` (the column was taken for the event time by its name; name another with --ts)` : '';
      throw new ReplayError(`${at}: time column ${JSON.stringify(column.name)}: ${t.why}${hint}`);
    }
    if (o.shift) this.shiftMs ??= now - t;
    const ts = t + (o.shift ? (this.shiftMs ?? 0) : 0);
    if (!(ts >= MIN_TS && ts <= MAX_TS)) {
      const shifted = o.shift ? ` (after --shift: ${instantText(ts)})` : '';
      throw new ReplayError(`${at}: the event time ${instantText(t)}${shifted} is outside 1900..2200, the times a stream takes`);
    }
    return ts;
  }
}
