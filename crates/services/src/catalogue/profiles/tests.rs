use headliner_ports::celebrities::{CatalogueCursor, CelebrityRepoError};
use headliner_ports::files::{CleanImage, FileStoreError, ImageFormat, ImageRejection};

use super::*;
use crate::catalogue::images::upload_image;
use crate::catalogue::testing::*;

fn new_profile() -> NewProfile {
    NewProfile {
        name: "  Zoë Keys ".into(),
        slug: None,
        category: "music".into(),
        bio: "Piano.".into(),
        base_price: usd(50_000),
    }
}

#[tokio::test]
async fn only_admins_create_and_nothing_is_stored_for_anyone_else() {
    for actor in [customer(), own_talent()] {
        let ports = Mocks::new().ports();
        let refused = create_profile(&ports, &actor, new_profile()).await;
        assert!(matches!(refused, Err(CatalogueError::Forbidden(_))), "{actor:?}");
    }
}

#[tokio::test]
async fn create_trims_the_name_and_derives_the_slug() {
    let mut mocks = Mocks::new();
    mocks
        .celebrities
        .expect_insert()
        .withf(|c| c.name == "Zoë Keys" && c.slug.as_str() == "zoe-keys")
        .returning(|_| Ok(()));
    let created = create_profile(&mocks.ports(), &admin(), new_profile()).await.unwrap();
    assert_eq!(created.celebrity.slug.as_str(), "zoe-keys");
    assert!(created.image.is_none());
}

#[tokio::test]
async fn create_lists_every_invalid_field_at_once() {
    let input = NewProfile {
        name: " ".into(),
        slug: Some("Not A Slug".into()),
        category: "Bad Category".into(),
        bio: "x".repeat(MAX_BIO + 1),
        base_price: usd(1),
    };
    let Err(CatalogueError::Invalid(problems)) = create_profile(&Mocks::new().ports(), &admin(), input).await else {
        panic!("expected field problems");
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "bio", "slug", "category"]);
}

#[tokio::test]
async fn talent_edit_their_own_name_bio_and_price_but_not_slug_category_or_others() {
    let refused = update_profile(&Mocks::new().ports(), &other_talent(), celebrity_id(), ProfilePatch::default()).await;
    assert!(matches!(refused, Err(CatalogueError::Forbidden(_))));
    let slug = ProfilePatch { slug: Some("new-slug".into()), ..ProfilePatch::default() };
    let refused = update_profile(&Mocks::new().ports(), &own_talent(), celebrity_id(), slug).await;
    assert!(matches!(refused, Err(CatalogueError::Forbidden(_))));

    let mut mocks = Mocks::new();
    mocks.celebrities.expect_profile().returning(|_| Ok(profile()));
    mocks
        .celebrities
        .expect_update()
        .withf(|c| c.bio == "New bio" && c.base_price == usd(70_000) && c.slug.as_str() == "ada-stage")
        .returning(|_| Ok(()));
    let patch = ProfilePatch { bio: Some("New bio".into()), base_price: Some(usd(70_000)), ..ProfilePatch::default() };
    let updated = update_profile(&mocks.ports(), &own_talent(), celebrity_id(), patch).await.unwrap();
    assert_eq!(updated.celebrity.bio, "New bio");
}

#[tokio::test]
async fn an_unknown_category_is_a_field_problem_not_a_failure() {
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_insert().returning(|_| Err(CelebrityRepoError::UnknownCategory));
    let Err(CatalogueError::Invalid(problems)) = create_profile(&mocks.ports(), &admin(), new_profile()).await else {
        panic!("expected a field problem");
    };
    assert_eq!(problems[0].field, "category");
}

#[test]
fn filters_are_checked_all_at_once() {
    let filters = CatalogueFilters {
        text: Some("x".repeat(MAX_QUERY + 1)),
        min_price_minor: Some(500),
        max_price_minor: Some(100),
        available_from: Some(now()),
        limit: Some(0),
        sort: CatalogueSort::Price,
        after: Some(CatalogueCursor::Name("a".into(), celebrity_id())),
        ..CatalogueFilters::default()
    };
    let Err(CatalogueError::Invalid(problems)) = catalogue_query(filters) else { panic!("expected problems") };
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["q", "max_price_minor", "available_to", "limit", "cursor"]);
}

#[test]
fn blank_search_text_means_no_search() {
    let filters = CatalogueFilters { text: Some("   ".into()), ..CatalogueFilters::default() };
    let query = catalogue_query(filters).unwrap();
    assert_eq!(query.text, None);
    assert_eq!(query.limit, DEFAULT_LIMIT);
}

fn clean_png() -> CleanImage {
    CleanImage { format: ImageFormat::Png, bytes: vec![1, 2, 3], width: 10, height: 20 }
}

#[tokio::test]
async fn a_rejected_image_stores_nothing() {
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_profile().returning(|_| Ok(profile()));
    mocks.images.expect_clean().returning(|_, _| Err(ImageRejection::UnsupportedType));
    let refused = upload_image(&mocks.ports(), &admin(), celebrity_id(), b"<svg/>".to_vec()).await;
    assert!(matches!(refused, Err(CatalogueError::Image(ImageRejection::UnsupportedType))));
}

#[tokio::test]
async fn the_file_is_removed_again_when_its_record_cannot_be_stored() {
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_profile().returning(|_| Ok(profile()));
    mocks.images.expect_clean().returning(|_, _| Ok(clean_png()));
    mocks.files.expect_put().withf(|name, _| name.as_str().ends_with(".png")).times(1).returning(|_, _| Ok(()));
    mocks.celebrities.expect_insert_image().returning(|_| Err(CelebrityRepoError::Unavailable("down".into())));
    mocks.files.expect_delete().times(1).returning(|_| Err(FileStoreError::NotFound));
    let failed = upload_image(&mocks.ports(), &own_talent(), celebrity_id(), vec![0; 4]).await;
    assert!(matches!(failed, Err(CatalogueError::Unavailable(_))));
}

#[tokio::test]
async fn customers_and_other_talent_may_not_upload() {
    for actor in [customer(), other_talent()] {
        let refused = upload_image(&Mocks::new().ports(), &actor, celebrity_id(), vec![0; 4]).await;
        assert!(matches!(refused, Err(CatalogueError::Forbidden(_))), "{actor:?}");
    }
}
