DROP TRIGGER IF EXISTS blocked_periods_no_overlap_update;
DROP TRIGGER IF EXISTS blocked_periods_no_overlap_insert;
DROP TRIGGER IF EXISTS celebrities_fts_update;
DROP TRIGGER IF EXISTS celebrities_fts_delete;
DROP TRIGGER IF EXISTS celebrities_fts_insert;
DROP TABLE IF EXISTS celebrities_fts;
