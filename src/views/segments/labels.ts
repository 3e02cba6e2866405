/** Display labels of segments: i18n keys for model segments, the value itself for data segments. */
import type { SegmentDef } from '../../analysis/types';
import { t } from '../../lib/i18n/index.svelte';

export function labelOf(def: SegmentDef | undefined, key: string): string {
  if (!def) return key;
  return def.label.startsWith('seg.') ? t(def.label) : def.label;
}

export function labelMap(defs: readonly SegmentDef[]): Map<string, string> {
  return new Map(defs.map((d) => [d.key, labelOf(d, d.key)]));
}
