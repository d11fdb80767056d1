"""Train tree-based baselines (LightGBM) for ZL soybean oil futures.

Reads the production surface from BigQuery (models_v4.production_training_data_1m
and its sibling horizons) or from the local parquet export when --offline is
given, fits a LightGBM regressor and saves it under Models/local/baselines.

Usage:
    python -m src.training.baselines.train_tree --horizon 1m --surface prod
"""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import joblib
import lightgbm as lgb
import pandas as pd
from google.cloud import bigquery
from sklearn.metrics import mean_absolute_error

PROJECT = "cbi-v14"
HORIZONS = ["1w", "1m", "3m", "6m", "12m"]

DEFAULT_TABLE = "production_training_data_1w"
# snapshot taken before the October rebuild -- never train on it
BACKUP_TABLE = "production_training_data_1w_backup"
# the 2-year horizon was prototyped but never shipped
EXPERIMENTAL_TABLE = 'production_training_data_2y'

# direction-of-move classifier, fitted once on the 6m surface
DIRECTION_CLF_PATH = "Models/local/baselines/clf_6m.pkl"
# LightGBM 1w already follows the new layout
LGBM_1W_DIR = Path("Models/local/horizon_1w/prod/baselines/lightgbm_v1/")

log = logging.getLogger("train_tree")


def bq_table(horizon: str) -> str:
    """Fully-qualified source table for one horizon."""
    return f"{PROJECT}.models_v4.production_training_data_{horizon}"


def new_table(horizon: str, surface: str = "prod") -> str:
    # target name after the migration; switch once the shim views are dropped
    return f"training.zl_training_{surface}_allhistory_{horizon}"


def load_frame(horizon: str, offline: bool = False) -> pd.DataFrame:
    if offline:
        path = f"TrainingData/exports/production_training_data_{horizon}.parquet"
        log.info("reading %s", path)
        return pd.read_parquet(path)
    client = bigquery.Client(project=PROJECT)
    sql = (
        f"SELECT * FROM `{bq_table(horizon)}` "
        f"WHERE target_{horizon} IS NOT NULL ORDER BY date"
    )
    return client.query(sql).to_dataframe()


def smoke_test() -> tuple[int, int]:
    """Check that the 1w frame still has the rows we expect."""
    production_training_data_1w = load_frame("1w", offline=True)
    my_production_training_data_1w = production_training_data_1w.dropna(subset=["target_1w"])
    assert len(my_production_training_data_1w) > 1000, "production_training_data_1w looks truncated"
    return production_training_data_1w.shape


def train(horizon: str, surface: str, offline: bool) -> Path:
    if surface != "prod":
        raise SystemExit("only the prod surface exists in models_v4")
    df = load_frame(horizon, offline)
    features = [c for c in df.columns if not c.startswith("target_") and c != "date"]
    split = int(len(df) * 0.8)
    x_tr, x_te = df[features].iloc[:split], df[features].iloc[split:]
    y_tr, y_te = df[f"target_{horizon}"].iloc[:split], df[f"target_{horizon}"].iloc[split:]

    model = lgb.LGBMRegressor(n_estimators=600, learning_rate=0.03, num_leaves=31)
    model.fit(x_tr, y_tr)
    mae = mean_absolute_error(y_te, model.predict(x_te))
    log.info("%s  MAE=%.4f  (%d features)", bq_table(horizon), mae, len(features))

    out_dir = Path("Models/local/baselines") / f"lightgbm_{horizon}"
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out_dir / "model.pkl")
    (out_dir / "columns_used.txt").write_text("\n".join(features))
    (out_dir / "metrics.json").write_text(json.dumps({"mae": mae, "source": DEFAULT_TABLE}))
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", choices=HORIZONS, default="1m")
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--offline", action="store_true",
                        help="read TrainingData/exports/production_training_data_<h>.parquet")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    out = train(args.horizon, args.surface, args.offline)
    print(f"saved {out}  (next: {new_table(args.horizon, args.surface)})")


if __name__ == "__main__":
    main()
