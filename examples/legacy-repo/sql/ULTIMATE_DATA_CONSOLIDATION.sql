-- Rebuilds models_v4.production_training_data_1m from raw intelligence + regimes.
-- ULTIMATE_DATA_CONSOLIDATION.sql -- run nightly by scripts/run_all.sh
/*
  Inputs
    raw_intelligence.soybean_oil_prices        daily ZL settlement
    forecasting_data_warehouse.vix_daily       (no new home yet)
    models_v4.crisis_2008_historical, models_v4.pre_crisis_2000_2007_historical,
    models_v4.recovery_2010_2016_historical, models_v4.trade_war_2017_2019_historical,
    models_v4.trump_rich_2023_2025             regime date ranges
  Outputs
    models_v4.production_training_data_1m      (prod surface, ~449 cols)
    models_v4.production_training_data_1w      (MERGE at the bottom)
  The archive copies (archive.legacy_20251114__models_v4__trump_rich_2023_2025, ...)
  must not be written to.
*/
# BigQuery also takes hash comments; the old 3m build lived in production_training_data_3m_old.sql

DECLARE run_ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP();

CREATE OR REPLACE TABLE `cbi-v14.models_v4.production_training_data_1m`
PARTITION BY DATE_TRUNC(date, YEAR) AS
WITH prices AS (
  SELECT date, close AS zl_price_current, volume AS zl_volume
  FROM `cbi-v14.raw_intelligence.soybean_oil_prices`
  WHERE close IS NOT NULL
),
china AS (
  SELECT date, tonnes AS china_imports
  FROM `cbi-v14.raw_intelligence.trade_china_soybean_imports`
),
vix AS (
  SELECT date, close AS vix_close
  FROM `cbi-v14.forecasting_data_warehouse.vix_daily`
),
regimes AS (
  SELECT date, 'crisis' AS regime FROM `cbi-v14.models_v4.crisis_2008_historical`
  UNION ALL
  SELECT date, 'precrisis' FROM `cbi-v14.models_v4.pre_crisis_2000_2007_historical`
  UNION ALL
  SELECT date, 'recovery' FROM `cbi-v14`.`models_v4`.`recovery_2010_2016_historical`
  UNION ALL
  SELECT date, 'tradewar' FROM models_v4.trade_war_2017_2019_historical
  UNION ALL
  SELECT date, 'trump' FROM `cbi-v14.models_v4.trump_rich_2023_2025`
),
base AS (
  SELECT
    p.date,
    p.zl_price_current,
    p.zl_volume,
    c.china_imports,
    v.vix_close,
    COALESCE(r.regime, 'allhistory') AS regime,
    COALESCE(w.weight, 1.0) AS regime_weight,
    LEAD(p.zl_price_current, 21) OVER (ORDER BY p.date) / p.zl_price_current - 1 AS target_1m
  FROM prices p
  LEFT JOIN china c USING (date)
  LEFT JOIN vix v USING (date)
  LEFT JOIN regimes r USING (date)
  LEFT JOIN `cbi-v14.training.regime_weights` w ON w.regime = COALESCE(r.regime, 'allhistory')
)
SELECT b.*, f.* EXCEPT (date)
FROM base b
JOIN `cbi-v14.training.zl_training_prod_all_1m` f USING (date)  -- wide feature block
WHERE b.date >= '2000-01-03';

-- log the build; the table name is stored as a string literal
INSERT INTO `cbi-v14.monitoring.build_log` (table_name, built_at, note)
VALUES ('models_v4.production_training_data_1m', run_ts, 'nightly rebuild; see "production_training_data_1m" docs');

-- 1w: incremental upsert from the full surface
MERGE `cbi-v14.models_v4.production_training_data_1w` T
USING (
  SELECT * EXCEPT (regime)
  FROM `cbi-v14.training.zl_training_full_all_1w`
  WHERE date > (SELECT MAX(date) FROM `cbi-v14.models_v4.production_training_data_1w`)
) S
ON T.date = S.date
WHEN MATCHED THEN UPDATE SET T.target_1w = S.target_1w
WHEN NOT MATCHED THEN INSERT ROW;

-- house-keeping: list the legacy tables still present (LIKE wildcard, not a horizon)
SELECT table_name
FROM `cbi-v14.models_v4.INFORMATION_SCHEMA.TABLES`
WHERE table_name LIKE 'production_training_data_%'
   OR table_name = 'training_dataset_v2';
