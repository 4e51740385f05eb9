/**
 * Reconciliation at a hand-over: what the speed layer had counted for the events batch has just
 * absorbed, against batch's answer for exactly those events (the same compiled SQL over the same
 * seq range). Drift is normally zero; anything else is shown, never hidden.
 */
import type { CompiledView, Tally } from '../views/compileView';
import { isInexact, MEASURES } from '../views/measures';
import type { KeyValue } from '../views/ViewDef';

/** Relative tolerance for floating-point sums, whose last bits depend on the order of addition. */
export const SUM_TOLERANCE = 1e-9;

export interface DriftExample {
  key: KeyValue[];
  measure: string;
  batch: number | null;
  speed: number | null;
}

export interface ViewDrift {
  viewId: string;
  viewName: string;
  /** Keys compared (the union of both sides). */
  keys: number;
  /** Keys where any measure differs. */
  driftKeys: number;
  /** Largest absolute difference over all measures and keys. */
  maxAbsDrift: number;
  examples: DriftExample[];
}

function differs(a: number | null, b: number | null, inexact: boolean): boolean {
  if (a === null || b === null) return a !== b;
  if (!inexact) return a !== b;
  return Math.abs(a - b) > SUM_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Compares speed's hand-over tally with batch's tally of the same seq range, per key and measure. */
export function reconcile(c: CompiledView, batch: Tally, speed: Tally, maxExamples = 3): ViewDrift {
  const keys = new Set([...batch.keys(), ...speed.keys()]);
  const kinds = c.view.measures.map((m) => MEASURES[m.op]);
  const inexactMeasure = kinds.map(isInexact);
  let driftKeys = 0;
  let maxAbsDrift = 0;
  const examples: DriftExample[] = [];
  for (const k of keys) {
    const b = batch.get(k);
    const s = speed.get(k);
    const key = (b ?? s)!.key;
    const bv = b ? c.finalize(b.state) : c.view.measures.map(() => null);
    const sv = s ? c.finalize(s.state) : c.view.measures.map(() => null);
    let drifted = false;
    c.view.measures.forEach((m, i) => {
      const x = bv[i] ?? null;
      const y = sv[i] ?? null;
      // A key one side lacks holds no events there.
      const xa = b ? x : kinds[i]!.empty;
      const ya = s ? y : kinds[i]!.empty;
      if (!differs(xa, ya, inexactMeasure[i]!)) return;
      drifted = true;
      maxAbsDrift = Math.max(maxAbsDrift, Math.abs((xa ?? 0) - (ya ?? 0)));
      if (examples.length < maxExamples) examples.push({ key, measure: m.label, batch: x, speed: y });
    });
    if (drifted) driftKeys++;
  }
  return { viewId: c.view.id, viewName: c.view.name, keys: keys.size, driftKeys, maxAbsDrift, examples };
}
