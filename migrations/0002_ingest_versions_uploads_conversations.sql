ALTER TABLE `chunks` RENAME COLUMN "id" TO "vector_id";--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`owner` text NOT NULL,
	`title` text NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_owner` ON `conversations` (`tenant_id`,`owner`,`updated_at`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`document_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`r2_upload_id` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`title` text NOT NULL,
	`collection` text DEFAULT 'default' NOT NULL,
	`external_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `uploads_tenant` ON `uploads` (`tenant_id`,`created_at`);--> statement-breakpoint
DROP INDEX `chunks_id_unique`;--> statement-breakpoint
DROP INDEX `chunks_document`;--> statement-breakpoint
ALTER TABLE `chunks` ADD `page` integer;--> statement-breakpoint
ALTER TABLE `chunks` ADD `vector_ready` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `chunks_document_version_ordinal` ON `chunks` (`document_id`,`version`,`ordinal`);--> statement-breakpoint
CREATE INDEX `chunks_vector` ON `chunks` (`vector_id`);--> statement-breakpoint
ALTER TABLE `documents` ADD `active_version` integer;--> statement-breakpoint
ALTER TABLE `ingest_jobs` ADD `reused` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ingest_jobs` ADD `deleted` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ingest_jobs` ADD `slices_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ingest_jobs` ADD `slices_done` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ingest_jobs` ADD `duration_ms` integer;--> statement-breakpoint
-- Documents indexed before versioned swaps serve the version they have, and their vectors are in the index.
UPDATE `documents` SET `active_version` = `version` WHERE `status` = 'ready';--> statement-breakpoint
UPDATE `chunks` SET `vector_ready` = 1;
