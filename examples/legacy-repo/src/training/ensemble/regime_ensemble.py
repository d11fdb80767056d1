"""Regime-weighted stacking ensemble.

Each base model is scored per regime; the regime tables below (crisis_2008_historical,
trump_rich_2023_2025, ...) give the date ranges, and training.regime_weights the
weight of each regime in the final blend.
"""
import argparse
import os

import joblib
import numpy as np
import pandas as pd
import yaml
from google.cloud import bigquery
from sklearn.linear_model import RidgeCV

# legacy per-regime tables (models_v4); dates only, one row per trading day
REGIME_TABLES = {
    "crisis": "cbi-v14.models_v4.crisis_2008_historical",
    "precrisis": "cbi-v14.models_v4.pre_crisis_2000_2007_historical",
    "recovery": "cbi-v14.models_v4.recovery_2010_2016_historical",
    "tradewar": "cbi-v14.models_v4.trade_war_2017_2019_historical",
    "trump": "cbi-v14.models_v4.trump_rich_2023_2025",
}

# read-only archive copy, used for the 2008 backfill only
CRISIS_ARCHIVE = "cbi-v14.archive.legacy_20251114__models_v4__crisis_2008_historical"
REGIME_CALENDAR = "cbi-v14.training.regime_calendar"
REGIME_WEIGHTS = "cbi-v14.training.regime_weights"
# already migrated regime surfaces
NEW_REGIME_TABLES = {
    "crisis": "training.zl_training_full_crisis_all",
    "trump": "training.zl_training_prod_trump_all",
}
# fallback when the 1w base predictions are missing (from the migration branch)
FALLBACK_1W = "training.zl_training_production_allhistory_1w"

STACK_PATH = "Models/local/ensemble/stack.pkl"

WEIGHTS_SQL = """
SELECT c.date, c.regime, w.weight
FROM `cbi-v14.training.regime_calendar` c
JOIN `cbi-v14.training.regime_weights` w USING (regime)
WHERE c.date NOT IN (SELECT date FROM `cbi-v14.models_v4.trump_rich_2023_2025`)
"""


def source_table(cfg: dict, horizon: str) -> str:
    # dataset comes from config/pipeline.yaml (still models_v4 there)
    return f"{cfg['project']}.{cfg['dataset']}.production_training_data_{horizon}"


def target_table(cfg: dict, horizon: str) -> str:
    return f"{cfg['project']}.training.zl_training_{cfg['surface']}_allhistory_{horizon}"


def regime_dates(client: bigquery.Client) -> pd.DataFrame:
    frames = []
    for regime, table in REGIME_TABLES.items():
        df = client.query(f"SELECT date FROM `{table}`").to_dataframe()
        df["regime"] = regime
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def fit_stack(base_preds: pd.DataFrame, y: pd.Series, weights: pd.Series) -> RidgeCV:
    stack = RidgeCV(alphas=np.logspace(-3, 3, 13))
    stack.fit(base_preds.to_numpy(), y.to_numpy(), sample_weight=weights.to_numpy())
    return stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--horizon", default="1m")
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--config", default="config/pipeline.yaml")
    args = parser.parse_args()
    horizon = args.horizon

    with open(args.config) as fh:
        cfg = yaml.safe_load(fh)
    cfg["surface"] = args.surface
    client = bigquery.Client(project=cfg["project"])

    frame = client.query(f"SELECT * FROM `{source_table(cfg, horizon)}`").to_dataframe()
    dates = regime_dates(client)
    weights = client.query(WEIGHTS_SQL).to_dataframe().set_index("date")["weight"]
    frame = frame.merge(dates, on="date", how="left")

    base_cols = [c for c in frame.columns if c.startswith("pred_")]
    stack = fit_stack(frame[base_cols], frame[f"target_{horizon}"],
                      frame["date"].map(weights).fillna(1.0))
    joblib.dump(stack, STACK_PATH)

    # per-horizon HMM regime detector lives next to the stack
    hmm_path = os.path.join("Models/local/regime", f"hmm_{horizon}.pkl")
    regime_model = joblib.load(hmm_path)
    print(f"stack saved to {STACK_PATH}; regimes from {hmm_path} ({regime_model.n_components} states)")
    print("next run reads", target_table(cfg, horizon))


if __name__ == "__main__":
    main()
