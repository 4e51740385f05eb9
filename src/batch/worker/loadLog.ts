/**
 * The batch layer's cache of the log: a dataset's segments not loaded yet go into its engine table,
 * up to W. Seqs may have holes only where retention cut (at or below its highest cut).
 */
import type { EventLog } from '../../log/EventLog';
import type { DatasetRecord } from '../../log/LogDb';
import { tableFor, type BatchEngine } from '../BatchEngine';

/**
 * The log is read into the engine a page at a time, the next page read from IndexedDB while this
 * one is inserted: a reload of 10M events held ~0.5 GB of segments at once before. (It did not make
 * the reload faster: the inserts dominate, 4.0 vs 4.1 s for 2M events.)
 */
const LOAD_PAGE_BYTES = 32 * 1024 ** 2;

async function* prefetched<T>(pages: AsyncGenerator<T[]>): AsyncGenerator<T> {
  let next = pages.next();
  for (;;) {
    const page = await next;
    if (page.done) return;
    next = pages.next();
    // A rejected read-ahead is seen when it is awaited; until then it must not count as unhandled.
    next.catch(() => undefined);
    yield* page.value;
  }
}

/** Loads `ds`'s segments past what `loaded` says up to `w`; returns what it loaded and the new mark. */
export async function loadLog(engine: BatchEngine, log: EventLog, ds: DatasetRecord, w: number, loadedMarks: Map<string, number>): Promise<{ segments: number; events: number; loaded: number }> {
  const table = tableFor(ds.id);
  let loaded = loadedMarks.get(ds.id) ?? 0;
  let segments = 0;
  let events = 0;
  for await (const seg of prefetched(log.segmentPages(ds.id, w, LOAD_PAGE_BYTES, loaded))) {
    if (seg.lastSeq <= loaded) continue; // compacted between pages with what is loaded already
    if (seg.firstSeq > loaded + 1 && seg.firstSeq - 1 > (ds.retention?.cutUpTo ?? 0)) throw new Error(`log for ${ds.id} has a hole before seq ${seg.firstSeq}`);
    // Compaction may have merged segments across `loaded` or `w`: load just the part in range.
    const before = loaded;
    const whole = seg.firstSeq > loaded && seg.lastSeq <= w;
    await engine.appendArrow(table, seg.bytes, whole ? undefined : { afterSeq: loaded, uptoSeq: w });
    loaded = Math.min(seg.lastSeq, w);
    loadedMarks.set(ds.id, loaded);
    segments++;
    events += whole ? seg.count : loaded - before;
  }
  // A widened schema whose new fields no loaded segment has yet: the table gains them (NULL) now.
  if (loaded > 0) await engine.ensureColumns(table, ds.schema.fields);
  return { segments, events, loaded };
}
