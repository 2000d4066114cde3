//! `TemplateRepository` on SQLite: overrides plus their append-only change log.

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_domain::templates::{TemplateKey, TemplateSource};
use headliner_ports::templates::{StoredTemplate, TemplateChange, TemplateRepoError, TemplateRepository};

use crate::SqliteStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::rows::{id_text, instant, micros, uuid};
use crate::schema::{email_template_changes, email_templates};

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = email_templates, primary_key(key), check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false, treat_none_as_null = true)]
struct TemplateRow {
    key: String,
    subject: String,
    body_html: String,
    body_text: String,
    updated_at: i64,
    updated_by: Option<String>,
}

impl TryFrom<TemplateRow> for StoredTemplate {
    type Error = CorruptRow;

    fn try_from(r: TemplateRow) -> Result<Self, Self::Error> {
        Ok(Self {
            key: TemplateKey::parse(&r.key).map_err(|e| corrupt("template key", e))?,
            source: TemplateSource { subject: r.subject, html: r.body_html, text: r.body_text },
            updated_at: instant("template updated_at", r.updated_at)?,
            updated_by: r
                .updated_by
                .as_deref()
                .map(|u| uuid("template updated_by", u).map(UserId::from_uuid))
                .transpose()?,
        })
    }
}

/// One row of the change log; `before` and `after` are serde_json text of a [`TemplateSource`].
#[derive(Debug, Insertable)]
#[diesel(table_name = email_template_changes, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
struct NewChangeRow {
    key: String,
    at: i64,
    changed_by: String,
    before: Option<String>,
    after: Option<String>,
}

fn json(source: Option<&TemplateSource>) -> Result<Option<String>, DbFailure> {
    source.map(|s| serde_json::to_string(s).map_err(|e| DbFailure::Other(Box::new(e)))).transpose()
}

impl TryFrom<&TemplateChange> for NewChangeRow {
    type Error = DbFailure;

    fn try_from(c: &TemplateChange) -> Result<Self, Self::Error> {
        Ok(Self {
            key: c.key.as_str().to_owned(),
            at: micros(c.at),
            changed_by: id_text(c.by.as_uuid()),
            before: json(c.before.as_ref())?,
            after: json(c.after.as_ref())?,
        })
    }
}

#[async_trait]
impl TemplateRepository for SqliteStore {
    async fn get(&self, key: TemplateKey) -> Result<Option<StoredTemplate>, TemplateRepoError> {
        with_connection(&self.pool, move |conn| {
            let row: Option<TemplateRow> =
                email_templates::table.find(key.as_str()).select(TemplateRow::as_select()).first(conn).optional()?;
            Ok(row.map(StoredTemplate::try_from).transpose()?)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn save(&self, change: TemplateChange) -> Result<(), TemplateRepoError> {
        with_connection(&self.pool, move |conn| {
            let log = NewChangeRow::try_from(&change)?;
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let key = change.key.as_str();
                match &change.after {
                    Some(source) => {
                        let row = TemplateRow {
                            key: key.to_owned(),
                            subject: source.subject.clone(),
                            body_html: source.html.clone(),
                            body_text: source.text.clone(),
                            updated_at: micros(change.at),
                            updated_by: Some(id_text(change.by.as_uuid())),
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
                diesel::insert_into(email_template_changes::table).values(&log).execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
