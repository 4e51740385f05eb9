/**
 * What a control asked of the pipeline, run so that a failure reaches the user: a call that throws or
 * rejects (a worker that died, a request it refused) is kept in the UI store under the control's id,
 * and <ControlError> shows it beside the control until the control is used again.
 */
import { useUiStore } from './uiStore';
import { errorText } from '../protocol/errorText';

/**
 * Runs `action` for `control`; `what` names it for the user ("Restarting the ingest worker"). Sync
 * actions stay sync: a controlled input must see its state change in the same event.
 */
export function runControl(control: string, what: string, action: () => unknown): void {
  const { setControlError } = useUiStore.getState();
  const fail = (e: unknown) => setControlError(control, `${what} failed: ${errorText(e)}`);
  setControlError(control, null);
  try {
    const result = action();
    if (result instanceof Promise) result.catch(fail);
  } catch (e) {
    fail(e);
  }
}
