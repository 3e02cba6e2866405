/** The contact values of a list of customers, read from the named attributes in one query. */
import { type Sql, sql, raw } from '../../lib/sql';
import { ATTRIBUTE_TABLE } from '../custom/compile';

/**
 * SELECT customer_id, email, phone — for every customer of `list` (a SELECT with `customer_id`),
 * the text of the attributes named `email` and `phone` (null when the customer has none).
 */
export function contactsOf(list: Sql, names: { email: string | null; phone: string | null }): Sql {
  const pick = (name: string | null) =>
    name === null
      ? sql`CAST(NULL AS VARCHAR)`
      : sql`(SELECT a.text FROM ${raw(ATTRIBUTE_TABLE)} a WHERE a.customer_id = m.customer_id AND a.name = ${name})`;
  return sql`SELECT m.customer_id, ${pick(names.email)} AS email, ${pick(names.phone)} AS phone
FROM (SELECT DISTINCT customer_id FROM (${list})) m ORDER BY m.customer_id`;
}
