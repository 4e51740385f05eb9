/** The last hand-overs from speed to batch, each reconciled: normally zero drift. */
import { fmtClock, fmtInt, fmtNumber } from './format';
import { usePipelineSnapshot } from './PipelineContext';

export function Handovers() {
  const { handovers } = usePipelineSnapshot();
  return (
    <div className="card" data-testid="handovers">
      <h2>Hand-overs, reconciled</h2>
      <p className="hint">At each recompute the speed layer hands the events up to W over to batch. Its tally of those events is compared with batch's answer for exactly the same events.</p>
      {handovers.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>time</th>
              <th>seq range</th>
              <th className="num">events</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {handovers.slice(0, 8).map((h) => (
              <tr key={`${h.dataset}-${h.toSeq}-${h.at}`} data-testid="handover" data-ok={h.ok} data-events={h.events}>
                <td>{fmtClock(h.at)}</td>
                <td>
                  {fmtInt(h.fromSeq + 1)}–{fmtInt(h.toSeq)}
                </td>
                <td className="num">{fmtInt(h.events)}</td>
                <td className={h.ok ? 'ok' : 'error-text'}>
                  {h.ok
                    ? `✓ no drift (${h.views.length} views)`
                    : h.views
                        .filter((v) => v.driftKeys > 0)
                        .map(
                          (v) =>
                            `✗ ${v.viewName}: ${v.driftKeys} keys, e.g. ${v.examples[0] ? `${v.examples[0].measure} batch ${fmtNumber(v.examples[0].batch)} vs speed ${fmtNumber(v.examples[0].speed)}` : ''}`,
                        )
                        .join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
