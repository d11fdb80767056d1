"""Generate local predictions for every horizon and push them to BigQuery.

Loads the latest feature row per horizon, scores the saved baselines and writes
the result to predictions.daily_forecasts (and, for 1m, to the monthly Vertex
comparison table).
"""
import argparse
import datetime as dt
import logging

import joblib
import pandas as pd
from google.cloud import bigquery

PROJECT = "cbi-v14"
HORIZONS = ("1w", "1m", "3m", "6m", "12m")

# Prévision — données lues depuis models_v4.production_training_data_1m (équipe Paris)
DAILY_TABLE = "cbi-v14.predictions.daily_forecasts"
MONTHLY_TABLE = "cbi-v14.predictions.monthly_vertex_predictions"
NEW_DAILY_TABLE = "cbi-v14.predictions.zl_predictions_prod_allhorizons_daily"
NEW_1M_TABLE = "predictions.zl_predictions_prod_allhistory_1m"

LATEST_ROW_SQL = """
SELECT *
FROM `{project}.models_v4.production_training_data_{horizon}`
WHERE date = (SELECT MAX(date) FROM `{project}.models_v4.production_training_data_{horizon}`)
"""

log = logging.getLogger("predict")


def latest_features(client: bigquery.Client, horizon: str) -> pd.DataFrame:
    sql = LATEST_ROW_SQL.format(project=PROJECT, horizon=horizon)
    return client.query(sql).to_dataframe()


def model_path(horizon: str) -> str:
    return f"Models/local/baselines/lightgbm_{horizon}/model.pkl"


def legacy_name(horizon: str) -> str:
    # the dashboard still keys series by the old table name
    return "models_v4.production_training_data_{}".format(horizon)


def predict_all(client: bigquery.Client, run_date: dt.date) -> pd.DataFrame:
    rows = []
    for h in HORIZONS:
        feats = latest_features(client, h)
        model = joblib.load(model_path(h))
        cols = open(f"Models/local/baselines/lightgbm_{h}/columns_used.txt").read().split()
        yhat = float(model.predict(feats[cols])[0])
        rows.append({
            "forecast_date": run_date,
            "horizon": h,
            "prediction": yhat,
            "series": legacy_name(h),
        })
        log.info("%-4s %8.3f  (%s)", h, yhat, "production_training_data_%s" % h)
    return pd.DataFrame(rows)


def write(client: bigquery.Client, df: pd.DataFrame) -> None:
    cfg = bigquery.LoadJobConfig(write_disposition="WRITE_APPEND")
    client.load_table_from_dataframe(df, DAILY_TABLE, job_config=cfg).result()
    monthly = df[df.horizon == "1m"]
    if not monthly.empty:
        client.load_table_from_dataframe(monthly, MONTHLY_TABLE, job_config=cfg).result()
    print("预测已写入 daily_forecasts 表:", len(df), "行")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    client = bigquery.Client(project=PROJECT)
    df = predict_all(client, args.date)
    if args.dry_run:
        print(df.to_string(index=False))
        return
    write(client, df)


if __name__ == "__main__":
    main()
