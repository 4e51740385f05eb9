/**
 * Which column holds the event time, what field each other column becomes, and which of a stream's
 * fields it feeds. Decided before anything is sent, so that a column the stream lacks stops the
 * replay with nothing half-sent.
 */
import { RESERVED_FIELDS, type FieldDef } from '../../src/protocol/schema';
import type { SourceColumn } from './readRows';
import { ReplayError } from './ReplayError';

/** Names taken for the event time when `--ts` is not given, most specific first. */
export const TIME_COLUMN_NAMES = ['ts', 'timestamp', 'time', 'datetime', 'event_time', 'date'] as const;

const lower = (s: string) => s.toLowerCase();

/**
 * The index of the event-time column: the one `--ts` names (exactly, else ignoring case), else the
 * first of TIME_COLUMN_NAMES the file has, else null (events are stamped when sent). The names are
 * tried in order rather than the columns, so `ts` wins over an earlier `date`.
 */
export function chooseTimeColumn(file: string, columns: readonly SourceColumn[], given?: string): number | null {
  if (given !== undefined) {
    const exact = columns.findIndex((c) => c.name === given);
    if (exact >= 0) return exact;
    const folded = columns.findIndex((c) => lower(c.name) === lower(given));
    if (folded >= 0) return folded;
    throw new ReplayError(`${file} has no column ${JSON.stringify(given)} for --ts (its columns: ${columns.map((c) => c.name).join(', ')})`);
  }
  for (const name of TIME_COLUMN_NAMES) {
    const i = columns.findIndex((c) => lower(c.name) === name);
    if (i >= 0) return i;
  }
  return null;
}

/**
 * The field name for a column: its own, except that `seq` and `ts` belong to the log, so such a
 * column (one not taken for the event time) gets `_` appended until the name is free: `seq_`.
 */
export function fieldNameFor(name: string, others: readonly string[]): string {
  if (!RESERVED_FIELDS.includes(lower(name))) return name;
  const taken = new Set(others.map(lower));
  let renamed = `${name}_`;
  while (taken.has(lower(renamed))) renamed += '_';
  return renamed;
}

/** The field name of every column, null for the time column; and a note for each rename. */
export function fieldNamesOf(columns: readonly SourceColumn[], timeColumn: number | null): { names: (string | null)[]; notes: string[] } {
  const all = columns.map((c) => c.name);
  const notes: string[] = [];
  const names = columns.map((c, i) => {
    if (i === timeColumn) return null;
    const name = fieldNameFor(c.name, all);
    if (name !== c.name) notes.push(`column ${JSON.stringify(c.name)} is sent as the field ${JSON.stringify(name)} (${lower(c.name)} is the log's own)`);
    return name;
  });
  return { names, notes };
}

/**
 * Maps columns to a stream's fields by name, ignoring case. The time column also feeds a field of its
 * own name when the stream has one; any other column the stream lacks is an error. Columns are
 * resolved as they are first asked for, since NDJSON can bring a new key on any line.
 */
export class ColumnMapper {
  /** Per column: the field index it feeds, or -1 (only the time column feeds none). */
  private readonly fieldIndex: number[] = [];
  private readonly fedBy = new Map<number, string>();
  private readonly byName = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly streamId: string,
    private readonly fields: readonly FieldDef[],
    private readonly columns: readonly SourceColumn[],
    private readonly timeColumn: number | null,
  ) {
    for (const [i, f] of fields.entries()) this.byName.set(lower(f.name), i);
  }

  /** The field index column `c` feeds, or -1; a ReplayError (naming `where`, e.g. the line) when the stream has no such field. */
  fieldOf(c: number, where = ''): number {
    const known = this.fieldIndex[c];
    if (known !== undefined) return known;
    for (let i = this.fieldIndex.length; i <= c; i++) this.fieldIndex.push(this.resolve(i, where));
    return this.fieldIndex[c]!;
  }

  /** Resolves every column known now (NDJSON may add more later). */
  resolveAll(): void {
    if (this.columns.length) this.fieldOf(this.columns.length - 1);
  }

  private resolve(c: number, where: string): number {
    const column = this.columns[c]!;
    const name =
      c === this.timeColumn
        ? column.name
        : fieldNameFor(
            column.name,
            this.columns.map((x) => x.name),
          );
    const f = this.byName.get(lower(name));
    if (f === undefined) {
      if (c === this.timeColumn) return -1;
      const fields = this.fields.map((x) => x.name).join(', ');
      throw new ReplayError(`${this.file}${where} has the column ${JSON.stringify(column.name)}, which the stream ${JSON.stringify(this.streamId)} does not have (its fields: ${fields})`);
    }
    const other = this.fedBy.get(f);
    if (other !== undefined)
      throw new ReplayError(`${this.file}${where}: the columns ${JSON.stringify(other)} and ${JSON.stringify(column.name)} would both be the field ${JSON.stringify(this.fields[f]!.name)}`);
    this.fedBy.set(f, column.name);
    return f;
  }
}
