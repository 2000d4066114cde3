//! Backups with the catalogue and a workflow rule in them: a restore into an empty store gives
//! the same rows, and what the store derives from them (the search index, the calendar rules)
//! holds again.
//!
//! Not part of [`repository_contract_tests!`](crate::repository_contract_tests): it needs two
//! stores. Each adapter calls it from its `tests/backup.rs`.

use headliner_domain::celebrity::Celebrity;
use headliner_domain::ids::{CelebrityId, ImageId};
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::backup::BackupStore;
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::{CatalogueQuery, CelebrityRepoError, ImageRecord};
use headliner_ports::files::StoredFileName;
use headliner_ports::workflow::StoredRule;
use uuid::Uuid;

use super::Repos;
use super::calendar::blocked;
use super::world::{World, celebrity, hours, now};

fn matching(text: &str) -> CatalogueQuery {
    CatalogueQuery { text: Some(text.into()), limit: 100, ..CatalogueQuery::default() }
}

async fn names(repos: &Repos, text: &str) -> Vec<String> {
    let page = repos.celebrities.search(matching(text)).await.expect("search");
    page.items.into_iter().map(|p| p.celebrity.name).collect()
}

/// Fills `source`, backs it up, restores into the empty `target` and checks the result.
pub async fn a_restored_catalogue_is_searchable_and_keeps_its_calendar_rules(
    source: &Repos,
    source_store: &dyn BackupStore,
    target: &Repos,
    target_store: &dyn BackupStore,
) {
    let w = World::create(source).await;
    let ana = Celebrity {
        bio: "Jazz pianist from Lagos.".into(),
        ..celebrity(CelebrityId::from_uuid(Uuid::new_v4()), "ana-keys", "Ana Keys", 70_000)
    };
    source.celebrities.insert(ana.clone()).await.expect("stored");
    let image = ImageRecord {
        id: ImageId::from_uuid(Uuid::new_v4()),
        celebrity_id: ana.id,
        file_name: StoredFileName::parse("ana-keys-1.webp").expect("file name"),
        width: 640,
        height: 480,
        byte_size: 5_000,
        created_at: now(),
    };
    source.celebrities.insert_image(image).await.expect("image");
    source.celebrities.insert_blocked_period(blocked(w.celebrity, 20, 30)).await.expect("blocked");
    source.bookings.insert(w.booking(w.celebrity, 10, 12), vec![]).await.expect("booked");
    source.celebrities.soft_delete(w.other_celebrity, now()).await.expect("deleted");
    let rule =
        WorkflowRule::new(WorkflowEvent::BookingConfirmed, TemplateKey::BookingReminder, [Recipient::Admins], false)
            .expect("a valid rule");
    source.workflow.save(StoredRule { rule, updated_at: now(), updated_by: w.admin }).await.expect("rule saved");

    let tables = source_store.export_all().await.expect("exported");
    target_store.import_all(tables.clone()).await.expect("restored");
    assert_eq!(target_store.export_all().await.expect("exported again"), tables, "the same rows");
    assert_eq!(
        target.workflow.overrides().await.expect("rules"),
        source.workflow.overrides().await.expect("rules"),
        "workflow overrides (JSON recipients, a boolean) survive the round trip"
    );

    // Search works on the restored rows (Postgres recomputes `search`; SQLite's FTS5 index is
    // filled by its triggers as the rows are inserted), soft deletes included.
    assert_eq!(names(target, "pianist lag").await, ["Ana Keys"]);
    assert_eq!(names(target, "performs").await, ["Nova Lane"], "the deleted Rex Holt stays hidden");
    let profile = target.celebrities.profile(ana.id).await.expect("profile");
    assert_eq!(profile.image.as_ref().map(StoredFileName::as_str), Some("ana-keys-1.webp"));
    assert_eq!(
        target.celebrities.busy(w.celebrity, hours(0, 100)).await.expect("busy"),
        source.celebrities.busy(w.celebrity, hours(0, 100)).await.expect("busy")
    );

    // The calendar rules hold against restored rows, both ways.
    assert!(matches!(
        target.celebrities.insert_blocked_period(blocked(w.celebrity, 11, 13)).await,
        Err(CelebrityRepoError::Overlap)
    ));
    assert!(matches!(
        target.bookings.insert(w.booking(w.celebrity, 25, 26), vec![]).await,
        Err(BookingRepoError::Overlap)
    ));

    // Later edits keep the index in step.
    let renamed = Celebrity { name: "Ana Ivories".into(), updated_at: now(), ..ana };
    target.celebrities.update(renamed).await.expect("updated");
    assert_eq!(names(target, "ivories").await, ["Ana Ivories"]);
    assert!(names(target, "keys").await.is_empty());
}
