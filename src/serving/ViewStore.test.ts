import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LogDb } from '../log/LogDb';
import { BY_COUNTRY_VIEW, TOTALS_VIEW } from '../views/defaultViews';
import { ViewStore } from './ViewStore';

describe('ViewStore', () => {
  it('lists sound views in creation order and reports the damaged ones by name', async () => {
    const db = new LogDb('view-store-1');
    const store = new ViewStore(db);
    await db.views.put({ id: TOTALS_VIEW.id, createdAt: 1, def: { ...TOTALS_VIEW } });
    await db.views.put({ id: 'old', createdAt: 2, def: { ...BY_COUNTRY_VIEW, id: 'old', name: 'x', measures: [{ op: 'median', field: 'amount', label: 'm' }] } });
    await db.views.put({ id: 'junk', createdAt: 3, def: { id: 'junk', name: '', dataset: 'shop' } });
    await store.save({ ...BY_COUNTRY_VIEW, id: 'late' }); // createdAt: now
    const listed = await store.list();
    expect(listed.views).toEqual([TOTALS_VIEW, { ...BY_COUNTRY_VIEW, id: 'late' }]);
    expect(listed.problems).toEqual(['view "x": measures[0].op: unknown operator "median"', 'view "junk": groupBy: missing']);
    // Left in place: a build that knows the operator still finds the view.
    expect(await db.views.count()).toBe(4);
  });

  it('an empty workspace has no views and no problems', async () => {
    expect(await new ViewStore(new LogDb('view-store-2')).list()).toEqual({ views: [], problems: [] });
  });
});
