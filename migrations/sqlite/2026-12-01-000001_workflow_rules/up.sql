-- Workflow rules (issue 7): admins' overrides of which email an event sends, with which
-- template, to whom. An event without a row uses its built-in rule (headliner-domain,
-- `WorkflowRule::default_for`). The app validates a rule before storing it and refuses to
-- read a row that does not parse. Same version as the Postgres migration, so backups
-- restore across the two stores.
CREATE TABLE workflow_rules (
    event       TEXT PRIMARY KEY NOT NULL,
    template    TEXT NOT NULL,
    -- Recipient names as a JSON array, e.g. ["customer","talent"].
    recipients  TEXT NOT NULL CHECK (json_valid(recipients) AND json_type(recipients) = 'array'),
    enabled     BOOLEAN NOT NULL CHECK (enabled IN (0, 1)),
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id)
);
