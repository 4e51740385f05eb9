/**
 * The views the serving layer serves: their definitions (built-in first, then the user's), the
 * schemas of their datasets as the layers report them, and each view compiled once per definition.
 */
import type { DatasetSchema } from '../protocol/schema';
import { type CompiledView, compileView } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import { errorText } from '../protocol/errorText';

export class ViewCatalog {
  private readonly compiled = new Map<string, CompiledView>();
  /** Definitions that did not compile against the schema they were tried with: reported once. */
  private readonly failed = new WeakMap<ViewDef, string>();
  private schemas: Record<string, DatasetSchema> = {};

  /** @param onError is told once per definition that does not compile against its dataset. */
  constructor(private readonly onError: (view: ViewDef, message: string) => void) {}

  /** Adds schemas the batch layer or the log reported; a known dataset keeps its first. */
  learnSchemas(schemas: Record<string, DatasetSchema>, keepKnown = false): void {
    this.schemas = keepKnown ? { ...schemas, ...this.schemas } : { ...this.schemas, ...schemas };
  }

  schemaOf(dataset: string): DatasetSchema | null {
    return this.schemas[dataset] ?? null;
  }

  /** The view compiled against its dataset's schema; null while the schema is unknown or it does not compile. */
  compiledFor(v: ViewDef, schema: DatasetSchema | null = this.schemaOf(v.dataset)): CompiledView | null {
    if (!schema) return null;
    const c = this.compiled.get(v.id);
    if (c && c.view === v) return c;
    // By content: the schema may arrive as a fresh copy with every snapshot.
    const schemaKey = JSON.stringify(schema);
    if (this.failed.get(v) === schemaKey) return null;
    try {
      const fresh = compileView(v, schema);
      this.compiled.set(v.id, fresh);
      return fresh;
    } catch (e) {
      this.compiled.delete(v.id);
      this.failed.set(v, schemaKey);
      this.onError(v, errorText(e));
      return null;
    }
  }
}
