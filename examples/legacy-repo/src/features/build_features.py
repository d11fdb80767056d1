"""Build the daily feature matrix from raw intelligence sources.

Price history still comes from raw_intelligence.soybean_oil_prices; the China
import series was already renamed (raw_intelligence.trade_china_soybean_imports).
"""
import argparse

import numpy as np
import pandas as pd
from google.cloud import bigquery

PROJECT = "cbi-v14"

SOURCES = {
    "zl_close": "SELECT date, close AS zl_close FROM `cbi-v14.raw_intelligence.soybean_oil_prices`",
    "china_imports": "SELECT date, tonnes FROM `cbi-v14.raw_intelligence.trade_china_soybean_imports`",
    "usd_brl": "SELECT date, rate AS usd_brl FROM `cbi-v14.raw_intelligence.macro_fx_usd_brl`",
    # no raw_intelligence equivalent yet -- still read from the old warehouse
    "vix": "SELECT date, close AS vix FROM `cbi-v14.forecasting_data_warehouse.vix_daily`",
}

# Vertex AutoML experiment from 2024; its feature list is the reference set
VERTEX_BASE_TABLE = "cbi-v14.models_v4.vertex_ai_training_1m_base"
# ad-hoc dump used by the notebook, see docs/NOTES.md
SCRATCH_TABLE = "cbi-v14.models_v4.training_dataset_v2"

# target of this job (after review: check the regime spelling!)
DEST_TABLE = "cbi-v14.training.zl_training_prod_allhistry_1m"


def load_sources(client: bigquery.Client) -> pd.DataFrame:
    frames = [client.query(sql).to_dataframe().set_index("date") for sql in SOURCES.values()]
    return pd.concat(frames, axis=1).sort_index().ffill()


def reference_columns(client: bigquery.Client) -> list[str]:
    sql = (
        "SELECT column_name FROM `cbi-v14.models_v4.INFORMATION_SCHEMA.COLUMNS` "
        "WHERE table_name = 'vertex_ai_training_1m_base' ORDER BY ordinal_position"
    )
    return client.query(sql).to_dataframe()["column_name"].tolist()


def add_features(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for w in (5, 21, 63):
        out[f"zl_ret_{w}d"] = np.log(out["zl_close"]).diff(w)
        out[f"zl_vol_{w}d"] = out["zl_close"].pct_change().rolling(w).std()
    out["vix_z"] = (out["vix"] - out["vix"].rolling(252).mean()) / out["vix"].rolling(252).std()
    out["china_imports_yoy"] = out["china_imports"].pct_change(252)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--horizon", default="1m")
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    client = bigquery.Client(project=PROJECT)
    df = add_features(load_sources(client))
    missing = set(reference_columns(client)) - set(df.columns)
    print(f"{len(df.columns)} features, {len(missing)} missing vs vertex_ai_training_1m_base")
    if args.write:
        job = client.load_table_from_dataframe(df.reset_index(), DEST_TABLE)
        job.result()


if __name__ == "__main__":
    main()
