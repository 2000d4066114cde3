//! `TemplateRepository` on Postgres: overrides plus their append-only change log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_domain::templates::{TemplateKey, TemplateSource};
use headliner_ports::templates::{StoredTemplate, TemplateChange, TemplateRepoError, TemplateRepository};
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::{DbFailure, corrupt};
use crate::schema::{email_template_changes, email_templates};

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = email_templates, check_for_backend(diesel::pg::Pg))]
struct TemplateRow {
    key: String,
    subject: String,
    body_html: String,
    body_text: String,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
}

fn json(source: Option<&TemplateSource>) -> Result<Option<serde_json::Value>, DbFailure> {
    source.map(|s| serde_json::to_value(s).map_err(|e| DbFailure::Other(Box::new(e)))).transpose()
}

#[async_trait]
impl TemplateRepository for PgStore {
    async fn get(&self, key: TemplateKey) -> Result<Option<StoredTemplate>, TemplateRepoError> {
        with_connection(&self.pool, move |conn| {
            let row: Option<TemplateRow> =
                email_templates::table.find(key.as_str()).select(TemplateRow::as_select()).first(conn).optional()?;
            row.map(|r| {
                Ok(StoredTemplate {
                    key: TemplateKey::parse(&r.key).map_err(|e| corrupt("template key", e))?,
                    source: TemplateSource { subject: r.subject, html: r.body_html, text: r.body_text },
                    updated_at: r.updated_at,
                    updated_by: r.updated_by.map(UserId::from_uuid),
                })
            })
            .transpose()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn save(&self, change: TemplateChange) -> Result<(), TemplateRepoError> {
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                let key = change.key.as_str();
                match &change.after {
                    Some(source) => {
                        let row = TemplateRow {
                            key: key.to_owned(),
                            subject: source.subject.clone(),
                            body_html: source.html.clone(),
                            body_text: source.text.clone(),
                            updated_at: change.at,
                            updated_by: Some(change.by.as_uuid()),
                        };
                        diesel::insert_into(email_templates::table)
                            .values(&row)
                            .on_conflict(email_templates::key)
                            .do_update()
                            .set(&row)
                            .execute(conn)?;
                    }
                    None => {
                        diesel::delete(email_templates::table.find(key)).execute(conn)?;
                    }
                }
                diesel::insert_into(email_template_changes::table)
                    .values((
                        email_template_changes::key.eq(key),
                        email_template_changes::at.eq(change.at),
                        email_template_changes::changed_by.eq(change.by.as_uuid()),
                        email_template_changes::before.eq(json(change.before.as_ref())?),
                        email_template_changes::after.eq(json(change.after.as_ref())?),
                    ))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
