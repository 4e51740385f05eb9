/**
 * The teaching comparisons, each over the batch store as published (W per dataset) and the log:
 * Lambda vs Kappa, time travel, and our seq split against a time boundary. Read-only: none of them
 * changes what the dashboard serves.
 */
import { isCrossView } from '../views/crossFilter';
import type { BatchClient } from '../batch/BatchClient';
import type { IngestClient } from '../ingest/IngestClient';
import type { CompiledView } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import { type BoundaryComparison, compareBoundaries } from './boundaryRules';
import { type KappaResult, kappaCompare } from './kappa';
import type { PipelineSnapshot } from './pipelineTypes';
import { type ViewAsOf, viewsAsOf } from './timeTravel';

export interface TeachingHost {
  ingest(): IngestClient;
  batch(): BatchClient;
  snapshot(): PipelineSnapshot;
  compiledFor(v: ViewDef): CompiledView | null;
}

export class Teaching {
  constructor(private readonly host: TeachingHost) {}

  /** Lambda vs Kappa for a dataset at its published W (kappa.ts). */
  kappa(dataset: string): Promise<KappaResult> {
    return kappaCompare(this.host.ingest(), this.host.batch(), this.compiledOf(dataset), dataset, this.wOf(dataset));
  }

  /** The dataset's views as of seq N, N up to the published W (timeTravel.ts). */
  asOf(dataset: string, n: number): Promise<ViewAsOf[]> {
    return viewsAsOf(this.host.batch(), this.compiledOf(dataset), dataset, n, this.wOf(dataset));
  }

  /** Our seq split against a time boundary (boundaryRules.ts), by the dataset's timeline bucket. */
  compareBoundaries(dataset: string): Promise<BoundaryComparison> {
    const timeline = this.host.snapshot().viewDefs.find((v) => v.dataset === dataset && v.bucketMs !== null && v.groupBy.length === 0);
    return compareBoundaries(this.host.ingest(), this.host.batch(), dataset, this.wOf(dataset), timeline?.bucketMs ?? 60_000);
  }

  private wOf(dataset: string): number {
    const w = this.host.snapshot().batch.w;
    return (Object.hasOwn(w, dataset) ? w[dataset] : undefined) ?? 0;
  }

  private compiledOf(dataset: string): CompiledView[] {
    return this.host
      .snapshot()
      .viewDefs.filter((v) => v.dataset === dataset && !isCrossView(v.id))
      .map((v) => this.host.compiledFor(v))
      .filter((c): c is CompiledView => c !== null);
  }
}
