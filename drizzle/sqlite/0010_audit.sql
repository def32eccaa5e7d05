CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`project_id` integer NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`actor` text,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` integer,
	`summary` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_events_project` ON `audit_events` (`project_id`,`id`);--> statement-breakpoint
ALTER TABLE `benchmark_measurements` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `benchmark_measurements` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `benchmark_measurements` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `compute_curves` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `compute_curves` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `compute_curves` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `cost_items` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `cost_items` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `cost_items` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `generations` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `generations` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `import_records` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `inference_policies` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `inference_policies` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `inference_policies` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `pipeline_phases` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `pipeline_phases` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `pipeline_phases` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `plans` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `plans` ADD `updated_by` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `updated_by` text;