import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEWS } from './defaultViews';
import type { ViewDef } from './ViewDef';
import { parseViewDef } from './viewSchema';

const VIEW: ViewDef = {
  id: 'v1',
  name: 'x',
  dataset: 'shop',
  filters: [
    { field: 'country', op: 'in', value: ['US', 'DE'] },
    { field: 'amount', op: '>=', value: 10 },
    { field: 'channel', op: 'is not null' },
  ],
  groupBy: ['country'],
  bucketMs: 60_000,
  measures: [
    { op: 'count', label: 'n' },
    { op: 'avg', field: 'amount', label: 'avg' },
  ],
};

/** VIEW with `patch` applied at a path, e.g. ['measures', 0, 'op']. */
function damaged(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(VIEW) as unknown as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('parseViewDef', () => {
  it('accepts views as the editor and the defaults make them', () => {
    for (const v of [VIEW, ...DEFAULT_VIEWS]) expect(parseViewDef(structuredClone(v))).toEqual({ ok: true, view: v });
  });

  it('keeps only the keys a view has', () => {
    const r = parseViewDef({ ...VIEW, stale: 1 });
    expect(r.ok && Object.keys(r.view)).toEqual(['id', 'name', 'dataset', 'filters', 'groupBy', 'bucketMs', 'measures']);
  });

  it('names the view and what is wrong with it', () => {
    expect(parseViewDef(damaged(['measures', 0, 'op'], 'median'))).toEqual({ ok: false, error: 'view "x": measures[0].op: unknown operator "median"' });
  });

  it.each([
    [['filters', 1, 'op'], 'between', 'filters[1].op: unknown operator "between"'],
    [['filters', 1, 'value'], { a: 1 }, 'filters[1].value: must be a number, text, true, false or a list of them, got {"a":1}'],
    [['filters', 0, 'value'], ['US', null], 'filters[0].value: must be a number, text, true, false or a list of them, got ["US",null]'],
    [['filters'], {}, 'filters: must be a list, got {}'],
    [['bucketMs'], 0, 'bucketMs: must be null or a positive whole number of ms, got 0'],
    [['bucketMs'], 1.5, 'bucketMs: must be null or a positive whole number of ms, got 1.5'],
    [['bucketMs'], '10000', 'bucketMs: must be null or a positive whole number of ms, got "10000"'],
    [['bucketMs'], undefined, 'bucketMs: missing'],
    [['groupBy'], 'country', 'groupBy: must be a list, got "country"'],
    [['groupBy', 0], 7, 'groupBy[0]: must be non-empty text, got 7'],
    [['measures', 1, 'field'], '', 'measures[1].field: must be non-empty text, got ""'],
    [['measures', 1], null, 'measures[1]: must be an object, got null'],
    [['measures'], undefined, 'measures: missing'],
    [['dataset'], 5, 'dataset: must be non-empty text, got 5'],
  ])('%j = %j: %s', (path, value, problem) => {
    expect(parseViewDef(damaged(path, value))).toEqual({ ok: false, error: `view "x": ${problem}` });
  });

  it('names a view without a name by its id, and anything else as a saved view', () => {
    expect(parseViewDef({ ...VIEW, name: 3 })).toEqual({ ok: false, error: 'view "v1": name: must be text, got 3' });
    expect(parseViewDef(null)).toEqual({ ok: false, error: 'a saved view: must be an object, got null' });
    expect(parseViewDef('{}')).toEqual({ ok: false, error: 'a saved view: must be an object, got "{}"' });
  });
});
