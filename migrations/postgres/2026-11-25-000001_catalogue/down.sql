CREATE INDEX blocked_periods_during_idx ON blocked_periods USING gist (celebrity_id, during);
ALTER TABLE blocked_periods DROP CONSTRAINT blocked_periods_no_overlap;
