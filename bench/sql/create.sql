-- POST /api/v1/bookings as a customer: every statement the endpoint runs, in order, as
-- captured from the server log (bench/sql/statements.txt): the token's account, the
-- celebrity (price), the workflow rules, the customer and the celebrity again and its talent
-- (for the emails), then the transaction: calendar lock, blocked-period probe, booking, audit
-- row, outbox.
-- The payment hold is simulated in-process (no SQL).
--
-- diesel prepares the six reads (statement cache) but sends the lock, the probe and the
-- inserts unnamed (sql_query and single-row inserts are never cached): seven of the thirteen
-- are unnamed or simple, so run.sh uses pgbench -M extended for this script, and also
-- reports -M prepared (everything prepared) as the stricter ceiling.
--
-- A celebrity without a talent account (99 % of the seed's) gets one email: the customer's.
-- Slots: a random one of 10^8 three-hour slots per celebrity from 2031 on, so two
-- transactions collide (exclusion violation, which would abort that pgbench client) with
-- probability ~ n^2 / 2e12 for n transactions: negligible.
\set u random(:talent + 1, :users - 1)
\set c random(1, :celebrities)
\set s random(0, 99999999)
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at", "users"."password_hash", "users"."token_version" FROM "users" WHERE ("users"."id" = md5('bench-user-' || :u::text)::uuid) LIMIT 1;
SELECT "celebrities"."id", "celebrities"."slug", "celebrities"."name", "celebrities"."category", "celebrities"."bio", "celebrities"."base_price_minor", "celebrities"."currency", "celebrities"."created_at", "celebrities"."updated_at", "celebrities"."deleted_at" FROM "celebrities" WHERE ("celebrities"."id" = md5('bench-celebrity-' || :c::text)::uuid) LIMIT 1;
SELECT "workflow_rules"."event", "workflow_rules"."template", "workflow_rules"."recipients", "workflow_rules"."enabled", "workflow_rules"."updated_at", "workflow_rules"."updated_by" FROM "workflow_rules";
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at" FROM "users" WHERE ("users"."id" = md5('bench-user-' || :u::text)::uuid) LIMIT 1;
SELECT "celebrities"."id", "celebrities"."slug", "celebrities"."name", "celebrities"."category", "celebrities"."bio", "celebrities"."base_price_minor", "celebrities"."currency", "celebrities"."created_at", "celebrities"."updated_at", "celebrities"."deleted_at" FROM "celebrities" WHERE ("celebrities"."id" = md5('bench-celebrity-' || :c::text)::uuid) LIMIT 1;
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at" FROM "users" WHERE ((("users"."celebrity_id" = md5('bench-celebrity-' || :c::text)::uuid) AND ("users"."role" = 'talent')) AND ("users"."disabled" = false)) ORDER BY "users"."created_at" ASC, "users"."id" ASC;
BEGIN;
SELECT pg_advisory_xact_lock(1212435534, hashtext(md5('bench-celebrity-' || :c::text)::uuid::text));
SELECT EXISTS (SELECT 1 FROM blocked_periods WHERE celebrity_id = md5('bench-celebrity-' || :c::text)::uuid AND during && tstzrange('2031-01-01 00:00:00+00'::timestamptz + :s * interval '3 hours', '2031-01-01 02:00:00+00'::timestamptz + :s * interval '3 hours', '[)')) AS hit;
INSERT INTO "bookings" ("id", "customer_id", "celebrity_id", "starts_at", "ends_at", "time_zone", "event_type", "location", "message", "price_minor", "currency", "status", "version", "created_at", "updated_at") VALUES (md5('pgbench-booking-' || :c::text || '-' || :s::text)::uuid, md5('bench-user-' || :u::text)::uuid, md5('bench-celebrity-' || :c::text)::uuid, '2031-01-01 00:00:00+00'::timestamptz + :s * interval '3 hours', '2031-01-01 02:00:00+00'::timestamptz + :s * interval '3 hours', 'Europe/London', 'performance', 'The Roundhouse, London', 'Thirty minutes on stage, then a meet-and-greet with our guests.', 12900000, 'EUR', 'pending', 1, now(), now());
INSERT INTO "booking_events" ("booking_id", "at", "actor_id", "actor_role", "from_status", "to_status", "reason") VALUES (md5('pgbench-booking-' || :c::text || '-' || :s::text)::uuid, now(), md5('bench-user-' || :u::text)::uuid, 'customer', DEFAULT, 'pending', DEFAULT);
INSERT INTO "outbox" ("id", "booking_id", "payload", "next_attempt_at", "created_at") VALUES (gen_random_uuid(), md5('pgbench-booking-' || :c::text || '-' || :s::text)::uuid, '{"to": "customer500@bench.example", "data": {"key": "booking_requested", "data": {"price": {"currency": "EUR", "amount_minor": 12900000}, "during": {"end": "2031-01-05T20:00:00Z", "start": "2031-01-05T18:00:00Z"}, "reason": null, "location": "The Roundhouse, London", "timezone": "Europe/London", "booking_id": "ed0a2b70-5cf0-458a-aa88-139d5c7e5dcf", "event_type": "performance", "booking_url": "http://127.0.0.1:8080/bookings/ed0a2b70-5cf0-458a-aa88-139d5c7e5dcf", "customer_name": "Ada Stone", "celebrity_name": "Jonas Iqbal", "recipient_name": "Ada Stone"}}, "kind": "email", "template": "booking_requested"}', now(), now());
COMMIT;
