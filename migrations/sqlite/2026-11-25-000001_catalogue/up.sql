-- The catalogue issue (same version as the Postgres migration, so backups restore across
-- stores): full-text search over name and bio, and blocked periods that never overlap.

-- An external-content FTS5 index of celebrities (name, bio): it stores only the index and reads
-- the text from `celebrities` by rowid. Tokens are runs of letters and digits, case-folded,
-- diacritics kept (like Postgres' 'simple' configuration). Prefix indexes serve the
-- prefix match on the last search word. Deleted profiles stay indexed; queries filter them.
CREATE VIRTUAL TABLE celebrities_fts USING fts5(
    name, bio,
    content = 'celebrities',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);

-- Kept in sync by triggers, so every write path (the adapter, a restore, manual SQL) updates it.
CREATE TRIGGER celebrities_fts_insert AFTER INSERT ON celebrities BEGIN
    INSERT INTO celebrities_fts (rowid, name, bio) VALUES (NEW.rowid, NEW.name, NEW.bio);
END;
CREATE TRIGGER celebrities_fts_delete AFTER DELETE ON celebrities BEGIN
    INSERT INTO celebrities_fts (celebrities_fts, rowid, name, bio) VALUES ('delete', OLD.rowid, OLD.name, OLD.bio);
END;
CREATE TRIGGER celebrities_fts_update AFTER UPDATE OF name, bio ON celebrities BEGIN
    INSERT INTO celebrities_fts (celebrities_fts, rowid, name, bio) VALUES ('delete', OLD.rowid, OLD.name, OLD.bio);
    INSERT INTO celebrities_fts (rowid, name, bio) VALUES (NEW.rowid, NEW.name, NEW.bio);
END;

-- Index the rows that exist already.
INSERT INTO celebrities_fts (celebrities_fts) VALUES ('rebuild');

-- Blocked periods of one celebrity never share an instant, like Postgres' exclusion constraint
-- `blocked_periods_no_overlap`. (A blocked period against an active booking, in either order,
-- is checked by the adapter inside the IMMEDIATE transaction.)
CREATE TRIGGER blocked_periods_no_overlap_insert BEFORE INSERT ON blocked_periods
WHEN EXISTS (
    SELECT 1 FROM blocked_periods p
    WHERE p.celebrity_id = NEW.celebrity_id AND p.starts_at < NEW.ends_at AND NEW.starts_at < p.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'blocked_periods_no_overlap');
END;

CREATE TRIGGER blocked_periods_no_overlap_update BEFORE UPDATE OF celebrity_id, starts_at, ends_at ON blocked_periods
WHEN EXISTS (
    SELECT 1 FROM blocked_periods p
    WHERE p.id <> NEW.id AND p.celebrity_id = NEW.celebrity_id AND p.starts_at < NEW.ends_at AND NEW.starts_at < p.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'blocked_periods_no_overlap');
END;
