/** Readers that turn a dropped file into Arrow record batches in the log's column types. */
export { cleanColumnNames, type CleanNames } from './cleanColumnNames';
export { detectFile, detectFormat, HEAD_BYTES, isGzip } from './detectFormat';
export { FileProblem, isAbortError } from './FileProblem';
export { openFileReader } from './openFileReader';
export { setParquetWasmSource } from './parquetWasm';
export { DEFAULT_CHUNK_ROWS, type DetectedFormat, type FieldType, type FileFormat, type FileReader, type FileReaderOptions, type ImportBatch, type ImportField, type NamedBlob } from './types';
export { looksBinary } from './utf8Check';
