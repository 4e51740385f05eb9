/** What went wrong the last time a control was used (see runControl), shown beside it. Text only. */
import { useUiStore } from './uiStore';

export function ControlError({ control }: { control: string }) {
  const text = useUiStore((s) => s.controlErrors[control]);
  const setControlError = useUiStore((s) => s.setControlError);
  if (text === undefined) return null;
  return (
    <span className="error-text control-error" role="alert" data-testid="control-error" data-control={control}>
      {text}{' '}
      <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => setControlError(control, null)}>
        ×
      </button>
    </span>
  );
}
