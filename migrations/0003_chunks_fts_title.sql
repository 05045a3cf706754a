-- Rebuilds the full-text index with the document title as its own column, because titles carry a document's
-- key terms and BM25 weighs them separately from headings and body text. The title lives in `documents`, not
-- `chunks`, so the index is contentless (it stores only the inverted index) with contentless_delete, which
-- lets triggers delete a row by rowid alone: no need to replay the exact old values, which a cascaded delete
-- or a renamed document could no longer supply.
DROP TRIGGER IF EXISTS `chunks_fts_after_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `chunks_fts_after_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `chunks_fts_after_update`;
--> statement-breakpoint
DROP TABLE IF EXISTS `chunks_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `chunks_fts` USING fts5(
	`title`,
	`heading_path`,
	`text`,
	content='',
	contentless_delete=1,
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`)
	SELECT c.`seq`, d.`title`, c.`heading_path`, c.`text` FROM `chunks` AS c JOIN `documents` AS d ON d.`id` = c.`document_id`;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_insert` AFTER INSERT ON `chunks` BEGIN
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`)
		VALUES (new.`seq`, (SELECT `title` FROM `documents` WHERE `id` = new.`document_id`), new.`heading_path`, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_delete` AFTER DELETE ON `chunks` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid = old.`seq`;
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_update` AFTER UPDATE ON `chunks` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid = old.`seq`;
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`)
		VALUES (new.`seq`, (SELECT `title` FROM `documents` WHERE `id` = new.`document_id`), new.`heading_path`, new.`text`);
END;
--> statement-breakpoint
-- A re-submitted document may change its title; every indexed chunk of it (any version) takes the new one.
CREATE TRIGGER `chunks_fts_after_document_title` AFTER UPDATE OF `title` ON `documents` WHEN old.`title` IS NOT new.`title` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid IN (SELECT `seq` FROM `chunks` WHERE `document_id` = new.`id`);
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`)
		SELECT `seq`, new.`title`, `heading_path`, `text` FROM `chunks` WHERE `document_id` = new.`id`;
END;
