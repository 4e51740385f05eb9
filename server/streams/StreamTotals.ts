/**
 * Exact figures over every valid event a stream published, whatever its schema, so a test can check
 * the dashboard's numbers per stream: counts, nulls and integer sums exactly, float sums with
 * Neumaier's compensation (order-independent to well within a cent for realistic data).
 */
import type { ColumnBatch, DatasetSchema } from '../../src/protocol/schema';
import type { StreamTotals as Totals } from '../../src/protocol/stream';

interface FieldSum {
  sum: number;
  /** Neumaier's running compensation (floats only). */
  carry: number;
  nulls: number;
}

export class StreamTotals {
  private count = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;
  private readonly fields = new Map<string, FieldSum>();

  constructor(private schema: DatasetSchema) {
    for (const f of schema.fields) this.fields.set(f.name, { sum: 0, carry: 0, nulls: 0 });
  }

  /** New fields start at zero; the events before them had no value there. */
  widen(schema: DatasetSchema): void {
    for (const f of schema.fields) if (!this.fields.has(f.name)) this.fields.set(f.name, { sum: 0, carry: 0, nulls: this.count });
    this.schema = schema;
  }

  add(batch: ColumnBatch): void {
    for (let i = 0; i < batch.count; i++) {
      const t = batch.ts[i]!;
      if (t < this.minTs) this.minTs = t;
      if (t > this.maxTs) this.maxTs = t;
    }
    this.count += batch.count;
    for (const f of this.schema.fields) {
      const acc = this.fields.get(f.name)!;
      const col = Object.hasOwn(batch.columns, f.name) ? batch.columns[f.name]! : null;
      if (!col) {
        acc.nulls += batch.count;
        continue;
      }
      const numeric = f.type === 'integer' || f.type === 'float';
      for (let i = 0; i < batch.count; i++) {
        const x = col[i];
        if (x === null || x === undefined) {
          acc.nulls++;
          continue;
        }
        if (!numeric) continue;
        const n = x as number;
        const s = acc.sum + n;
        // Neumaier: keep what the addition rounded away. Integer sums stay exact below 2^53 anyway.
        acc.carry += Math.abs(acc.sum) >= Math.abs(n) ? acc.sum - s + n : n - s + acc.sum;
        acc.sum = s;
      }
    }
  }

  totals(): Totals {
    const sums: Record<string, number> = Object.create(null) as Record<string, number>;
    const nulls: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const f of this.schema.fields) {
      const acc = this.fields.get(f.name)!;
      if (f.type === 'integer' || f.type === 'float') sums[f.name] = acc.sum + acc.carry;
      nulls[f.name] = acc.nulls;
    }
    return { count: this.count, sums, nulls, minTs: this.count ? this.minTs : null, maxTs: this.count ? this.maxTs : null };
  }
}
