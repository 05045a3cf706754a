-- The full-text row of a chunk changes only when its indexed text does. Marking a chunk's vector ready (once per chunk
-- of every ingested document) used to delete and re-insert its full-text row: as much full-text work again as staging.
DROP TRIGGER IF EXISTS `chunks_fts_after_update`;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_update` AFTER UPDATE OF `heading_path`, `text`, `document_id` ON `chunks` BEGIN
	DELETE FROM `chunks_fts` WHERE rowid = old.`seq`;
	INSERT INTO `chunks_fts` (rowid, `title`, `heading_path`, `text`)
		VALUES (new.`seq`, (SELECT `title` FROM `documents` WHERE `id` = new.`document_id`), new.`heading_path`, new.`text`);
END;
