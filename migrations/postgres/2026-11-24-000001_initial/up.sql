-- Headliner's whole schema, consolidated: one migration for the first release.
-- Later changes are new migrations. Times are timestamptz (UTC instants); money is an
-- integer of minor units plus an ISO 4217 code; ids are UUIDs minted by the app.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Catalogue ---------------------------------------------------------------------------------

CREATE TABLE categories (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL
);

CREATE TABLE celebrities (
    id                uuid PRIMARY KEY,
    slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category          text NOT NULL REFERENCES categories (slug),
    bio               text NOT NULL DEFAULT '' CHECK (length(bio) <= 10000),
    base_price_minor  bigint NOT NULL CHECK (base_price_minor >= 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    search            tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || bio)) STORED,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    deleted_at        timestamptz
);
-- Catalogue reads only ever see live profiles; each sort has its own keyset index.
CREATE INDEX celebrities_search_idx   ON celebrities USING gin (search) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_name_idx     ON celebrities (name, id) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_price_idx    ON celebrities (base_price_minor, id) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_newest_idx   ON celebrities (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_category_idx ON celebrities (category, name, id) WHERE deleted_at IS NULL;

CREATE TABLE celebrity_images (
    id            uuid PRIMARY KEY,
    celebrity_id  uuid NOT NULL REFERENCES celebrities (id),
    file_name     text NOT NULL UNIQUE CHECK (file_name ~ '^[a-z0-9-]+\.(jpg|png|webp)$'),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    byte_size     bigint NOT NULL CHECK (byte_size > 0),
    created_at    timestamptz NOT NULL
);
CREATE INDEX celebrity_images_celebrity_idx ON celebrity_images (celebrity_id, created_at DESC);

CREATE TABLE blocked_periods (
    id            uuid PRIMARY KEY,
    celebrity_id  uuid NOT NULL REFERENCES celebrities (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    during        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    reason        text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    created_at    timestamptz NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX blocked_periods_during_idx ON blocked_periods USING gist (celebrity_id, during);

-- Accounts ----------------------------------------------------------------------------------

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('customer', 'talent', 'admin')),
    celebrity_id   uuid REFERENCES celebrities (id),
    disabled       boolean NOT NULL DEFAULT false,
    token_version  bigint NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CHECK (role = 'talent' OR celebrity_id IS NULL)
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
CREATE INDEX users_celebrity_idx ON users (celebrity_id) WHERE celebrity_id IS NOT NULL;
CREATE INDEX users_admin_idx ON users (created_at) WHERE role = 'admin';

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE password_reset_tokens (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

-- Bookings ----------------------------------------------------------------------------------

CREATE TABLE bookings (
    id            uuid PRIMARY KEY,
    customer_id   uuid NOT NULL REFERENCES users (id),
    celebrity_id  uuid NOT NULL REFERENCES celebrities (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    during        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    time_zone     text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    event_type    text NOT NULL CHECK (event_type IN ('appearance', 'performance', 'speech', 'personalised_video', 'other')),
    location      text NOT NULL CHECK (length(location) BETWEEN 1 AND 500),
    message       text NOT NULL CHECK (length(message) <= 5000),
    price_minor   bigint NOT NULL CHECK (price_minor >= 0),
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status        text NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    version       bigint NOT NULL CHECK (version >= 1),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK (starts_at < ends_at),
    -- The database itself forbids two active bookings of one celebrity sharing an instant.
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (celebrity_id WITH =, during WITH &&)
        WHERE (status IN ('pending', 'confirmed'))
);
-- Listings are newest first, keyset-paginated on (created_at, id), per role's scope.
CREATE INDEX bookings_customer_idx  ON bookings (customer_id, created_at DESC, id DESC);
CREATE INDEX bookings_celebrity_idx ON bookings (celebrity_id, created_at DESC, id DESC);
CREATE INDEX bookings_status_idx    ON bookings (status, created_at DESC, id DESC);
CREATE INDEX bookings_created_idx   ON bookings (created_at DESC, id DESC);
-- The scheduler: pending requests by start (expiry), confirmed bookings by end (completion).
CREATE INDEX bookings_pending_start_idx ON bookings (starts_at) WHERE status = 'pending';
CREATE INDEX bookings_confirmed_end_idx ON bookings (ends_at) WHERE status = 'confirmed';
-- Reminders before events: confirmed bookings by start.
CREATE INDEX bookings_confirmed_start_idx ON bookings (starts_at) WHERE status = 'confirmed';

CREATE TABLE booking_events (
    id           bigserial PRIMARY KEY,
    booking_id   uuid NOT NULL REFERENCES bookings (id),
    at           timestamptz NOT NULL,
    actor_id     uuid REFERENCES users (id),
    actor_role   text NOT NULL CHECK (actor_role IN ('customer', 'talent', 'admin', 'system')),
    from_status  text CHECK (from_status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    to_status    text NOT NULL CHECK (to_status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    reason       text CHECK (length(reason) <= 1000)
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, id);

-- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION headliner_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER booking_events_append_only BEFORE UPDATE OR DELETE ON booking_events
    FOR EACH ROW EXECUTE FUNCTION headliner_append_only();
CREATE TRIGGER booking_events_no_truncate BEFORE TRUNCATE ON booking_events
    FOR EACH STATEMENT EXECUTE FUNCTION headliner_append_only();

-- Email -------------------------------------------------------------------------------------

CREATE TABLE email_templates (
    key         text PRIMARY KEY,
    subject     text NOT NULL CHECK (length(subject) <= 65536),
    body_html   text NOT NULL CHECK (length(body_html) <= 65536),
    body_text   text NOT NULL CHECK (length(body_text) <= 65536),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid REFERENCES users (id)
);

CREATE TABLE email_template_changes (
    id          bigserial PRIMARY KEY,
    key         text NOT NULL,
    at          timestamptz NOT NULL,
    changed_by  uuid NOT NULL REFERENCES users (id),
    before      jsonb,
    after       jsonb
);
CREATE INDEX email_template_changes_key_idx ON email_template_changes (key, id);
CREATE TRIGGER email_template_changes_append_only BEFORE UPDATE OR DELETE ON email_template_changes
    FOR EACH ROW EXECUTE FUNCTION headliner_append_only();
CREATE TRIGGER email_template_changes_no_truncate BEFORE TRUNCATE ON email_template_changes
    FOR EACH STATEMENT EXECUTE FUNCTION headliner_append_only();

CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    booking_id       uuid REFERENCES bookings (id),
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    locked_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
-- The relay claims due rows oldest first; the admin view lists by status, oldest first.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_status_idx ON outbox (status, created_at, id);
CREATE INDEX outbox_booking_idx ON outbox (booking_id) WHERE booking_id IS NOT NULL;

-- Idempotent creation ----------------------------------------------------------------------

CREATE TABLE idempotency_keys (
    user_id              uuid NOT NULL REFERENCES users (id),
    key                  text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_fingerprint  text NOT NULL,
    response_status      integer,
    response_body        bytea,
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
