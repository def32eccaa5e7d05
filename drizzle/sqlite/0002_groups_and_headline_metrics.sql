ALTER TABLE `benchmark_measurements` ADD `group_path` text;--> statement-breakpoint
ALTER TABLE `generations` ADD `headline_metrics` text DEFAULT '{}' NOT NULL;