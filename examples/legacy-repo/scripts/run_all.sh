#!/usr/bin/env bash
# run_all.sh -- nightly ZL pipeline (legacy layout).
# Rebuilds models_v4.production_training_data_1w .. _12m, exports them, retrains
# the baselines and publishes predictions to predictions.daily_forecasts.
set -euo pipefail

PROJECT="${PROJECT:-cbi-v14}"
SURFACE="${SURFACE:-prod}"
HORIZONS="1w 1m 3m 6m 12m"
LOG_DIR="logs"
BUCKET="gs://cbi-v14-exports"
CANARY_TABLE="cbi-v14:models_v4.production_training_data_1w"

mkdir -p "$LOG_DIR" Models/local/baselines Models/local/advanced

# 1. consolidate raw intelligence into the training tables
bq query --use_legacy_sql=false --project_id="$PROJECT" < sql/ULTIMATE_DATA_CONSOLIDATION.sql

# 2. make sure the canary table is there before exporting anything
bq show --format=prettyjson "$CANARY_TABLE" > /dev/null

# 3. row counts per horizon (quoted heredoc: backticks stay literal)
bq query --use_legacy_sql=false --format=csv <<'EOF'
SELECT '1w' AS h, COUNT(*) AS n FROM `cbi-v14.models_v4.production_training_data_1w`
UNION ALL
SELECT '12m', COUNT(*) FROM `cbi-v14.models_v4.production_training_data_12m`
UNION ALL
SELECT 'all_1m', COUNT(*) FROM `cbi-v14.training.zl_training_prod_all_1m`
EOF

# 4. export + train, one horizon at a time (2 cores on the runner)
for H in $HORIZONS; do
  python3 scripts/export_training_data.py --horizon "$H" --surface "$SURFACE"
  bq extract --destination_format=PARQUET \
    "${PROJECT}:models_v4.production_training_data_${H}" \
    "${BUCKET}/production_training_data_${H}.parquet"
  echo "exported production_training_data_$H"
  python3 -m src.training.baselines.train_tree --horizon "$H" --surface "$SURFACE" \
    2>&1 | tee "$LOG_DIR/train_${H}.log"
done

# 5. regime ensemble on 1m only (reads models_v4.crisis_2008_historical etc.)
python3 -m src.training.ensemble.regime_ensemble --horizon 1m

# 6. predictions: clear today's rows, then regenerate
bq query --use_legacy_sql=false <<EOF
DELETE FROM ${PROJECT}.predictions.daily_forecasts WHERE forecast_date = CURRENT_DATE();
DELETE FROM ${PROJECT}.predictions.monthly_vertex_predictions WHERE forecast_date = CURRENT_DATE();
EOF
python3 -m src.prediction.generate_local_predictions

# 7. tidy up: old local exports are superseded by the GCS copies
rm -f TrainingData/exports/production_training_data_*.parquet
echo "done: $(date -u +%FT%TZ) -- see training.zl_training_prod_allhistory_1w for the new surface"
