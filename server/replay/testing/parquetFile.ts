/** Parquet files for tests, written by parquet-wasm from an apache-arrow table with explicit column types. */
import { writeFileSync } from 'node:fs';
import { type Table, tableToIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';

/** Writes `table` to `path` in row groups of at most `rowGroupRows` rows. */
export function writeParquetFile(path: string, table: Table, rowGroupRows = 1024): void {
  const props = new pq.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupRows).build();
  writeFileSync(path, pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
}
