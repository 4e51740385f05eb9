import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { clusterResultIpc } from './clusterResult';

describe('clusterResultIpc', () => {
  it("turns ClickHouse's rows into one Arrow stream: numbers as DOUBLE, the rest as text, each column name once", () => {
    const { ipc, columns } = clusterResultIpc(
      [
        { name: 'n', type: 'UInt64' },
        { name: 'n', type: 'Nullable(Float64)' },
        { name: 'who', type: 'Nullable(String)' },
        { name: 'tags', type: 'Array(String)' },
      ],
      [
        [3, 1.5, "O'Brien", ['a', 'b']],
        [4, null, null, []],
      ],
    );
    expect(columns).toEqual([
      { name: 'n', type: 'DOUBLE' },
      { name: 'n (2)', type: 'DOUBLE' },
      { name: 'who', type: 'VARCHAR' },
      { name: 'tags', type: 'VARCHAR' },
    ]);
    const t = tableFromIPC(ipc);
    expect(t.numRows).toBe(2);
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { n: 3, 'n (2)': 1.5, who: "O'Brien", tags: '["a","b"]' },
      { n: 4, 'n (2)': null, who: null, tags: '[]' },
    ]);
  });
});
