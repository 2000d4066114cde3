//! `CelebrityRepository` on Postgres: profiles, categories, catalogue search (full-text over the
//! generated `search` tsvector), blocked periods under the calendar lock, busy intervals and
//! image records.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::dsl::{AsSelect, SqlTypeOf};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::upsert::excluded;
use headliner_diesel::preparable::fixed;
use headliner_diesel::search::words;
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::{BlockedPeriodId, CelebrityId};
use headliner_domain::slug::Slug;
use headliner_domain::time::TimeRange;
use headliner_ports::celebrities::{
    BlockedPeriod, BusyInterval, BusyKind, CatalogueCursor, CataloguePage, CatalogueQuery, CatalogueSort,
    CelebrityProfile, CelebrityRepoError, CelebrityRepository, ImageRecord,
};

use crate::PgStore;
use crate::blocking::with_connection;
use crate::calendar::{blocked_during, booked_during, lock_calendar};
use crate::errors::DbFailure;
use crate::rows::{BlockedPeriodRow, CategoryRow, CelebrityRow, ImageRow, ProfileRow, stored_file_name};
use crate::schema::{blocked_periods, categories, celebrities, celebrity_images};

/// The file name of the row's latest image: one probe of `celebrity_images_celebrity_idx`
/// (celebrity_id, created_at DESC) per returned row; the id breaks ties of equal instants.
const LATEST_IMAGE: &str = "(SELECT i.file_name FROM celebrity_images i WHERE i.celebrity_id = celebrities.id \
                            ORDER BY i.created_at DESC, i.id DESC LIMIT 1)";

type ProfileQuery = celebrities::BoxedQuery<'static, Pg, (SqlTypeOf<AsSelect<CelebrityRow, Pg>>, Nullable<Text>)>;

/// Live celebrities with their latest image; every catalogue read starts here.
fn live_profiles() -> ProfileQuery {
    celebrities::table
        .filter(celebrities::deleted_at.is_null())
        .select((CelebrityRow::as_select(), fixed::<Pg, Nullable<Text>>(LATEST_IMAGE)))
        .into_boxed()
}

fn decode_profile((row, image): ProfileRow) -> Result<CelebrityProfile, DbFailure> {
    Ok(CelebrityProfile {
        celebrity: Celebrity::try_from(row)?,
        image: image.as_deref().map(stored_file_name).transpose()?,
    })
}

/// The search text as a tsquery for `to_tsquery('simple', …)`: every word quoted as a lexeme
/// (words hold only letters and digits, so nothing in them is tsquery syntax), all required
/// (`&`), the last one a prefix (`:*`). `None` when the text holds no word.
fn tsquery(text: &str) -> Option<String> {
    let words = words(text);
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''"));
            if i == last { format!("{quoted}:*") } else { quoted }
        })
        .collect();
    Some(terms.join(" & "))
}

/// The cursor's row comparison for the sort (an index condition on the sort's index).
fn keyset(query: ProfileQuery, sort: CatalogueSort, after: CatalogueCursor) -> Result<ProfileQuery, DbFailure> {
    Ok(match (sort, after) {
        (CatalogueSort::Name, CatalogueCursor::Name(name, id)) => query.filter(
            fixed::<Pg, Bool>("(celebrities.name, celebrities.id) > (")
                .bind::<Text, _>(name)
                .sql(", ")
                .bind::<SqlUuid, _>(id.as_uuid())
                .sql(")"),
        ),
        (CatalogueSort::Price, CatalogueCursor::Price(price, id)) => query.filter(
            fixed::<Pg, Bool>("(celebrities.base_price_minor, celebrities.id) > (")
                .bind::<BigInt, _>(price)
                .sql(", ")
                .bind::<SqlUuid, _>(id.as_uuid())
                .sql(")"),
        ),
        (CatalogueSort::PriceDesc, CatalogueCursor::Price(price, id)) => query.filter(
            fixed::<Pg, Bool>("(celebrities.base_price_minor, celebrities.id) < (")
                .bind::<BigInt, _>(price)
                .sql(", ")
                .bind::<SqlUuid, _>(id.as_uuid())
                .sql(")"),
        ),
        (CatalogueSort::Newest, CatalogueCursor::Created(at, id)) => query.filter(
            fixed::<Pg, Bool>("(celebrities.created_at, celebrities.id) < (")
                .bind::<Timestamptz, _>(at)
                .sql(", ")
                .bind::<SqlUuid, _>(id.as_uuid())
                .sql(")"),
        ),
        (sort, after) => {
            return Err(DbFailure::Other(format!("the cursor {after:?} does not fit the sort {sort:?}").into()));
        }
    })
}

