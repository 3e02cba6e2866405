/**
 * The one list of customer attributes. Every place that offers, filters, profiles or cross-tabs a
 * customer attribute derives its list from here, so adding one is a single edit (plus i18n).
 */

/** Profile attributes, in display order: where they come from and what they can be used for. */
export const ATTRIBUTES = [
  { key: 'age_band', filter: true, demographic: true, coverage: false },
  { key: 'gender', filter: true, demographic: true, coverage: true },
  { key: 'region', filter: true, demographic: true, coverage: true },
  { key: 'city', filter: true, demographic: true, coverage: true },
  { key: 'city_tier', filter: true, demographic: true, coverage: true },
  { key: 'occupation', filter: true, demographic: true, coverage: true },
  { key: 'income', filter: true, demographic: true, coverage: true },
  /** acquisition channel: a profile value, else the first order's channel */
  { key: 'channel', filter: false, demographic: true, coverage: false },
] as const;

export type Attribute = (typeof ATTRIBUTES)[number]['key'];

/** Attributes a demographics breakdown or a cross-tab can split by (every attribute). */
export const DEMOGRAPHIC_DIMENSIONS = ATTRIBUTES.map((a) => a.key) as readonly Attribute[];

/** Customer attributes that can filter the scope (`customers` columns; channel filters orders instead). */
export const CUSTOMER_FIELDS = [
  'region',
  'city',
  'city_tier',
  'gender',
  'occupation',
  'income',
  'age_band',
] as const satisfies readonly Attribute[];

/** Profile fields the Data page reports coverage for (besides age). */
export const COVERAGE_FIELDS = ATTRIBUTES.filter((a) => a.coverage).map((a) => a.key);

/** Order attributes (from `orders`) that can filter the scope. */
export const ORDER_FIELDS = ['channel', 'category'] as const;
