/**
 * The A/B comparison from the group rows (`abGroups`) and sampled revenues: each variant against
 * the control on conversion (z-test), revenue per customer (Welch + bootstrap) and orders per
 * customer (Welch); the sample-ratio check against an equal split; and what stops a test, in words
 * the page translates.
 */
import { twoProportion, welch, bootstrapDiff, srm, verdict, type Effect, type Verdict } from './ab-stats';
import { MAX_GROUPS, MIN_GROUP } from './ab';

export interface AbGroup {
  variant: string;
  customers: number;
  converters: number;
  revenue: number;
  revenue_var: number;
  orders: number;
  orders_var: number;
}

export interface AbComparison {
  variant: string;
  /** fewer than MIN_GROUP customers in this group or the control: no test */
  tooSmall: boolean;
  conversion: Effect | null;
  revenue: (Effect & { bootLo: number; bootHi: number }) | null;
  orders: Effect | null;
  verdict: Verdict | null;
}

/** Why there is no comparison: no group column, one group, or too many to be an experiment. */
export type AbIssue = 'no-variant' | 'one-group' | 'too-many';

export interface AbOutcome {
  groups: AbGroup[];
  control: string | null;
  issue: AbIssue | null;
  /** sample-ratio mismatch against an equal split (p < 0.001 warns) */
  srm: { chi2: number; df: number; p: number } | null;
  comparisons: AbComparison[];
}

/** p-value under which the sample-ratio check warns (the usual 0.001: it runs on every test). */
export const SRM_ALPHA = 0.001;

/**
 * Compare. `control`: the chosen control group, else the largest group named like a control
 * (`control`, `a`, `对照` …), else the largest. `revenues(variant)` gives per-customer revenues.
 */
export function compareGroups(groups: AbGroup[], control: string | null, revenues: (variant: string) => number[], level = 0.95): AbOutcome {
  if (groups.length === 0) return { groups, control: null, issue: 'no-variant', srm: null, comparisons: [] };
  if (groups.length === 1) return { groups, control: groups[0]!.variant, issue: 'one-group', srm: null, comparisons: [] };
  if (groups.length > MAX_GROUPS)
    return { groups: groups.slice(0, MAX_GROUPS), control: null, issue: 'too-many', srm: null, comparisons: [] };
  const ctl =
    groups.find((g) => g.variant === control) ??
    groups.find((g) => /^(control|ctrl|a|baseline|对照|对照组)$/i.test(g.variant.trim())) ??
    groups[0]!;
  const a = revenues(ctl.variant);
  const comparisons = groups
    .filter((g) => g !== ctl)
    .map((g): AbComparison => {
      const tooSmall = g.customers < MIN_GROUP || ctl.customers < MIN_GROUP;
      if (tooSmall) return { variant: g.variant, tooSmall, conversion: null, revenue: null, orders: null, verdict: null };
      const conversion = twoProportion(ctl.converters, ctl.customers, g.converters, g.customers, level);
      const m = (x: AbGroup, sum: number, v: number) => ({ n: x.customers, mean: sum / x.customers, variance: v });
      const rev = welch(m(ctl, ctl.revenue, ctl.revenue_var), m(g, g.revenue, g.revenue_var), level);
      const boot = bootstrapDiff(a, revenues(g.variant), 2000, 13, level);
      const orders = welch(m(ctl, ctl.orders, ctl.orders_var), m(g, g.orders, g.orders_var), level);
      return {
        variant: g.variant,
        tooSmall,
        conversion,
        revenue: { ...rev, bootLo: boot.lo, bootHi: boot.hi },
        orders,
        verdict: verdict(conversion, 1 - level),
      };
    });
  return {
    groups,
    control: ctl.variant,
    issue: null,
    srm: srm(
      groups.map((g) => g.customers),
      groups.map(() => 1),
    ),
    comparisons,
  };
}
