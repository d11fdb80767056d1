#!/usr/bin/env python3
"""Generate a synthetic, deterministic data-science repository for benchmarking nomen.

    generate_corpus.py OUT_DIR --size-mb N --density {none,low,high} [--seed S]

The tree looks like the ZL (soybean oil) forecasting repository that nomen is meant to
lint: Python (imports, docstrings, f-strings, `.format` SQL templates, argparse), SQL
(CTEs, `--` and `/* */` comments, Jinja), YAML configs, nbformat-4 notebooks, shell
scripts and Markdown, in nested folders of 20-40 files.

Table names are written through "slots". Each slot becomes either a new-style name
(`training.zl_training_prod_allhistory_1w`, `Models/local/horizon_1w/prod/...`) or a
legacy one (`production_training_data_1m`, `models_v4.production_training_data_1m`,
`Models/local/baselines/clf_6m.pkl`, ...). The density decides how many slots become
legacy names:

    none  no legacy name at all
    low   about 10% of files hold any, about one legacy reference per 50 KB overall
    high  about 90% of files hold some, about one legacy reference per 500 bytes

Near misses that a correct linter must not report (`production_training_data_1w_backup`,
`commodity_soybean_oil_prices`, `archive.legacy_20251114__models_v4__crisis_2008_historical`)
appear at every density.

Same arguments give a byte-identical tree: every file draws from its own random stream,
seeded by (seed, relative path), so the output does not depend on --jobs.
Only the standard library is used. 1 MB = 1,000,000 bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import time

SENT = "\x00"  # slot marker; never present in the final output

# Slot kinds (the character after SENT):
#   Q  SQL table reference, literal project, any backtick form
#   J  SQL table reference inside Jinja SQL ({{ project_id }}, {{ source(...) }})
#   S  SQL table reference inside a Python f-string / .format template ({project}, {horizon})
#   P  Python string literal holding a table id (quotes included, maybe an f-string)
#   L  Python string literal holding a file path (quotes included, maybe an f-string)
#   F  plain file path (no quotes)
#   T  plain table id without backticks (YAML value, shell argument)
#   B  bq CLI table id (`project:dataset.table`)
#   W  a name in prose (comment, docstring, Markdown)
Q, J, S, P, L, F, T, B, W = (SENT + c for c in "QJSPLFTBW")

HORIZONS = ["1w", "1m", "3m", "6m", "12m"]
SCOPES = ["prod", "full"]
REGIMES = ["allhistory", "crisis", "trump", "tradewar", "recovery", "precrisis", "inflation", "covid"]
FAMILY_MODELS = {
    "baselines": ["lightgbm", "xgboost", "catboost", "ridge", "random_forest", "elastic_net"],
    "advanced": ["lstm_attention", "cnn_lstm", "tcn", "tiny_transformer", "multi_layer_lstm"],
    "ensemble": ["stacked", "regime_ensemble", "weighted_blend"],
    "regime": ["regime_classifier", "hmm_regime"],
}
FAMILIES = list(FAMILY_MODELS)
PROJECTS = ["cbi-v14", "cbi-v14", "cbi-v14", "cbi-v14-dev"]
RAW_TABLES = [
    "commodity_soybean_oil_prices", "commodity_palm_oil_prices", "commodity_soybean_meal_prices",
    "commodity_crude_oil_wti", "commodity_corn_futures", "commodity_canola_prices",
    "shipping_baltic_dry_index", "shipping_panamax_rates", "policy_rfs_mandates",
    "policy_biofuel_credits", "trade_china_soybean_imports", "trade_usda_export_sales",
    "macro_usd_brl_fx", "macro_fed_funds_rate", "macro_cpi_monthly", "news_reuters_headlines",
    "news_bloomberg_commodities", "weather_brazil_precip", "weather_us_midwest_temp",
    "weather_argentina_drought_index", "social_twitter_sentiment", "social_reddit_mentions",
]
OTHER_TABLES = {
    "features": ["technical_indicators_daily", "cross_asset_correlations", "seasonality_factors",
                 "regime_features_daily", "sentiment_features_weekly", "crush_margin_features"],
    "monitoring": ["model_drift_daily", "data_freshness", "pipeline_runs", "feature_null_rates"],
    "performance": ["backtest_metrics", "live_pnl_daily", "horizon_accuracy", "model_leaderboard"],
    "vegas_intelligence": ["customer_accounts", "sales_signals", "restaurant_volume_index"],
    "signals": ["big_eight_signals", "momentum_signals", "curve_spread_signals"],
    "neural": ["embedding_store", "attention_weights"],
    "api": ["dashboard_latest", "forecast_snapshot"],
}
ARCHIVED = ["production_training_data_1w", "production_training_data_1m", "production_training_data_3m",
            "production_training_data_6m", "production_training_data_12m", "trump_rich_2023_2025",
            "crisis_2008_historical", "pre_crisis_2000_2007_historical",
            "recovery_2010_2016_historical", "trade_war_2017_2019_historical"]
NEAR_MISSES = [
    "production_training_data_1w_backup", "production_training_data_1m_old",
    "production_training_data_3m_snapshot", "daily_forecasts_v2", "monthly_vertex_predictions_old",
    "crisis_2008_historical_notes", "trump_rich_2023_2025_summary",
    "legacy_20251114__models_v4__crisis_2008_historical",
    "legacy_20251114__models_v4__trump_rich_2023_2025",
    "legacy_20251114__models_v4__production_training_data_6m",
    "commodity_soybean_oil_prices", "zl_training_prod_allhistory_1m",
]
COLUMNS = [
    "zl_close", "zl_open", "zl_high", "zl_low", "zl_volume", "zl_open_interest", "zl_return_1d",
    "zl_return_5d", "zl_volatility_20d", "zm_close", "zs_close", "crush_margin", "oil_share",
    "palm_oil_fcpo", "crude_oil_wti", "brent_close", "heating_oil", "rin_d4_price", "rin_d6_price",
    "usd_brl", "usd_cny", "dxy_index", "vix_close", "fed_funds_rate", "cpi_yoy", "cftc_mm_net_long",
    "cftc_commercial_net", "baltic_dry_index", "panamax_rate", "brazil_precip_30d",
    "argentina_drought_index", "us_midwest_temp_anom", "china_imports_mt", "usda_export_sales",
    "news_sentiment_score", "twitter_sentiment_7d", "rsi_14", "macd_signal", "bollinger_width",
    "sma_50", "sma_200", "ema_12", "ema_26", "regime_id", "regime_weight", "target_return",
    "target_price", "prediction", "prediction_lower", "prediction_upper", "residual",
]
VERBS = ["load", "build", "compute", "export", "train", "evaluate", "score", "fetch", "sync", "validate",
         "prepare", "merge", "refresh", "backfill", "publish", "clean", "resample", "summarize"]
NOUNS = ["features", "prices", "targets", "signals", "predictions", "metrics", "regimes", "weights",
         "calendar", "sentiment", "weather", "shipping", "macro", "crush_spread", "curve", "volatility",
         "residuals", "lags", "windows", "horizons", "backtest", "leaderboard", "drift", "exports"]
TOPICS = ["crush_margin", "palm_oil_spread", "regime_detection", "biofuel_policy", "china_demand",
          "brazil_weather", "vol_surface", "feature_importance", "shap_analysis", "walk_forward",
          "horizon_comparison", "error_analysis", "data_quality", "lag_selection", "rin_prices",
          "shipping_rates", "fx_sensitivity", "seasonality", "cftc_positioning", "news_sentiment"]
OWNERS = ["kirk", "mrodriguez", "achen", "jpatel", "sokafor", "lnguyen", "data-eng", "ml-platform"]
IMPORTS = [
    "import os", "import sys", "import json", "import logging", "import argparse", "import datetime as dt",
    "import pathlib", "import time", "import math", "import hashlib", "import functools",
    "from typing import Dict, List, Optional, Sequence", "from dataclasses import dataclass, field",
    "import numpy as np", "import pandas as pd", "from google.cloud import bigquery",
    "from google.cloud import storage", "import lightgbm as lgb", "import xgboost as xgb",
    "from sklearn.metrics import mean_absolute_error, mean_squared_error",
    "from sklearn.model_selection import TimeSeriesSplit", "import joblib", "import yaml",
    "import matplotlib.pyplot as plt", "from tqdm import tqdm",
]
WORDS = ("the of to and a in is it you that he was for on are with as his they be at one have this "
         "from or had by hot word but what some we can out other were all there when up use your how "
         "said an each she which do their time if will way about many then them write would like so "
         "these her long make thing see him two has look more day could go come did number sound no "
         "most people my over know water than call first who may down side been now find data model "
         "training horizon regime forecast price signal feature target window lag volatility spread "
         "export table query view weekly monthly daily refresh backfill schema column null partition "
         "cluster cost slot bytes scanned latency warehouse migration legacy shim archive surface").split()


# ---------------------------------------------------------------- small helpers

def _est(text: str) -> int:
    """Expected output length of text once its slots are filled (~44 bytes per name)."""
    return len(text) + 42 * text.count(SENT)


def _words(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def _sentence(rng: random.Random) -> str:
    s = _words(rng, 6, 16)
    return s[0].upper() + s[1:] + "."


def _prose(rng: random.Random, with_slot: bool = True) -> str:
    """A sentence or two, often naming a table (W slot)."""
    parts = [_sentence(rng)]
    if with_slot:
        lead = rng.choice(["Reads from", "Writes to", "Joins against", "Depends on", "Replaces",
                           "See also", "Backfilled from", "Compare with", "Source:", "Target:"])
        parts.append(f"{lead} {W} {_words(rng, 2, 7)}.")
    if rng.random() < 0.4:
        parts.append(_sentence(rng))
    return " ".join(parts)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _ident(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def _cols(rng: random.Random, lo: int = 2, hi: int = 6) -> list:
    return rng.sample(COLUMNS, rng.randint(lo, hi))


def _near_miss(rng: random.Random) -> str:
    return rng.choice(NEAR_MISSES)


def _hex(rng: random.Random, n: int) -> str:
    return "%0*x" % (n, rng.getrandbits(4 * n))


# ---------------------------------------------------------------- name pools

def _new_table(rng: random.Random):
    """(dataset, table, template_table_or_None) for a valid new-style table."""
    r = rng.random()
    if r < 0.50:
        h = rng.choice(HORIZONS)
        scope = "prod" if rng.random() < 0.7 else "full"
        if rng.random() < 0.85:
            return ("training", f"zl_training_{scope}_allhistory_{h}",
                    f"zl_training_{scope}_allhistory_{{horizon}}" if rng.random() < 0.5
                    else "zl_training_{surface}_allhistory_{horizon}")
        regime = rng.choice(REGIMES[1:])
        return ("training", f"zl_training_{scope}_{regime}_all", None)
    if r < 0.54:
        return ("training", rng.choice(["regime_calendar", "regime_weights"]), None)
    if r < 0.72:
        return ("raw_intelligence", rng.choice(RAW_TABLES), None)
    if r < 0.85:
        x = rng.random()
        if x < 0.6:
            h = rng.choice(HORIZONS)
            return ("predictions", f"zl_predictions_prod_allhistory_{h}",
                    "zl_predictions_prod_allhistory_{horizon}")
        if x < 0.8:
            return ("predictions", "zl_predictions_prod_allhorizons_daily", None)
        return ("predictions", f"zl_predictions_{rng.choice(SCOPES)}_allhistory_latest", None)
    if r < 0.87:
        return ("archive", "legacy_20251114__models_v4__" + rng.choice(ARCHIVED), None)
    ds = rng.choice(list(OTHER_TABLES))
    return (ds, rng.choice(OTHER_TABLES[ds]), None)


def _legacy_table(rng: random.Random):
    """(dataset_or_None, table, template_table_or_None) for a legacy table."""
    r = rng.random()
    if r < 0.55:
        h = rng.choice(HORIZONS)
        ds = "models_v4" if rng.random() < 0.8 else None
        return (ds, f"production_training_data_{h}", "production_training_data_{horizon}")
    if r < 0.63:
        return ("models_v4", "trump_rich_2023_2025", None)
    if r < 0.71:
        return ("models_v4", "crisis_2008_historical", None)
    if r < 0.79:
        return ("predictions" if rng.random() < 0.7 else None, "daily_forecasts", None)
    if r < 0.86:
        return ("predictions" if rng.random() < 0.7 else None, "monthly_vertex_predictions", None)
    if r < 0.93:
        return ("raw_intelligence", "soybean_oil_prices", None)
    return ("training", "zl_training_prod_all_1m", None)


def _quote_forms(project, ds, table):
    """All BigQuery spellings of one reference (some need a dataset)."""
    if ds is None:
        return [f"`{table}`", table]
    return [
        f"`{project}.{ds}.{table}`", f"`{project}.{ds}.{table}`", f"`{ds}.{table}`",
        f"`{project}`.{ds}.{table}", f"`{project}`.`{ds}`.`{table}`", f"`{project}.{ds}`.{table}",
        f"{ds}.`{table}`", f"`{ds}`.`{table}`", f"{ds}.{table}",
    ]


def _sql_ref(rng, pool, project=None):
    ds, table, _ = pool(rng)
    return rng.choice(_quote_forms(project or rng.choice(PROJECTS), ds, table))


def _jinja_ref(rng, pool):
    ds, table, _ = pool(rng)
    x = rng.random()
    if ds is not None and x < 0.35:
        return f"{{{{ source('{ds}', '{table}') }}}}"
    if ds is not None and x < 0.8:
        return f"`{{{{ project_id }}}}.{ds}.{table}`"
    return _sql_ref(rng, lambda _r: (ds, table, None))


def _py_sql_ref(rng, pool):
    ds, table, tmpl = pool(rng)
    if tmpl is not None and rng.random() < 0.6:
        table = tmpl
    if ds is None:
        return f"`{table}`" if rng.random() < 0.5 else table
    return rng.choice([f"`{{project}}.{ds}.{table}`", f"`{{project}}.{ds}.{table}`",
                       f"`{{project}}`.{ds}.{table}", f"`{ds}.{table}`", f"{ds}.{table}"])


def _py_table_literal(rng, pool):
    ds, table, tmpl = pool(rng)
    q = '"' if rng.random() < 0.8 else "'"
    if tmpl is not None and rng.random() < 0.55:
        prefix = rng.choice(["{PROJECT_ID}.", "{project}.", ""])
        body = f"{prefix}{ds}.{tmpl}" if ds else tmpl
        return f"f{q}{body}{q}"
    if ds is None:
        return f"{q}{table}{q}"
    prefix = rng.choice(["", f"{rng.choice(PROJECTS)}."])
    return f"{q}{prefix}{ds}.{table}{q}"


def _new_model_dir(rng, h=None):
    fam = rng.choice(FAMILIES)
    return (f"Models/local/horizon_{h or rng.choice(HORIZONS)}/{rng.choice(SCOPES)}/{fam}/"
            f"{rng.choice(FAMILY_MODELS[fam])}_v{rng.randint(1, 7)}/")


def _new_path(rng):
    r = rng.random()
    if r < 0.45:
        h = rng.choice(HORIZONS)
        return f"TrainingData/exports/zl_training_{rng.choice(SCOPES)}_allhistory_{h}.parquet"
    d = _new_model_dir(rng)
    if r < 0.6:
        return d
    return d + rng.choice(["model.bin", "model.pkl", "model.keras", "columns_used.txt", "run_id.txt",
                           "feature_importance.csv", "metrics.json"])


def _legacy_path(rng):
    r = rng.random()
    h = rng.choice(HORIZONS)
    if r < 0.35:
        return "Models/local/baselines/clf_6m.pkl"
    if r < 0.45:
        return f"Models/local/baselines/clf_{h}.pkl"
    if r < 0.8:
        return f"TrainingData/exports/production_training_data_{h}.parquet"
    return f"{rng.choice(['data', 'exports', 'TrainingData'])}/production_training_data_{h}.parquet"


def _py_path_literal(rng, legacy):
    q = '"' if rng.random() < 0.8 else "'"
    if rng.random() < 0.4:
        if legacy:
            body = rng.choice(["TrainingData/exports/production_training_data_{horizon}.parquet",
                               "data/production_training_data_{h}.parquet",
                               "{EXPORT_DIR}/production_training_data_{horizon}.parquet"])
        else:
            body = rng.choice(["TrainingData/exports/zl_training_{surface}_allhistory_{horizon}.parquet",
                               "TrainingData/exports/zl_training_prod_allhistory_{horizon}.parquet",
                               "Models/local/horizon_{horizon}/{surface}/baselines/lightgbm_v{version}/",
                               "Models/local/horizon_{horizon}/prod/advanced/lstm_attention_v2/model.keras"])
        return f"f{q}{body}{q}"
    return q + (_legacy_path(rng) if legacy else _new_path(rng)) + q


def _plain_table(rng, pool):
    ds, table, _ = pool(rng)
    if ds is None:
        return table
    return rng.choice([f"{rng.choice(PROJECTS)}.{ds}.{table}", f"{ds}.{table}"])


def _bq_table(rng, pool):
    ds, table, _ = pool(rng)
    ds = ds or ("models_v4" if table.startswith("production_") else "predictions")
    return f"{rng.choice(PROJECTS)}:{ds}.{table}"


def _prose_new(rng):
    r = rng.random()
    if r < 0.2:
        return _new_path(rng)
    ds, table, _ = _new_table(rng)
    s = table if r < 0.6 else f"{ds}.{table}"
    return f"`{s}`" if rng.random() < 0.3 else s


def _prose_legacy(rng):
    r = rng.random()
    if r < 0.15:
        return _legacy_path(rng)
    ds, table, _ = _legacy_table(rng)
    s = f"{ds}.{table}" if (ds and (r > 0.6 or table == "soybean_oil_prices")) else table
    return f"`{s}`" if rng.random() < 0.3 else s


NEW = {
    "Q": lambda rng: _sql_ref(rng, _new_table),
    "J": lambda rng: _jinja_ref(rng, _new_table),
    "S": lambda rng: _py_sql_ref(rng, _new_table),
    "P": lambda rng: _py_table_literal(rng, _new_table),
    "L": lambda rng: _py_path_literal(rng, False),
    "F": _new_path,
    "T": lambda rng: _plain_table(rng, _new_table),
    "B": lambda rng: _bq_table(rng, _new_table),
    "W": _prose_new,
}
LEGACY = {
    "Q": lambda rng: _sql_ref(rng, _legacy_table),
    "J": lambda rng: _jinja_ref(rng, _legacy_table),
    "S": lambda rng: _py_sql_ref(rng, _legacy_table),
    "P": lambda rng: _py_table_literal(rng, _legacy_table),
    "L": lambda rng: _py_path_literal(rng, True),
    "F": _legacy_path,
    "T": lambda rng: _plain_table(rng, _legacy_table),
    "B": lambda rng: _bq_table(rng, _legacy_table),
    "W": _prose_legacy,
}


class Filler:
    """Replaces slot markers, making exactly `k` of the `n` slots legacy names."""

    def __init__(self, rng, n_slots, k):
        self.rng = rng
        self.k = min(k, n_slots)
        self.legacy = set(rng.sample(range(n_slots), self.k)) if self.k else frozenset()
        self.i = 0

    def fill(self, text):
        parts = text.split(SENT)
        out = [parts[0]]
        rng = self.rng
        for p in parts[1:]:
            gen = LEGACY[p[0]] if self.i in self.legacy else NEW[p[0]]
            self.i += 1
            out.append(gen(rng))
            out.append(p[1:])
        return "".join(out)


# ---------------------------------------------------------------- Python

def py_header(rng, relpath, needed=frozenset()):
    mod = os.path.basename(relpath)[:-3].replace("_", " ")
    lines = []
    if rng.random() < 0.3:
        lines.append("#!/usr/bin/env python3")
    lines.append('"""' + mod.capitalize() + ".")
    lines.append("")
    for _ in range(rng.randint(1, 3)):
        lines.append(_prose(rng))
    if rng.random() < 0.3:
        lines.append(f"Note: {_near_miss(rng)} is a manual copy and is not part of the pipeline.")
    lines.append('"""')
    lines.append("")
    lines.append("from __future__ import annotations")
    lines.append("")
    imps = sorted(set(rng.sample(IMPORTS, rng.randint(4, 11))) | {"import logging", "import os"} | set(needed))
    lines.extend(imps)
    lines.append("")
    lines.append('logger = logging.getLogger(__name__)')
    lines.append("")
    lines.append(f'PROJECT_ID = os.environ.get("GCP_PROJECT", "{rng.choice(PROJECTS)}")')
    lines.append('HORIZONS = ["1w", "1m", "3m", "6m", "12m"]')
    lines.append(f'EXPORT_DIR = os.environ.get("EXPORT_DIR", "TrainingData/exports")')
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(["SOURCE_TABLE", "TARGET_TABLE", "FEATURE_TABLE", "PRED_TABLE", "RAW_TABLE",
                           "LABEL_TABLE", "OUTPUT_TABLE", "REGIME_TABLE"])
        lines.append(f"{name}_{rng.randint(1, 9)} = {P}")
    lines.append(f"MODEL_PATH = {L}")
    lines.append(f"FEATURES = {json.dumps(_cols(rng, 4, 12))}")
    lines.append("")
    lines.append("")
    return "\n".join(lines) + "\n"


