//! The catalogue's contract: profiles and their images, edits and soft deletes, categories,
//! full-text search, filters, and keyset paging in every sort.

use std::collections::HashSet;

use chrono::Duration;
use headliner_domain::booking::BookingStatus;
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::{CelebrityId, ImageId};
use headliner_domain::role::Actor;
use headliner_domain::slug::Slug;
use headliner_ports::celebrities::{
    CatalogueCursor, CatalogueQuery, CatalogueSort, CelebrityProfile, CelebrityRepoError, ImageRecord,
};
use headliner_ports::files::StoredFileName;
use uuid::Uuid;

use super::Repos;
use super::world::{World, celebrity, hours, now, usd};

fn new_id() -> CelebrityId {
    CelebrityId::from_uuid(Uuid::new_v4())
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("valid slug")
}

async fn category(repos: &Repos, s: &str, name: &str) {
    repos.celebrities.upsert_category(Category { slug: slug(s), name: name.into() }).await.expect("category stored");
}

/// Stores a live celebrity of `category` and returns it.
async fn add(repos: &Repos, category: &str, slug: &str, name: &str, bio: &str, minor: i64) -> Celebrity {
    let c = Celebrity { category: category.into(), bio: bio.into(), ..celebrity(new_id(), slug, name, minor) };
    repos.celebrities.insert(c.clone()).await.expect("celebrity stored");
    c
}

fn image(celebrity: CelebrityId, name: &str, minutes: i64) -> ImageRecord {
    ImageRecord {
        id: ImageId::from_uuid(Uuid::new_v4()),
        celebrity_id: celebrity,
        file_name: StoredFileName::parse(name).expect("stored file name"),
        width: 800,
        height: 600,
        byte_size: 120_000,
        created_at: now() + Duration::minutes(minutes),
    }
}

fn query() -> CatalogueQuery {
    CatalogueQuery { limit: 100, ..CatalogueQuery::default() }
}

fn text(t: &str) -> CatalogueQuery {
    CatalogueQuery { text: Some(t.into()), ..query() }
}

