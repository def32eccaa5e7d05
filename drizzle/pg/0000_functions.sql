-- Written by hand (drizzle-kit generate --custom): the functions the CHECK constraints of
-- src-main/db/pg/schema.ts call. None can raise an error, so a CHECK refuses a bad row with a
-- check violation, as SQLite does. The database must be UTF8 (src-main/db/pg/open.ts checks).

-- JavaScript's String.prototype.trim(): the zod rules trim these, not only spaces.
CREATE OR REPLACE FUNCTION atax_trim(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT btrim(value, E'\u0009\u000A\u000B\u000C\u000D\u0020\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF') $$;
--> statement-breakpoint

-- A real calendar date written YYYY-MM-DD (proleptic Gregorian, years 0000-9999): what
-- SQLite's `x GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(x) IS x` accepts.
CREATE OR REPLACE FUNCTION atax_date_ok(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT CASE WHEN value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
    substr(value, 6, 2)::int BETWEEN 1 AND 12
    AND substr(value, 9, 2)::int BETWEEN 1 AND CASE
      WHEN substr(value, 6, 2)::int IN (4, 6, 9, 11) THEN 30
      WHEN substr(value, 6, 2)::int <> 2 THEN 31
      WHEN substr(value, 1, 4)::int % 4 = 0
        AND (substr(value, 1, 4)::int % 100 <> 0 OR substr(value, 1, 4)::int % 400 = 0) THEN 29
      ELSE 28
    END
  ELSE false END
$$;
--> statement-breakpoint

-- The JSON type of the text ('object', 'array', 'string', 'number', 'boolean', 'null'), or null
-- for text that is not JSON: SQLite's json_valid(x) AND json_type(x). PostgreSQL 15 has no
-- validity test that does not raise (16 has pg_input_is_valid), hence the exception block;
-- it starts a subtransaction, so the function is not PARALLEL SAFE.
CREATE OR REPLACE FUNCTION atax_json_type(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
BEGIN
  RETURN jsonb_typeof(value::jsonb);
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
