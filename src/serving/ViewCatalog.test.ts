import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../protocol/schema';
import { SHOP_SCHEMA, SHOP_STREAM_ID } from '../protocol/shop';
import { shopBatch } from '../testing/events';
import type { Tally } from '../views/compileView';
import { DEFAULT_VIEWS, TOTALS_VIEW } from '../views/defaultViews';
import type { ViewDef } from '../views/ViewDef';
import { ViewCatalog } from './ViewCatalog';

function recording() {
  const errors: { id: string; message: string }[] = [];
  const catalog = new ViewCatalog((v, message) => errors.push({ id: v.id, message }));
  return { catalog, errors };
}

const OTHER_SCHEMA: DatasetSchema = { fields: [{ name: 'amount', type: 'float' }] };

/** A view whose measure reads a field the shop schema does not have. */
const BAD_VIEW: ViewDef = { ...TOTALS_VIEW, id: 'bad', name: 'Bad', measures: [{ op: 'sum', field: 'nope', label: 'Nope' }] };
const BAD_MESSAGE = 'view "Bad": unknown field "nope"';

describe('ViewCatalog', () => {
  it('is null while the schema is unknown, and reports nothing', () => {
    const { catalog, errors } = recording();
    expect(catalog.schemaOf(SHOP_STREAM_ID)).toBeNull();
    for (const v of DEFAULT_VIEWS) expect(catalog.compiledFor(v)).toBeNull();
    expect(catalog.compiledFor(BAD_VIEW)).toBeNull();
    catalog.learnSchemas({ other: OTHER_SCHEMA });
    expect(catalog.compiledFor(TOTALS_VIEW)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('compiles each view against its learnt schema', () => {
    const { catalog, errors } = recording();
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    for (const v of DEFAULT_VIEWS) {
      const c = catalog.compiledFor(v);
      expect(c?.view).toBe(v);
    }
    // The compiled view works: the totals count every event.
    const c = catalog.compiledFor(TOTALS_VIEW)!;
    const t: Tally = new Map();
    c.add(t, shopBatch(17, 3));
    expect([...t.values()].map((g) => c.finalize(g.state)[0])).toEqual([17]);
    expect(errors).toEqual([]);
  });

  it('compiles once per definition object', () => {
    const { catalog } = recording();
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    const first = catalog.compiledFor(TOTALS_VIEW);
    expect(first).not.toBeNull();
    expect(catalog.compiledFor(TOTALS_VIEW)).toBe(first);
    // The same id in a new object (the user edited the view) is compiled anew...
    const edited: ViewDef = { ...TOTALS_VIEW, measures: [{ op: 'count', label: 'Events' }] };
    const second = catalog.compiledFor(edited);
    expect(second).not.toBe(first);
    expect(second?.view).toBe(edited);
    expect(catalog.compiledFor(edited)).toBe(second);
    // ...and so is the old object again, since the catalog keeps one compile per id.
    const third = catalog.compiledFor(TOTALS_VIEW);
    expect(third).not.toBe(first);
    expect(third?.view).toBe(TOTALS_VIEW);
  });

  it('compiles against a schema passed in, without learning it', () => {
    const { catalog } = recording();
    expect(catalog.compiledFor(TOTALS_VIEW, SHOP_SCHEMA)?.view).toBe(TOTALS_VIEW);
    expect(catalog.schemaOf(SHOP_STREAM_ID)).toBeNull();
    expect(catalog.compiledFor(TOTALS_VIEW, null)).toBeNull();
  });

  it('reports a view that does not compile via onError and returns null', () => {
    const { catalog, errors } = recording();
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    expect(catalog.compiledFor(BAD_VIEW)).toBeNull();
    expect(errors).toEqual([{ id: 'bad', message: BAD_MESSAGE }]);
    // The others still compile.
    expect(catalog.compiledFor(TOTALS_VIEW)?.view).toBe(TOTALS_VIEW);
    expect(errors).toHaveLength(1);
  });

  it('forgets the compile of a view whose new definition does not compile', () => {
    const { catalog, errors } = recording();
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    const good = catalog.compiledFor(TOTALS_VIEW);
    const broken: ViewDef = { ...TOTALS_VIEW, measures: [] };
    expect(catalog.compiledFor(broken)).toBeNull();
    expect(errors).toEqual([{ id: 'totals', message: 'view "Totals": add at least one measure' }]);
    const again = catalog.compiledFor(TOTALS_VIEW);
    expect(again?.view).toBe(TOTALS_VIEW);
    expect(again).not.toBe(good);
  });

  it('reports a broken definition once however often it is asked for, and again against a new schema', () => {
    const { catalog, errors } = recording();
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    expect(catalog.compiledFor(BAD_VIEW)).toBeNull();
    expect(catalog.compiledFor(BAD_VIEW)).toBeNull();
    expect(errors).toEqual([{ id: 'bad', message: BAD_MESSAGE }]);
    // A copy of the same schema (the ingest status sends one with every snapshot) is the same schema.
    expect(catalog.compiledFor(BAD_VIEW, { fields: [...SHOP_SCHEMA.fields] })).toBeNull();
    expect(errors).toHaveLength(1);
    catalog.learnSchemas({ [SHOP_STREAM_ID]: { fields: [...SHOP_SCHEMA.fields, { name: 'coupon', type: 'text' }] } });
    expect(catalog.compiledFor(BAD_VIEW)).toBeNull();
    expect(errors).toHaveLength(2);
  });

  it('learnSchemas replaces known schemas, or with keepKnown keeps the first', () => {
    const { catalog } = recording();
    const later: DatasetSchema = { fields: [...SHOP_SCHEMA.fields, { name: 'coupon', type: 'text' }] };
    catalog.learnSchemas({ [SHOP_STREAM_ID]: SHOP_SCHEMA });
    catalog.learnSchemas({ [SHOP_STREAM_ID]: later, other: OTHER_SCHEMA }, true);
    expect(catalog.schemaOf(SHOP_STREAM_ID)).toBe(SHOP_SCHEMA);
    expect(catalog.schemaOf('other')).toBe(OTHER_SCHEMA);
    catalog.learnSchemas({ [SHOP_STREAM_ID]: later });
    expect(catalog.schemaOf(SHOP_STREAM_ID)).toBe(later);
    expect(catalog.schemaOf('other')).toBe(OTHER_SCHEMA);
  });
});
