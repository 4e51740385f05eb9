/** The user's saved views, in the workspace database, surviving reloads. */
import type { LogDb } from '../log/LogDb';
import type { ViewDef } from '../views/ViewDef';

function looksLikeView(v: Record<string, unknown>): boolean {
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.dataset === 'string' && Array.isArray(v.groupBy) && Array.isArray(v.measures);
}

export class ViewStore {
  constructor(private readonly db: LogDb) {}

  async list(): Promise<ViewDef[]> {
    const rows = await this.db.views.orderBy('createdAt').toArray();
    return rows.filter((r) => looksLikeView(r.def)).map((r) => r.def as unknown as ViewDef);
  }

  async save(def: ViewDef): Promise<void> {
    const existing = await this.db.views.get(def.id);
    await this.db.views.put({ id: def.id, createdAt: existing?.createdAt ?? Date.now(), def: { ...def } });
  }

  async remove(id: string): Promise<void> {
    await this.db.views.delete(id);
  }
}
