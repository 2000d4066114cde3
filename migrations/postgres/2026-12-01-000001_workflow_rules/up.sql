-- Workflow rules (issue 7): admins' overrides of which email an event sends, with which
-- template, to whom. An event without a row uses its built-in rule (headliner-domain,
-- `WorkflowRule::default_for`). The app validates a rule before storing it and refuses to
-- read a row that does not parse. Same version as the SQLite migration, so backups restore
-- across the two stores.
CREATE TABLE workflow_rules (
    event       text PRIMARY KEY,
    template    text NOT NULL,
    -- Recipient names, e.g. ["customer", "talent"].
    recipients  jsonb NOT NULL CHECK (jsonb_typeof(recipients) = 'array'),
    enabled     boolean NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id)
);
