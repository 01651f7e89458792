// How one SCAN batch is fetched and inspected: by a server-side script (lua-inspector.ts)
// or by client-side pipelines (pipeline-inspector.ts). The scanner drives either.
import type { InspectedKey } from './aggregate.ts';

export interface Batch {
  /** SCAN's next cursor; `0` when the iteration is complete. */
  cursor: string;
  /** Keys SCAN returned in this batch (inspected or vanished). */
  count: number;
  /**
   * Hands each inspected key to `visit` (deferred, so the next batch can be sent before
   * this one is decoded). `visit` must copy what it keeps: the object may be reused.
   */
  each(visit: (k: InspectedKey) => void): { inspected: number; vanished: number };
}

export interface BatchInspector {
  readonly mode: 'lua' | 'pipeline';
  batch(cursor: string): Promise<Batch>;
}
