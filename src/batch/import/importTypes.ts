/** What the page and the batch worker say to each other about a dropped file. */
import type { DatasetSchema, FieldType } from '../../protocol/schema';
import type { FileFormat } from '../files/types';

export interface PreviewField {
  name: string;
  /** The column's name in the file (differs when it had to be renamed; `note` says why). */
  sourceName: string;
  type: FieldType;
  /** Timestamps that carried a zone or offset, converted to UTC instants. */
  zoned?: boolean;
  note?: string;
  /** A text column whose values all read as dates: the formats that read them, best first (CSV/TSV). */
  dateFormats?: string[];
  /** The date format it will be read with; null: kept as text. */
  format?: string | null;
}

export interface FilePreview {
  fileName: string;
  fileBytes: number;
  format: FileFormat;
  gzip: boolean;
  fields: PreviewField[];
  /** The first rows as text (never HTML), in field order; null for an empty value. */
  rows: (string | null)[][];
  /** Rows in the file when known without reading it all. */
  rowCount: number | null;
  /** Things done to the columns that the person should know (renames, how empty fields read). */
  notes: string[];
  /** The column suggested as event time, or null (ingest time). */
  suggestedEventTime: string | null;
  /** Text or boolean fields with few distinct values in the sample: good for a breakdown view. */
  lowCardinality: string[];
}

export type ImportTarget = { kind: 'new'; name: string } | { kind: 'existing'; datasetId: string };

export interface ImportPlan {
  /** Chosen by the page, so that it can cancel the import before it answers. */
  importId: string;
  target: ImportTarget;
  /** The field whose values are the event time, or null for the import's own time. */
  eventTime: string | null;
  /** Per text column with date candidates: the format to read it with, or null to keep text. */
  formats: Record<string, string | null>;
}

export interface ImportProgress {
  importId: string;
  fileName: string;
  bytesRead: number;
  fileBytes: number;
  rows: number;
}

export interface ImportResult {
  datasetId: string;
  name: string;
  schema: DatasetSchema;
  created: boolean;
  rows: number;
  /** Rows left out because their event time was missing or outside 1900..2200. */
  skipped: number;
  ms: number;
  /** Bytes the file's events take in the log. */
  logBytes: number;
  highWater: number;
  minTs: number | null;
  maxTs: number | null;
  lowCardinality: string[];
}
