/** The user's saved views, in the workspace database, surviving reloads. */
import type { LogDb } from '../log/LogDb';
import type { ViewDef } from '../views/ViewDef';
import { parseViewDef } from '../views/viewSchema';

/** The saved views that are sound, and one line per saved view that is not. */
export interface SavedViews {
  views: ViewDef[];
  /** E.g. `view "x": measures[0].op: unknown operator "median"`; such a view is left out of `views`. */
  problems: string[];
}

export class ViewStore {
  constructor(private readonly db: LogDb) {}

  /**
   * The saved views in the order they were created. A definition that does not have a view's shape
   * (saved by another build, damaged) is reported in `problems` and left in the database, so that
   * a build that understands it still finds it.
   */
  async list(): Promise<SavedViews> {
    const rows = await this.db.views.orderBy('createdAt').toArray();
    const views: ViewDef[] = [];
    const problems: string[] = [];
    for (const r of rows) {
      const parsed = parseViewDef(r.def);
      if (parsed.ok) views.push(parsed.view);
      else problems.push(parsed.error);
    }
    return { views, problems };
  }

  async save(def: ViewDef): Promise<void> {
    const existing = await this.db.views.get(def.id);
    await this.db.views.put({ id: def.id, createdAt: existing?.createdAt ?? Date.now(), def: { ...def } });
  }

  async remove(id: string): Promise<void> {
    await this.db.views.delete(id);
  }
}
