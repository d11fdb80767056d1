import Testing
@testable import NomenCore

/// The validator's verdict, failing segment, column and suggestion for a table of names:
/// valid names, each segment wrong, typos in each vocabulary, case and separator mistakes,
/// missing and extra segments, templates, legacy names, paths and archive names.
@Suite struct ValidatorTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let input: String
        let valid: Bool
        var pattern: String? = nil
        var segment: String? = nil
        var column: Int? = nil
        var suggestion: String? = nil
        var legacy: String? = nil
        var testDescription: String { input }
    }

    static let table: [Row] = [
        // Valid names of every pattern (naming-spec.md's examples first).
        Row(input: "zl_training_prod_allhistory_1w", valid: true, pattern: "training-table"),
        Row(input: "zl_training_full_allhistory_12m", valid: true, pattern: "training-table"),
        Row(input: "zl_training_full_crisis_all", valid: true, pattern: "training-table"),
        Row(input: "zl_training_prod_trump_all", valid: true, pattern: "training-table"),
        Row(input: "zl_predictions_prod_allhistory_1m", valid: true, pattern: "prediction-table"),
        Row(input: "training.zl_training_prod_allhistory_1w", valid: true, pattern: "training-table"),
        Row(input: "cbi-v14.training.zl_training_prod_covid_6m", valid: true, pattern: "training-table"),
        Row(input: "predictions.zl_predictions_prod_allhorizons_daily", valid: true, pattern: "prediction-table"),
        Row(input: "raw_intelligence.commodity_soybean_oil_prices", valid: true, pattern: "raw-intelligence-table"),
        Row(input: "raw_intelligence.trade_china_soybean_imports", valid: true, pattern: "raw-intelligence-table"),
        Row(input: "archive.legacy_20251114__models_v4__crisis_2008_historical", valid: true, pattern: "archive-table"),
        Row(input: "Models/local/horizon_1w/prod/baselines/lightgbm_v1/", valid: true, pattern: "model-path"),
        Row(input: "Models/local/horizon_3m/full/advanced/lstm_attention_v12/metrics.json", valid: true, pattern: "model-path"),
        Row(input: "TrainingData/exports/zl_training_prod_allhistory_1w.parquet", valid: true, pattern: "export-file"),
        Row(input: "zl_training_prod_allhistory_6m.parquet", valid: true, pattern: "export-file"),
        Row(input: "training.regime_calendar", valid: true),
        Row(input: "training.regime_weights", valid: true),
        Row(input: "features.vix_daily", valid: true),
        // Templates: a placeholder stands for one segment or several.
        Row(input: "zl_training_{surface}_allhistory_{horizon}", valid: true, pattern: "training-table"),
        Row(input: "training.zl_training_{rest}", valid: true, pattern: "training-table"),
        Row(input: "Models/local/horizon_{h}/{scope}/baselines/{name}_v{version}/", valid: true, pattern: "model-path"),
        Row(input: "zl_training_{surface}_all_{horizon}", valid: false, suggestion: "zl_training_{surface}_allhistory_{horizon}", legacy: "anomaly-regime"),
        // Each segment wrong.
        Row(input: "es_training_prod_allhistory_1w", valid: false, pattern: "training-table", segment: "asset", column: 1),
        Row(input: "zl_testing_prod_allhistory_1w", valid: false, segment: "function", column: 4),
        Row(input: "zl_training_dev_allhistory_1w", valid: false, pattern: "training-table", segment: "scope", column: 13),
        Row(input: "zl_training_prod_boom_1w", valid: false, pattern: "training-table", segment: "regime", column: 18),
        Row(input: "zl_training_prod_allhistory_2w", valid: false, pattern: "training-table", segment: "horizon", column: 29),
        // Typos in each vocabulary.
        Row(input: "zl_trainig_prod_allhistory_1w", valid: false, pattern: "training-table", segment: "function", column: 4, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl_training_production_allhistory_1w", valid: false, pattern: "training-table", segment: "scope", column: 13, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl_training_prod_allhistroy_1m", valid: false, pattern: "training-table", segment: "regime", column: 18, suggestion: "zl_training_prod_allhistory_1m"),
        Row(input: "zl_training_prod_recovry_3m", valid: false, pattern: "training-table", segment: "regime", column: 18, suggestion: "zl_training_prod_recovery_3m"),
        Row(input: "zl_training_prod_allhistory_12mo", valid: false, pattern: "training-table", segment: "horizon", column: 29, suggestion: "zl_training_prod_allhistory_12m"),
        Row(input: "raw_intelligence.commodty_soybean_oil_prices", valid: false, pattern: "raw-intelligence-table", segment: "category", column: 18, suggestion: "raw_intelligence.commodity_soybean_oil_prices"),
        Row(input: "zl_predictions_prod_allhistory_dayly", valid: false, pattern: "prediction-table", segment: "horizon", column: 32, suggestion: "zl_predictions_prod_allhistory_daily"),
        // Case and separator mistakes: whole-name suggestions.
        Row(input: "ZL_TRAINING_PROD_ALLHISTORY_1W", valid: false, pattern: "training-table", column: 1, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl_training_Prod_allhistory_1w", valid: false, pattern: "training-table", column: 13, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl-training-prod-allhistory-1w", valid: false, pattern: "training-table", column: 3, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl training prod allhistory 1w", valid: false, pattern: "training-table", column: 3, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "ZlTrainingProdAllhistory1w", valid: false, pattern: "training-table", column: 1, suggestion: "zl_training_prod_allhistory_1w"),
        // Missing and extra segments.
        Row(input: "zl_training_prod_1m", valid: false, pattern: "training-table", segment: "regime", column: 18, suggestion: "zl_training_prod_allhistory_1m"),
        Row(input: "zl_training_prod_allhistory", valid: false, pattern: "training-table", segment: "horizon", column: 28),
        Row(input: "zl_training_prod_allhistory_custom_1m", valid: false, pattern: "training-table", segment: "horizon", column: 29, suggestion: "zl_training_prod_allhistory_1m"),
        Row(input: "zl_training_prod_allhistory_1w_backup", valid: false, pattern: "training-table", column: 31),
        Row(input: "raw_intelligence.soybean_oil_prices", valid: false, suggestion: "raw_intelligence.commodity_soybean_oil_prices", legacy: "legacy-raw-intelligence"),
        Row(input: "raw_intelligence.wheat_prices", valid: false, pattern: "raw-intelligence-table", segment: "category", column: 18),
        // Legacy, retired and prohibited names report their rule.
        Row(input: "production_training_data_1w", valid: false, suggestion: "zl_training_prod_allhistory_1w", legacy: "legacy-training-table"),
        Row(input: "models_v4.production_training_data_1m", valid: false, suggestion: "training.zl_training_prod_allhistory_1m", legacy: "shim-view"),
        Row(input: "cbi-v14.models_v4.production_training_data_12m", valid: false, suggestion: "cbi-v14.training.zl_training_prod_allhistory_12m", legacy: "shim-view"),
        Row(input: "zl_training_prod_all_1m", valid: false, suggestion: "zl_training_prod_allhistory_1m", legacy: "anomaly-regime"),
        Row(input: "zl_training_full_all_1w", valid: false, suggestion: "zl_training_full_allhistory_1w", legacy: "anomaly-regime"),
        Row(input: "daily_forecasts", valid: false, suggestion: "zl_predictions_prod_allhorizons_daily", legacy: "legacy-daily-forecasts"),
        Row(input: "monthly_vertex_predictions", valid: false, suggestion: "zl_predictions_prod_1m_latest", legacy: "legacy-monthly-predictions"),
        Row(input: "trump_rich_2023_2025", valid: false, legacy: "archived-regime-table"),
        Row(input: "forecasting_data_warehouse.vix_daily", valid: false, legacy: "prohibited-legacy-warehouse"),
        Row(input: "vertex_ai_training_1m_base", valid: false, legacy: "prohibited-vertex-training"),
        Row(input: "training_dataset_2024", valid: false, legacy: "prohibited-training-dataset"),
        Row(input: "production_training_data_{h}", valid: false, suggestion: "zl_training_prod_allhistory_{h}", legacy: "legacy-training-table"),
        // Paths and archive names.
        Row(input: "Models/local/horizon_1w/production/baselines/", valid: false, pattern: "model-path", segment: "scope", column: 25, suggestion: "Models/local/horizon_1w/prod/baselines/"),
        Row(input: "Models/local/horizon_1w/prod/baseline/", valid: false, pattern: "model-path", segment: "family", column: 30, suggestion: "Models/local/horizon_1w/prod/baselines/"),
        Row(input: "Models/local/horizon_1w/prod/baselines/LightGBM_v1/", valid: false, pattern: "model-path", column: 40, suggestion: "Models/local/horizon_1w/prod/baselines/lightgbm_v1/"),
        Row(input: "Models/local/horizon_1w/prod/baselines/2lightgbm_v1/", valid: false, pattern: "model-path", segment: "model", column: 40),
        Row(input: "Models/local/baselines", valid: false, legacy: "legacy-model-path"),
        Row(input: "TrainingData/exports/zl_training_prod_1w.parquet", valid: false, pattern: "export-file", segment: "regime", column: 39, suggestion: "TrainingData/exports/zl_training_prod_allhistory_1w.parquet"),
        Row(input: "archive.legacy_2025114__models_v4__crisis_2008_historical", valid: false, pattern: "archive-table", segment: "date", column: 16),
        Row(input: "archive.legacy_20251114_models_v4_crisis", valid: false, pattern: "archive-table", column: 24),
        Row(input: "trainng.zl_training_prod_allhistory_1w", valid: false, column: 1, suggestion: "training.zl_training_prod_allhistory_1w"),
        // Multi-byte text before the failure: columns count Unicode scalars.
        Row(input: "zl_training_prodé_allhistory_1w", valid: false, pattern: "training-table", segment: "scope", column: 13, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl_training_prod_éallhistory_1w", valid: false, pattern: "training-table", segment: "regime", column: 18, suggestion: "zl_training_prod_allhistory_1w"),
        Row(input: "zl_training_prod_été_allhistory_1w", valid: false, pattern: "training-table", segment: "regime", column: 18, suggestion: "zl_training_prod_allhistory_1w"),
    ]

    @Test(arguments: table)
    func verdict(_ row: Row) {
        let r = Validator(rules: Fixture.rules).validate(row.input)
        #expect(r.valid == row.valid, "\(row.input): \(r.errors.map(\.message))")
        if let pattern = row.pattern { #expect(r.pattern == pattern) }
        if row.valid {
            #expect(r.errors.isEmpty)
            return
        }
        let e = r.errors.first
        #expect(e != nil)
        if let segment = row.segment { #expect(e?.segment == segment, "\(e?.message ?? "")") }
        if let column = row.column { #expect(e?.column == column, "\(e?.message ?? "")") }
        #expect(e?.suggestion == row.suggestion, "\(e?.message ?? "")")
        #expect(r.legacy?.rule == row.legacy)
    }

    @Test func segmentBreakdown() {
        let r = Validator(rules: Fixture.rules).validate("Models/local/horizon_12m/full/ensemble/stack_v3/")
        #expect(r.segments.map(\.name) == ["horizon", "scope", "family", "model", "version"])
        #expect(r.segments.map(\.value) == ["12m", "full", "ensemble", "stack", "3"])
    }

    @Test func archiveSegments() {
        let r = Validator(rules: Fixture.rules).validate("archive.legacy_20251114__models_v4__pre_crisis_2000_2007_historical")
        #expect(r.segments.map(\.value) == ["20251114", "models_v4", "pre_crisis_2000_2007_historical"])
    }

    @Test func jsonShape() {
        let r = Validator(rules: Fixture.rules).validate("zl_training_prod_1m")
        let json = ValidationReport.json([r])
        #expect(json.contains("\"input\": \"zl_training_prod_1m\""))
        #expect(json.contains("\"segment\": \"regime\""))
        #expect(json.contains("\"legacy\": null"))
    }
}
