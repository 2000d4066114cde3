-- GET /api/v1/bookings/{id} as its customer: the statements the endpoint runs, as captured
-- from the server log (bench/sql/statements.txt), both prepared by diesel's statement cache
-- (so pgbench -M prepared). Ids are the seed's md5-derived UUIDs (bench/seed.sql).
\set u random(:talent + 1, :users - 1)
\set b random(1, :bookings)
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at", "users"."password_hash", "users"."token_version" FROM "users" WHERE ("users"."id" = md5('bench-user-' || :u::text)::uuid) LIMIT 1;
SELECT "bookings"."id", "bookings"."customer_id", "bookings"."celebrity_id", "bookings"."starts_at", "bookings"."ends_at", "bookings"."time_zone", "bookings"."event_type", "bookings"."location", "bookings"."message", "bookings"."price_minor", "bookings"."currency", "bookings"."status", "bookings"."version", "bookings"."created_at", "bookings"."updated_at" FROM "bookings" WHERE ("bookings"."id" = md5('bench-booking-' || :b::text)::uuid) LIMIT 1;
