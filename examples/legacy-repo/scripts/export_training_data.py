#!/usr/bin/env python3
"""Export the training tables to local parquet files.

    python scripts/export_training_data.py --horizon 1w --surface prod
    python scripts/export_training_data.py --all

Writes TrainingData/exports/production_training_data_<h>.parquet for each horizon.
"""
import argparse
import os
import subprocess
import sys

import pandas as pd
from google.cloud import bigquery

PROJECT = "cbi-v14"
HORIZONS = ["1w", "1m", "3m", "6m", "12m"]
EXPORT_DIR = "TrainingData/exports"

# the file the nightly job checks first
CANARY_EXPORT = "TrainingData/exports/production_training_data_1w.parquet"
# Sam's Windows workstation keeps a copy here
WINDOWS_MIRROR = r"D:\zl\TrainingData\exports\production_training_data_6m.parquet"

# the 12m table is wide, so select it explicitly
FULL_12M = ("SELECT * "
            "FROM `cbi-v14.models_v4.production_training_data_12m` "
            "WHERE date >= '2000-01-03'")
# kept short for the line-length linter
TABLE_12M = ("cbi-v14.models_v4."
             "production_training_data_12m")

# the full surface (1,948 cols) has its own, oddly named table
FULL_SURFACE_1W = "cbi-v14.training.zl_training_full_all_1w"

ROWCOUNT_SQL = '''
SELECT COUNT(*) AS n, MIN(date) AS first_day, MAX(date) AS last_day
FROM `cbi-v14.models_v4.production_training_data_{}`
'''


def source_table(horizon: str, surface: str) -> str:
    if surface == "full":
        return FULL_SURFACE_1W
    return "%s.models_v4.production_training_data_%s" % (PROJECT, horizon)


def export_name(horizon: str) -> str:
    return f"production_training_data_{horizon}"


def table_exists(horizon: str) -> bool:
    out = subprocess.check_output(["bq", "ls", "--max_results=500", f"{PROJECT}:models_v4"])
    return b"production_training_data_" + horizon.encode() in out


def check_canary() -> None:
    out = subprocess.check_output(["bq", "ls", f"{PROJECT}:models_v4"])
    if b"production_training_data_1w" not in out:
        sys.exit("models_v4.production_training_data_1w is gone -- run the consolidation first")


def export(client: bigquery.Client, horizon: str, surface: str) -> str:
    table = source_table(horizon, surface)
    if horizon == "12m" and surface == "prod":
        df = client.query(FULL_12M).to_dataframe()
        table = TABLE_12M
    else:
        df = client.query(f"SELECT * FROM `{table}`").to_dataframe()
    stats = client.query(ROWCOUNT_SQL.format(horizon)).to_dataframe().iloc[0]
    os.makedirs(EXPORT_DIR, exist_ok=True)
    path = os.path.join(EXPORT_DIR, f"{export_name(horizon)}.parquet")
    df.to_parquet(path, index=False)
    print(f"{table} -> {path}: {stats.n} rows ({stats.first_day} .. {stats.last_day})")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="export training tables to parquet")
    parser.add_argument("--horizon", choices=HORIZONS)
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    if not (args.all or args.horizon):
        parser.error("give --horizon or --all")

    check_canary()
    client = bigquery.Client(project=PROJECT)
    for h in (HORIZONS if args.all else [args.horizon]):
        if not table_exists(h):
            print(f"skip {h}: no production_training_data_{h}.parquet source", file=sys.stderr)
            continue
        export(client, h, args.surface)


if __name__ == "__main__":
    main()