/// The slugs a query lists, in order (one page, which must be the last).
async fn slugs(repos: &Repos, q: CatalogueQuery) -> Vec<String> {
    let page = repos.celebrities.search(q.clone()).await.unwrap_or_else(|e| panic!("{q:?}: {e:?}"));
    assert_eq!(page.next, None, "{q:?} fits one page");
    page.items.iter().map(|p| p.celebrity.slug.as_str().to_owned()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub async fn profiles_are_live_only_and_show_the_latest_image(repos: &Repos) {
    let w = World::create(repos).await;
    let nova = repos.celebrities.profile(w.celebrity).await.expect("profile");
    assert_eq!((nova.celebrity.name.as_str(), nova.image.as_ref()), ("Nova Lane", None));
    assert_eq!(repos.celebrities.profile_by_slug(slug("nova-lane")).await.expect("by slug"), nova);

    // The latest by creation time wins, whatever the insertion order; ties go to the larger id.
    repos.celebrities.insert_image(image(w.celebrity, "first.jpg", 10)).await.expect("image");
    repos.celebrities.insert_image(image(w.celebrity, "older.png", 5)).await.expect("image");
    let latest = repos.celebrities.profile(w.celebrity).await.expect("profile").image;
    assert_eq!(latest.as_ref().map(StoredFileName::as_str), Some("first.jpg"));
    repos.celebrities.insert_image(image(w.celebrity, "newest.webp", 20)).await.expect("image");
    let by_slug = repos.celebrities.profile_by_slug(slug("nova-lane")).await.expect("by slug");
    assert_eq!(by_slug.image.as_ref().map(StoredFileName::as_str), Some("newest.webp"));
    let listed = repos.celebrities.search(text("nova")).await.expect("search").items;
    assert_eq!(listed.first().and_then(|p| p.image.as_ref()).map(StoredFileName::as_str), Some("newest.webp"));
    let (a, b) = (image(w.celebrity, "tie-a.jpg", 30), image(w.celebrity, "tie-b.jpg", 30));
    let larger = if a.id > b.id { a.file_name.clone() } else { b.file_name.clone() };
    repos.celebrities.insert_image(a).await.expect("image");
    repos.celebrities.insert_image(b).await.expect("image");
    assert_eq!(repos.celebrities.profile(w.celebrity).await.expect("profile").image, Some(larger));
    assert_eq!(repos.celebrities.profile(w.other_celebrity).await.expect("profile").image, None, "per celebrity");

    // Soft-deleted and missing celebrities have no profile and take no image; `get` still reads.
    repos.celebrities.soft_delete(w.other_celebrity, now() + Duration::hours(1)).await.expect("deleted");
    assert!(matches!(repos.celebrities.profile(w.other_celebrity).await, Err(CelebrityRepoError::NotFound)));
    assert!(matches!(repos.celebrities.profile_by_slug(slug("rex-holt")).await, Err(CelebrityRepoError::NotFound)));
    let rex = repos.celebrities.get(w.other_celebrity).await.expect("history stays readable");
    assert!(rex.deleted);
    assert!(matches!(
        repos.celebrities.insert_image(image(w.other_celebrity, "gone.jpg", 1)).await,
        Err(CelebrityRepoError::NotFound)
    ));
    assert!(matches!(
        repos.celebrities.insert_image(image(new_id(), "nobody.jpg", 1)).await,
        Err(CelebrityRepoError::NotFound)
    ));
    assert!(matches!(repos.celebrities.profile(new_id()).await, Err(CelebrityRepoError::NotFound)));
    assert!(matches!(repos.celebrities.profile_by_slug(slug("nobody")).await, Err(CelebrityRepoError::NotFound)));
}

pub async fn updates_keep_slugs_unique_and_categories_known_and_soft_deletes_hide_profiles(repos: &Repos) {
    let w = World::create(repos).await;
    category(repos, "film", "Film").await;
    let nova = repos.celebrities.get(w.celebrity).await.expect("read");
    let later = now() + Duration::hours(2);
    let edited = Celebrity {
        slug: slug("nova-lane-live"),
        name: "Nova Lane Quartet".into(),
        category: "film".into(),
        bio: "Jazz quartet.".into(),
        base_price: usd(123_456),
        updated_at: later,
        // Not stored by `update`:
        created_at: later,
        deleted: true,
        ..nova.clone()
    };
    repos.celebrities.update(edited.clone()).await.expect("updated");
    let stored = repos.celebrities.get(w.celebrity).await.expect("read");
    assert_eq!(stored, Celebrity { created_at: nova.created_at, deleted: false, ..edited.clone() });
    assert_eq!(slugs(repos, text("quartet")).await, ["nova-lane-live"], "the search index follows the edit");
    assert!(slugs(repos, text("performs nova")).await.is_empty(), "the old bio is no longer indexed");

    let taken = Celebrity { slug: slug("rex-holt"), ..stored.clone() };
    assert!(matches!(repos.celebrities.update(taken).await, Err(CelebrityRepoError::SlugTaken)));
    let homeless = Celebrity { category: "polka".into(), ..stored.clone() };
    assert!(matches!(repos.celebrities.update(homeless).await, Err(CelebrityRepoError::UnknownCategory)));
    let new_homeless = Celebrity { id: new_id(), slug: slug("polka-king"), category: "polka".into(), ..stored.clone() };
    assert!(matches!(repos.celebrities.insert(new_homeless).await, Err(CelebrityRepoError::UnknownCategory)));
    let missing = Celebrity { id: new_id(), slug: slug("someone-else"), ..stored.clone() };
    assert!(matches!(repos.celebrities.update(missing).await, Err(CelebrityRepoError::NotFound)));
    assert_eq!(repos.celebrities.get(w.celebrity).await.expect("read"), stored, "refused updates change nothing");

    let at = now() + Duration::hours(3);
    repos.celebrities.soft_delete(w.celebrity, at).await.expect("deleted");
    let deleted = repos.celebrities.get(w.celebrity).await.expect("history stays readable");
    assert_eq!((deleted.deleted, deleted.updated_at, deleted.slug.as_str()), (true, at, "nova-lane-live"));
    assert!(matches!(repos.celebrities.profile(w.celebrity).await, Err(CelebrityRepoError::NotFound)));
    assert!(slugs(repos, text("quartet")).await.is_empty(), "deleted profiles are not searchable");
    assert_eq!(slugs(repos, query()).await, ["rex-holt"], "nor listed");
    assert!(matches!(repos.celebrities.soft_delete(w.celebrity, at).await, Err(CelebrityRepoError::NotFound)));
    assert!(matches!(repos.celebrities.soft_delete(new_id(), at).await, Err(CelebrityRepoError::NotFound)));
    let revived = Celebrity { name: "Back Again".into(), ..stored };
    assert!(matches!(repos.celebrities.update(revived).await, Err(CelebrityRepoError::NotFound)));
}

pub async fn categories_are_listed_by_name_and_renamed_by_upsert(repos: &Repos) {
    World::create(repos).await;
    category(repos, "film", "Film").await;
    category(repos, "comedy", "Comedy").await;
    let names = |cs: Vec<Category>| cs.into_iter().map(|c| (c.slug.as_str().to_owned(), c.name)).collect::<Vec<_>>();
    let listed = names(repos.celebrities.categories().await.expect("categories"));
    assert_eq!(
        listed,
        [("comedy".into(), "Comedy".into()), ("film".into(), "Film".into()), ("music".into(), "Music".into())]
    );
    category(repos, "comedy", "Stand-up").await;
    let listed = names(repos.celebrities.categories().await.expect("categories"));
    assert_eq!(
        listed,
        [("film".into(), "Film".into()), ("music".into(), "Music".into()), ("comedy".into(), "Stand-up".into())]
    );
}

pub async fn search_needs_every_word_in_name_or_bio_and_takes_the_last_as_a_prefix(repos: &Repos) {
    World::create(repos).await;
    add(repos, "music", "ana-jazzman", "Ana Jazzman", "Jazz pianist from Lagos, plays with Nova.", 70_000).await;
    add(repos, "music", "zoe-beyonce", "Zoë Beyoncé", "日本 tour; O'Neil's favourite.", 90_000).await;

    assert_eq!(slugs(repos, text("nova")).await, ["ana-jazzman", "nova-lane"], "name and bio words");
    assert_eq!(slugs(repos, text("NOVA lane")).await, ["nova-lane"], "case-insensitive, every word");
    assert_eq!(slugs(repos, text("lan")).await, ["nova-lane"], "the last word is a prefix");
    assert_eq!(slugs(repos, text("nov lane")).await, Vec::<String>::new(), "only the last word is a prefix");
    assert_eq!(slugs(repos, text("perf")).await, ["nova-lane", "rex-holt"]);
    assert_eq!(slugs(repos, text("pianist lagos")).await, ["ana-jazzman"], "bio words in any order");
    assert_eq!(slugs(repos, text("jazz")).await, ["ana-jazzman"], "a whole word or the prefix of one");
    assert_eq!(slugs(repos, text("nova jazz rex")).await, Vec::<String>::new(), "every word must match");
    assert_eq!(slugs(repos, text("beyoncé")).await, ["zoe-beyonce"], "letters beyond ASCII");
    assert_eq!(slugs(repos, text("zoë")).await, ["zoe-beyonce"], "accented letters");
    assert_eq!(slugs(repos, text("日本")).await, ["zoe-beyonce"]);
    assert_eq!(slugs(repos, text("o'neil")).await, ["zoe-beyonce"], "an apostrophe separates words");
    assert_eq!(slugs(repos, text("  \"nova\"  ")).await, ["ana-jazzman", "nova-lane"], "quotes are not syntax");
    assert_eq!(slugs(repos, text("nova:*")).await, ["ana-jazzman", "nova-lane"]);
    assert_eq!(slugs(repos, text("-nova")).await, ["ana-jazzman", "nova-lane"], "no negation either");
    assert_eq!(
        sorted(slugs(repos, text("")).await),
        ["ana-jazzman", "nova-lane", "rex-holt", "zoe-beyonce"],
        "no words: no text filter"
    );
}

pub async fn hostile_search_text_never_raises_an_error(repos: &Repos) {
    World::create(repos).await;
    let long = "nova ".repeat(500);
    let hostile = [
        "'",
        "\"",
        "''",
        "\"\"",
        "\\",
        "\\'",
        "&|!:*()",
        "nova & | ! lane",
        "nova | rex",
        "!nova",
        "nova &",
        "(nova",
        "nova)",
        "nova <-> lane",
        "nova <2> lane",
        "NEAR(nova lane)",
        "nova NEAR lane",
        "NEAR",
        "AND",
        "OR NOT",
        "nova AND",
        "NOT nova",
        "nova:*",
        "nova:A",
        ":*",
        "*",
        "^nova",
        "+nova",
        "-",
        "name:nova",
        "{name bio}: nova",
        "%_",
        "[]{}",
        "🎤",
        "🎤nova🎤",
        "ा",
        "\u{0301}",
        "e\u{0301}",
        "nova\0lane",
        "\u{200b}nova",
        "ﷺ",
        "Ⅻ",
        "²",
        long.as_str(),
    ];
    for q in hostile {
        let page = repos.celebrities.search(text(q)).await;
        assert!(page.is_ok(), "{q:?}: {page:?}");
    }
}

pub async fn search_filters_by_category_inclusive_price_and_a_free_range(repos: &Repos) {
    let w = World::create(repos).await;
    category(repos, "film", "Film").await;
    add(repos, "film", "fay-reel", "Fay Reel", "Film star.", 75_000).await;

    let in_category = |c: &str| CatalogueQuery { category: Some(slug(c)), ..query() };
    assert_eq!(slugs(repos, in_category("music")).await, ["nova-lane", "rex-holt"]);
    assert_eq!(slugs(repos, in_category("film")).await, ["fay-reel"]);
    assert!(slugs(repos, in_category("comedy")).await.is_empty(), "an unknown category lists nothing");

    let priced = |min: Option<i64>, max: Option<i64>| CatalogueQuery {
        min_price_minor: min,
        max_price_minor: max,
        sort: CatalogueSort::Price,
        ..query()
    };
    assert_eq!(slugs(repos, priced(Some(50_000), Some(50_000))).await, ["rex-holt"], "both bounds inclusive");
    assert_eq!(slugs(repos, priced(Some(50_001), None)).await, ["fay-reel", "nova-lane"]);
    assert_eq!(slugs(repos, priced(None, Some(75_000))).await, ["rex-holt", "fay-reel"]);
    assert_eq!(slugs(repos, priced(Some(75_000), Some(100_000))).await, ["fay-reel", "nova-lane"]);
    assert!(slugs(repos, priced(Some(100_001), None)).await.is_empty());

    // Nova: a pending booking 10-12, a cancelled one 20-22; Rex: a blocked period 30-40.
    let booked = w.booking(w.celebrity, 10, 12);
    repos.bookings.insert(booked, vec![]).await.expect("booked");
    let cancelled = w.booking(w.celebrity, 20, 22);
    let cancel = cancelled
        .booking
        .transition(BookingStatus::Cancelled, &Actor::Admin { user_id: w.admin }, None, now())
        .expect("allowed");
    repos.bookings.insert(cancelled, vec![]).await.expect("booked");
    repos.bookings.apply_change(cancel, vec![]).await.expect("cancelled");
    let period = super::calendar::blocked(w.other_celebrity, 30, 40);
    repos.celebrities.insert_blocked_period(period).await.expect("blocked");

    let free = |from: i64, to: i64| CatalogueQuery { free_during: Some(hours(from, to)), ..query() };
    assert_eq!(slugs(repos, free(11, 13)).await, ["fay-reel", "rex-holt"], "a booking makes it busy");
    assert_eq!(slugs(repos, free(12, 13)).await, ["fay-reel", "nova-lane", "rex-holt"], "touching is free");
    assert_eq!(slugs(repos, free(8, 10)).await, ["fay-reel", "nova-lane", "rex-holt"], "touching is free");
    assert_eq!(slugs(repos, free(20, 22)).await, ["fay-reel", "nova-lane", "rex-holt"], "cancelled frees");
    assert_eq!(slugs(repos, free(39, 41)).await, ["fay-reel", "nova-lane"], "a blocked period makes it busy");
    assert_eq!(slugs(repos, free(0, 50)).await, ["fay-reel"]);

    let everything = CatalogueQuery {
        text: Some("performs".into()),
        category: Some(slug("music")),
        min_price_minor: Some(10_000),
        max_price_minor: Some(200_000),
        free_during: Some(hours(11, 13)),
        ..query()
    };
    assert_eq!(slugs(repos, everything).await, ["rex-holt"], "filters combine");
}

/// The sort key as the cursor of that sort carries it.
fn key(sort: CatalogueSort, c: &Celebrity) -> CatalogueCursor {
    match sort {
        CatalogueSort::Name => CatalogueCursor::Name(c.name.clone(), c.id),
        CatalogueSort::Price | CatalogueSort::PriceDesc => CatalogueCursor::Price(c.base_price.amount_minor, c.id),
        CatalogueSort::Newest => CatalogueCursor::Created(c.created_at, c.id),
    }
}

/// Whether `a` comes strictly before `b` in `sort` (names are compared by the store's own
/// listing, since collations differ; see the caller).
fn before(sort: CatalogueSort, a: &Celebrity, b: &Celebrity) -> Option<bool> {
    match sort {
        CatalogueSort::Name => None,
        CatalogueSort::Price => Some((a.base_price.amount_minor, a.id) < (b.base_price.amount_minor, b.id)),
        CatalogueSort::PriceDesc => Some((a.base_price.amount_minor, a.id) > (b.base_price.amount_minor, b.id)),
        CatalogueSort::Newest => Some((a.created_at, a.id) > (b.created_at, b.id)),
    }
}

/// A row that, inserted while a walk in `sort` is under way, sorts before every row there is
/// (`first`) or after every row there is (`!first`); `k` grows with each insertion.
fn newcomer(sort: CatalogueSort, category: &str, first: bool, k: i64) -> Celebrity {
    let (name, minor, days) = match (sort, first) {
        (CatalogueSort::Name, true) => (format!("Aaron First {k:04}"), 20_000, 0),
        (CatalogueSort::Name, false) => (format!("Zed Last {k:04}"), 20_000, 0),
        (CatalogueSort::Price, true) => ("Newcomer".to_owned(), 0, 0),
        (CatalogueSort::Price, false) => ("Newcomer".to_owned(), 1_000_000 + k, 0),
        (CatalogueSort::PriceDesc, true) => ("Newcomer".to_owned(), 1_000_000 + k, 0),
        (CatalogueSort::PriceDesc, false) => ("Newcomer".to_owned(), 1_000 - k, 0),
        (CatalogueSort::Newest, true) => ("Newcomer".to_owned(), 20_000, 1_000 + k),
        (CatalogueSort::Newest, false) => ("Newcomer".to_owned(), 20_000, -1_000 - k),
    };
    let at = now() + Duration::days(days);
    Celebrity {
        category: category.into(),
        created_at: at,
        updated_at: at,
        ..celebrity(new_id(), &format!("{category}-newcomer-{k}"), &name, minor)
    }
}

pub async fn every_sort_pages_by_cursor_without_duplicates_or_gaps_while_rows_are_inserted(repos: &Repos) {
    World::create(repos).await;
    let mut k = 0_i64;
    for sort in [CatalogueSort::Name, CatalogueSort::Price, CatalogueSort::PriceDesc, CatalogueSort::Newest] {
        // Each sort walks its own category, so the rows of one walk do not disturb the next.
        let cat = format!("{sort:?}").to_lowercase();
        category(repos, &cat, &cat).await;
        // Ties in every key, so the id decides between them.
        let names = ["Ava Stone", "Ava Stone", "Bo Reed", "Cy Vale", "Cy Vale", "Dee Fox", "Eli Moon", "Eli Moon"];
        let mut originals = Vec::new();
        for i in 0..13_i64 {
            let at = now() + Duration::seconds(i / 3);
            let c = Celebrity {
                category: cat.clone(),
                created_at: at,
                updated_at: at,
                ..celebrity(new_id(), &format!("{cat}-{i}"), names[(i % 8) as usize], 10_000 * (1 + i % 4))
            };
            repos.celebrities.insert(c.clone()).await.expect("stored");
            originals.push(c.id);
        }
        let base = CatalogueQuery { category: Some(slug(&cat)), sort, ..query() };

        let (mut firsts, mut lasts) = (Vec::new(), Vec::new());
        let mut walked: Vec<CelebrityProfile> = Vec::new();
        let mut after = None;
        loop {
            let page = repos
                .celebrities
                .search(CatalogueQuery { limit: 4, after: after.clone(), ..base.clone() })
                .await
                .expect("page");
            assert!(page.items.len() <= 4);
            if let (Some(next), Some(last)) = (&page.next, page.items.last()) {
                assert_eq!(next, &key(sort, &last.celebrity), "{sort:?}: the cursor is the last row's key");
            }
            walked.extend(page.items);
            let Some(next) = page.next else { break };
            after = Some(next);
            // Concurrent writers between two page reads: one row before the cursor, one after.
            for first in [true, false] {
                k += 1;
                let c = newcomer(sort, &cat, first, k);
                repos.celebrities.insert(c.clone()).await.expect("stored");
                if first { firsts.push(c.id) } else { lasts.push(c.id) }
            }
        }

        let ids: Vec<CelebrityId> = walked.iter().map(|p| p.celebrity.id).collect();
        let unique: HashSet<CelebrityId> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{sort:?}: no row twice");
        assert!(originals.iter().all(|id| unique.contains(id)), "{sort:?}: no row that was there all along is skipped");
        assert!(lasts.iter().all(|id| unique.contains(id)), "{sort:?}: rows inserted after the cursor are reached");
        assert!(!firsts.iter().any(|id| unique.contains(id)), "{sort:?}: rows inserted before the cursor are not");
        assert!(lasts.len() >= 3, "{sort:?}: several pages");
        for pair in walked.windows(2) {
            if let Some(ordered) = before(sort, &pair[0].celebrity, &pair[1].celebrity) {
                assert!(ordered, "{sort:?}: pages follow the sort");
            }
        }
        // The walk is in the one-shot listing's order (this checks names in the store's own
        // collation too).
        let full = repos.celebrities.search(CatalogueQuery { limit: 1000, ..base.clone() }).await.expect("all");
        assert_eq!(full.next, None);
        let listed: Vec<CelebrityId> =
            full.items.iter().map(|p| p.celebrity.id).filter(|id| unique.contains(id)).collect();
        assert_eq!(listed, ids, "{sort:?}: the walk is in listing order");
        assert_eq!(full.items.len(), ids.len() + firsts.len(), "{sort:?}: the listing holds everything");
    }

    // `next` only when a further row exists.
    let one_category = CatalogueQuery { category: Some(slug("price")), ..query() };
    let total = repos.celebrities.search(CatalogueQuery { limit: 1000, ..one_category.clone() }).await.expect("all");
    let n = u32::try_from(total.items.len()).expect("small");
    let exact = repos.celebrities.search(CatalogueQuery { limit: n, ..one_category.clone() }).await.expect("page");
    assert_eq!((exact.items.len(), exact.next), (total.items.len(), None), "exactly full: no next page");
    let short = repos.celebrities.search(CatalogueQuery { limit: n - 1, ..one_category.clone() }).await.expect("page");
    assert!(short.next.is_some(), "one row left: a next page");
    let last = repos
        .celebrities
        .search(CatalogueQuery { limit: 5, after: short.next, ..one_category.clone() })
        .await
        .expect("page");
    assert_eq!((last.items.len(), last.next), (1, None));
}
