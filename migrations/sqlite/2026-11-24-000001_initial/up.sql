-- Headliner's whole schema for SQLite, consolidated: the same tables, columns and rules as
-- the Postgres migration. SQLite has no uuid, timestamptz, range or exclusion constraint, so:
-- ids are lower-case hyphenated UUID text; instants are INTEGER microseconds since the Unix
-- epoch (UTC, exact and ordered); booleans are 0/1; JSON is text; the overlap rule is a
-- trigger, and inserts that check then write run in IMMEDIATE transactions.

-- Catalogue ---------------------------------------------------------------------------------

CREATE TABLE categories (
    slug        TEXT PRIMARY KEY NOT NULL CHECK (length(slug) BETWEEN 1 AND 80 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  BIGINT NOT NULL
);

CREATE TABLE celebrities (
    id                TEXT PRIMARY KEY NOT NULL,
    slug              TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 80 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category          TEXT NOT NULL REFERENCES categories (slug),
    bio               TEXT NOT NULL DEFAULT '' CHECK (length(bio) <= 10000),
    base_price_minor  BIGINT NOT NULL CHECK (base_price_minor >= 0),
    currency          TEXT NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    deleted_at        BIGINT
);
CREATE INDEX celebrities_name_idx     ON celebrities (name, id) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_price_idx    ON celebrities (base_price_minor, id) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_newest_idx   ON celebrities (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX celebrities_category_idx ON celebrities (category, name, id) WHERE deleted_at IS NULL;

CREATE TABLE celebrity_images (
    id            TEXT PRIMARY KEY NOT NULL,
    celebrity_id  TEXT NOT NULL REFERENCES celebrities (id),
    file_name     TEXT NOT NULL UNIQUE,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    byte_size     BIGINT NOT NULL CHECK (byte_size > 0),
    created_at    BIGINT NOT NULL
);
CREATE INDEX celebrity_images_celebrity_idx ON celebrity_images (celebrity_id, created_at DESC);

CREATE TABLE blocked_periods (
    id            TEXT PRIMARY KEY NOT NULL,
    celebrity_id  TEXT NOT NULL REFERENCES celebrities (id),
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    created_at    BIGINT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX blocked_periods_during_idx ON blocked_periods (celebrity_id, starts_at, ends_at);

-- Accounts ----------------------------------------------------------------------------------

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND instr(email, '@') > 1),
    display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('customer', 'talent', 'admin')),
    celebrity_id   TEXT REFERENCES celebrities (id),
    disabled       BOOLEAN NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    token_version  BIGINT NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (role = 'talent' OR celebrity_id IS NULL)
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
CREATE INDEX users_celebrity_idx ON users (celebrity_id) WHERE celebrity_id IS NOT NULL;
CREATE INDEX users_admin_idx ON users (created_at) WHERE role = 'admin';

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    issued_at   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    spent_at    BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE password_reset_tokens (
    token_hash  BLOB PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

-- Bookings ----------------------------------------------------------------------------------

CREATE TABLE bookings (
    id            TEXT PRIMARY KEY NOT NULL,
    customer_id   TEXT NOT NULL REFERENCES users (id),
    celebrity_id  TEXT NOT NULL REFERENCES celebrities (id),
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    time_zone     TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    event_type    TEXT NOT NULL CHECK (event_type IN ('appearance', 'performance', 'speech', 'personalised_video', 'other')),
    location      TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 500),
    message       TEXT NOT NULL CHECK (length(message) <= 5000),
    price_minor   BIGINT NOT NULL CHECK (price_minor >= 0),
    currency      TEXT NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    version       BIGINT NOT NULL CHECK (version >= 1),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX bookings_customer_idx  ON bookings (customer_id, created_at DESC, id DESC);
CREATE INDEX bookings_celebrity_idx ON bookings (celebrity_id, created_at DESC, id DESC);
CREATE INDEX bookings_status_idx    ON bookings (status, created_at DESC, id DESC);
CREATE INDEX bookings_created_idx   ON bookings (created_at DESC, id DESC);
CREATE INDEX bookings_active_slot_idx ON bookings (celebrity_id, starts_at, ends_at) WHERE status IN ('pending', 'confirmed');
CREATE INDEX bookings_pending_start_idx ON bookings (starts_at) WHERE status = 'pending';
CREATE INDEX bookings_confirmed_end_idx ON bookings (ends_at) WHERE status = 'confirmed';
CREATE INDEX bookings_confirmed_start_idx ON bookings (starts_at) WHERE status = 'confirmed';

-- The overlap rule, enforced by the database like Postgres' exclusion constraint: two
-- pending or confirmed bookings of one celebrity never share an instant ([start, end)).
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.celebrity_id = NEW.celebrity_id AND b.status IN ('pending', 'confirmed')
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;

CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF status, starts_at, ends_at, celebrity_id ON bookings
WHEN NEW.status IN ('pending', 'confirmed') AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.id <> NEW.id AND b.celebrity_id = NEW.celebrity_id AND b.status IN ('pending', 'confirmed')
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap');
END;

CREATE TABLE booking_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    booking_id   TEXT NOT NULL REFERENCES bookings (id),
    at           BIGINT NOT NULL,
    actor_id     TEXT REFERENCES users (id),
    actor_role   TEXT NOT NULL CHECK (actor_role IN ('customer', 'talent', 'admin', 'system')),
    from_status  TEXT CHECK (from_status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    to_status    TEXT NOT NULL CHECK (to_status IN ('pending', 'confirmed', 'cancelled', 'completed', 'rejected')),
    reason       TEXT CHECK (length(reason) <= 1000)
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, id);

-- The audit trail is append-only.
CREATE TRIGGER booking_events_no_update BEFORE UPDATE ON booking_events
BEGIN
    SELECT RAISE(ABORT, 'booking_events is append-only');
END;
CREATE TRIGGER booking_events_no_delete BEFORE DELETE ON booking_events
BEGIN
    SELECT RAISE(ABORT, 'booking_events is append-only');
END;

-- Email -------------------------------------------------------------------------------------

CREATE TABLE email_templates (
    key         TEXT PRIMARY KEY NOT NULL,
    subject     TEXT NOT NULL CHECK (length(subject) <= 65536),
    body_html   TEXT NOT NULL CHECK (length(body_html) <= 65536),
    body_text   TEXT NOT NULL CHECK (length(body_text) <= 65536),
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT REFERENCES users (id)
);

CREATE TABLE email_template_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    key         TEXT NOT NULL,
    at          BIGINT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES users (id),
    before      TEXT,
    after       TEXT
);
CREATE INDEX email_template_changes_key_idx ON email_template_changes (key, id);
CREATE TRIGGER email_template_changes_no_update BEFORE UPDATE ON email_template_changes
BEGIN
    SELECT RAISE(ABORT, 'email_template_changes is append-only');
END;
CREATE TRIGGER email_template_changes_no_delete BEFORE DELETE ON email_template_changes
BEGIN
    SELECT RAISE(ABORT, 'email_template_changes is append-only');
END;

CREATE TABLE outbox (
    id               TEXT PRIMARY KEY NOT NULL,
    booking_id       TEXT REFERENCES bookings (id),
    payload          TEXT NOT NULL CHECK (json_valid(payload)),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  BIGINT NOT NULL,
    locked_until     BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_status_idx ON outbox (status, created_at, id);
CREATE INDEX outbox_booking_idx ON outbox (booking_id) WHERE booking_id IS NOT NULL;

-- Idempotent creation ----------------------------------------------------------------------

CREATE TABLE idempotency_keys (
    user_id              TEXT NOT NULL REFERENCES users (id),
    key                  TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_fingerprint  TEXT NOT NULL,
    response_status      INTEGER,
    response_body        BLOB,
    created_at           BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