def py_func_query(rng):
    name = f"load_{rng.choice(NOUNS)}_{rng.randint(1, 99)}"
    c = _cols(rng, 3, 7)
    colsql = ",\n            ".join(f"t.{x}" for x in c)
    alias = rng.choice(["r", "x", "p", "f", "w"])
    join = ""
    if rng.random() < 0.7:
        join = (f"\n        LEFT JOIN {S} AS {alias}\n          ON t.date = {alias}.date"
                f"\n         AND {alias}.{rng.choice(COLUMNS)} IS NOT NULL")
    return f'''def {name}(client: "bigquery.Client", horizon: str = "{rng.choice(HORIZONS)}", surface: str = "prod",
        project: str = PROJECT_ID, start: str = "{_date(rng)}") -> "pd.DataFrame":
    """Load the {rng.choice(NOUNS)} frame for one horizon.

    {_prose(rng)}
    Rows before `start` are dropped; {rng.choice(COLUMNS)} is forward-filled.
    """
    sql = f"""
        -- {_words(rng, 3, 9)}
        SELECT
            t.date,
            {colsql}
        FROM {S} AS t{join}
        WHERE t.date >= '{{start}}'
          AND t.{c[0]} IS NOT NULL
        ORDER BY t.date
    """
    logger.info(f"querying {{project}} for horizon={{horizon}} surface={{surface}} ({{len(sql)}} chars)")
    job = client.query(sql)
    df = job.to_dataframe()
    if df.empty:
        raise RuntimeError(f"no rows for {{horizon}} since {{start}}")
    df["{c[-1]}"] = df["{c[-1]}"].ffill()
    return df


'''


