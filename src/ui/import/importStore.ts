/**
 * The files a person dropped, each from preview to result: what they chose (event time, target,
 * name, date formats) and how far the import got. UI state only; the log is the record of what
 * was imported.
 */
import { create } from 'zustand';
import type { FilePreview, ImportProgress, ImportResult } from '../../batch/import/importTypes';

export type ImportStatus = 'previewing' | 'ready' | 'importing' | 'done' | 'failed' | 'cancelled';

export interface ImportItem {
  id: string;
  file: File;
  status: ImportStatus;
  preview: FilePreview | null;
  /** What went wrong, one sentence naming the file. */
  error: string | null;
  /** The event-time field; '' for none (the import's own time). */
  eventTime: string;
  /** 'new', or the id of an existing dataset. */
  target: string;
  /** The new dataset's name. */
  name: string;
  /** Per text column with date candidates: the chosen format, '' for text. */
  formats: Record<string, string>;
  progress: ImportProgress | null;
  startedAt: number | null;
  result: ImportResult | null;
}

interface ImportState {
  items: ImportItem[];
  add(item: ImportItem): void;
  update(id: string, patch: Partial<ImportItem>): void;
  remove(id: string): void;
}

export const useImportStore = create<ImportState>()((set) => ({
  items: [],
  add: (item) => set(({ items }) => ({ items: [...items, item] })),
  update: (id, patch) => set(({ items }) => ({ items: items.map((i) => (i.id === id ? { ...i, ...patch } : i)) })),
  remove: (id) => set(({ items }) => ({ items: items.filter((i) => i.id !== id) })),
}));

/** A new dataset's default name: the file's name without its extensions (.csv, .ndjson.gz). */
export function baseName(fileName: string): string {
  const stripped = fileName.replace(/(\.(gz|csv|tsv|tab|txt|json|ndjson|jsonl|parquet|arrow|arrows|feather|ipc))+$/i, '');
  return stripped === '' ? fileName : stripped;
}
