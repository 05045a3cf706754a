CREATE TABLE `feedback` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text NOT NULL,
	`subject` text NOT NULL,
	`rating` text NOT NULL,
	`comment` text,
	`answer_excerpt` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_message_subject` ON `feedback` (`tenant_id`,`conversation_id`,`message_id`,`subject`);--> statement-breakpoint
CREATE INDEX `feedback_tenant` ON `feedback` (`tenant_id`,`seq`);