fn cursor_after(sort: CatalogueSort, last: &Celebrity) -> CatalogueCursor {
    match sort {
        CatalogueSort::Name => CatalogueCursor::Name(last.name.clone(), last.id),
        CatalogueSort::Price | CatalogueSort::PriceDesc => {
            CatalogueCursor::Price(last.base_price.amount_minor, last.id)
        }
        CatalogueSort::Newest => CatalogueCursor::Created(last.created_at, last.id),
    }
}

fn search_page(conn: &mut PgConnection, query: CatalogueQuery) -> Result<CataloguePage, DbFailure> {
    let mut q = live_profiles();
    if let Some(tsquery) = query.text.as_deref().and_then(tsquery) {
        q = q
            .filter(fixed::<Pg, Bool>("celebrities.search @@ to_tsquery('simple', ").bind::<Text, _>(tsquery).sql(")"));
    }
    if let Some(category) = query.category {
        q = q.filter(celebrities::category.eq(category.as_str().to_owned()));
    }
    if let Some(min) = query.min_price_minor {
        q = q.filter(celebrities::base_price_minor.ge(min));
    }
    if let Some(max) = query.max_price_minor {
        q = q.filter(celebrities::base_price_minor.le(max));
    }
    if let Some(range) = query.free_during {
        // Statuses as SQL text so the partial GiST index of `bookings_no_overlap` serves it.
        q = q.filter(
            fixed::<Pg, Bool>(
                "NOT EXISTS (SELECT 1 FROM bookings b WHERE b.celebrity_id = celebrities.id \
                 AND b.status IN ('pending', 'confirmed') AND b.during && tstzrange(",
            )
            .bind::<Timestamptz, _>(range.start())
            .sql(", ")
            .bind::<Timestamptz, _>(range.end())
            .sql(
                ", '[)')) AND NOT EXISTS (SELECT 1 FROM blocked_periods p WHERE p.celebrity_id = celebrities.id \
                 AND p.during && tstzrange(",
            )
            .bind::<Timestamptz, _>(range.start())
            .sql(", ")
            .bind::<Timestamptz, _>(range.end())
            .sql(", '[)'))"),
        );
    }
    if let Some(after) = query.after {
        q = keyset(q, query.sort, after)?;
    }
    q = match query.sort {
        CatalogueSort::Name => q.order((celebrities::name.asc(), celebrities::id.asc())),
        CatalogueSort::Price => q.order((celebrities::base_price_minor.asc(), celebrities::id.asc())),
        CatalogueSort::PriceDesc => q.order((celebrities::base_price_minor.desc(), celebrities::id.desc())),
        CatalogueSort::Newest => q.order((celebrities::created_at.desc(), celebrities::id.desc())),
    };
    let limit = i64::from(query.limit.max(1));
    let rows: Vec<ProfileRow> = q.limit(limit + 1).load(conn)?;
    let more = rows.len() as i64 > limit;
    let items = rows.into_iter().take(limit as usize).map(decode_profile).collect::<Result<Vec<_>, _>>()?;
    let next = if more { items.last().map(|p| cursor_after(query.sort, &p.celebrity)) } else { None };
    Ok(CataloguePage { items, next })
}

