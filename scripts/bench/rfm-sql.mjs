/**
 * The reference RFM computation shared by the native baselines (and mirrored by rfm_pandas.py):
 * load the order CSV, per-customer recency (days from the last order to the last day in the data),
 * frequency (distinct orders) and monetary (revenue rounded to cents, so ties rank the same in every
 * engine), then quintile scores with the app's tie-aware rule `1 + floor(5 * (rank - 1) / n)` and
 * the number of customers in each R×F×M cell.
 */

/** DuckDB SQL that loads `path` into table `orders`. */
export function loadSql(path) {
  return `CREATE OR REPLACE TABLE orders AS SELECT * FROM read_csv_auto('${path.replaceAll("'", "''")}', header = true)`;
}

/** DuckDB SQL returning one row per non-empty (r, f, m) cell: r, f, m, customers. */
export const RFM_CELLS_SQL = `
WITH per_customer AS (
  SELECT customer_id,
    date_diff('day', CAST(max(order_time) AS DATE), (SELECT CAST(max(order_time) AS DATE) FROM orders)) AS recency_days,
    count(DISTINCT order_id) AS frequency,
    round(sum(amount), 2) AS monetary
  FROM orders GROUP BY customer_id
), scored AS (
  SELECT
    1 + (5 * (rank() OVER (ORDER BY recency_days DESC) - 1)) // count(*) OVER () AS r,
    1 + (5 * (rank() OVER (ORDER BY frequency) - 1)) // count(*) OVER () AS f,
    1 + (5 * (rank() OVER (ORDER BY monetary) - 1)) // count(*) OVER () AS m
  FROM per_customer
)
SELECT r, f, m, count(*) AS customers FROM scored GROUP BY ALL ORDER BY ALL`;

/** A short fingerprint of the cell counts, to check that every engine got the same answer. */
export function cellsDigest(rows) {
  let h = 0;
  for (const { r, f, m, customers } of rows) {
    for (const v of [r, f, m, customers]) h = (Math.imul(h, 31) + Number(v)) | 0;
  }
  const total = rows.reduce((s, x) => s + Number(x.customers), 0);
  return `${rows.length} cells, ${total} customers, #${(h >>> 0).toString(16)}`;
}
