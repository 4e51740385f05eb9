/** The SQL console's history (the newest 100 statements) and saved statements, kept in the workspace database. */
import type { LogDb, QueryHistoryRecord, SavedQueryRecord } from '../log/LogDb';

export const HISTORY_LIMIT = 100;

export class QueryHistory {
  constructor(private readonly db: LogDb) {}

  /** Newest first. */
  list(): Promise<QueryHistoryRecord[]> {
    return this.db.queryHistory.orderBy('at').reverse().limit(HISTORY_LIMIT).toArray();
  }

  /** Records a run; running the newest statement again updates it instead of repeating it. */
  async add(entry: Omit<QueryHistoryRecord, 'id'>): Promise<void> {
    await this.db.transaction('rw', this.db.queryHistory, async () => {
      const newest = await this.db.queryHistory.orderBy('at').last();
      if (newest?.id !== undefined && newest.sql === entry.sql) await this.db.queryHistory.update(newest.id, entry);
      else await this.db.queryHistory.add(entry);
      const count = await this.db.queryHistory.count();
      if (count > HISTORY_LIMIT) {
        const old = await this.db.queryHistory
          .orderBy('at')
          .limit(count - HISTORY_LIMIT)
          .primaryKeys();
        await this.db.queryHistory.bulkDelete(old);
      }
    });
  }

  clear(): Promise<void> {
    return this.db.queryHistory.clear();
  }

  saved(): Promise<SavedQueryRecord[]> {
    return this.db.savedQueries.orderBy('name').toArray();
  }

  /** Saves `sql` under `name`, replacing a statement saved under the same name. */
  async save(name: string, sql: string): Promise<void> {
    const n = name.trim();
    if (n === '') throw new Error('a saved statement needs a name');
    if (n.length > 200) throw new Error('a name of at most 200 characters, please');
    await this.db.savedQueries.put({ name: n, sql, savedAt: Date.now() });
  }

  remove(name: string): Promise<void> {
    return this.db.savedQueries.delete(name);
  }
}
