/**
 * parquet-wasm, instantiated once per worker without the network: in the Vite build its .wasm is a
 * `?url` asset of our own origin; under Node (vitest) there is no server, so tests hand it the
 * file's bytes with setParquetWasmSource first (see testing/nodeParquetWasm.ts).
 */
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import initParquetWasm, * as parquetWasmModule from 'parquet-wasm/esm';

export type ParquetWasm = typeof parquetWasmModule;

let source: BufferSource | WebAssembly.Module | string = wasmUrl;
let ready: Promise<ParquetWasm> | null = null;
let crashed: unknown = null;

/** Where the .wasm comes from, instead of its build URL: its bytes or a compiled module. Call before the first Parquet file. */
export function setParquetWasmSource(wasm: BufferSource | WebAssembly.Module): void {
  source = wasm;
}

/** The initialized module; throws the crash if it crashed before (see markParquetWasmCrashed). */
export function parquetWasm(): Promise<ParquetWasm> {
  if (crashed) return Promise.reject(crashed);
  ready ??= initParquetWasm({ module_or_path: source }).then(() => parquetWasmModule);
  return ready;
}

/**
 * A trap inside the module (a Rust panic is a WebAssembly.RuntimeError) may leave its state broken,
 * and wasm-bindgen's glue cannot be instantiated twice: later files get this error instead.
 */
export function markParquetWasmCrashed(error: unknown): void {
  crashed = error;
}
