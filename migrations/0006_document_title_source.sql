ALTER TABLE `documents` ADD `title_source` text DEFAULT 'explicit' NOT NULL;--> statement-breakpoint
ALTER TABLE `uploads` ADD `title_source` text DEFAULT 'explicit' NOT NULL;