/** The files being imported, newest last; empty until a file is dropped or picked. */
import { ImportCard } from './ImportCard';
import { useImportStore } from './importStore';

export function ImportPanel() {
  const items = useImportStore((s) => s.items);
  if (items.length === 0) return null;
  return (
    <section className="imports" aria-label="File imports">
      {items.map((item) => (
        <ImportCard key={item.id} item={item} />
      ))}
    </section>
  );
}
