/**
 * Column names as the log can hold them. DuckDB resolves identifiers case-insensitively even when
 * quoted, so `Name` and `name` would be one column; `seq` and `ts` are the log's own columns; and an
 * empty name cannot be quoted. Everything else (spaces, `$`, quotes, unicode, keywords like `count`)
 * is kept as written: every layer quotes identifiers.
 */

const RESERVED = new Set(['seq', 'ts']);

export interface CleanNames {
  /** One name per input name, in order: unique ignoring case, none empty or reserved. */
  names: string[];
  /** One sentence per renamed column, in column order (for a list in the UI). */
  notes: string[];
  /** The same sentences by column index, null for a column kept as named (for ImportField.note). */
  columnNotes: (string | null)[];
}

/**
 * Renames empty names to `column_<position>`, repeats (ignoring case) to `<name>_2`, `<name>_3`,
 * and `seq`/`ts` in any case to `seq_1`/`ts_1`. The first of several equal names keeps its name, and
 * a made-up name never takes a name that a later column has in the file.
 */
export function cleanColumnNames(names: readonly string[]): CleanNames {
  const inFile = new Set(names.map((n) => n.toLowerCase()));
  const used = new Set<string>();
  const out: string[] = [];
  const notes: string[] = [];
  const columnNotes: (string | null)[] = [];
  const free = (candidate: string) => !used.has(candidate.toLowerCase()) && !inFile.has(candidate.toLowerCase());
  names.forEach((name, i) => {
    const folded = name.toLowerCase();
    let chosen = name;
    let note: string | null = null;
    if (name.trim() === '') {
      chosen = `column_${i + 1}`;
      for (let n = 2; !free(chosen); n++) chosen = `column_${i + 1}_${n}`;
      note = `column ${i + 1} has no name: named ${JSON.stringify(chosen)}`;
    } else if (RESERVED.has(folded)) {
      for (let n = 1; !free((chosen = `${name}_${n}`)); n++);
      note = reservedNote(name, chosen);
    } else if (used.has(folded)) {
      for (let n = 2; !free((chosen = `${name}_${n}`)); n++);
      note = `${JSON.stringify(name)} repeats an earlier column's name (names ignore case): renamed ${JSON.stringify(chosen)}`;
    }
    used.add(chosen.toLowerCase());
    out.push(chosen);
    columnNotes.push(note);
    if (note) notes.push(note);
  });
  return { names: out, notes, columnNotes };
}

/** The note on a column renamed because the log keeps its name (`seq`, `ts`) for itself. */
export function reservedNote(name: string, chosen: string): string {
  return `${JSON.stringify(name)} is a name the log keeps for itself: renamed ${JSON.stringify(chosen)}`;
}

/**
 * A file column named `ts` (any case) holding dates or times: most likely the event time of a log
 * exported from here, so the import suggests it as the event time, and when it is chosen it
 * becomes the events' own `ts` instead of a field. Otherwise it stays a field (renamed, as above).
 */
export function isLogTimeColumn(column: { sourceName: string; type: string }): boolean {
  return column.sourceName.toLowerCase() === 'ts' && (column.type === 'timestamp' || column.type === 'date');
}

/** The preview's note on a column that isLogTimeColumn. */
export function logTimeNote(column: { sourceName: string; name: string }): string {
  return `${JSON.stringify(column.sourceName)} is taken as the event time: as such it becomes the events' own ts and is not kept as a field; with another event time it is kept as ${JSON.stringify(column.name)}`;
}
