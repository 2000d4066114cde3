//! `WorkflowRuleRepository` on Postgres: one row per overridden event, recipients as a jsonb
//! array of names. A row that does not make a valid rule is reported, never skipped.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::workflow::{StoredRule, WorkflowRuleRepoError, WorkflowRuleRepository};
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::schema::workflow_rules;

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = workflow_rules, check_for_backend(diesel::pg::Pg))]
struct RuleRow {
    event: String,
    template: String,
    recipients: serde_json::Value,
    enabled: bool,
    updated_at: DateTime<Utc>,
    updated_by: Uuid,
}

impl TryFrom<RuleRow> for StoredRule {
    type Error = CorruptRow;

    fn try_from(r: RuleRow) -> Result<Self, Self::Error> {
        let event = WorkflowEvent::parse(&r.event).map_err(|e| corrupt("workflow event", e))?;
        let template = TemplateKey::parse(&r.template).map_err(|e| corrupt("workflow template", e))?;
        let recipients: Vec<Recipient> =
            serde_json::from_value(r.recipients).map_err(|e| corrupt("workflow recipients", e))?;
        let rule =
            WorkflowRule::new(event, template, recipients, r.enabled).map_err(|e| corrupt("workflow rule", e))?;
        Ok(Self { rule, updated_at: r.updated_at, updated_by: UserId::from_uuid(r.updated_by) })
    }
}

impl From<&StoredRule> for RuleRow {
    fn from(s: &StoredRule) -> Self {
        let names = s.rule.recipients().iter().map(|r| serde_json::Value::from(r.as_str())).collect();
        Self {
            event: s.rule.event().as_str().to_owned(),
            template: s.rule.template().as_str().to_owned(),
            recipients: serde_json::Value::Array(names),
            enabled: s.rule.is_enabled(),
            updated_at: s.updated_at,
            updated_by: s.updated_by.as_uuid(),
        }
    }
}

#[async_trait]
impl WorkflowRuleRepository for PgStore {
    async fn overrides(&self) -> Result<Vec<StoredRule>, WorkflowRuleRepoError> {
        with_connection(&self.pool, |conn| {
            let rows: Vec<RuleRow> = workflow_rules::table.select(RuleRow::as_select()).load(conn)?;
            let mut rules = rows.into_iter().map(StoredRule::try_from).collect::<Result<Vec<_>, _>>()?;
            rules.sort_by_key(|s| s.rule.event());
            Ok::<_, DbFailure>(rules)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn save(&self, rule: StoredRule) -> Result<(), WorkflowRuleRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = RuleRow::from(&rule);
            diesel::insert_into(workflow_rules::table)
                .values(&row)
                .on_conflict(workflow_rules::event)
                .do_update()
                .set(&row)
                .execute(conn)?;
            Ok::<_, DbFailure>(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn reset(&self, event: WorkflowEvent) -> Result<bool, WorkflowRuleRepoError> {
        with_connection(&self.pool, move |conn| {
            let deleted = diesel::delete(workflow_rules::table.find(event.as_str())).execute(conn)?;
            Ok::<_, DbFailure>(deleted > 0)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
