//! Celebrity profiles: create, edit, soft delete, read by id or slug, search, categories.

use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::CelebrityId;
use headliner_domain::money::Money;
use headliner_domain::role::Actor;
use headliner_domain::slug::Slug;
use headliner_domain::time::TimeRange;
use headliner_ports::celebrities::{CatalogueCursor, CataloguePage, CatalogueQuery, CatalogueSort, CelebrityProfile};

use super::{CatalogueError, CataloguePorts, FieldProblem, may_manage, problem};

/// Longest name and bio (the schema's limits).
pub const MAX_NAME: usize = 200;
pub const MAX_BIO: usize = 10_000;
/// Default and largest page sizes (API.md).
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;
/// Longest search text; longer input is refused rather than cut.
pub const MAX_QUERY: usize = 200;

/// A new profile as an admin enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub category: String,
    pub bio: String,
    pub base_price: Money,
}

/// A partial update: `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub category: Option<String>,
    pub bio: Option<String>,
    pub base_price: Option<Money>,
}

fn check_name(name: &str, problems: &mut Vec<FieldProblem>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        problems.push(problem("name", format!("must be 1 to {MAX_NAME} characters")));
    }
    name.to_owned()
}

fn check_bio(bio: &str, problems: &mut Vec<FieldProblem>) {
    if bio.chars().count() > MAX_BIO {
        problems.push(problem("bio", format!("may hold at most {MAX_BIO} characters")));
    }
}

fn check_slug(slug: &str, problems: &mut Vec<FieldProblem>) -> Option<Slug> {
    Slug::parse(slug).map_err(|e| problems.push(problem("slug", e.to_string()))).ok()
}

fn check_category(category: &str, problems: &mut Vec<FieldProblem>) -> Option<Slug> {
    Slug::parse(category).map_err(|_| problems.push(problem("category", "no category has this slug"))).ok()
}

/// Admins only. The slug is derived from the name unless given; a taken slug is a conflict.
pub async fn create_profile(
    ports: &CataloguePorts,
    actor: &Actor,
    input: NewProfile,
) -> Result<CelebrityProfile, CatalogueError> {
    if !matches!(actor, Actor::Admin { .. }) {
        return Err(CatalogueError::Forbidden("only admins add celebrities"));
    }
    let mut problems = Vec::new();
    let name = check_name(&input.name, &mut problems);
    check_bio(&input.bio, &mut problems);
    let slug = match &input.slug {
        Some(slug) => check_slug(slug, &mut problems),
        None => Slug::from_name(&name)
            .map_err(|_| problems.push(problem("slug", "cannot be derived from the name; give one")))
            .ok(),
    };
    let category = check_category(&input.category, &mut problems);
    let (Some(slug), Some(category), true) = (slug, category, problems.is_empty()) else {
        return Err(CatalogueError::Invalid(problems));
    };
    let now = ports.clock.now();
    let celebrity = Celebrity {
        id: CelebrityId::from_uuid(ports.ids.new_id()),
        slug,
        name,
        category: category.as_str().to_owned(),
        bio: input.bio,
        base_price: input.base_price,
        deleted: false,
        created_at: now,
        updated_at: now,
    };
    ports.celebrities.insert(celebrity.clone()).await?;
    Ok(CelebrityProfile { celebrity, image: None })
}

/// Admins change anything; the celebrity's own talent account changes name, bio and price
/// (slug and category are the catalogue's structure, so they stay with admins).
pub async fn update_profile(
    ports: &CataloguePorts,
    actor: &Actor,
    id: CelebrityId,
    patch: ProfilePatch,
) -> Result<CelebrityProfile, CatalogueError> {
    if !may_manage(actor, id) {
        return Err(match actor {
            Actor::Talent { .. } => CatalogueError::Forbidden("talent may edit only their own profile"),
            _ => CatalogueError::Forbidden("only admins and the celebrity's talent edit a profile"),
        });
    }
    if matches!(actor, Actor::Talent { .. }) && (patch.slug.is_some() || patch.category.is_some()) {
        return Err(CatalogueError::Forbidden("only admins change a profile's slug or category"));
    }
    let current = ports.celebrities.profile(id).await?;
    let mut celebrity = current.celebrity;
    let mut problems = Vec::new();
    if let Some(name) = &patch.name {
        celebrity.name = check_name(name, &mut problems);
    }
    if let Some(bio) = patch.bio {
        check_bio(&bio, &mut problems);
        celebrity.bio = bio;
    }
    if let Some(slug) = patch.slug.as_deref().and_then(|s| check_slug(s, &mut problems)) {
        celebrity.slug = slug;
    }
    if let Some(category) = patch.category.as_deref().and_then(|c| check_category(c, &mut problems)) {
        celebrity.category = category.as_str().to_owned();
    }
    if let Some(price) = patch.base_price {
        celebrity.base_price = price;
    }
    if !problems.is_empty() {
        return Err(CatalogueError::Invalid(problems));
    }
    celebrity.updated_at = ports.clock.now();
    ports.celebrities.update(celebrity.clone()).await?;
    Ok(CelebrityProfile { celebrity, image: current.image })
}

