/** Under Node (vitest) parquet-wasm gets its .wasm as bytes from node_modules: there is no server to fetch the build's URL from. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setParquetWasmSource } from '../parquetWasm';

export function useNodeParquetWasm(): void {
  const path = createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
  setParquetWasmSource(readFileSync(path));
}
