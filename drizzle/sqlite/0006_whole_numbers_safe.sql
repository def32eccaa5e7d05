PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_benchmark_measurements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`benchmark` text NOT NULL,
	`metric` text DEFAULT 'score' NOT NULL,
	`group_path` text,
	`direction` text DEFAULT 'higher' NOT NULL,
	`shots` integer,
	`baseline` real,
	`aligned` real,
	`baseline_stderr` real,
	`aligned_stderr` real,
	`source` text DEFAULT 'manual' NOT NULL,
	`import_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`import_id`) REFERENCES `import_records`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "benchmark_measurements_benchmark" CHECK(typeof("__new_benchmark_measurements"."benchmark") = 'text' AND trim("__new_benchmark_measurements"."benchmark", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_benchmark_measurements"."benchmark") <= 500),
	CONSTRAINT "benchmark_measurements_metric" CHECK(typeof("__new_benchmark_measurements"."metric") = 'text' AND trim("__new_benchmark_measurements"."metric", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_benchmark_measurements"."metric") <= 500),
	CONSTRAINT "benchmark_measurements_group_path" CHECK("__new_benchmark_measurements"."group_path" IS NULL OR (json_valid("__new_benchmark_measurements"."group_path") AND json_type("__new_benchmark_measurements"."group_path") = 'array')),
	CONSTRAINT "benchmark_measurements_direction" CHECK("__new_benchmark_measurements"."direction" IN ('higher', 'lower')),
	CONSTRAINT "benchmark_measurements_shots" CHECK("__new_benchmark_measurements"."shots" IS NULL OR (typeof("__new_benchmark_measurements"."shots") = 'integer' AND "__new_benchmark_measurements"."shots" >= 0 AND "__new_benchmark_measurements"."shots" <= 9007199254740991)),
	CONSTRAINT "benchmark_measurements_baseline" CHECK("__new_benchmark_measurements"."baseline" IS NULL OR (typeof("__new_benchmark_measurements"."baseline") IN ('integer', 'real') AND abs("__new_benchmark_measurements"."baseline") < 1e999)),
	CONSTRAINT "benchmark_measurements_aligned" CHECK("__new_benchmark_measurements"."aligned" IS NULL OR (typeof("__new_benchmark_measurements"."aligned") IN ('integer', 'real') AND abs("__new_benchmark_measurements"."aligned") < 1e999)),
	CONSTRAINT "benchmark_measurements_baseline_stderr" CHECK("__new_benchmark_measurements"."baseline_stderr" IS NULL OR (typeof("__new_benchmark_measurements"."baseline_stderr") IN ('integer', 'real') AND abs("__new_benchmark_measurements"."baseline_stderr") < 1e999 AND "__new_benchmark_measurements"."baseline_stderr" >= 0)),
	CONSTRAINT "benchmark_measurements_aligned_stderr" CHECK("__new_benchmark_measurements"."aligned_stderr" IS NULL OR (typeof("__new_benchmark_measurements"."aligned_stderr") IN ('integer', 'real') AND abs("__new_benchmark_measurements"."aligned_stderr") < 1e999 AND "__new_benchmark_measurements"."aligned_stderr" >= 0)),
	CONSTRAINT "benchmark_measurements_source" CHECK("__new_benchmark_measurements"."source" IN ('manual', 'import', 'pipeline', 'sample'))
);
--> statement-breakpoint
INSERT INTO `__new_benchmark_measurements`("id", "generation_id", "benchmark", "metric", "group_path", "direction", "shots", "baseline", "aligned", "baseline_stderr", "aligned_stderr", "source", "import_id", "created_at") SELECT "id", "generation_id", "benchmark", "metric", "group_path", "direction", "shots", "baseline", "aligned", "baseline_stderr", "aligned_stderr", "source", "import_id", "created_at" FROM `benchmark_measurements`;--> statement-breakpoint
DROP TABLE `benchmark_measurements`;--> statement-breakpoint
ALTER TABLE `__new_benchmark_measurements` RENAME TO `benchmark_measurements`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `benchmark_measurements_gen_bench_metric` ON `benchmark_measurements` (`generation_id`,`benchmark`,`metric`);--> statement-breakpoint
CREATE INDEX `benchmark_measurements_gen_group` ON `benchmark_measurements` (`generation_id`,`group_path`) WHERE "benchmark_measurements"."group_path" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `benchmark_measurements_gen_uncomputable` ON `benchmark_measurements` (`generation_id`) WHERE "benchmark_measurements"."direction" NOT IN ('higher', 'lower');--> statement-breakpoint
CREATE TABLE `__new_generations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`ordinal` integer NOT NULL,
	`name` text NOT NULL,
	`base_model` text,
	`params_b` real,
	`pretrain_compute_pfd` real,
	`pretrain_cost_usd` real,
	`technique` text,
	`technique_change` integer DEFAULT false NOT NULL,
	`pretrained_on` text NOT NULL,
	`deployed_on` text,
	`notes` text DEFAULT '' NOT NULL,
	`headline_metrics` text DEFAULT '{}' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "generations_name" CHECK(typeof("__new_generations"."name") = 'text' AND trim("__new_generations"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_generations"."name") <= 200),
	CONSTRAINT "generations_ordinal" CHECK(typeof("__new_generations"."ordinal") = 'integer' AND "__new_generations"."ordinal" >= 0 AND "__new_generations"."ordinal" <= 9007199254740991),
	CONSTRAINT "generations_params_b" CHECK("__new_generations"."params_b" IS NULL OR (typeof("__new_generations"."params_b") IN ('integer', 'real') AND abs("__new_generations"."params_b") < 1e999 AND "__new_generations"."params_b" > 0)),
	CONSTRAINT "generations_pretrain_compute_pfd" CHECK("__new_generations"."pretrain_compute_pfd" IS NULL OR (typeof("__new_generations"."pretrain_compute_pfd") IN ('integer', 'real') AND abs("__new_generations"."pretrain_compute_pfd") < 1e999 AND "__new_generations"."pretrain_compute_pfd" > 0)),
	CONSTRAINT "generations_pretrain_cost_usd" CHECK("__new_generations"."pretrain_cost_usd" IS NULL OR (typeof("__new_generations"."pretrain_cost_usd") IN ('integer', 'real') AND abs("__new_generations"."pretrain_cost_usd") < 1e999 AND "__new_generations"."pretrain_cost_usd" >= 0)),
	CONSTRAINT "generations_technique_change" CHECK("__new_generations"."technique_change" IN (0, 1)),
	CONSTRAINT "generations_pretrained_on" CHECK("__new_generations"."pretrained_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date("__new_generations"."pretrained_on") IS "__new_generations"."pretrained_on"),
	CONSTRAINT "generations_headline_metrics" CHECK(json_valid("__new_generations"."headline_metrics") AND json_type("__new_generations"."headline_metrics") = 'object'),
	CONSTRAINT "generations_deployed_on" CHECK("__new_generations"."deployed_on" IS NULL OR ("__new_generations"."deployed_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date("__new_generations"."deployed_on") IS "__new_generations"."deployed_on" AND "__new_generations"."deployed_on" >= "__new_generations"."pretrained_on"))
);
--> statement-breakpoint
INSERT INTO `__new_generations`("id", "project_id", "ordinal", "name", "base_model", "params_b", "pretrain_compute_pfd", "pretrain_cost_usd", "technique", "technique_change", "pretrained_on", "deployed_on", "notes", "headline_metrics", "created_at", "updated_at", "deleted_at") SELECT "id", "project_id", "ordinal", "name", "base_model", "params_b", "pretrain_compute_pfd", "pretrain_cost_usd", "technique", "technique_change", "pretrained_on", "deployed_on", "notes", "headline_metrics", "created_at", "updated_at", "deleted_at" FROM `generations`;--> statement-breakpoint
DROP TABLE `generations`;--> statement-breakpoint
ALTER TABLE `__new_generations` RENAME TO `generations`;--> statement-breakpoint
CREATE UNIQUE INDEX `generations_project_name_unique` ON `generations` (`project_id`,`name`);--> statement-breakpoint
CREATE INDEX `generations_project_ordinal` ON `generations` (`project_id`,`ordinal`);--> statement-breakpoint
CREATE TABLE `__new_import_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`generation_id` integer,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`format` text NOT NULL,
	`role` text,
	`row_count` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "import_records_file_name" CHECK(typeof("__new_import_records"."file_name") = 'text' AND trim("__new_import_records"."file_name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_import_records"."file_name") <= 500),
	CONSTRAINT "import_records_format" CHECK("__new_import_records"."format" IN ('lm-eval', 'inspect', 'csv', 'backup')),
	CONSTRAINT "import_records_role" CHECK("__new_import_records"."role" IS NULL OR ("__new_import_records"."role" IN ('baseline', 'aligned'))),
	CONSTRAINT "import_records_row_count" CHECK(typeof("__new_import_records"."row_count") = 'integer' AND "__new_import_records"."row_count" >= 0 AND "__new_import_records"."row_count" <= 9007199254740991)
);
--> statement-breakpoint
INSERT INTO `__new_import_records`("id", "project_id", "generation_id", "file_name", "sha256", "format", "role", "row_count", "created_at") SELECT "id", "project_id", "generation_id", "file_name", "sha256", "format", "role", "row_count", "created_at" FROM `import_records`;--> statement-breakpoint
DROP TABLE `import_records`;--> statement-breakpoint
ALTER TABLE `__new_import_records` RENAME TO `import_records`;--> statement-breakpoint
CREATE INDEX `import_records_hash` ON `import_records` (`sha256`);--> statement-breakpoint
CREATE TABLE `__new_policy_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`position` integer NOT NULL,
	`fraction` real NOT NULL,
	`multiplier` real NOT NULL,
	FOREIGN KEY (`policy_id`) REFERENCES `inference_policies`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "policy_rows_position" CHECK(typeof("__new_policy_rows"."position") = 'integer' AND "__new_policy_rows"."position" >= 0 AND "__new_policy_rows"."position" <= 9007199254740991),
	CONSTRAINT "policy_rows_fraction" CHECK(typeof("__new_policy_rows"."fraction") IN ('integer', 'real') AND abs("__new_policy_rows"."fraction") < 1e999 AND "__new_policy_rows"."fraction" BETWEEN 0 AND 1),
	CONSTRAINT "policy_rows_multiplier" CHECK(typeof("__new_policy_rows"."multiplier") IN ('integer', 'real') AND abs("__new_policy_rows"."multiplier") < 1e999 AND "__new_policy_rows"."multiplier" >= 1)
);
--> statement-breakpoint
INSERT INTO `__new_policy_rows`("id", "policy_id", "position", "fraction", "multiplier") SELECT "id", "policy_id", "position", "fraction", "multiplier" FROM `policy_rows`;--> statement-breakpoint
DROP TABLE `policy_rows`;--> statement-breakpoint
ALTER TABLE `__new_policy_rows` RENAME TO `policy_rows`;--> statement-breakpoint
CREATE INDEX `policy_rows_policy` ON `policy_rows` (`policy_id`);