/// `NotFound` unless the celebrity exists and is not deleted. The row stays share-locked to
/// the end of the transaction, so a concurrent soft delete waits for this write.
fn lock_live(conn: &mut PgConnection, id: CelebrityId) -> Result<(), DbFailure> {
    celebrities::table
        .find(id.as_uuid())
        .filter(celebrities::deleted_at.is_null())
        .select(celebrities::id)
        .for_share()
        .first::<uuid::Uuid>(conn)?;
    Ok(())
}

/// A unique key of a blocked period or image row can only be a reused id or file name, which
/// the server mints: a bug, not a taken slug.
fn unique_is_a_bug(e: diesel::result::Error) -> DbFailure {
    match DbFailure::from(e) {
        DbFailure::Unique => DbFailure::Other("a catalogue row's generated id or file name is taken".into()),
        other => other,
    }
}

#[derive(QueryableByName)]
struct BusyRow {
    #[diesel(sql_type = Timestamptz)]
    starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    ends_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    booked: bool,
}

#[async_trait]
impl CelebrityRepository for PgStore {
    async fn get(&self, id: CelebrityId) -> Result<Celebrity, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = celebrities::table.find(id.as_uuid()).select(CelebrityRow::as_select()).first(conn)?;
            Ok(Celebrity::try_from(row)?)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn profile(&self, id: CelebrityId) -> Result<CelebrityProfile, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let row: ProfileRow = live_profiles().filter(celebrities::id.eq(id.as_uuid())).first(conn)?;
            decode_profile(row)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn profile_by_slug(&self, slug: Slug) -> Result<CelebrityProfile, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let row: ProfileRow = live_profiles().filter(celebrities::slug.eq(slug.as_str().to_owned())).first(conn)?;
            decode_profile(row)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn insert(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError> {
        let row = CelebrityRow::from(&celebrity);
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(celebrities::table).values(&row).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn update(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError> {
        let row = CelebrityRow::from(&celebrity);
        with_connection(&self.pool, move |conn| {
            let updated = diesel::update(celebrities::table.find(row.id).filter(celebrities::deleted_at.is_null()))
                .set((
                    celebrities::slug.eq(&row.slug),
                    celebrities::name.eq(&row.name),
                    celebrities::category.eq(&row.category),
                    celebrities::bio.eq(&row.bio),
                    celebrities::base_price_minor.eq(row.base_price_minor),
                    celebrities::currency.eq(&row.currency),
                    celebrities::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?;
            if updated == 0 { Err(DbFailure::NotFound) } else { Ok(()) }
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn soft_delete(&self, id: CelebrityId, at: DateTime<Utc>) -> Result<(), CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let updated =
                diesel::update(celebrities::table.find(id.as_uuid()).filter(celebrities::deleted_at.is_null()))
                    .set((celebrities::deleted_at.eq(at), celebrities::updated_at.eq(at)))
                    .execute(conn)?;
            if updated == 0 { Err(DbFailure::NotFound) } else { Ok(()) }
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn upsert_category(&self, category: Category) -> Result<(), CelebrityRepoError> {
        let created_at: DateTime<Utc> = Utc::now();
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(categories::table)
                .values((
                    categories::slug.eq(category.slug.as_str()),
                    categories::name.eq(&category.name),
                    categories::created_at.eq(created_at),
                ))
                .on_conflict(categories::slug)
                .do_update()
                .set(categories::name.eq(excluded(categories::name)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn categories(&self) -> Result<Vec<Category>, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows: Vec<CategoryRow> = categories::table
                .select(CategoryRow::as_select())
                .order((categories::name.asc(), categories::slug.asc()))
                .load(conn)?;
            rows.into_iter().map(|r| Category::try_from(r).map_err(DbFailure::from)).collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn search(&self, query: CatalogueQuery) -> Result<CataloguePage, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| search_page(conn, query)).await.map_err(|e| DbFailure::from(e).into())
    }

    async fn insert_blocked_period(&self, period: BlockedPeriod) -> Result<(), CelebrityRepoError> {
        let row = BlockedPeriodRow::from(&period);
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                lock_calendar(conn, row.celebrity_id)?;
                lock_live(conn, period.celebrity_id)?;
                if booked_during(conn, row.celebrity_id, period.during)?
                    || blocked_during(conn, row.celebrity_id, period.during)?
                {
                    return Err(DbFailure::Overlap);
                }
                diesel::insert_into(blocked_periods::table).values(&row).execute(conn).map_err(unique_is_a_bug)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn blocked_periods(
        &self,
        celebrity: CelebrityId,
        range: TimeRange,
    ) -> Result<Vec<BlockedPeriod>, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows: Vec<BlockedPeriodRow> = blocked_periods::table
                .filter(blocked_periods::celebrity_id.eq(celebrity.as_uuid()))
                .filter(
                    fixed::<Pg, Bool>("blocked_periods.during && tstzrange(")
                        .bind::<Timestamptz, _>(range.start())
                        .sql(", ")
                        .bind::<Timestamptz, _>(range.end())
                        .sql(", '[)')"),
                )
                .order((blocked_periods::starts_at.asc(), blocked_periods::id.asc()))
                .select(BlockedPeriodRow::as_select())
                .load(conn)?;
            rows.into_iter().map(|r| BlockedPeriod::try_from(r).map_err(DbFailure::from)).collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn delete_blocked_period(
        &self,
        celebrity: CelebrityId,
        id: BlockedPeriodId,
    ) -> Result<(), CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let deleted = diesel::delete(
                blocked_periods::table.find(id.as_uuid()).filter(blocked_periods::celebrity_id.eq(celebrity.as_uuid())),
            )
            .execute(conn)?;
            if deleted == 0 { Err(DbFailure::NotFound) } else { Ok(()) }
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn busy(&self, celebrity: CelebrityId, range: TimeRange) -> Result<Vec<BusyInterval>, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            // Times and kinds only: no customer, no reason. Neither kind overlaps itself nor the
            // other, so the start alone orders them.
            let rows: Vec<BusyRow> = diesel::sql_query(
                "SELECT starts_at, ends_at, true AS booked FROM bookings \
                 WHERE celebrity_id = $1 AND status IN ('pending', 'confirmed') AND during && tstzrange($2, $3, '[)') \
                 UNION ALL \
                 SELECT starts_at, ends_at, false AS booked FROM blocked_periods \
                 WHERE celebrity_id = $1 AND during && tstzrange($2, $3, '[)') \
                 ORDER BY starts_at, ends_at",
            )
            .bind::<SqlUuid, _>(celebrity.as_uuid())
            .bind::<Timestamptz, _>(range.start())
            .bind::<Timestamptz, _>(range.end())
            .load(conn)?;
            rows.into_iter()
                .map(|r| {
                    let during = TimeRange::new(r.starts_at, r.ends_at)
                        .map_err(|e| crate::errors::corrupt("busy interval", e))?;
                    let kind = if r.booked { BusyKind::Booked } else { BusyKind::Blocked };
                    Ok(BusyInterval { during, kind })
                })
                .collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn insert_image(&self, image: ImageRecord) -> Result<(), CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = ImageRow::try_from(&image).map_err(|e| DbFailure::Other(Box::new(e)))?;
            conn.transaction::<_, DbFailure, _>(|conn| {
                lock_live(conn, image.celebrity_id)?;
                diesel::insert_into(celebrity_images::table).values(&row).execute(conn).map_err(unique_is_a_bug)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}

#[cfg(test)]
mod tests {
    use super::tsquery;

    #[test]
    fn every_word_is_a_quoted_lexeme_and_the_last_a_prefix() {
        assert_eq!(tsquery("Nova la").as_deref(), Some("'Nova' & 'la':*"));
        assert_eq!(tsquery("o'neil & (jazz|x):*").as_deref(), Some("'o' & 'neil' & 'jazz' & 'x':*"));
        assert_eq!(tsquery("日本").as_deref(), Some("'日本':*"));
        assert_eq!(tsquery("&|!:*()'\\ "), None);
        assert_eq!(tsquery(""), None);
    }
}
