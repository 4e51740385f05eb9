/**
 * The bytes of a dropped file: streamed from the Blob (never all in memory unless a format needs it),
 * gunzipped by the browser's own DecompressionStream, counted for progress, and stopped by an abort.
 */
import { FileProblem, abortError, reasonOf } from './FileProblem';
import type { NamedBlob } from './types';

export interface Chunk {
  /** Bytes of the file after decompression. */
  bytes: Uint8Array;
  /** Bytes of the file as stored (compressed, for gzip) consumed so far. */
  bytesRead: number;
}

/**
 * The file's bytes, chunk by chunk, decompressed when `gzip`. A Blob can be streamed any number of
 * times, so readers that need two passes (JSON type inference) call this twice.
 */
export async function* fileChunks(file: NamedBlob, gzip: boolean, signal?: AbortSignal): AsyncGenerator<Chunk> {
  let bytesRead = 0;
  let stream: ReadableStream<Uint8Array> = file.stream();
  if (gzip) {
    const count = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.length;
        controller.enqueue(chunk);
      },
    });
    stream = stream.pipeThrough(count).pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  }
  const reader = stream.getReader();
  // Cancelling ends a pending read at once, so an abort does not wait for the next chunk.
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(file.name);
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        if (signal?.aborted) throw abortError(file.name);
        if (gzip) throw new FileProblem(file.name, `could not be decompressed: the gzip data is damaged or cut short (${reasonOf(e)})`, { cause: e });
        throw new FileProblem(file.name, `could not be read (${reasonOf(e)})`, { cause: e });
      }
      if (signal?.aborted) throw abortError(file.name);
      if (r.done) return;
      if (!gzip) bytesRead += r.value.length;
      yield { bytes: r.value, bytesRead };
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
  }
}

/** The whole decompressed content of a gzip-compressed file, as a Blob (for formats that need random access). */
export async function gunzipToBlob(file: NamedBlob, signal?: AbortSignal): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for await (const c of fileChunks(file, true, signal)) parts.push(c.bytes);
  return new Blob(parts as BlobPart[]);
}

/**
 * A Blob as the FileHandle apache-arrow's reader takes (stat, read at a position, close), so an
 * Arrow IPC file is read by random access: the footer first, then one record batch at a time,
 * instead of being loaded whole. `onRead` counts the bytes read.
 */
export function blobFileHandle(blob: Blob, onRead: (bytes: number) => void, signal?: AbortSignal, fileName = '') {
  return {
    fd: 0,
    stat: async () => ({ size: blob.size }),
    read: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
      if (signal?.aborted) throw abortError(fileName);
      const bytes = new Uint8Array(await blob.slice(position, position + length).arrayBuffer());
      buffer.set(bytes, offset);
      onRead(bytes.length);
      return { bytesRead: bytes.length, buffer };
    },
    close: async () => {},
  };
}
