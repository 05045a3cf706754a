-- Full-text index over chunks (FTS5, external content: the text lives once, in `chunks`).
-- Triggers keep it in step with every insert, update and delete, including cascaded deletes.
CREATE VIRTUAL TABLE `chunks_fts` USING fts5(
	`heading_path`,
	`text`,
	content='chunks',
	content_rowid='seq',
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_insert` AFTER INSERT ON `chunks` BEGIN
	INSERT INTO `chunks_fts` (rowid, `heading_path`, `text`) VALUES (new.`seq`, new.`heading_path`, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_delete` AFTER DELETE ON `chunks` BEGIN
	INSERT INTO `chunks_fts` (`chunks_fts`, rowid, `heading_path`, `text`) VALUES ('delete', old.`seq`, old.`heading_path`, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `chunks_fts_after_update` AFTER UPDATE ON `chunks` BEGIN
	INSERT INTO `chunks_fts` (`chunks_fts`, rowid, `heading_path`, `text`) VALUES ('delete', old.`seq`, old.`heading_path`, old.`text`);
	INSERT INTO `chunks_fts` (rowid, `heading_path`, `text`) VALUES (new.`seq`, new.`heading_path`, new.`text`);
END;
