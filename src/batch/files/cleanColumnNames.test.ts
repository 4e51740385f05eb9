import { describe, expect, it } from 'vitest';
import { cleanColumnNames } from './cleanColumnNames';

describe('cleanColumnNames', () => {
  it('keeps names DuckDB can quote: spaces, $, quotes, unicode, keywords', () => {
    const names = ['a b', '$x', 'q"uote', "it's", 'prix €', '名前', 'count', 'select', '__proto__', ' padded '];
    expect(cleanColumnNames(names)).toEqual({ names, notes: [], columnNotes: names.map(() => null) });
  });

  it('names empty columns by position', () => {
    const r = cleanColumnNames(['a', '', '  ', 'b']);
    expect(r.names).toEqual(['a', 'column_2', 'column_3', 'b']);
    expect(r.notes).toEqual(['column 2 has no name: named "column_2"', 'column 3 has no name: named "column_3"']);
    expect(r.columnNotes).toEqual([null, r.notes[0], r.notes[1], null]);
  });

  it('renames repeats ignoring case, first one keeps its name', () => {
    const r = cleanColumnNames(['name', 'Name', 'NAME', 'x']);
    expect(r.names).toEqual(['name', 'Name_2', 'NAME_3', 'x']);
    expect(r.notes[0]).toBe('"Name" repeats an earlier column\'s name (names ignore case): renamed "Name_2"');
  });

  it("renames the log's own seq and ts in any case", () => {
    const r = cleanColumnNames(['seq', 'TS', 'Ts', 'value']);
    expect(r.names).toEqual(['seq_1', 'TS_1', 'Ts_2', 'value']);
    expect(r.notes[0]).toBe('"seq" is a name the log keeps for itself: renamed "seq_1"');
  });

  it('never makes up a name that another column has in the file', () => {
    expect(cleanColumnNames(['a', 'A', 'a_2']).names).toEqual(['a', 'A_3', 'a_2']);
    expect(cleanColumnNames(['', 'column_1']).names).toEqual(['column_1_2', 'column_1']);
    expect(cleanColumnNames(['ts', 'ts_1']).names).toEqual(['ts_2', 'ts_1']);
  });

  it('returns names unique ignoring case and none reserved, for any input', () => {
    const pool = ['', 'a', 'A', 'a_2', 'seq', 'SEQ', 'seq_1', 'ts', 'column_1', 'column_2', ' '];
    for (let seed = 1; seed < 300; seed++) {
      const names = Array.from({ length: 1 + (seed % 9) }, (_, i) => pool[(seed * 7 + i * 13 + ((seed * i) % 5)) % pool.length]!);
      const out = cleanColumnNames(names).names;
      const folded = out.map((n) => n.toLowerCase());
      expect(new Set(folded).size, names.join('|')).toBe(out.length);
      expect(folded.filter((n) => n === 'seq' || n === 'ts' || n.trim() === '')).toEqual([]);
    }
  });
});
