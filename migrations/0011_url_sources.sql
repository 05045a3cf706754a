CREATE TABLE `source_syncs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`source_id` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`pending_at` integer NOT NULL,
	`pages_found` integer DEFAULT 0 NOT NULL,
	`checked` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`changed` integer DEFAULT 0 NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`failures` text DEFAULT '[]' NOT NULL,
	`error` text,
	`started_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `source_syncs_source` ON `source_syncs` (`source_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `source_syncs_pending` ON `source_syncs` (`status`,`pending_at`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`collection` text NOT NULL,
	`path_prefix` text,
	`page_limit` integer NOT NULL,
	`sync_every_minutes` integer NOT NULL,
	`next_sync_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sources_tenant` ON `sources` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `sources_due` ON `sources` (`next_sync_at`);--> statement-breakpoint
ALTER TABLE `documents` ADD `url` text;--> statement-breakpoint
ALTER TABLE `documents` ADD `fetch_pending` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `documents` ADD `etag` text;--> statement-breakpoint
ALTER TABLE `documents` ADD `last_modified` text;--> statement-breakpoint
ALTER TABLE `documents` ADD `source_id` text;--> statement-breakpoint
ALTER TABLE `documents` ADD `sync_id` text;--> statement-breakpoint
ALTER TABLE `documents` ADD `sync_outcome` text;--> statement-breakpoint
CREATE INDEX `documents_source` ON `documents` (`source_id`);--> statement-breakpoint
CREATE INDEX `documents_sync` ON `documents` (`sync_id`,`fetch_pending`);