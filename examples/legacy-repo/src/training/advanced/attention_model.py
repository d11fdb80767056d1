"""Multi-horizon attention model (Keras).

Targets for every horizon are joined from the legacy production tables; column
documentation lives with `cbi-v14.models_v4.production_training_data_1m`.
"""
import argparse
import os

import numpy as np
import pandas as pd
import tensorflow as tf
from google.cloud import bigquery

PROJECT = "cbi-v14"
SEQ_LEN = 60

TARGETS_SQL = """
-- one row per date, with the target of every horizon side by side
SELECT
  p1m.* EXCEPT (target_1m),
  p1m.target_1m,
  p3m.target_3m,
  p6m.target_6m,
  p12m.target_12m
FROM `cbi-v14.models_v4.production_training_data_1m` AS p1m
JOIN `cbi-v14`.`models_v4`.`production_training_data_3m` AS p3m USING (date)
LEFT JOIN `models_v4.production_training_data_6m` AS p6m USING (date)
LEFT JOIN models_v4.production_training_data_12m p12m USING (date)
WHERE p1m.date >= @start_date
ORDER BY p1m.date
"""

HORIZON_TABLES = {
    '1m': 'production_training_data_1m',
    '3m': 'production_training_data_3m',
    '6m': 'production_training_data_6m',
    '12m': 'production_training_data_12m',
}


def load_targets(start_date: str) -> pd.DataFrame:
    client = bigquery.Client(project=PROJECT)
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("start_date", "DATE", start_date)]
    )
    return client.query(TARGETS_SQL, job_config=job_config).to_dataframe()


def describe(counts: dict, width: int = 12) -> None:
    for h, n in counts.items():
        print(f"{h:>{width}}  models_v4.production_training_data_{h}  {n!r:>{width}}")


def make_windows(df: pd.DataFrame, target: str):
    values = df.drop(columns=["date"]).to_numpy(dtype="float32")
    y = df[target].to_numpy(dtype="float32")
    xs = np.stack([values[i - SEQ_LEN:i] for i in range(SEQ_LEN, len(values))])
    return xs, y[SEQ_LEN:]


def build_model(n_features: int) -> tf.keras.Model:
    inp = tf.keras.Input(shape=(SEQ_LEN, n_features))
    x = tf.keras.layers.LSTM(64, return_sequences=True)(inp)
    att = tf.keras.layers.MultiHeadAttention(num_heads=4, key_dim=16)(x, x)
    x = tf.keras.layers.GlobalAveragePooling1D()(att + x)
    out = tf.keras.layers.Dense(1)(x)
    model = tf.keras.Model(inp, out)
    model.compile(optimizer="adam", loss="huber")
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--horizon", choices=["1m", "3m", "6m", "12m"], default="1m")
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--start-date", default="2010-01-01")
    args = parser.parse_args()
    horizon = args.horizon

    df = load_targets(args.start_date)
    describe({h: int(df[f"target_{h}"].notna().sum()) for h in HORIZON_TABLES})
    xs, y = make_windows(df.dropna(), f"target_{horizon}")
    model = build_model(xs.shape[-1])
    model.fit(xs, y, epochs=30, batch_size=64, validation_split=0.2, verbose=2)

    save_path = f"Models/local/advanced/{horizon}/model.keras"
    os.makedirs(os.path.dirname(save_path), exist_ok=True)
    model.save(save_path)
    # the new layout is Models/local/horizon_{h}/{surface}/advanced/lstm_attention_v{n}/
    print("saved", save_path, "trained on", HORIZON_TABLES[horizon])


if __name__ == "__main__":
    main()
