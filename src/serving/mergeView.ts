/**
 * The serving layer's merge: per key, batch part + speed part with the measure's own merge rule.
 * Every merged row keeps both parts so the dashboard can show which is which.
 */
import type { CompiledView, Tally } from '../views/compileView';
import type { KeyValue } from '../views/ViewDef';

export interface MergedRow {
  key: KeyValue[];
  /** Measure values from batch alone; null when batch has no such key. */
  batch: (number | null)[] | null;
  /** Measure values from the speed layer alone; null when it has no such key. */
  speed: (number | null)[] | null;
  merged: (number | null)[];
}

export interface MergedView {
  id: string;
  keyNames: string[];
  measureLabels: string[];
  rows: MergedRow[];
  /** The batch watermark these rows are relative to. */
  w: number;
  /**
   * For bucketed views: the start of the first bucket holding any speed-layer contribution.
   * Buckets before it are pure batch output. Null when the speed layer holds nothing.
   */
  boundary: number | null;
}

function compareKeys(a: readonly KeyValue[], b: readonly KeyValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function mergeView(compiled: CompiledView, batch: Tally, speed: Tally, w: number): MergedView {
  const merged: Tally = new Map();
  compiled.mergeInto(merged, batch);
  compiled.mergeInto(merged, speed);
  const rows: MergedRow[] = [];
  let boundary: number | null = null;
  const bucketed = compiled.view.bucketMs !== null;
  for (const [ks, g] of merged) {
    const b = batch.get(ks);
    const s = speed.get(ks);
    if (s && bucketed) {
      const start = g.key[0] as number;
      if (boundary === null || start < boundary) boundary = start;
    }
    rows.push({
      key: g.key,
      batch: b ? compiled.finalize(b.state) : null,
      speed: s ? compiled.finalize(s.state) : null,
      merged: compiled.finalize(g.state),
    });
  }
  rows.sort((x, y) => compareKeys(x.key, y.key));
  return {
    id: compiled.view.id,
    keyNames: compiled.keyNames,
    measureLabels: compiled.view.measures.map((m) => m.label),
    rows,
    w,
    boundary,
  };
}
