/** The selected dataset's views beyond the tiles and the two charts (the user's, removable), and the editor that adds views. */
import { useState } from 'react';
import { baseViewId } from '../views/crossFilter';
import { useDashboardViews } from './dashboardViews';
import { usePipelineSnapshot } from './PipelineContext';
import { ViewCard } from './ViewCard';
import { ViewEditor } from './ViewEditor';

export function UserViews({ dataset }: { dataset: string | null }) {
  const s = usePipelineSnapshot();
  const [editing, setEditing] = useState(false);
  const handover = s.handovers.find((h) => h.dataset === dataset);
  const views = useDashboardViews(dataset).others;
  return (
    <section className="user-views">
      <div className="section-head">
        <h2>Views</h2>
        {!editing && (
          <button type="button" className="primary" disabled={s.phase !== 'ready'} onClick={() => setEditing(true)}>
            New view
          </button>
        )}
      </div>
      {editing && <ViewEditor dataset={dataset} onClose={() => setEditing(false)} />}
      {views.length === 0 && !editing && <p className="muted">Define a view once; it is compiled to DuckDB SQL for the batch layer and to an incremental tally for the speed layer.</p>}
      <div className="view-grid">
        {views.map((v, i) => (
          <ViewCard key={baseViewId(v.id)} view={v} merged={s.views[v.id]} handover={handover} removable={s.userViewIds.includes(baseViewId(v.id))} offsetMs={60 + 30 * i} />
        ))}
      </div>
    </section>
  );
}
