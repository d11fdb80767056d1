-- rendered from sql/prediction_queries.sql (horizon=1m, project=cbi-v14) -- generated, do not edit
WITH latest AS (
  SELECT *
  FROM `cbi-v14.models_v4.production_training_data_1m`
  WHERE date = (SELECT MAX(date) FROM `cbi-v14.models_v4.production_training_data_1m`)
)
SELECT l.*
FROM latest l
LEFT JOIN `cbi-v14.predictions.monthly_vertex_predictions` v USING (date);

INSERT INTO `cbi-v14.predictions.daily_forecasts` (forecast_date, horizon, prediction)
SELECT CURRENT_DATE(), '1m', prediction FROM `cbi-v14.models_v4.trump_rich_2023_2025`;
