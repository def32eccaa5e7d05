-- Written by hand (drizzle-kit generate --custom): the triggers of the SQLite file's
-- drizzle/sqlite/0007_maintained_headline_triggers.sql, as plpgsql trigger functions. Whoever
-- changes a generation's measurements or headline choices without refreshing what is kept of it
-- (raw SQL, an older tool) drops it: the app then works it out from the rows. Inserts have no
-- trigger (a large import would pay per row): the write paths keep it. Row-level, AFTER, as
-- SQLite's: a write path that refreshes the row after its change (in its transaction) keeps it.

CREATE OR REPLACE FUNCTION atax_headline_measurement_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM generation_headline WHERE generation_id IN (OLD.generation_id, NEW.generation_id);
  ELSE
    DELETE FROM generation_headline WHERE generation_id = OLD.generation_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION atax_headline_choices_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  DELETE FROM generation_headline WHERE generation_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER generation_headline_measurement_update AFTER UPDATE ON benchmark_measurements
FOR EACH ROW EXECUTE FUNCTION atax_headline_measurement_changed();
--> statement-breakpoint

CREATE TRIGGER generation_headline_measurement_delete AFTER DELETE ON benchmark_measurements
FOR EACH ROW EXECUTE FUNCTION atax_headline_measurement_changed();
--> statement-breakpoint

CREATE TRIGGER generation_headline_choices AFTER UPDATE OF headline_metrics ON generations
FOR EACH ROW EXECUTE FUNCTION atax_headline_choices_changed();
