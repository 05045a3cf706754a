-- Rebuilds the full-text index with each chunk's tenant as a fourth column, so that a search names its tenant inside
-- the MATCH: FTS5 then scores only that tenant's rows, where it used to score the matching rows of every tenant and
-- leave the join to drop the others' (a query's cost grew with the whole database, not with the tenant's data).
-- The tenant is written as one token that no tokenizer step can change or split: 't', the hex of its id, and '0'
-- (the porter stemmer only rewrites words ending in a letter). Searches give the column a weight of 0 in bm25().
DROP TRIGGER IF EXISTS `chunks_fts_after_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `chunks_fts_after_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `chunks_fts_after_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `chunks_fts_after_document_title`;
--> statement-breakpoint
DROP TABLE IF EXISTS `chunks_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `chunks_fts` USING fts5(
	`title`,
	`heading_path`,
	`text`,
	`tenant`,
	content='',
	contentless_delete=1,
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`, `tenant`)
	SELECT c.`seq`, d.`title`, c.`heading_path`, c.`text`, 't' || lower(hex(c.`tenant_id`)) || '0'
	FROM `chunks` AS c JOIN `documents` AS d ON d.`id` = c.`document_id`;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_insert` AFTER INSERT ON `chunks` BEGIN
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`, `tenant`)
		VALUES (new.`seq`, (SELECT `title` FROM `documents` WHERE `id` = new.`document_id`), new.`heading_path`, new.`text`,
			't' || lower(hex(new.`tenant_id`)) || '0');
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_delete` AFTER DELETE ON `chunks` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid = old.`seq`;
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_update` AFTER UPDATE OF `heading_path`, `text`, `document_id`, `tenant_id` ON `chunks` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid = old.`seq`;
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`, `tenant`)
		VALUES (new.`seq`, (SELECT `title` FROM `documents` WHERE `id` = new.`document_id`), new.`heading_path`, new.`text`,
			't' || lower(hex(new.`tenant_id`)) || '0');
END;
--> statement-breakpoint
-- A re-submitted document may change its title; every indexed chunk of it (any version) takes the new one.
CREATE TRIGGER `chunks_fts_after_document_title` AFTER UPDATE OF `title` ON `documents` WHEN old.`title` IS NOT new.`title` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid IN (SELECT `seq` FROM `chunks` WHERE `document_id` = new.`id`);
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`, `tenant`)
		SELECT `seq`, new.`title`, `heading_path`, `text`, 't' || lower(hex(`tenant_id`)) || '0'
		FROM `chunks` WHERE `document_id` = new.`id`;
END;