/// Admins only. The profile leaves the catalogue; its bookings and history stay.
pub async fn delete_profile(ports: &CataloguePorts, actor: &Actor, id: CelebrityId) -> Result<(), CatalogueError> {
    if !matches!(actor, Actor::Admin { .. }) {
        return Err(CatalogueError::Forbidden("only admins remove celebrities"));
    }
    Ok(ports.celebrities.soft_delete(id, ports.clock.now()).await?)
}

/// A live profile by id or slug (one URL position serves both: slugs never look like ids).
pub async fn find_profile(ports: &CataloguePorts, id_or_slug: &str) -> Result<CelebrityProfile, CatalogueError> {
    if let Ok(id) = id_or_slug.parse::<CelebrityId>() {
        return Ok(ports.celebrities.profile(id).await?);
    }
    let slug = Slug::parse(id_or_slug).map_err(|_| CatalogueError::NotFound)?;
    Ok(ports.celebrities.profile_by_slug(slug).await?)
}

/// Every category, by name.
pub async fn categories(ports: &CataloguePorts) -> Result<Vec<Category>, CatalogueError> {
    Ok(ports.celebrities.categories().await?)
}

/// What a catalogue reader may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogueFilters {
    pub text: Option<String>,
    pub category: Option<String>,
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    pub available_from: Option<chrono::DateTime<chrono::Utc>>,
    pub available_to: Option<chrono::DateTime<chrono::Utc>>,
    pub sort: CatalogueSort,
    pub limit: Option<u32>,
    pub after: Option<CatalogueCursor>,
}

/// Checks the filters (every problem at once) and reads one page.
pub async fn search(ports: &CataloguePorts, filters: CatalogueFilters) -> Result<CataloguePage, CatalogueError> {
    let query = catalogue_query(filters)?;
    Ok(ports.celebrities.search(query).await?)
}

/// The repository query for `filters`, or every problem with them.
pub fn catalogue_query(filters: CatalogueFilters) -> Result<CatalogueQuery, CatalogueError> {
    let mut problems = Vec::new();
    let text = filters.text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_QUERY) {
        problems.push(problem("q", format!("may hold at most {MAX_QUERY} characters")));
    }
    let category = filters
        .category
        .as_deref()
        .and_then(|c| Slug::parse(c).map_err(|_| problems.push(problem("category", "is not a category slug"))).ok());
    for (field, value) in [("min_price_minor", filters.min_price_minor), ("max_price_minor", filters.max_price_minor)] {
        if value.is_some_and(|v| v < 0) {
            problems.push(problem(field, "must not be negative"));
        }
    }
    if let (Some(min), Some(max)) = (filters.min_price_minor, filters.max_price_minor)
        && min > max
    {
        problems.push(problem("max_price_minor", "must not be below min_price_minor"));
    }
    let free_during = match (filters.available_from, filters.available_to) {
        (None, None) => None,
        (Some(from), Some(to)) => match TimeRange::new(from, to) {
            Ok(range) if to - from <= chrono::Duration::days(366) => Some(range),
            Ok(_) => {
                problems.push(problem("available_to", "the range may span at most 366 days"));
                None
            }
            Err(_) => {
                problems.push(problem("available_to", "must be after available_from"));
                None
            }
        },
        (Some(_), None) => {
            problems.push(problem("available_to", "is needed with available_from"));
            None
        }
        (None, Some(_)) => {
            problems.push(problem("available_from", "is needed with available_to"));
            None
        }
    };
    let limit = filters.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        problems.push(problem("limit", format!("must be between 1 and {MAX_LIMIT}")));
    }
    let cursor_fits = matches!(
        (&filters.after, filters.sort),
        (None, _)
            | (Some(CatalogueCursor::Name(..)), CatalogueSort::Name)
            | (Some(CatalogueCursor::Price(..)), CatalogueSort::Price | CatalogueSort::PriceDesc)
            | (Some(CatalogueCursor::Created(..)), CatalogueSort::Newest)
    );
    if !cursor_fits {
        problems.push(problem("cursor", "belongs to another sort order"));
    }
    if !problems.is_empty() {
        return Err(CatalogueError::Invalid(problems));
    }
    Ok(CatalogueQuery {
        text,
        category,
        min_price_minor: filters.min_price_minor,
        max_price_minor: filters.max_price_minor,
        free_during,
        sort: filters.sort,
        limit,
        after: filters.after,
    })
}

#[cfg(test)]
mod tests;
