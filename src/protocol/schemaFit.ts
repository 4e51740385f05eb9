/**
 * Whether a file's columns fit an existing dataset, field by field, in words a person can act on.
 * The one place for the rule, used by the import dialog (which datasets to offer, and why not) and
 * by the batch worker (which refuses what does not fit).
 * A file column fits a dataset field of the same name (ignoring case, as DuckDB does) and type; an
 * integer column also fits a float field (widened exactly up to 2^53). A dataset field the file
 * lacks is left empty (null) in the file's rows.
 */
import type { DatasetSchema, FieldDef, FieldType } from './schema';

export interface SchemaFit {
  /** Why the file cannot go into the dataset; empty when it can. */
  problems: string[];
  /** What will happen that the person should know (fields left empty, widened). */
  notes: string[];
  /** For each dataset field, in order: the index of the file column that fills it, or -1 (null). */
  sources: number[];
  /** For each dataset field: whether the file's integers are widened to float. */
  widen: boolean[];
}

const fits = (file: FieldType, dataset: FieldType) => file === dataset || (file === 'integer' && dataset === 'float');

export function schemaFit(dataset: DatasetSchema, file: readonly FieldDef[]): SchemaFit {
  const problems: string[] = [];
  const notes: string[] = [];
  const byName = new Map(dataset.fields.map((f, i) => [f.name.toLowerCase(), i]));
  const sources = dataset.fields.map(() => -1);
  const widen = dataset.fields.map(() => false);
  file.forEach((f, i) => {
    const at = byName.get(f.name.toLowerCase());
    if (at === undefined) {
      problems.push(`${JSON.stringify(f.name)} is not a field of the dataset`);
      return;
    }
    const d = dataset.fields[at]!;
    if (!fits(f.type, d.type)) {
      problems.push(`${JSON.stringify(f.name)} is ${f.type} in the file but ${d.type} in the dataset`);
      return;
    }
    sources[at] = i;
    if (f.type !== d.type) {
      widen[at] = true;
      notes.push(`${JSON.stringify(f.name)}: the file's integers are stored as ${d.type}`);
    }
  });
  dataset.fields.forEach((d, i) => {
    if (sources[i] === -1 && !problems.some((p) => p.startsWith(JSON.stringify(d.name)))) notes.push(`${JSON.stringify(d.name)} is not in the file: left empty`);
  });
  return { problems, notes, sources, widen };
}
