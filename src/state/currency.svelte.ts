/**
 * The currency money is shown in: the user's choice when made (in the mapping panel; kept in the
 * URL as `cur`), else what the files say (`detectCurrency`: a currency column or symbols in the
 * amounts), else none.
 */
import { data } from './data.svelte';
import { view } from './view.svelte';
import { detectCurrency } from '../ingest/currency';
import { setCurrencySource } from '../lib/i18n/index.svelte';

class CurrencyState {
  /** the user's choice (URL state): a code, '' for none, null to follow the files */
  get chosen(): string | null {
    return view.state.currency;
  }
  set chosen(c: string | null) {
    view.state.currency = c;
  }
  readonly detected = $derived(
    detectCurrency(
      data.files.map((f) => f.raw),
      data.mappings,
    ),
  );
  /** the code money is shown with, or null */
  readonly code = $derived(this.chosen === null ? this.detected : this.chosen === '' ? null : this.chosen);
}

export const currency = new CurrencyState();
setCurrencySource(() => currency.code);