def py_format_template(rng):
    name = f"{rng.choice(NOUNS).upper()}_{rng.choice(['SQL', 'QUERY', 'TEMPLATE'])}_{rng.randint(1, 99)}"
    c = _cols(rng, 2, 6)
    cte = rng.choice(["base", "src", "latest", "ranked", "windowed"])
    return f'''{name} = """
-- {_words(rng, 4, 10)}
WITH {cte} AS (
    SELECT date, {", ".join(c)},
           ROW_NUMBER() OVER (PARTITION BY date ORDER BY ingested_at DESC) AS rn
    FROM {S}
    WHERE date BETWEEN @start_date AND @end_date
)
SELECT {cte}.*, w.regime_weight
FROM {cte}
JOIN {S} AS w USING (date)
WHERE rn = 1
"""


def run_{name.lower()}(client, horizon, surface="prod", project=PROJECT_ID, **params):
    """Render `{name}` for `horizon` and run it.

    {_prose(rng)}
    """
    sql = {name}.format(project=project, horizon=horizon, surface=surface)
    cfg = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("start_date", "DATE", params.get("start", "{_date(rng)}")),
        bigquery.ScalarQueryParameter("end_date", "DATE", params.get("end", "{_date(rng)}")),
    ])
    return client.query(sql, job_config=cfg).to_dataframe()


'''


