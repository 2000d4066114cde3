-- POST /api/v1/bookings/{id}/confirm as an admin: every statement the endpoint runs, in
-- order, as captured from the server log (bench/sql/statements.txt): the token's account,
-- the booking, the workflow rules, its customer and celebrity (for the emails), then the
-- transaction: calendar lock, versioned update, audit row, two outbox rows (confirmation and
-- receipt, both to the customer). The capture is simulated in-process (no SQL). Five reads
-- prepared, the rest unnamed or simple: pgbench -M extended (and -M prepared as the stricter
-- ceiling).
--
-- One deviation, so that every transaction does the full work without a distinct pending
-- booking each: the update flips the status of a random future booking between pending and
-- confirmed (both hold the slot, so the exclusion index is written and checked as for a real
-- confirmation, and the row is never a HOT update) and its version check compares the
-- version with itself (the same index lookup and recheck as `version = $5`).
-- :admin (the admin's id) comes from run.sh (-D).
\set b random(:bookings / 2 + 1, :bookings)
\set c (:b - 1) % :celebrities + 1
\set cu :talent + 1 + (:b * 7) % (:users - 1 - :talent)
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at", "users"."password_hash", "users"."token_version" FROM "users" WHERE ("users"."id" = :admin::uuid) LIMIT 1;
SELECT "bookings"."id", "bookings"."customer_id", "bookings"."celebrity_id", "bookings"."starts_at", "bookings"."ends_at", "bookings"."time_zone", "bookings"."event_type", "bookings"."location", "bookings"."message", "bookings"."price_minor", "bookings"."currency", "bookings"."status", "bookings"."version", "bookings"."created_at", "bookings"."updated_at" FROM "bookings" WHERE ("bookings"."id" = md5('bench-booking-' || :b::text)::uuid) LIMIT 1;
SELECT "workflow_rules"."event", "workflow_rules"."template", "workflow_rules"."recipients", "workflow_rules"."enabled", "workflow_rules"."updated_at", "workflow_rules"."updated_by" FROM "workflow_rules";
SELECT "users"."id", "users"."email", "users"."display_name", "users"."role", "users"."celebrity_id", "users"."disabled", "users"."created_at" FROM "users" WHERE ("users"."id" = md5('bench-user-' || :cu::text)::uuid) LIMIT 1;
SELECT "celebrities"."id", "celebrities"."slug", "celebrities"."name", "celebrities"."category", "celebrities"."bio", "celebrities"."base_price_minor", "celebrities"."currency", "celebrities"."created_at", "celebrities"."updated_at", "celebrities"."deleted_at" FROM "celebrities" WHERE ("celebrities"."id" = md5('bench-celebrity-' || :c::text)::uuid) LIMIT 1;
BEGIN;
SELECT pg_advisory_xact_lock(1212435534, hashtext(md5('bench-celebrity-' || :c::text)::uuid::text));
UPDATE "bookings" SET "status" = CASE "bookings"."status" WHEN 'pending' THEN 'confirmed' ELSE 'pending' END, "version" = "bookings"."version" + 1, "updated_at" = now() WHERE (("bookings"."id" = md5('bench-booking-' || :b::text)::uuid) AND ("bookings"."version" = "bookings"."version"));
INSERT INTO "booking_events" ("booking_id", "at", "actor_id", "actor_role", "from_status", "to_status", "reason") VALUES (md5('bench-booking-' || :b::text)::uuid, now(), :admin::uuid, 'admin', 'pending', 'confirmed', DEFAULT);
INSERT INTO "outbox" ("id", "booking_id", "payload", "next_attempt_at", "created_at") VALUES (gen_random_uuid(), md5('bench-booking-' || :b::text)::uuid, '{"to": "customer558@bench.example", "data": {"key": "booking_confirmed", "data": {"price": {"currency": "EUR", "amount_minor": 9560000}, "during": {"end": "2026-12-06T00:00:00Z", "start": "2026-12-05T23:00:00Z"}, "reason": null, "location": "The Roundhouse, London", "timezone": "Europe/Lisbon", "booking_id": "b7fe5b86-6485-0955-d3f6-45f62c4f3792", "event_type": "other", "booking_url": "http://127.0.0.1:8080/bookings/b7fe5b86-6485-0955-d3f6-45f62c4f3792", "customer_name": "Ada Stone", "celebrity_name": "Jonas Iqbal", "recipient_name": "Ada Stone"}}, "kind": "email", "template": "booking_confirmed"}', now(), now()), (gen_random_uuid(), md5('bench-booking-' || :b::text)::uuid, '{"to": "customer558@bench.example", "data": {"key": "payment_received", "data": {"amount": {"currency": "EUR", "amount_minor": 9560000}, "booking_id": "b7fe5b86-6485-0955-d3f6-45f62c4f3792", "booking_url": "http://127.0.0.1:8080/bookings/b7fe5b86-6485-0955-d3f6-45f62c4f3792", "customer_name": "Ada Stone", "celebrity_name": "Jonas Iqbal", "recipient_name": "Ada Stone"}}, "kind": "email", "template": "payment_received"}', now(), now());
COMMIT;
