//! `WorkflowRuleRepository` on SQLite: one row per overridden event, recipients as JSON text
//! (an array of names). A row that does not make a valid rule is reported, never skipped.

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::workflow::{StoredRule, WorkflowRuleRepoError, WorkflowRuleRepository};

use crate::SqliteStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::rows::{id_text, instant, micros, uuid};
use crate::schema::workflow_rules;

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = workflow_rules, primary_key(event), check_for_backend(diesel::sqlite::Sqlite))]
struct RuleRow {
    event: String,
    template: String,
    recipients: String,
    enabled: bool,
    updated_at: i64,
    updated_by: String,
}

impl TryFrom<RuleRow> for StoredRule {
    type Error = CorruptRow;

    fn try_from(r: RuleRow) -> Result<Self, Self::Error> {
        let event = WorkflowEvent::parse(&r.event).map_err(|e| corrupt("workflow event", e))?;
        let template = TemplateKey::parse(&r.template).map_err(|e| corrupt("workflow template", e))?;
        let recipients: Vec<Recipient> =
            serde_json::from_str(&r.recipients).map_err(|e| corrupt("workflow recipients", e))?;
        let rule =
            WorkflowRule::new(event, template, recipients, r.enabled).map_err(|e| corrupt("workflow rule", e))?;
        Ok(Self {
            rule,
            updated_at: instant("workflow rule updated_at", r.updated_at)?,
            updated_by: UserId::from_uuid(uuid("workflow rule updated_by", &r.updated_by)?),
        })
    }
}

impl TryFrom<&StoredRule> for RuleRow {
    type Error = DbFailure;

    fn try_from(s: &StoredRule) -> Result<Self, Self::Error> {
        let names: Vec<&str> = s.rule.recipients().iter().map(|r| r.as_str()).collect();
        Ok(Self {
            event: s.rule.event().as_str().to_owned(),
            template: s.rule.template().as_str().to_owned(),
            recipients: serde_json::to_string(&names).map_err(|e| DbFailure::Other(Box::new(e)))?,
            enabled: s.rule.is_enabled(),
            updated_at: micros(s.updated_at),
            updated_by: id_text(s.updated_by.as_uuid()),
        })
    }
}

#[async_trait]
impl WorkflowRuleRepository for SqliteStore {
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
            let row = RuleRow::try_from(&rule)?;
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
