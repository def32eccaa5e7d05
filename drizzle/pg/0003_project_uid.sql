ALTER TABLE "projects" ADD COLUMN "uid" text COLLATE "C";--> statement-breakpoint
UPDATE "projects" SET "uid" = gen_random_uuid()::text WHERE "uid" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "projects_uid_unique" ON "projects" USING btree ("uid");
