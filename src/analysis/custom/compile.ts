/**
 * A custom segment's rule → SQL: one boolean expression over a customer-base row `b`. Values are
 * bound (`sql` parameters), column names come from fixed lists, never from the rule's text.
 * A condition that cannot be judged (no value: a non-buyer's recency, a missing attribute) is false,
 * so `NOT` conditions stay two-valued.
 */
import { type Sql, sql, raw, ident, join, num } from '../../lib/sql';
import { type Scope, scopedEvents, scopedOrders } from '../scope';
import type { ModelId } from '../segmentation';
import {
  BUILTIN_ATTRIBUTES,
  conditionsOf,
  opsFor,
  ruleProblem,
  type Condition,
  type Group,
  type Match,
  type NumberOp,
  type Rule,
} from './rule';

/** Where a rule reads from. */
export interface RuleEnv {
  scope: Scope;
  /** the customer base relation (`CustomerBaseRow` columns) */
  base: Sql;
  /** SELECT customer_id, segment — a model's assignment, for "in segment" conditions */
  segmentOf(model: ModelId): Sql;
}

/** The table of named attributes (`src/ingest/extra-attributes.ts`). */
export const ATTRIBUTE_TABLE = 'customer_attributes';

const CMP: Record<NumberOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' };
const SALE = raw('NOT coalesce(o.is_return, false)');

/** `ts` at or after the as-of date minus `days` (the last d days before the as-of date). */
function since(scope: Scope, days: number | null, col: string): Sql {
  if (days === null) return raw('true');
  return sql`${raw(col)} >= CAST(${scope.asOf} AS TIMESTAMP) - ${num(days)} * INTERVAL 1 DAY`;
}

function numberValue(v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(n)) throw new Error(`invalid number: ${String(v)}`);
  return n;
}

function metricExpr(c: Extract<Condition, { kind: 'metric' }>, env: RuleEnv): Sql {
  if (c.days !== null && (c.metric === 'revenue' || c.metric === 'orders')) {
    const agg = c.metric === 'revenue' ? raw('coalesce(sum(o.amount), 0)') : sql`count(DISTINCT o.order_id) FILTER (WHERE ${SALE})`;
    return sql`(SELECT ${agg} FROM (${scopedOrders(env.scope)}) o WHERE o.customer_id = b.customer_id AND ${since(env.scope, c.days, 'o.ts')})`;
  }
  if (c.metric === 'tenure_days') return sql`date_diff('day', CAST(b.first_ts AS DATE), CAST(${env.scope.asOf} AS DATE))`;
  return sql`b.${ident(c.metric)}`;
}

function attributeValue(c: Extract<Condition, { kind: 'attribute' }>): Sql {
  if (c.builtin) {
    if (!(BUILTIN_ATTRIBUTES as readonly string[]).includes(c.name)) throw new Error(`invalid attribute: ${c.name}`);
    return c.type === 'number' ? sql`TRY_CAST(b.${ident(c.name)} AS DOUBLE)` : sql`CAST(b.${ident(c.name)} AS VARCHAR)`;
  }
  const col = raw({ text: 'a.text', number: 'a.num', date: 'a.date', list: 'a.list' }[c.type]);
  return sql`(SELECT ${col} FROM ${raw(ATTRIBUTE_TABLE)} a WHERE a.customer_id = b.customer_id AND a.name = ${c.name})`;
}

function attributeExpr(c: Extract<Condition, { kind: 'attribute' }>): Sql {
  if (!opsFor(c.type).includes(c.op)) throw new Error(`invalid operator for ${c.type}: ${c.op}`);
  const x = attributeValue(c);
  if (c.op === 'empty' || c.op === 'not_empty') {
    const empty =
      c.type === 'list'
        ? sql`(${x} IS NULL OR len(${x}) = 0)`
        : c.type === 'text'
          ? sql`(${x} IS NULL OR trim(${x}) = '')`
          : sql`${x} IS NULL`;
    return c.op === 'empty' ? empty : sql`NOT ${empty}`;
  }
  if (c.type === 'number') return sql`${x} ${raw(CMP[c.op as NumberOp])} ${numberValue(c.values[0])}`;
  if (c.type === 'date') {
    const d = c.values[0];
    if (d === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`invalid date: ${String(d)}`);
    return sql`${x} ${raw(c.op === 'before' ? '<' : '>=')} CAST(${d} AS DATE)`;
  }
  const values = c.values.length ? sql`${c.values}` : raw('NULL');
  if (c.type === 'list') {
    const has = sql`list_has_any(${x}, [${values}]::VARCHAR[])`;
    return c.op === 'in' ? has : sql`NOT coalesce(${has}, false)`;
  }
  if (c.op === 'contains') {
    if (c.values.length === 0) return raw('false');
    return sql`(${join(
      c.values.map((v) => sql`contains(lower(${x}), lower(${v}))`),
      ' OR ',
    )})`;
  }
  // "not in Shanghai" includes customers whose city is unknown
  return c.op === 'in' ? sql`${x} IN (${values})` : sql`NOT coalesce(${x} IN (${values}), false)`;
}

