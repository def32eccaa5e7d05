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
	CONSTRAINT "benchmark_measurements_benchmark" CHECK(typeof("__new_benchmark_measurements"."benchmark") = 'text' AND trim("__new_benchmark_measurements"."benchmark", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_benchmark_measurements"."benchmark") <= 500 AND instr("__new_benchmark_measurements"."benchmark", char(0)) = 0),
	CONSTRAINT "benchmark_measurements_metric" CHECK(typeof("__new_benchmark_measurements"."metric") = 'text' AND trim("__new_benchmark_measurements"."metric", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_benchmark_measurements"."metric") <= 500 AND instr("__new_benchmark_measurements"."metric", char(0)) = 0),
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
CREATE TABLE `__new_compute_curves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`benchmark` text NOT NULL,
	`direction` text DEFAULT 'higher' NOT NULL,
	`baseline` real NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "compute_curves_name" CHECK(typeof("__new_compute_curves"."name") = 'text' AND trim("__new_compute_curves"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_compute_curves"."name") <= 200 AND instr("__new_compute_curves"."name", char(0)) = 0),
	CONSTRAINT "compute_curves_benchmark" CHECK(typeof("__new_compute_curves"."benchmark") = 'text' AND trim("__new_compute_curves"."benchmark", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_compute_curves"."benchmark") <= 200 AND instr("__new_compute_curves"."benchmark", char(0)) = 0),
	CONSTRAINT "compute_curves_direction" CHECK("__new_compute_curves"."direction" IN ('higher', 'lower')),
	CONSTRAINT "compute_curves_baseline" CHECK(typeof("__new_compute_curves"."baseline") IN ('integer', 'real') AND abs("__new_compute_curves"."baseline") < 1e999)
);
--> statement-breakpoint
INSERT INTO `__new_compute_curves`("id", "generation_id", "name", "benchmark", "direction", "baseline", "created_at") SELECT "id", "generation_id", "name", "benchmark", "direction", "baseline", "created_at" FROM `compute_curves`;--> statement-breakpoint
DROP TABLE `compute_curves`;--> statement-breakpoint
ALTER TABLE `__new_compute_curves` RENAME TO `compute_curves`;--> statement-breakpoint
CREATE UNIQUE INDEX `compute_curves_gen_name` ON `compute_curves` (`generation_id`,`name`);--> statement-breakpoint
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
	CONSTRAINT "generations_name" CHECK(typeof("__new_generations"."name") = 'text' AND trim("__new_generations"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_generations"."name") <= 200 AND instr("__new_generations"."name", char(0)) = 0),
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
	CONSTRAINT "import_records_file_name" CHECK(typeof("__new_import_records"."file_name") = 'text' AND trim("__new_import_records"."file_name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_import_records"."file_name") <= 500 AND instr("__new_import_records"."file_name", char(0)) = 0),
	CONSTRAINT "import_records_format" CHECK("__new_import_records"."format" IN ('lm-eval', 'inspect', 'csv', 'backup')),
	CONSTRAINT "import_records_role" CHECK("__new_import_records"."role" IS NULL OR ("__new_import_records"."role" IN ('baseline', 'aligned'))),
	CONSTRAINT "import_records_row_count" CHECK(typeof("__new_import_records"."row_count") = 'integer' AND "__new_import_records"."row_count" >= 0 AND "__new_import_records"."row_count" <= 9007199254740991)
);
--> statement-breakpoint
INSERT INTO `__new_import_records`("id", "project_id", "generation_id", "file_name", "sha256", "format", "role", "row_count", "created_at") SELECT "id", "project_id", "generation_id", "file_name", "sha256", "format", "role", "row_count", "created_at" FROM `import_records`;--> statement-breakpoint
DROP TABLE `import_records`;--> statement-breakpoint
ALTER TABLE `__new_import_records` RENAME TO `import_records`;--> statement-breakpoint
CREATE INDEX `import_records_hash` ON `import_records` (`sha256`);--> statement-breakpoint
CREATE TABLE `__new_inference_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`rm_cost` real DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "inference_policies_name" CHECK(typeof("__new_inference_policies"."name") = 'text' AND trim("__new_inference_policies"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_inference_policies"."name") <= 200 AND instr("__new_inference_policies"."name", char(0)) = 0),
	CONSTRAINT "inference_policies_rm_cost" CHECK(typeof("__new_inference_policies"."rm_cost") IN ('integer', 'real') AND abs("__new_inference_policies"."rm_cost") < 1e999 AND "__new_inference_policies"."rm_cost" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_inference_policies`("id", "generation_id", "name", "rm_cost", "created_at") SELECT "id", "generation_id", "name", "rm_cost", "created_at" FROM `inference_policies`;--> statement-breakpoint
DROP TABLE `inference_policies`;--> statement-breakpoint
ALTER TABLE `__new_inference_policies` RENAME TO `inference_policies`;--> statement-breakpoint
CREATE UNIQUE INDEX `inference_policies_gen_name` ON `inference_policies` (`generation_id`,`name`);--> statement-breakpoint
CREATE TABLE `__new_pipeline_phases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`start_on` text NOT NULL,
	`end_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "pipeline_phases_name" CHECK(typeof("__new_pipeline_phases"."name") = 'text' AND trim("__new_pipeline_phases"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_pipeline_phases"."name") <= 200 AND instr("__new_pipeline_phases"."name", char(0)) = 0),
	CONSTRAINT "pipeline_phases_dates" CHECK("__new_pipeline_phases"."start_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date("__new_pipeline_phases"."start_on") IS "__new_pipeline_phases"."start_on" AND "__new_pipeline_phases"."end_on" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date("__new_pipeline_phases"."end_on") IS "__new_pipeline_phases"."end_on" AND "__new_pipeline_phases"."end_on" >= "__new_pipeline_phases"."start_on")
);
--> statement-breakpoint
INSERT INTO `__new_pipeline_phases`("id", "generation_id", "name", "start_on", "end_on", "created_at") SELECT "id", "generation_id", "name", "start_on", "end_on", "created_at" FROM `pipeline_phases`;--> statement-breakpoint
DROP TABLE `pipeline_phases`;--> statement-breakpoint
ALTER TABLE `__new_pipeline_phases` RENAME TO `pipeline_phases`;--> statement-breakpoint
CREATE INDEX `pipeline_phases_gen` ON `pipeline_phases` (`generation_id`);--> statement-breakpoint
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
CREATE INDEX `policy_rows_policy` ON `policy_rows` (`policy_id`);--> statement-breakpoint
CREATE TABLE `__new_projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`archived_at` text,
	`deleted_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	CONSTRAINT "projects_name" CHECK(typeof("__new_projects"."name") = 'text' AND trim("__new_projects"."name", char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) <> '' AND length("__new_projects"."name") <= 200 AND instr("__new_projects"."name", char(0)) = 0),
	CONSTRAINT "projects_description" CHECK(length("__new_projects"."description") <= 5000),
	CONSTRAINT "projects_is_sample" CHECK("__new_projects"."is_sample" IN (0, 1))
);
--> statement-breakpoint
INSERT INTO `__new_projects`("id", "name", "description", "is_sample", "archived_at", "deleted_at", "created_at", "updated_at") SELECT "id", "name", "description", "is_sample", "archived_at", "deleted_at", "created_at", "updated_at" FROM `projects`;--> statement-breakpoint
DROP TABLE `projects`;--> statement-breakpoint
ALTER TABLE `__new_projects` RENAME TO `projects`;--> statement-breakpoint
CREATE UNIQUE INDEX `projects_name_unique` ON `projects` (`name`);