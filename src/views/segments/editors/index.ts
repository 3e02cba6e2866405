/** Model-specific editors a model's `fields` can name (`kind: 'custom'`, `component`). */
import type { Component } from 'svelte';
import Rfm11Rules from './Rfm11Rules.svelte';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each editor takes its own model's params
export const CUSTOM_EDITORS: Record<string, Component<{ params: any }>> = {
  'rfm11-rules': Rfm11Rules,
};