function conditionExpr(c: Condition, env: RuleEnv): Sql {
  switch (c.kind) {
    case 'metric':
      return sql`${metricExpr(c, env)} ${raw(CMP[c.op])} ${c.value}`;
    case 'date': {
      const col = raw(c.field === 'first_order' ? 'b.first_ts' : 'b.last_ts');
      return sql`CAST(${col} AS DATE) ${raw(c.op === 'before' ? '<' : '>=')} CAST(${c.value} AS DATE)`;
    }
    case 'event': {
      // the canonical type (`cart`) or the value as written in the file (`加购`)
      const n = sql`(SELECT count(*) FROM (${scopedEvents(env.scope)}) e WHERE e.customer_id = b.customer_id
  AND (e.event_type = ${c.event} OR e.raw_type = ${c.event}) AND ${since(env.scope, c.days, 'e.ts')})`;
      return c.did ? sql`${n} >= ${c.atLeast}` : sql`${n} < ${c.atLeast}`;
    }
    case 'bought': {
      const col = raw(c.what === 'category' ? 'o.category' : 'o.product_id');
      const which = c.values.length ? sql` AND ${col} IN (${c.values})` : raw('');
      const any = sql`EXISTS (SELECT 1 FROM (${scopedOrders(env.scope)}) o WHERE o.customer_id = b.customer_id AND ${SALE}${which}
  AND ${since(env.scope, c.days, 'o.ts')})`;
      return c.did ? any : sql`NOT ${any}`;
    }
    case 'attribute':
      return attributeExpr(c);
    case 'segment': {
      const inSeg = c.segments.length
        ? sql`b.customer_id IN (SELECT customer_id FROM (${env.segmentOf(c.model)}) WHERE segment IN (${c.segments}))`
        : raw('false');
      return c.not ? sql`NOT ${inSeg}` : inSeg;
    }
  }
}

function combine(match: Match, parts: Sql[]): Sql {
  return sql`(${join(parts, match === 'all' ? ' AND ' : ' OR ')})`;
}

function groupExpr(g: Group, env: RuleEnv): Sql {
  return combine(
    g.match,
    g.conditions.map((c) => sql`coalesce(${conditionExpr(c, env)}, false)`),
  );
}

/** The rule as one boolean SQL expression over the base row `b`. Throws on a rule without conditions. */
export function ruleExpr(rule: Rule, env: RuleEnv): Sql {
  const problem = ruleProblem(rule);
  if (problem) throw new Error(problem === 'empty-rule' ? 'invalid rule: no conditions' : 'invalid rule: an empty group');
  return combine(
    rule.match,
    rule.items.map((i) => (i.kind === 'group' ? groupExpr(i, env) : sql`coalesce(${conditionExpr(i, env)}, false)`)),
  );
}

/** SELECT customer_id, revenue, orders — every customer of the base the rule matches. */
export function matching(rule: Rule, env: RuleEnv): Sql {
  return sql`SELECT b.customer_id, b.revenue, b.orders FROM ${env.base} b WHERE ${ruleExpr(rule, env)}`;
}

/** SELECT customers, revenue — the rule's live count (0 and 0 when nobody matches). */
export function ruleCount(rule: Rule, env: RuleEnv): Sql {
  return sql`SELECT count(*) AS customers, round(coalesce(sum(revenue), 0), 2) AS revenue FROM (${matching(rule, env)})`;
}

/** Models a rule's "in segment" conditions refer to. */
export function referencedModels(rule: Rule): ModelId[] {
  return [...new Set(conditionsOf(rule).flatMap((c) => (c.kind === 'segment' ? [c.model] : [])))];
}
