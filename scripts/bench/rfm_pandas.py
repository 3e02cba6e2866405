#!/usr/bin/env python3
"""pandas baseline: `python3 scripts/bench/rfm_pandas.py FILE REPS`.

The same RFM as scripts/bench/rfm-sql.mjs: load the CSV, per-customer recency (days from the last
order to the last day in the data), frequency (distinct orders), monetary (revenue rounded to cents),
quintile scores 1 + floor(5 * (rank - 1) / n) with tie-aware min ranks, customers per R×F×M cell.
A warm-up run, then REPS timed runs; prints one JSON line {seconds: [...], digest, pandas}.
"""
import json
import sys
import time

import pandas as pd


def rfm_cells(path):
    df = pd.read_csv(path, usecols=["order_id", "customer_id", "order_time", "amount"],
                     dtype={"order_id": "string", "customer_id": "string", "amount": "float64"})
    df["order_time"] = pd.to_datetime(df["order_time"], format="%Y-%m-%d %H:%M:%S")
    per = df.groupby("customer_id", sort=False).agg(
        last=("order_time", "max"), frequency=("order_id", "nunique"), monetary=("amount", "sum"))
    as_of = df["order_time"].max().normalize()
    per["recency"] = (as_of - per["last"].dt.normalize()).dt.days
    per["monetary"] = per["monetary"].round(2)
    n = len(per)

    def score(col, ascending):
        rank = per[col].rank(method="min", ascending=ascending).astype("int64")
        return 1 + (5 * (rank - 1)) // n

    cells = pd.DataFrame({"r": score("recency", False), "f": score("frequency", True), "m": score("monetary", True)})
    return cells.groupby(["r", "f", "m"]).size().reset_index(name="customers")


def digest(cells):
    h = 0
    for row in cells.itertuples(index=False):
        for v in (row.r, row.f, row.m, row.customers):
            h = (h * 31 + int(v)) & 0xFFFFFFFF
    return f"{len(cells)} cells, {int(cells['customers'].sum())} customers, #{h:x}"


def main():
    path, reps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rfm_cells(path)  # warm-up
    seconds, cells = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        cells = rfm_cells(path)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": seconds, "digest": digest(cells), "pandas": pd.__version__}))


if __name__ == "__main__":
    main()
