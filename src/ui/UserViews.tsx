/** The user's views, and the editor that adds them. */
import { useState } from 'react';
import { usePipelineSnapshot } from './PipelineContext';
import { ViewCard } from './ViewCard';
import { ViewEditor } from './ViewEditor';

export function UserViews() {
  const s = usePipelineSnapshot();
  const [editing, setEditing] = useState(false);
  const handover = s.handovers[0];
  const user = s.viewDefs.filter((v) => s.userViewIds.includes(v.id));
  return (
    <section className="user-views">
      <div className="section-head">
        <h2>Your views</h2>
        {!editing && (
          <button type="button" className="primary" disabled={s.phase !== 'ready'} onClick={() => setEditing(true)}>
            New view
          </button>
        )}
      </div>
      {editing && <ViewEditor onClose={() => setEditing(false)} />}
      {user.length === 0 && !editing && <p className="muted">Define a view once; it is compiled to DuckDB SQL for the batch layer and to an incremental tally for the speed layer.</p>}
      <div className="view-grid">
        {user.map((v, i) => (
          <ViewCard key={v.id} view={v} merged={s.views[v.id]} handover={handover} removable offsetMs={60 + 30 * i} />
        ))}
      </div>
    </section>
  );
}
