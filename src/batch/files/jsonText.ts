/**
 * JSON and NDJSON as a stream of records' text: the file is decoded chunk by chunk (strict UTF-8)
 * and cut into one string per record, which the caller parses with JSON.parse. A JSON array is cut
 * into its elements the same way, so neither format is ever parsed whole: a JSON.parse of a
 * 500 MB array would hold every row as a JS object at once.
 */
import { fileChunks } from './byteSource';
import { FileProblem, throwIfAborted } from './FileProblem';
import type { NamedBlob } from './types';
import { Utf8Check } from './utf8Check';

/** Receives each record's text and its number: the line (NDJSON) or the element (JSON array), from 1. */
export type RecordSink = (text: string, at: number) => void;

export interface Splitter {
  push(text: string, sink: RecordSink): void;
  /** At the end of the text: the last record, or a FileProblem if the text stops mid-record. */
  end(sink: RecordSink): void;
}

/** NDJSON: one record per line; blank lines are skipped but counted, so line numbers match an editor's. */
export class LineSplitter implements Splitter {
  private carry = '';
  private line = 0;

  push(text: string, sink: RecordSink): void {
    const s = this.carry + text;
    let from = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', from)) {
      this.emit(s.slice(from, nl), sink);
      from = nl + 1;
    }
    this.carry = s.slice(from);
  }

  end(sink: RecordSink): void {
    if (this.carry !== '') this.emit(this.carry, sink);
    this.carry = '';
  }

  private emit(line: string, sink: RecordSink): void {
    this.line++;
    if (line.trim() !== '') sink(line, this.line);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A top-level JSON array of objects, cut into its elements by tracking nesting and strings (the
 * elements themselves are checked by JSON.parse). Anything but objects at the top level fails.
 */
export class ArraySplitter implements Splitter {
  /** before `[`, expecting an element or `]`, an element, a comma or `]`, after `]`. */
  private state: 'start' | 'first' | 'element' | 'comma' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private carry = '';
  private count = 0;

  constructor(private readonly fileName: string) {}

  private fail(problem: string): FileProblem {
    return new FileProblem(this.fileName, problem);
  }

  push(text: string, sink: RecordSink): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.depth > 0) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === 0x5c) this.escaped = true;
          else if (c === 0x22) this.inString = false;
        } else if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) this.depth++;
        else if ((c === 0x7d || c === 0x5d) && --this.depth === 0) {
          const element = this.carry + text.slice(start, i + 1);
          this.carry = '';
          this.state = 'comma';
          sink(element, ++this.count);
        }
        continue;
      }
      if (isSpace(c)) continue;
      switch (this.state) {
        case 'start':
          if (c !== 0x5b) throw this.fail(`is not a JSON array of objects (it starts with ${JSON.stringify(text[i])})`);
          this.state = 'first';
          break;
        case 'first':
        case 'element':
          if (c === 0x5d && this.state === 'first') this.state = 'done';
          else if (c === 0x7b) {
            this.depth = 1;
            start = i;
          } else throw this.fail(`is not a JSON array of objects (element ${this.count + 1} ${c === 0x5d ? 'is missing after a comma' : `starts with ${JSON.stringify(text[i])}, not {`})`);
          break;
        case 'comma':
          if (c === 0x2c) this.state = 'element';
          else if (c === 0x5d) this.state = 'done';
          else throw this.fail(`is not valid JSON (a comma or ] is missing after element ${this.count})`);
          break;
        case 'done':
          throw this.fail(`is not valid JSON (there is more after the array's closing ]: ${JSON.stringify(text.slice(i, i + 20))})`);
      }
    }
    if (this.depth > 0) this.carry += text.slice(start);
  }

  end(): void {
    if (this.state === 'start') throw this.fail('is empty');
    if (this.state !== 'done') throw this.fail(`is not complete JSON: it ends inside the array${this.depth > 0 ? ` (in element ${this.count + 1})` : ''}. Is it cut short?`);
  }
}

const PIECE = 64 * 1024;

/**
 * The file's text, chunk by chunk, with the stored bytes consumed so far. Invalid UTF-8 fails with a
 * FileProblem naming the byte offset: the bytes are checked by Utf8Check as they pass (~2 ns a byte),
 * because a fatal TextDecoder would say that they are invalid but not where.
 */
export async function* textChunks(file: NamedBlob, gzip: boolean, signal?: AbortSignal): AsyncGenerator<{ text: string; bytesRead: number }> {
  const decoder = new TextDecoder('utf-8');
  const check = new Utf8Check();
  const invalid = (offset: number) => new FileProblem(file.name, `is not valid UTF-8 (byte offset ${offset}${gzip ? ' after decompression' : ''})`);
  let bytesRead = 0;
  for await (const chunk of fileChunks(file, gzip, signal)) {
    const bad = check.push(chunk.bytes);
    if (bad !== -1) throw invalid(bad);
    bytesRead = chunk.bytesRead;
    // Node's Blob streams a whole in-memory Blob as one chunk, and its streaming decode of 20 MB at once took 12x longer than in 64 KB pieces.
    for (let at = 0; at < chunk.bytes.length; at += PIECE) {
      throwIfAborted(signal, file.name);
      yield { text: decoder.decode(chunk.bytes.subarray(at, at + PIECE), { stream: true }), bytesRead };
    }
  }
  const cut = check.end();
  if (cut !== -1) throw invalid(cut);
  const rest = decoder.decode();
  if (rest !== '') yield { text: rest, bytesRead };
}
