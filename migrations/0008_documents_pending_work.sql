ALTER TABLE `documents` ADD `pending_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `documents_pending` ON `documents` (`status`,`pending_at`);