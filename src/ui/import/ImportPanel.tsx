/** The files being imported, newest last; empty until a file is dropped or picked. */
import { ImportCard } from './ImportCard';
import { useImportStore } from './importStore';

const FINISHED = new Set(['done', 'failed', 'cancelled']);

export function ImportPanel() {
  const items = useImportStore((s) => s.items);
  const remove = useImportStore((s) => s.remove);
  if (items.length === 0) return null;
  const finished = items.filter((i) => FINISHED.has(i.status));
  return (
    <section className="imports" aria-label="File imports">
      {finished.length > 1 && (
        <button
          type="button"
          className="clear-finished"
          onClick={() => {
            for (const i of finished) remove(i.id);
          }}
        >
          Dismiss the {finished.length} finished imports
        </button>
      )}
      {items.map((item) => (
        <ImportCard key={item.id} item={item} />
      ))}
    </section>
  );
}