def py_func_features(rng):
    c = _cols(rng, 3, 8)
    body = []
    for col in c:
        op = rng.choice([
            f'df["{col}_lag_{rng.randint(1, 20)}"] = df["{col}"].shift({rng.randint(1, 20)})',
            f'df["{col}_roll_{rng.choice([5, 10, 20, 60])}"] = df["{col}"].rolling({rng.choice([5, 10, 20, 60])}).mean()',
            f'df["{col}_z"] = (df["{col}"] - df["{col}"].mean()) / (df["{col}"].std() + 1e-9)',
            f'df["{col}_pct"] = df["{col}"].pct_change(periods={rng.randint(1, 5)})',
            f'df["{col}_clip"] = df["{col}"].clip(lower=df["{col}"].quantile(0.01), upper=df["{col}"].quantile(0.99))',
        ])
        body.append("    " + op)
    comment = f"    # {_words(rng, 4, 12)}\n" if rng.random() < 0.5 else ""
    if rng.random() < 0.3:
        comment += f"    # see {W} for the original definition\n"
    return f'''def {_ident(rng)}_{rng.randint(1, 999)}(df: "pd.DataFrame", window: int = {rng.choice([5, 10, 20, 60])}) -> "pd.DataFrame":
    """{_sentence(rng)}

    Args:
        df: daily frame indexed by date.
        window: rolling window in trading days.
    """
    df = df.copy()
{comment}{chr(10).join(body)}
    return df.dropna(subset=["{c[0]}"])


'''


def py_func_train(rng):
    fam = rng.choice(FAMILIES)
    model = rng.choice(FAMILY_MODELS[fam])
    return f'''def train_{model}_{rng.randint(1, 99)}(horizon: str, surface: str = "prod", version: int = {rng.randint(1, 5)}) -> str:
    """Train {model} for `horizon` and save it.

    {_prose(rng)}
    """
    source = {P}
    data_path = {L}
    logger.info("training %s on %s (%s)", "{model}", source, data_path)
    df = pd.read_parquet(data_path)
    X, y = df[FEATURES], df["target_return"]
    splits = TimeSeriesSplit(n_splits={rng.randint(3, 8)})
    scores = []
    for fold, (tr, va) in enumerate(splits.split(X)):
        est = lgb.LGBMRegressor(n_estimators={rng.choice([200, 500, 800, 1200])}, learning_rate={rng.choice([0.01, 0.03, 0.05])})
        est.fit(X.iloc[tr], y.iloc[tr])
        mae = mean_absolute_error(y.iloc[va], est.predict(X.iloc[va]))
        scores.append(mae)
        logger.debug(f"fold {{fold}}: mae={{mae:.5f}}")
    out_dir = f"Models/local/horizon_{{horizon}}/{{surface}}/{fam}/{model}_v{{version}}/"
    os.makedirs(out_dir, exist_ok=True)
    joblib.dump(est, os.path.join(out_dir, "model.pkl"))
    with open(os.path.join(out_dir, "metrics.json"), "w") as fh:
        json.dump({{"mae": float(np.mean(scores)), "table": source}}, fh)
    # legacy location kept for the dashboard: {F}
    return out_dir


'''


def py_class(rng):
    cls = "".join(p.capitalize() for p in _ident(rng).split("_")) + rng.choice(["Job", "Loader", "Writer", "Task"])
    return f'''@dataclass
class {cls}:
    """{_sentence(rng)}

    {_prose(rng)}
    """

    horizon: str = "{rng.choice(HORIZONS)}"
    surface: str = "{rng.choice(SCOPES)}"
    table: str = {P}
    dry_run: bool = False
    extra: Dict[str, str] = field(default_factory=dict)

    def destination(self) -> str:
        return {P}

    def describe(self) -> str:
        return "{{}} -> {{}} ({{}})".format(self.table, self.destination(), self.horizon)

    def run(self, client) -> int:
        if self.dry_run:
            logger.warning("dry run: would copy %s to %s", self.table, self.destination())
            return 0
        job = client.copy_table(self.table, self.destination())
        job.result()
        logger.info(f"copied {{self.table}} ({{job.job_id}})")
        return 1


'''


def py_constants(rng):
    h = rng.choice(HORIZONS)
    items = ",\n".join(f'    "{x}": {P}' for x in rng.sample(HORIZONS, rng.randint(2, 5)))
    lines = [f"# {_words(rng, 5, 12)}",
             f"TABLES_BY_HORIZON_{rng.randint(1, 99)} = {{\n{items},\n}}",
             f'DEFAULT_EXPORT_{h.upper()} = {L}',
             f'ARCHIVE_NOTE = "{_near_miss(rng)} stays read-only"',
             "", ""]
    return "\n".join(lines) + "\n"


def py_export(rng):
    return f'''def export_{rng.choice(NOUNS)}_{rng.randint(1, 99)}(client, horizon: str, surface: str = "prod") -> None:
    """Export one training surface to parquet; {_words(rng, 3, 8)}."""
    table = {P}
    path = {L}
    logger.info("exporting %s -> %s", table, path)
    df = client.list_rows(table).to_dataframe()
    df.to_parquet(path, index=False)
    print("wrote {{}} rows to {{}}".format(len(df), path))


'''


