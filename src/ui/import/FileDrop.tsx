/**
 * Files come in two ways: dropped anywhere on the page (an overlay says so while they are dragged
 * over it) or picked with the Import button. Either way each file gets an import card.
 */
import { useEffect, useRef, useState } from 'react';
import { usePipeline } from '../PipelineContext';
import { addFiles } from './importActions';

const ACCEPT = '.csv,.tsv,.tab,.txt,.json,.ndjson,.jsonl,.parquet,.arrow,.arrows,.feather,.ipc,.gz';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function FileDrop() {
  const pipeline = usePipeline();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // Counting enters and leaves: each child element the drag crosses fires its own pair.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault(); // allows the drop
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault(); // or the browser opens the file in place of the app
      addFiles(pipeline, files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [pipeline]);

  return (
    <>
      <button type="button" className="primary" data-testid="import-button" onClick={() => input.current?.click()}>
        Import files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        data-testid="import-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // the same file picked again is a new import
          if (files.length) addFiles(pipeline, files);
        }}
      />
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <p>Drop files to import them: CSV, TSV, JSON, NDJSON, Parquet, Arrow (gzipped CSV and NDJSON too)</p>
        </div>
      )}
    </>
  );
}
