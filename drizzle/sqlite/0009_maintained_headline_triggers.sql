-- Written by hand (drizzle-kit generate --custom): whoever changes a generation's measurements or headline choices without refreshing what is kept of it (raw SQL, an older tool) drops it: the app then works it out from the rows. Inserts have no trigger (a million-row import would pay per row): the write paths keep it. PostgreSQL: drizzle/pg/0004_maintained_headline_triggers.sql.
CREATE TRIGGER `generation_headline_measurement_update` AFTER UPDATE ON `benchmark_measurements` BEGIN
	DELETE FROM `generation_headline` WHERE `generation_id` IN (OLD.`generation_id`, NEW.`generation_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `generation_headline_measurement_delete` AFTER DELETE ON `benchmark_measurements` BEGIN
	DELETE FROM `generation_headline` WHERE `generation_id` = OLD.`generation_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `generation_headline_choices` AFTER UPDATE OF `headline_metrics` ON `generations` BEGIN
	DELETE FROM `generation_headline` WHERE `generation_id` = NEW.`id`;
END;
