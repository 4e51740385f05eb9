import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LogDb } from '../log/LogDb';
import { HISTORY_LIMIT, QueryHistory } from './QueryHistory';

let n = 0;
const fresh = () => new QueryHistory(new LogDb(`history-test-${n++}`));

describe('QueryHistory', () => {
  it('keeps the newest 100 statements, newest first', async () => {
    const h = fresh();
    for (let i = 0; i < HISTORY_LIMIT + 7; i++) await h.add({ sql: `SELECT ${i}`, at: 1000 + i, rows: 1, ms: 1, error: null });
    const list = await h.list();
    expect(list).toHaveLength(HISTORY_LIMIT);
    expect(list[0]!.sql).toBe(`SELECT ${HISTORY_LIMIT + 6}`);
    expect(list.at(-1)!.sql).toBe('SELECT 7');
  });

  it('updates the newest entry when the same statement runs again', async () => {
    const h = fresh();
    await h.add({ sql: 'SELECT 1', at: 1, rows: 1, ms: 5, error: null });
    await h.add({ sql: 'SELECT 1', at: 2, rows: null, ms: 6, error: 'boom' });
    await h.add({ sql: 'SELECT 2', at: 3, rows: 1, ms: 1, error: null });
    const list = await h.list();
    expect(list.map((e) => [e.sql, e.at, e.error])).toEqual([
      ['SELECT 2', 3, null],
      ['SELECT 1', 2, 'boom'],
    ]);
  });

  it('saves statements by name, replacing one of the same name, and refuses an empty name', async () => {
    const h = fresh();
    await h.save(' top countries ', 'SELECT 1');
    await h.save('top countries', 'SELECT 2');
    await h.save('a first', 'SELECT 3');
    expect((await h.saved()).map((s) => [s.name, s.sql])).toEqual([
      ['a first', 'SELECT 3'],
      ['top countries', 'SELECT 2'],
    ]);
    await expect(h.save('  ', 'SELECT 1')).rejects.toThrow(/name/);
    await h.remove('a first');
    expect((await h.saved()).map((s) => s.name)).toEqual(['top countries']);
  });
});
