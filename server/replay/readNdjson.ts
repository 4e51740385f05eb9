/**
 * NDJSON: one JSON object per line, read line by line. Columns are the keys in the order they first
 * appear; a key first seen late becomes a new column then (rows before it lack it). A file that is
 * one JSON array is refused with a hint rather than read whole into memory.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Row, RowChunks, SourceColumn } from './readRows';
import { fileProblem, reasonOf, ReplayError } from './ReplayError';

const CHUNK_ROWS = 1000;

export async function readNdjson(file: string): Promise<RowChunks> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  // Whether readline's iterator passes on a read error (no such file) depends on the Node version: keep it to throw it.
  let readError: unknown = null;
  input.on('error', (e) => {
    readError = e;
    lines.close();
  });
  const columns: SourceColumn[] = [];
  const index = new Map<string, number>();
  const close = () => {
    lines.close();
    input.destroy();
  };

  function row(text: string, line: number): Row {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ReplayError(`${file}, line ${line}: not valid JSON (${reasonOf(e)})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      if (line === 1 && Array.isArray(value)) throw new ReplayError(`${file} holds a JSON array, not NDJSON (one object per line): convert it first, e.g. with jq -c '.[]'`);
      throw new ReplayError(`${file}, line ${line}: not a JSON object (NDJSON has one object per line)`);
    }
    const values: unknown[] = [];
    for (const [key, v] of Object.entries(value)) {
      let at = index.get(key);
      if (at === undefined) {
        at = columns.length;
        index.set(key, at);
        columns.push({ name: key, kind: 'json' });
      }
      values[at] = v;
    }
    return { line, values };
  }

  async function* chunks(): AsyncGenerator<Row[], void, undefined> {
    try {
      let chunk: Row[] = [];
      let line = 0;
      for await (const raw of lines) {
        line++;
        // A byte-order mark is not JSON; editors on Windows write one.
        const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
        if (text === '') continue;
        if (line === 1 && text === '[') throw new ReplayError(`${file} holds a JSON array, not NDJSON (one object per line): convert it first, e.g. with jq -c '.[]'`);
        chunk.push(row(text, line));
        if (chunk.length >= CHUNK_ROWS) {
          yield chunk;
          chunk = [];
        }
      }
      if (readError) throw readError;
      if (chunk.length) yield chunk;
    } catch (e) {
      throw fileProblem(file, e);
    } finally {
      close();
    }
  }
  return { columns, chunks: chunks(), close };
}
