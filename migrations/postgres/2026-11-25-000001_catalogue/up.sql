-- The catalogue issue. Search needs nothing new here (the generated `search` tsvector and its
-- GIN index exist since the initial migration); SQLite gets its FTS5 index in the migration of
-- the same version, which keeps both stores at one schema version (backups restore across them).

-- Blocked periods of one celebrity never share an instant, enforced like `bookings_no_overlap`.
-- The adapters also check, under the per-celebrity calendar lock, that a blocked period
-- overlaps no active booking and a new booking no blocked period (two tables: no constraint
-- can say that). The constraint's GiST index on (celebrity_id, during) replaces the plain one.
ALTER TABLE blocked_periods
    ADD CONSTRAINT blocked_periods_no_overlap EXCLUDE USING gist (celebrity_id WITH =, during WITH &&);
DROP INDEX blocked_periods_during_idx;
