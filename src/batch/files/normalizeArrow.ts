/**
 * Record batches of any Arrow schema into the log's types, column by column (see convertColumn).
 * Readers of Arrow-shaped formats (Arrow IPC, Parquet) plan once from the file's schema, then
 * normalize each batch as it comes.
 */
import { Bool, DateDay, Field, Float64, Int64, RecordBatch, Schema, Struct, TimestampMillisecond, Utf8, makeData, type Data, type DataType } from 'apache-arrow';
import { cleanColumnNames } from './cleanColumnNames';
import { columnRule, type Convert } from './convertColumn';
import type { FieldType, ImportField } from './types';

/** The Arrow type of each field type in output batches. */
export function arrowTypeOf(type: FieldType): DataType {
  switch (type) {
    case 'integer':
      return new Int64();
    case 'float':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'text':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMillisecond();
  }
}

/** The output schema for fields (all nullable: a file's columns may hold nulls anywhere). */
export function schemaOf(fields: readonly ImportField[]): Schema {
  return new Schema(fields.map((f) => new Field(f.name, arrowTypeOf(f.type), true)));
}

export interface ArrowPlan {
  fields: ImportField[];
  schema: Schema;
  converts: Convert[];
  sourceNames: string[];
}

const joinNotes = (...notes: (string | null | undefined)[]) => notes.filter((n): n is string => !!n).join('; ') || undefined;

/** Fields, output schema and converters for a file with Arrow schema `source`. */
export function planArrow(source: Schema): ArrowPlan {
  // An empty name comes back from IPC as null (flatbuffers store no empty strings).
  const sourceNames = source.fields.map((f) => (f.name as string | null) ?? '');
  const clean = cleanColumnNames(sourceNames);
  const fields: ImportField[] = [];
  const converts: Convert[] = [];
  source.fields.forEach((f, i) => {
    const rule = columnRule(f.type);
    const field: ImportField = { name: clean.names[i]!, sourceName: sourceNames[i]!, type: rule.type };
    if (rule.zoned) field.zoned = true;
    const note = joinNotes(clean.columnNotes[i], rule.note);
    if (note) field.note = note;
    fields.push(field);
    converts.push(rule.convert);
  });
  return { fields, schema: schemaOf(fields), converts, sourceNames };
}

/** One batch of the file in the log's types; `firstRow` (0-based, in the file) is for messages. */
export function normalizeBatch(plan: ArrowPlan, batch: RecordBatch, fileName: string, firstRow: number): RecordBatch {
  const children: Data[] = batch.data.children.map((d, i) => plan.converts[i]!(d, { fileName, column: plan.sourceNames[i]!, firstRow }));
  return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: batch.numRows, nullCount: 0, children }));
}
