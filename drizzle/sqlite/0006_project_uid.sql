ALTER TABLE `projects` ADD `uid` text;--> statement-breakpoint
UPDATE `projects` SET `uid` = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))) WHERE `uid` IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `projects_uid_unique` ON `projects` (`uid`);
