CREATE TABLE `generation_headline` (
	`generation_id` integer PRIMARY KEY NOT NULL,
	`figures` text NOT NULL,
	FOREIGN KEY (`generation_id`) REFERENCES `generations`(`id`) ON UPDATE no action ON DELETE cascade
);
