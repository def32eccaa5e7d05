ALTER TABLE `generations` ADD `deleted_at` text;--> statement-breakpoint
ALTER TABLE `trash` ADD `generation_id` integer;