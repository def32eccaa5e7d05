CREATE TABLE "generation_headline" (
	"generation_id" integer PRIMARY KEY NOT NULL,
	"figures" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "generation_headline" ADD CONSTRAINT "generation_headline_generation_id_generations_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."generations"("id") ON DELETE cascade ON UPDATE no action;