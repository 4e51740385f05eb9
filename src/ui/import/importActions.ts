/**
 * What the import controls do: preview a dropped file, re-preview when a date format changes,
 * run the import with progress, cancel it. Failures land on the item, in the file's words.
 */
import type { ImportPlan } from '../../batch/import/importTypes';
import { errorText } from '../../protocol/errorText';
import type { Pipeline } from '../../serving/Pipeline';
import { useUiStore } from '../uiStore';
import { baseName, type ImportItem, useImportStore } from './importStore';

let counter = 0;
const newId = () => `import-${Date.now().toString(36)}-${(++counter).toString(36)}`;

/** Formats as the worker takes them: '' (keep text) is null. */
function formatsOf(item: ImportItem): Record<string, string | null> {
  return Object.fromEntries(Object.entries(item.formats).map(([k, v]) => [k, v === '' ? null : v]));
}

export async function preview(pipeline: Pipeline, id: string): Promise<void> {
  const store = useImportStore.getState();
  const item = store.items.find((i) => i.id === id);
  if (!item) return;
  store.update(id, { status: 'previewing', error: null });
  try {
    const p = await pipeline.files.preview(item.file, Object.keys(item.formats).length ? formatsOf(item) : undefined);
    const formats = { ...item.formats };
    for (const f of p.fields) if (f.dateFormats && !(f.name in formats)) formats[f.name] = f.format ?? '';
    const keepTime = item.preview !== null && p.fields.some((f) => f.name === item.eventTime && (f.type === 'timestamp' || f.type === 'date'));
    useImportStore.getState().update(id, { status: 'ready', preview: p, formats, eventTime: keepTime ? item.eventTime : (p.suggestedEventTime ?? '') });
  } catch (e) {
    useImportStore.getState().update(id, { status: 'failed', error: errorText(e) });
  }
}

/** Adds dropped or picked files and previews each. */
export function addFiles(pipeline: Pipeline, files: readonly File[]): void {
  for (const file of files) {
    const id = newId();
    useImportStore.getState().add({
      id,
      file,
      status: 'previewing',
      preview: null,
      error: null,
      eventTime: '',
      target: 'new',
      name: baseName(file.name),
      formats: {},
      progress: null,
      startedAt: null,
      result: null,
    });
    void preview(pipeline, id);
  }
}

export async function startImport(pipeline: Pipeline, id: string): Promise<void> {
  const item = useImportStore.getState().items.find((i) => i.id === id);
  if (item?.status !== 'ready') return;
  const plan: ImportPlan = {
    importId: id,
    target: item.target === 'new' ? { kind: 'new', name: item.name.trim() || baseName(item.file.name) } : { kind: 'existing', datasetId: item.target },
    eventTime: item.eventTime === '' ? null : item.eventTime,
    formats: formatsOf(item),
  };
  const { update } = useImportStore.getState();
  update(id, { status: 'importing', error: null, progress: null, startedAt: performance.now() });
  try {
    const result = await pipeline.files.import(item.file, plan, (progress) => useImportStore.getState().update(id, { progress }));
    update(id, { status: 'done', result });
    useUiStore.getState().setDatasetId(result.datasetId);
  } catch (e) {
    const text = errorText(e);
    update(id, { status: /was cancelled/.test(text) ? 'cancelled' : 'failed', error: text });
  }
}

export function cancelImport(pipeline: Pipeline, id: string): void {
  void pipeline.files.cancel(id).catch(() => false);
}
