/**
 * Which reader a dropped file goes to: magic bytes first (a file's name can lie, its first bytes
 * rarely do), then the name's extension, then a look at the text.
 */
import { FileProblem, reasonOf } from './FileProblem';
import type { DetectedFormat, FileFormat, NamedBlob } from './types';
import { looksBinary, Utf8Check } from './utf8Check';

const BY_EXTENSION: Readonly<Record<string, FileFormat>> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  parquet: 'parquet',
  parq: 'parquet',
  pq: 'parquet',
  arrow: 'arrow-file',
  feather: 'arrow-file',
  ipc: 'arrow-file',
  arrows: 'arrow-stream',
};

const WHAT_WE_READ = 'Parquet, Arrow IPC, CSV, TSV, JSON or NDJSON, each also gzip-compressed';

/** How many bytes detectFile reads (and decompresses, for gzip) to decide. */
export const HEAD_BYTES = 64 * 1024;

const startsWith = (head: Uint8Array, magic: readonly number[]) => magic.every((b, i) => head[i] === b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const PAR1 = ascii('PAR1');
const ARROW1 = ascii('ARROW1');
const FEA1 = ascii('FEA1');
const CONTINUATION = [0xff, 0xff, 0xff, 0xff];

export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** `data.ndjson.gz` -> `{ base: 'data.ndjson', ext: 'ndjson', gz: true }`. */
function splitName(fileName: string): { base: string; ext: string; gz: boolean } {
  const lower = fileName.toLowerCase();
  const gz = /\.(gz|gzip)$/.test(lower);
  const base = gz ? fileName.replace(/\.(gz|gzip)$/i, '') : fileName;
  const dot = base.lastIndexOf('.');
  return { base, ext: dot > 0 ? base.slice(dot + 1).toLowerCase() : '', gz };
}

/** The first character that is not blank space (after a UTF-8 byte order mark), or '' if none. */
function firstChar(head: Uint8Array): string {
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return i < head.length ? String.fromCharCode(head[i]!) : '';
}

/** Tabs or commas in the first line: TSV when tabs win. */
function delimitedKind(head: Uint8Array): 'csv' | 'tsv' {
  let tabs = 0;
  let commas = 0;
  for (let i = 0; i < head.length && head[i] !== 0x0a; i++) {
    if (head[i] === 0x09) tabs++;
    else if (head[i] === 0x2c) commas++;
  }
  return tabs > commas ? 'tsv' : 'csv';
}

function checkText(fileName: string, head: Uint8Array): void {
  if (head.includes(0)) throw new FileProblem(fileName, `does not look like text (it holds NUL bytes); this app reads ${WHAT_WE_READ}`);
  const bad = new Utf8Check().push(head);
  if (bad !== -1) throw new FileProblem(fileName, `is not valid UTF-8 (byte offset ${bad}); save it as UTF-8 text`);
  if (firstChar(head) === '') throw new FileProblem(fileName, 'is empty (it holds only blank space)');
}

function jsonKind(fileName: string, head: Uint8Array, named: 'json' | 'ndjson'): FileFormat {
  checkText(fileName, head);
  const c = firstChar(head);
  if (c === '[') return 'json';
  if (c === '{') return 'ndjson';
  const what = named === 'json' ? 'a JSON array of objects' : 'NDJSON (one JSON object per line)';
  throw new FileProblem(fileName, `is not ${what}: it starts with ${JSON.stringify(c)}`);
}

/**
 * The format of a file from its name and its first bytes (HEAD_BYTES of them is plenty).
 * For gzip-compressed bytes the format comes from the name (`x.ndjson.gz`); detectFile also looks
 * inside. JSON vs NDJSON: a file starting with `[` is a JSON array, one starting with `{` NDJSON.
 * Text formats are checked to be UTF-8 without NUL bytes. Throws a FileProblem when the file is
 * empty, is not what its name says, or is nothing this app reads.
 */
export function detectFormat(fileName: string, head: Uint8Array): DetectedFormat {
  if (head.length === 0) throw new FileProblem(fileName, 'is empty');
  const { ext, gz } = splitName(fileName);
  const named = BY_EXTENSION[ext];
  if (isGzip(head)) {
    if (!named) throw new FileProblem(fileName, `is gzip-compressed and its name does not say what is inside (name it like data.ndjson.gz)`);
    return { format: named, gzip: true };
  }
  if (gz) throw new FileProblem(fileName, 'is named .gz but is not gzip-compressed (it does not start with 1f 8b)');
  if (startsWith(head, PAR1)) return { format: 'parquet', gzip: false };
  if (startsWith(head, ARROW1)) return { format: 'arrow-file', gzip: false };
  if (startsWith(head, CONTINUATION)) return { format: 'arrow-stream', gzip: false };
  switch (named) {
    case 'parquet':
      throw new FileProblem(fileName, 'is not a Parquet file (it does not start with PAR1)');
    case 'arrow-file':
    case 'arrow-stream':
      if (startsWith(head, FEA1)) throw new FileProblem(fileName, 'is a Feather version 1 file, which this app does not read (save it as Feather version 2, i.e. Arrow IPC)');
      // Streams written before Arrow 0.15 start with the message length, without the 0xFFFFFFFF marker.
      if (looksBinary(head)) return { format: 'arrow-stream', gzip: false };
      throw new FileProblem(fileName, 'is not an Arrow IPC file (it starts with neither ARROW1 nor an IPC message)');
    case 'json':
    case 'ndjson':
      return { format: jsonKind(fileName, head, named), gzip: false };
    case 'csv':
    case 'tsv':
      checkText(fileName, head);
      return { format: ext === 'txt' ? delimitedKind(head) : named, gzip: false };
    default: {
      if (looksBinary(head)) throw new FileProblem(fileName, `is not a file this app reads (${WHAT_WE_READ})`);
      checkText(fileName, head);
      const c = firstChar(head);
      return { format: c === '[' ? 'json' : c === '{' ? 'ndjson' : delimitedKind(head), gzip: false };
    }
  }
}

/** Up to `n` bytes from the start of a stream, then cancels it. */
async function firstBytes(stream: ReadableStream<Uint8Array>, n: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  try {
    while (got < n) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      got += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(Math.min(got, n));
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, out.length - at), at);
    at += Math.min(p.length, out.length - at);
  }
  return out;
}

/**
 * detectFormat on a file's first HEAD_BYTES; a gzip-compressed file is also decompressed that far,
 * so that `data.gz` holding NDJSON is found to be NDJSON.
 */
export async function detectFile(file: NamedBlob): Promise<DetectedFormat> {
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  } catch (e) {
    // A File whose bytes changed on disk after it was picked cannot be read any more (NotReadableError).
    throw new FileProblem(file.name, `could not be read (${reasonOf(e)})`, { cause: e });
  }
  if (!isGzip(head)) return detectFormat(file.name, head);
  let inner: Uint8Array;
  try {
    inner = await firstBytes(file.stream().pipeThrough(new DecompressionStream('gzip')), HEAD_BYTES);
  } catch (e) {
    throw new FileProblem(file.name, 'is gzip-compressed but could not be decompressed (is it cut short?)', { cause: e });
  }
  if (isGzip(inner)) throw new FileProblem(file.name, 'is gzip-compressed twice; decompress it once first');
  const { base } = splitName(file.name);
  try {
    return { format: detectFormat(base, inner).format, gzip: true };
  } catch (e) {
    // The inner name is made up: say the problem about the file the user dropped.
    if (e instanceof FileProblem) throw new FileProblem(file.name, `${e.problem} (after gzip decompression)`);
    throw e;
  }
}
