DROP TABLE IF EXISTS workflow_rules;
