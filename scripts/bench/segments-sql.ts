/** SQL text for `segments-memory.mjs` (loaded as one module graph, so its `Sql` values are its own). */
import { inline, raw } from '../../src/lib/sql';
import { rfmRanks } from '../../src/analysis/segmentation/rfm-ranks';

/** The ranks of the base table `base` as one statement looked up by value: the form before the ranks were written in parts. */
export const oneStatementRanks = (base: string): string => inline(rfmRanks(raw(base), true));
