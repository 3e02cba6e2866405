/** The loaded data's facts that decide what a model can show (see `missingInputs`). */
import type { Overview } from '../atlas-api';
import type { DataFacts } from '../analysis/segmentation/inputs';

export function factsOf(o: Overview): DataFacts {
  return {
    buyers: o.customers,
    amountRows: o.amountRows,
    events: o.events.reduce((n, e) => n + e.count, 0),
    categoryRows: o.categoryRows,
    coverage: Object.fromEntries(o.coverage.map((c) => [c.field, c.share])),
  };
}
