CREATE TABLE `answer_cache` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`scope_key` text NOT NULL,
	`question_hash` text NOT NULL,
	`terms` text NOT NULL,
	`answer` text NOT NULL,
	`documents` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `answer_cache_question` ON `answer_cache` (`tenant_id`,`question_hash`);--> statement-breakpoint
CREATE INDEX `answer_cache_created` ON `answer_cache` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `answer_cache_bands` (
	`entry_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`band` text NOT NULL,
	PRIMARY KEY(`entry_id`, `band`),
	FOREIGN KEY (`entry_id`) REFERENCES `answer_cache`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `answer_cache_bands_lookup` ON `answer_cache_bands` (`tenant_id`,`band`);