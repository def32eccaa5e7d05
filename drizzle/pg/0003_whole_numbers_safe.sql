ALTER TABLE "benchmark_measurements" DROP CONSTRAINT "benchmark_measurements_shots";--> statement-breakpoint
ALTER TABLE "generations" DROP CONSTRAINT "generations_ordinal";--> statement-breakpoint
ALTER TABLE "import_records" DROP CONSTRAINT "import_records_row_count";--> statement-breakpoint
ALTER TABLE "policy_rows" DROP CONSTRAINT "policy_rows_position";--> statement-breakpoint
ALTER TABLE "benchmark_measurements" ADD CONSTRAINT "benchmark_measurements_shots" CHECK ("benchmark_measurements"."shots" IS NULL OR ("benchmark_measurements"."shots" >= 0 AND "benchmark_measurements"."shots" <= 9007199254740991));--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_ordinal" CHECK ("generations"."ordinal" >= 0 AND "generations"."ordinal" <= 9007199254740991);--> statement-breakpoint
ALTER TABLE "import_records" ADD CONSTRAINT "import_records_row_count" CHECK ("import_records"."row_count" >= 0 AND "import_records"."row_count" <= 9007199254740991);--> statement-breakpoint
ALTER TABLE "policy_rows" ADD CONSTRAINT "policy_rows_position" CHECK ("policy_rows"."position" >= 0 AND "policy_rows"."position" <= 9007199254740991);