CREATE TABLE `benchmark_measurements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`benchmark` text NOT NULL,
	`metric` text DEFAULT 'score' NOT NULL,
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
	FOREIGN KEY (`import_id`) REFERENCES `import_records`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benchmark_measurements_gen_bench_metric` ON `benchmark_measurements` (`generation_id`,`benchmark`,`metric`);--> statement-breakpoint
CREATE TABLE `compute_curves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`benchmark` text NOT NULL,
	`direction` text DEFAULT 'higher' NOT NULL,
	`baseline` real NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `compute_curves_gen_name` ON `compute_curves` (`generation_id`,`name`);--> statement-breakpoint
CREATE TABLE `cost_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`category` text NOT NULL,
	`amount_usd` real NOT NULL,
	`low_usd` real,
	`high_usd` real,
	`quantity` real,
	`unit` text,
	`scales_with_model` integer DEFAULT false NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`date` text,
	`source` text DEFAULT 'manual' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cost_items_gen` ON `cost_items` (`generation_id`);--> statement-breakpoint
CREATE TABLE `curve_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`curve_id` integer NOT NULL,
	`multiplier` real NOT NULL,
	`score` real NOT NULL,
	FOREIGN KEY (`curve_id`) REFERENCES `compute_curves`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `curve_points_curve` ON `curve_points` (`curve_id`);--> statement-breakpoint
CREATE TABLE `generations` (
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
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `generations_project_name_unique` ON `generations` (`project_id`,`name`);--> statement-breakpoint
CREATE INDEX `generations_project_ordinal` ON `generations` (`project_id`,`ordinal`);--> statement-breakpoint
CREATE TABLE `import_records` (
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
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_records_hash` ON `import_records` (`sha256`);--> statement-breakpoint
CREATE TABLE `inference_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`rm_cost` real DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inference_policies_gen_name` ON `inference_policies` (`generation_id`,`name`);--> statement-breakpoint
CREATE TABLE `pipeline_phases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`name` text NOT NULL,
	`start_on` text NOT NULL,
	`end_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pipeline_phases_gen` ON `pipeline_phases` (`generation_id`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`generation_id` integer NOT NULL,
	`target_ttd_months` real,
	`dev_budget_usd` real,
	`max_perf_tax_pct` real,
	`inference_spend_usd_per_month` real,
	`horizon_months` real,
	`delay_cost_usd_per_month` real,
	`notes` text DEFAULT '' NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plans_generation_id_unique` ON `plans` (`generation_id`);--> statement-breakpoint
CREATE TABLE `policy_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`position` integer NOT NULL,
	`fraction` real NOT NULL,
	`multiplier` real NOT NULL,
	FOREIGN KEY (`policy_id`) REFERENCES `inference_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `policy_rows_policy` ON `policy_rows` (`policy_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`archived_at` text,
	`deleted_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_name_unique` ON `projects` (`name`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trash` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
