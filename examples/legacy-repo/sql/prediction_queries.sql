{#- prediction_queries.sql -- Jinja template, rendered by the dashboard job
    with: project, horizon, surface.  Old home of the results: daily_forecasts. -#}
{% set horizons = ['1w', '1m', '3m', '6m', '12m'] %}
{% set legacy_src = project ~ '.models_v4.production_training_data_' ~ horizon %}

-- latest feature row for the requested horizon
WITH latest AS (
  SELECT *
  FROM `{{ project }}.models_v4.production_training_data_{{ horizon }}`
  WHERE date = (
    SELECT MAX(date) FROM `{{ project }}.models_v4.production_training_data_{{horizon}}`
  )
),
new_surface AS (
  -- already migrated: compare against the new table during the grace period
  SELECT date, target_{{ horizon }} AS target_new
  FROM `{{ project }}.training.zl_training_{{ surface }}_allhistory_{{ horizon }}`
)
SELECT l.*, n.target_new
FROM latest l
LEFT JOIN new_surface n USING (date)
{% if horizon == '1m' %}
-- monthly Vertex baseline for comparison
LEFT JOIN `{{ project }}.predictions.monthly_vertex_predictions` v USING (date)
{% endif %}
;

-- row counts for every horizon (dashboard "freshness" tile)
{% for h in horizons %}
SELECT '{{ h }}' AS horizon, COUNT(*) AS n, MAX(date) AS last_day
FROM `{{ project }}.models_v4.production_training_data_{{ h }}`
{% if not loop.last %}UNION ALL{% endif %}
{% endfor %}
;

-- publish: same rows to the old and the new predictions tables
INSERT INTO `{{ project }}.predictions.daily_forecasts` (forecast_date, horizon, prediction)
SELECT CURRENT_DATE(), '{{ horizon }}', p.prediction
FROM {{ source('models_v4', 'production_training_data_1w') }} AS src
JOIN `{{ project }}.predictions.zl_predictions_prod_allhistory_{{ horizon }}` AS p USING (date)
WHERE src.date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);

INSERT INTO `{{ project }}.predictions.zl_predictions_prod_allhorizons_daily` (forecast_date, horizon, prediction)
SELECT forecast_date, horizon, prediction
FROM `{{ project }}.predictions.daily_forecasts`
WHERE forecast_date = CURRENT_DATE();

-- drop yesterday's scratch backup (name ends in _backup: not a training table)
DROP TABLE IF EXISTS `{{ project }}.models_v4.production_training_data_{{ horizon }}_backup`;