def py_main(rng):
    return f'''def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="{_sentence(rng)[:-1]}")
    parser.add_argument("--horizon", choices=HORIZONS, default="{rng.choice(HORIZONS)}")
    parser.add_argument("--surface", choices=["prod", "full"], default="prod")
    parser.add_argument("--table", default={P}, help="source table (default: %(default)s)")
    parser.add_argument("--output", default={L}, help="where to write results")
    parser.add_argument("--start", default="{_date(rng)}")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    logger.info(f"horizon={{args.horizon}} surface={{args.surface}} table={{args.table}}")
    if args.dry_run:
        print("would read {{}} and write {{}}".format(args.table, args.output))
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


PY_BLOCKS = [(py_func_query, 5), (py_format_template, 3), (py_func_features, 4), (py_func_train, 2),
             (py_class, 2), (py_constants, 2), (py_export, 2)]


def _weighted(blocks):
    out = []
    for fn, w in blocks:
        out.extend([fn] * w)
    return out


PY_W = _weighted(PY_BLOCKS)


PY_NEEDS = {
    py_func_query: {"import pandas as pd", "from google.cloud import bigquery"},
    py_format_template: {"from google.cloud import bigquery"},
    py_func_features: {"import pandas as pd"},
    py_func_train: {"import json", "import joblib", "import lightgbm as lgb", "import numpy as np",
                    "import pandas as pd", "from sklearn.metrics import mean_absolute_error, mean_squared_error",
                    "from sklearn.model_selection import TimeSeriesSplit"},
    py_class: {"from dataclasses import dataclass, field", "from typing import Dict, List, Optional, Sequence"},
    py_constants: set(),
    py_export: set(),
}


def gen_python(rng, relpath, size):
    is_test = os.path.basename(relpath).startswith("test_")
    tail = "" if is_test or rng.random() < 0.3 else py_main(rng)
    needed = {"import argparse", "import sys"} if tail else set()
    parts = []
    n = 1100  # typical header size, written last so it can import what the body uses
    budget = size - _est(tail)
    while n < budget:
        fn = rng.choice(PY_W)
        b = fn(rng)
        if n + _est(b) > size * 1.15 and n > size * 0.6:
            break
        needed |= PY_NEEDS[fn]
        parts.append(b)
        n += _est(b)
    parts.insert(0, py_header(rng, relpath, needed))
    parts.append(tail)
    return "".join(parts).rstrip("\n") + "\n"


# ---------------------------------------------------------------- SQL

def sql_header(rng, relpath, jinja):
    lines = ["-- " + "=" * 70,
             f"-- {os.path.basename(relpath)}",
             f"-- Purpose: builds {W} from upstream tables",
             f"-- {_prose(rng)}",
             f"-- Owner: {rng.choice(OWNERS)}   Last reviewed: {_date(rng)}",
             "-- " + "=" * 70]
    if jinja:
        lines.append("{{ config(materialized='table', partition_by={'field': 'date', 'data_type': 'date'}, "
                     f"cluster_by=['{rng.choice(COLUMNS)}']) }}}}")
    return "\n".join(lines) + "\n\n"


def sql_cte(rng, jinja):
    R = J if jinja else Q
    c = _cols(rng, 3, 8)
    c2 = rng.choice(["joined", "enriched", "with_regime", "scored", "lagged", "aligned"])
    where = f"date >= DATE '{_date(rng)}'"
    if jinja and rng.random() < 0.6:
        where = "date >= DATE '{{ var(\"start_date\") }}'\n    {% if is_incremental() %}\n    AND date > (SELECT MAX(date) FROM {{ this }})\n    {% endif %}"
    lags = ",\n      ".join(f"LAG({x}, {rng.randint(1, 20)}) OVER (ORDER BY date) AS {x}_lag" for x in c[:3])
    head = rng.choice([f"CREATE OR REPLACE TABLE {R} AS\n", f"CREATE OR REPLACE VIEW {R} AS\n",
                       f"INSERT INTO {R} (date, {', '.join(c)})\n", ""])
    cmt = f"    /* {_prose(rng)} */\n" if rng.random() < 0.5 else ""
    return f"""{head}WITH
  base AS (
    -- {_words(rng, 3, 9)}
    SELECT
      date,
      {", ".join(c)}
    FROM {R}
    WHERE {where}
  ),
  {c2} AS (
{cmt}    SELECT
      b.*,
      x.{rng.choice(COLUMNS)} AS {rng.choice(COLUMNS)}_ref,
      {lags}
    FROM base AS b
    LEFT JOIN {R} AS x USING (date)
    INNER JOIN {R} AS rc
      ON rc.date = b.date AND rc.regime_id IS NOT NULL
  )
SELECT *
FROM {c2}
WHERE {c[0]} IS NOT NULL;

"""


def sql_merge(rng, jinja):
    R = J if jinja else Q
    c = _cols(rng, 2, 5)
    sets = ",\n    ".join(f"{x} = s.{x}" for x in c)
    return f"""-- {_prose(rng)}
MERGE {R} AS t
USING (
  SELECT date, {", ".join(c)}
  FROM {R}
  WHERE date = CURRENT_DATE()
) AS s
ON t.date = s.date
WHEN MATCHED THEN UPDATE SET
    {sets}
WHEN NOT MATCHED THEN INSERT (date, {", ".join(c)}) VALUES (s.date, {", ".join("s." + x for x in c)});

"""


def sql_select(rng, jinja):
    R = J if jinja else Q
    c = _cols(rng, 2, 6)
    near = f"\n-- not the same as {_near_miss(rng)}" if rng.random() < 0.25 else ""
    return f"""/*
 * {_sentence(rng)}
 * {_prose(rng)}
 */{near}
SELECT
  p.date,
  p.horizon,
  {", ".join("p." + x for x in c)},
  AVG(p.prediction) OVER (PARTITION BY p.horizon ORDER BY p.date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS pred_7d,
  a.zl_close AS actual
FROM {R} AS p
JOIN {R} AS a
  ON a.date = DATE_ADD(p.date, INTERVAL {rng.randint(5, 365)} DAY)
WHERE p.horizon IN ('1w', '1m', '3m', '6m', '12m')
  AND p.date BETWEEN '{_date(rng)}' AND '{_date(rng)}'
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.date, p.horizon ORDER BY p.created_at DESC) = 1;

"""


def sql_misc(rng, jinja):
    R = J if jinja else Q
    return rng.choice([
        f"DELETE FROM {R} WHERE date < DATE_SUB(CURRENT_DATE(), INTERVAL {rng.randint(30, 900)} DAY);\n\n",
        f"-- {_prose(rng)}\nDECLARE run_date DATE DEFAULT CURRENT_DATE();\nSET run_date = (SELECT MAX(date) FROM {R});\n\n",
        f"CREATE TABLE IF NOT EXISTS {R} (\n  date DATE NOT NULL,\n  horizon STRING,\n  "
        f"{rng.choice(COLUMNS)} FLOAT64,\n  {rng.choice(COLUMNS)} FLOAT64,\n  created_at TIMESTAMP\n)\n"
        f"PARTITION BY date\nOPTIONS (description = '{_words(rng, 3, 8)}');\n\n",
        f"SELECT COUNT(*) AS n, MIN(date) AS first_day, MAX(date) AS last_day\nFROM {R};  -- {_words(rng, 2, 6)}\n\n",
    ])


SQL_W = _weighted([(sql_cte, 4), (sql_merge, 1), (sql_select, 3), (sql_misc, 2)])


def gen_sql(rng, relpath, size):
    jinja = rng.random() < 0.3
    parts = [sql_header(rng, relpath, jinja)]
    n = _est(parts[0])
    while n < size:
        b = rng.choice(SQL_W)(rng, jinja)
        if n + _est(b) > size * 1.15 and n > size * 0.6:
            break
        parts.append(b)
        n += _est(b)
    return "".join(parts).rstrip("\n") + "\n"


# ---------------------------------------------------------------- YAML

def gen_yaml(rng, relpath, size):
    parts = [f"# {os.path.basename(relpath)}: {_words(rng, 4, 10)}\n# {_prose(rng)}\n"]
    n = _est(parts[0])
    i = 0
    while n < size:
        i += 1
        fam = rng.choice(FAMILIES)
        model = rng.choice(FAMILY_MODELS[fam])
        h = rng.choice(HORIZONS)
        feats = "\n".join(f"      - {x}" for x in _cols(rng, 3, 12))
        b = f"""{model}_{h}_{i}:
  model:
    name: {model}
    family: {fam}
    horizon: {h}
    surface: {rng.choice(SCOPES)}
    version: {rng.randint(1, 9)}
  data:
    source_table: {T}
    regime_table: {T}
    export_path: {F}
    start_date: "{_date(rng)}"
    features:
{feats}
  training:
    # {_words(rng, 3, 9)}
    n_estimators: {rng.choice([200, 500, 1000])}
    learning_rate: {rng.choice([0.01, 0.02, 0.05, 0.1])}
    max_depth: {rng.randint(3, 12)}
    early_stopping_rounds: {rng.choice([20, 50, 100])}
  output:
    model_dir: {F}
    predictions_table: {T}
    notes: "{_words(rng, 3, 8)}"
"""
        if rng.random() < 0.15:
            b += f"  # do not confuse with {_near_miss(rng)}\n"
        if n + _est(b) > size * 1.2 and n > size * 0.5:
            break
        parts.append(b)
        n += _est(b)
    return "".join(parts)


# ---------------------------------------------------------------- shell

def gen_shell(rng, relpath, size):
    parts = [f"""#!/usr/bin/env bash
# {os.path.basename(relpath)}: {_words(rng, 4, 10)}
# {_prose(rng)}
set -euo pipefail

PROJECT="${{GCP_PROJECT:-{rng.choice(PROJECTS)}}}"
BUCKET="gs://{rng.choice(['zl-exports', 'cbi-artifacts', 'cbi-v14-models'])}"
HORIZONS=(1w 1m 3m 6m 12m)
LOG_DIR="${{LOG_DIR:-logs}}"
mkdir -p "$LOG_DIR"

"""]
    n = _est(parts[0])
    while n < size:
        r = rng.random()
        if r < 0.3:
            b = f"""echo "[$(date -u +%FT%TZ)] checking {T}"
bq show --format=prettyjson {B} > "$LOG_DIR/{_ident(rng)}.json"
bq query --use_legacy_sql=false --format=csv --max_rows={rng.randint(10, 1000)} \\
  'SELECT date, {", ".join(_cols(rng, 2, 4))} FROM {Q} ORDER BY date DESC LIMIT {rng.randint(5, 50)}'

"""
        elif r < 0.5:
            b = f"""for h in "${{HORIZONS[@]}}"; do
  echo "exporting horizon $h"
  python -m src.training.export_training_data --horizon "$h" --surface {rng.choice(SCOPES)} \\
    --table {T} --output {F}
done

"""
        elif r < 0.65:
            b = f"""# {_prose(rng)}
bq extract --destination_format=PARQUET {B} "$BUCKET/exports/{_ident(rng)}_*.parquet"
gsutil -m cp "$BUCKET/models/{rng.choice(HORIZONS)}/*" {F}

"""
        elif r < 0.8:
            b = f"""bq query --use_legacy_sql=false <<'SQL'
-- {_words(rng, 3, 8)}
CREATE OR REPLACE TABLE {Q} AS
SELECT * FROM {Q}
WHERE date >= '{_date(rng)}';
SQL

"""
        else:
            fn = _ident(rng)
            b = f"""{fn}() {{
  local horizon="${{1:-{rng.choice(HORIZONS)}}}"
  # {_words(rng, 3, 10)}
  python scripts/{fn}.py --horizon "$horizon" --model-dir {F} "$@" \\
    2>&1 | tee -a "$LOG_DIR/{fn}_${{horizon}}.log"
}}
{fn} {rng.choice(HORIZONS)}
# kept for reference: {_near_miss(rng)}

"""
        if n + _est(b) > size * 1.2 and n > size * 0.5:
            break
        parts.append(b)
        n += _est(b)
    return "".join(parts)


# ---------------------------------------------------------------- Markdown

def gen_markdown(rng, relpath, size):
    title = os.path.basename(os.path.dirname(relpath)) or "repository"
    parts = [f"# {title.replace('_', ' ').title()}\n\n{_prose(rng)} {_prose(rng)}\n\n"]
    n = _est(parts[0])
    while n < size:
        r = rng.random()
        if r < 0.4:
            b = f"## {_words(rng, 2, 5).capitalize()}\n\n{_prose(rng)} {_prose(rng)}\n\n- {_prose(rng)}\n- {_prose(rng)}\n\n"
        elif r < 0.6:
            b = (f"```sql\nSELECT date, {', '.join(_cols(rng, 2, 4))}\nFROM {Q}\nWHERE date > '{_date(rng)}';\n```\n\n"
                 f"{_prose(rng)}\n\n")
        elif r < 0.8:
            b = "| horizon | table | export |\n|---|---|---|\n" + "".join(
                f"| {h} | {W} | `{F}` |\n" for h in rng.sample(HORIZONS, 3)) + "\n"
        else:
            b = f"```bash\npython -m src.training.{_ident(rng)} --horizon {rng.choice(HORIZONS)} --table {T}\n```\n\n" \
                f"> Note: `{_near_miss(rng)}` is not a migration target.\n\n"
        parts.append(b)
        n += _est(b)
    return "".join(parts)


# ---------------------------------------------------------------- notebooks

def _nb_code_sources(rng):
    r = rng.random()
    if r < 0.3:
        c = _cols(rng, 2, 6)
        return f"""%%bigquery df --project {rng.choice(PROJECTS)}
-- {_words(rng, 3, 8)}
SELECT date, {", ".join(c)}
FROM {Q}
WHERE date >= '{_date(rng)}'
ORDER BY date"""
    if r < 0.55:
        return f"""horizon = "{rng.choice(HORIZONS)}"
surface = "{rng.choice(SCOPES)}"
table = {P}
sql = f\"\"\"
SELECT *
FROM {S}
LIMIT {rng.randint(100, 5000)}
\"\"\"
df = client.query(sql).to_dataframe()
print(f"{{table}}: {{len(df)}} rows")
df.head()"""
    if r < 0.7:
        c = _cols(rng, 2, 5)
        return "\n".join([f"# {_words(rng, 3, 9)}"] +
                         [f'df["{x}_roll"] = df["{x}"].rolling({rng.choice([5, 20, 60])}).mean()' for x in c] +
                         [f'df[{json.dumps(c)}].describe()'])
    if r < 0.82:
        return f"""fig, ax = plt.subplots(figsize=(12, 4))
ax.plot(df["date"], df["{rng.choice(COLUMNS)}"], label="{rng.choice(COLUMNS)}")
ax.set_title("{_words(rng, 2, 6)}")
ax.legend()
plt.show()"""
    if r < 0.95:
        items = "\n".join(f'    "{h}": {P},' for h in rng.sample(HORIZONS, rng.randint(2, 5)))
        return f"""# {_words(rng, 3, 8)}
tables = {{
{items}
}}
for h, t in tables.items():
    print(h, t, client.get_table(t).num_rows)"""
    return f"""path = {L}
df = pd.read_parquet(path)
df.to_parquet({L}, index=False)"""


def _nb_outputs(rng, src, exec_count):
    if src.startswith("%%bigquery") or rng.random() < 0.2:
        c = _cols(rng, 3, 5)
        rows = rng.randint(3, 8)
        txt = ["      date  " + "  ".join(c) + "\n"]
        html = ["<div>\n", "<table border=\"1\" class=\"dataframe\">\n", "  <thead>\n", "    <tr>\n"]
        html += [f"      <th>{x}</th>\n" for x in ["date"] + c] + ["    </tr>\n", "  </thead>\n", "  <tbody>\n"]
        for i in range(rows):
            vals = [f"{rng.uniform(-5, 80):.4f}" for _ in c]
            d = _date(rng)
            txt.append(f"{i:<4} {d}  " + "  ".join(vals) + "\n")
            html.append("    <tr>\n" + "".join(f"      <td>{v}</td>\n" for v in [d] + vals) + "    </tr>\n")
        html += ["  </tbody>\n", "</table>\n", "</div>"]
        txt[-1] = txt[-1].rstrip("\n")
        return [{"data": {"text/html": html, "text/plain": txt}, "execution_count": exec_count,
                 "metadata": {}, "output_type": "execute_result"}]
    if src.startswith("fig") and rng.random() < 0.25:
        png = _hex(rng, 8)  # deterministic pseudo image, kept small
        blob = "iVBORw0KGgo" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                                       for _ in range(rng.randint(200, 1500))) + png
        return [{"data": {"image/png": blob, "text/plain": ["<Figure size 1200x400 with 1 Axes>"]},
                 "metadata": {}, "output_type": "display_data"}]
    if rng.random() < 0.5:
        lines = [f"INFO:root:{_words(rng, 3, 8)}\n" for _ in range(rng.randint(1, 6))]
        return [{"name": "stdout", "output_type": "stream", "text": lines}]
    return []


def gen_notebook(rng, relpath, size):
    """Cells with slot markers still in their sources, plus the slot count."""
    cells = []
    exec_count = 0

    def add(kind, src):
        nonlocal exec_count
        cell = {"cell_type": kind, "id": _hex(rng, 8), "metadata": {}, "source": src}
        if kind == "code":
            exec_count += 1
            # nbformat key order: cell_type, execution_count, id, metadata, outputs, source
            cell = {"cell_type": kind, "execution_count": exec_count, "id": cell["id"], "metadata": {},
                    "outputs": _nb_outputs(rng, src, exec_count), "source": src}
        cells.append(cell)
        # JSON size estimate: indent + quotes per source line, escaped marker, filled names
        return len(json.dumps(cell, indent=1, ensure_ascii=False)) + 8 * src.count("\n") + 37 * src.count(SENT)

    est = 700
    est += add("markdown", f"# {_words(rng, 2, 6).capitalize()}\n\n{_prose(rng)}\n\n{_prose(rng)}")
    est += add("code", "import pandas as pd\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                       "from google.cloud import bigquery\n\nclient = bigquery.Client(project=\"cbi-v14\")")
    while est < size:
        if rng.random() < 0.25:
            src = f"## {_words(rng, 2, 5).capitalize()}\n\n{_prose(rng)}"
            if rng.random() < 0.2:
                src += f"\n\nCaution: `{_near_miss(rng)}` is a different table."
            est += add("markdown", src)
        else:
            est += add("code", _nb_code_sources(rng))
    return cells, sum(c["source"].count(SENT) for c in cells)


def render_notebook(cells, filler):
    for cell in cells:
        cell["source"] = filler.fill(cell["source"]).splitlines(keepends=True)
    nb = {"cells": cells,
          "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                      "name": "python3"},
                       "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                                         "file_extension": ".py", "mimetype": "text/x-python",
                                         "name": "python", "nbconvert_exporter": "python",
                                         "pygments_lexer": "ipython3", "version": "3.11.7"}},
          "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- layout plan

EXT_GEN = {".py": gen_python, ".sql": gen_sql, ".yaml": gen_yaml, ".yml": gen_yaml, ".sh": gen_shell,
           ".md": gen_markdown}
SIZE_SCALE = {".py": 1.0, ".sql": 1.0, ".ipynb": 1.6, ".yaml": 0.55, ".yml": 0.55, ".sh": 0.6, ".md": 0.8}

# area -> (weight, folder builder, extension mix)
AREAS = {
    "src": (30, {".py": 80, ".yaml": 8, ".md": 4, ".sql": 8}),
    "sql": (18, {".sql": 85, ".md": 5, ".yaml": 10}),
    "notebooks": (12, {".ipynb": 70, ".py": 20, ".md": 10}),
    "scripts": (12, {".py": 55, ".sh": 40, ".md": 5}),
    "configs": (8, {".yaml": 75, ".yml": 10, ".sh": 10, ".md": 5}),
    "pipelines": (10, {".py": 50, ".sql": 30, ".yaml": 15, ".sh": 5}),
    "tests": (6, {".py": 95, ".yaml": 5}),
    "docs": (4, {".md": 80, ".sql": 10, ".sh": 10}),
}


def _folder(rng, area):
    if area == "src":
        return "/".join(["src", rng.choice(["training", "features", "ingestion", "prediction", "monitoring",
                                             "common", "backtest", "regimes"]),
                         rng.choice(FAMILIES + NOUNS + [t for t in TOPICS[:8]])])
    if area == "sql":
        return "/".join(["sql", rng.choice(["views", "features", "training", "predictions", "ingestion",
                                            "monitoring", "migrations", "adhoc"]), rng.choice(NOUNS + TOPICS)])
    if area == "notebooks":
        return "/".join(["notebooks", rng.choice(OWNERS[:6]),
                         f"{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}_{rng.choice(TOPICS)}"])
    if area == "scripts":
        return "/".join(["scripts", rng.choice(["migration", "ops", "export", "backfill", "maintenance",
                                                "research"]), rng.choice(NOUNS)])
    if area == "configs":
        return "/".join(["configs", rng.choice(["prod", "staging", "dev"]),
                         rng.choice(["models", "pipelines", "features", "schedules"]), f"horizon_{rng.choice(HORIZONS)}"])
    if area == "pipelines":
        return "/".join(["pipelines", "dags", f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_dag"])
    if area == "tests":
        return "/".join(["tests", rng.choice(["unit", "integration"]), rng.choice(NOUNS)])
    return "/".join(["docs", rng.choice(["guides", "runbooks", "design", "migrations"]), rng.choice(TOPICS)])


def _file_name(rng, ext, area, taken):
    for attempt in range(50):
        if ext == ".py":
            if area == "tests":
                base = f"test_{_ident(rng)}"
            else:
                base = rng.choice([_ident(rng), f"train_{rng.choice(sum(FAMILY_MODELS.values(), []))}",
                                   f"{rng.choice(NOUNS)}_{rng.choice(['utils', 'io', 'job', 'client', 'schema'])}"])
        elif ext == ".sql":
            base = rng.choice([f"{rng.randint(1, 40):02d}_{_ident(rng)}", f"vw_{rng.choice(NOUNS)}_{rng.choice(HORIZONS)}",
                               f"{rng.choice(NOUNS)}_{rng.choice(['daily', 'weekly', 'latest', 'backfill'])}"])
        elif ext in (".yaml", ".yml"):
            base = rng.choice([f"{rng.choice(sum(FAMILY_MODELS.values(), []))}_{rng.choice(HORIZONS)}",
                               f"{rng.choice(NOUNS)}_config", "schedule", "defaults", "pipeline", "sources"])
        elif ext == ".ipynb":
            base = rng.choice([f"{rng.randint(1, 30):02d}_{rng.choice(TOPICS)}_exploration",
                               f"{_date(rng)}_{rng.choice(TOPICS)}", f"{rng.choice(TOPICS)}_{rng.choice(['eda', 'report', 'check'])}"])
        elif ext == ".sh":
            base = rng.choice([f"run_{rng.choice(NOUNS)}", f"deploy_{rng.choice(NOUNS)}", f"{_ident(rng)}"])
        else:
            base = rng.choice(["README", "NOTES", rng.choice(TOPICS), f"{rng.choice(NOUNS)}_runbook"])
        if attempt:
            base += f"_{attempt + 1}"
        name = base + ext
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not find a free file name")


def _file_size(rng, ext):
    s = math.exp(rng.gauss(math.log(8000), 1.0)) * SIZE_SCALE.get(ext, 1.0)
    return int(min(200_000, max(1100, s)))


def plan(seed, size_mb, n_files):
    """Return (dirs, files) where files = [(relpath, ext, target_size)]."""
    rng = random.Random(f"plan:{seed}")
    target_total = size_mb * 1_000_000 / 1.05  # files overshoot their target by ~5%
    files, dirs, used = [], [], {}
    total = 0
    area_names = list(AREAS)
    area_weights = [AREAS[a][0] for a in area_names]
    while (total < target_total) if n_files is None else (len(files) < n_files):
        area = rng.choices(area_names, area_weights)[0]
        folder = _folder(rng, area)
        used[folder] = used.get(folder, 0) + 1
        if used[folder] > 1:
            folder += f"_{used[folder]}"
        dirs.append(folder)
        mix = AREAS[area][1]
        exts, weights = list(mix), list(mix.values())
        taken = set()
        count = rng.randint(20, 40) if n_files is None else min(n_files - len(files), rng.randint(3, 6))
        for _ in range(count):
            ext = rng.choices(exts, weights)[0]
            name = _file_name(rng, ext, area, taken)
            size = _file_size(rng, ext)
            files.append((f"{folder}/{name}", ext, size))
            total += size
            if n_files is None and total >= target_total:
                break
    return dirs, files


# ---------------------------------------------------------------- per-file generation

def legacy_count(rng, density, size):
    """How many legacy references this file should hold."""
    x = rng.random()
    if density == "none":
        return 0
    if density == "low":
        if x >= 0.10:
            return 0
        k = size / 4800.0
    else:
        if x >= 0.90:
            return 0
        k = size / 420.0
    return max(1, int(k + rng.random()))


def render_file(seed, density, relpath, ext, size):
    """Return (bytes, legacy_refs_inserted, slots)."""
    rng = random.Random(f"{seed}:{relpath}")
    k = legacy_count(rng, density, size)
    if ext == ".ipynb":
        cells, n_slots = gen_notebook(rng, relpath, size)
        filler = Filler(rng, n_slots, k)
        text = render_notebook(cells, filler)
    else:
        raw = EXT_GEN[ext](rng, relpath, size)
        n_slots = raw.count(SENT)
        filler = Filler(rng, n_slots, k)
        text = filler.fill(raw)
    return text.encode("utf-8"), filler.k, n_slots


def _worker(args):
    out_dir, seed, density, chunk = args
    res = []
    for relpath, ext, size in chunk:
        data, k, n_slots = render_file(seed, density, relpath, ext, size)
        with open(os.path.join(out_dir, relpath), "wb", buffering=1 << 20) as fh:
            fh.write(data)
        res.append((relpath, ext, len(data), k, n_slots))
    return res


ROOT_FILES = {
    ".gitignore": """# Python
__pycache__/
*.py[cod]
*.egg-info/
.venv/
venv/
.env

# Jupyter
.ipynb_checkpoints/

# Local data and models (never committed)
/TrainingData/
/Models/local/
*.parquet
*.pkl

# Editors
.idea/
.vscode/
.DS_Store
""",
    "requirements.txt": "google-cloud-bigquery>=3.11\ngoogle-cloud-storage>=2.10\npandas>=2.1\nnumpy>=1.26\n"
                        "pyarrow>=14\nlightgbm>=4.1\nxgboost>=2.0\nscikit-learn>=1.3\njoblib>=1.3\n"
                        "matplotlib>=3.8\npyyaml>=6.0\ntqdm>=4.66\n",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--size-mb", type=float, default=20.0, help="approximate corpus size (1 MB = 10^6 bytes)")
    ap.add_argument("--files", type=int, default=None,
                    help="generate exactly this many files instead of --size-mb (no root extras)")
    ap.add_argument("--density", choices=["none", "low", "high"], default="low")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="worker processes (output does not depend on it)")
    ap.add_argument("--force", action="store_true", help="delete OUT_DIR first if it exists")
    ap.add_argument("--summary-json", help="also write the summary to this file (keep it outside OUT_DIR)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    out = os.path.abspath(args.out_dir)
    if os.path.exists(out) and os.listdir(out):
        if not args.force:
            print(f"error: {out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    dirs, files = plan(args.seed, args.size_mb, args.files)
    for d in sorted(set(dirs)):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    results = []
    if args.files is None:
        for name, text in ROOT_FILES.items():
            data = text.encode()
            with open(os.path.join(out, name), "wb") as fh:
                fh.write(data)
            results.append((name, os.path.splitext(name)[1] or name, len(data), 0, 0))

    chunks = [files[i:i + 64] for i in range(0, len(files), 64)]
    tasks = [(out, args.seed, args.density, c) for c in chunks]
    if args.jobs > 1 and len(chunks) > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs) as pool:
            for r in pool.imap_unordered(_worker, tasks):
                results.extend(r)
    else:
        for t in tasks:
            results.extend(_worker(t))

    elapsed = time.perf_counter() - t0
    sizes = [r[2] for r in results]
    by_ext = {}
    for _, ext, size, k, _ in results:
        e = by_ext.setdefault(ext, {"files": 0, "bytes": 0, "legacy_refs": 0})
        e["files"] += 1
        e["bytes"] += size
        e["legacy_refs"] += k
    total_bytes = sum(sizes)
    refs = sum(r[3] for r in results)
    slots = sum(r[4] for r in results)
    summary = {
        "out_dir": out, "seed": args.seed, "density": args.density, "size_mb_requested": args.size_mb,
        "files": len(results), "dirs": len(set(dirs)), "bytes": total_bytes,
        "legacy_refs": refs, "files_with_legacy": sum(1 for r in results if r[3]),
        "name_slots": slots,
        "bytes_per_legacy_ref": round(total_bytes / refs) if refs else None,
        "median_file_bytes": int(statistics.median(sizes)) if sizes else 0,
        "min_file_bytes": min(sizes) if sizes else 0, "max_file_bytes": max(sizes) if sizes else 0,
        "by_ext": dict(sorted(by_ext.items())), "seconds": round(elapsed, 2),
    }
    if args.summary_json:
        with open(args.summary_json, "w") as fh:
            json.dump(summary, fh, indent=2)
            fh.write("\n")
    if not args.quiet:
        print(f"{'ext':<12}{'files':>8}{'bytes':>14}{'legacy refs':>13}")
        for ext, e in summary["by_ext"].items():
            print(f"{ext:<12}{e['files']:>8}{e['bytes']:>14,}{e['legacy_refs']:>13}")
    pct = 100.0 * summary["files_with_legacy"] / max(1, len(results))
    print(f"generated {len(results)} files in {summary['dirs']} folders, {total_bytes:,} bytes "
          f"({total_bytes / 1e6:.1f} MB), median file {summary['median_file_bytes']:,} B; "
          f"density={args.density}: {refs} legacy refs inserted in {summary['files_with_legacy']} files "
          f"({pct:.1f}%), {('1 per %s B' % format(summary['bytes_per_legacy_ref'], ',')) if refs else 'none'}; "
          f"{elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
