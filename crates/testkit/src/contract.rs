//! ONE contract suite for every repository port. Each adapter runs it against its own store
//! (Postgres: a fresh database per test; SQLite: a fresh file per test) with
//! [`repository_contract_tests!`], so both implement the ports identically.

mod accounts;
mod backup;
mod bookings;
mod calendar;
mod catalogue;
mod concurrency;
mod others;
mod relay;
mod sessions;
mod workflow;
mod world;

pub use accounts::*;
pub use backup::*;
pub use bookings::*;
pub use calendar::*;
pub use catalogue::*;
pub use concurrency::*;
pub use headliner_ports::Repositories as Repos;
pub use others::*;
pub use relay::*;
pub use sessions::*;
pub use workflow::*;
pub use world::World;

/// Expands to one `#[tokio::test]` per contract check. `$fixture` is an async fn taking the
/// test's name and returning `Option<impl AsRef<Repos>>` (`None` = skipped, already announced);
/// whatever it returns is dropped at the end of the test (dropping the database or file).
#[macro_export]
macro_rules! repository_contract_tests {
    ($fixture:path) => {
        $crate::repository_contract_tests!(@each $fixture;
            users_round_trip_and_emails_are_unique_ignoring_case,
            talent_and_admin_lists_hold_only_enabled_accounts,
            celebrities_round_trip_and_slugs_are_unique,
            a_booking_is_stored_with_its_audit_row_and_outbox_messages,
            an_authenticated_read_gives_the_callers_credentials_and_the_booking_each_or_none,
            overlapping_active_bookings_are_refused_and_back_to_back_ones_accepted,
            cancelling_a_booking_frees_its_slot,
            a_change_checks_the_version_and_appends_one_audit_row,
            a_change_to_a_missing_booking_is_not_found,
            a_failed_write_leaves_nothing_behind,
            listing_follows_scope_and_filters_and_pages_stably,
            fifty_concurrent_overlapping_requests_store_exactly_one_for_twenty_rounds,
            two_concurrent_changes_of_one_booking_exactly_one_wins,
            templates_are_saved_read_and_reset_with_an_audit_trail,
            outbox_messages_are_listed_by_status_oldest_first,
            claims_take_only_due_unleased_pending_messages_earliest_first_up_to_the_limit,
            a_claimed_message_is_claimed_again_only_once_its_lease_expires,
            stale_leases_change_nothing_and_unknown_messages_are_not_found,
            a_failure_counts_an_attempt_keeps_the_error_and_waits_for_the_backoff,
            a_dead_message_is_listed_and_an_admin_retry_makes_it_claimable_again,
            releasing_claims_makes_them_claimable_at_once_without_counting_an_attempt,
            marking_sent_can_replace_the_payload_and_only_then,
            stats_count_each_status_and_age_the_oldest_due_message,
            detailed_lists_page_by_creation_and_id_without_repeats_or_gaps,
            concurrent_claimers_together_get_every_due_message_exactly_once,
            idempotency_keys_are_claimed_once_completed_and_released,
            registering_stores_the_account_with_its_outbox_atomically_and_emails_are_unique_ignoring_case,
            credentials_are_found_by_email_in_any_case_and_by_id,
            changing_access_raises_the_token_version_and_revokes_sessions_when_disabled_or_role_changes,
            changing_access_refuses_unknown_accounts_and_celebrities_and_changes_nothing,
            users_are_listed_oldest_first_and_page_stably,
            a_live_refresh_token_rotates_once_and_its_successor_rotates_in_turn,
            replaying_a_spent_refresh_token_revokes_its_whole_family,
            an_expired_or_unknown_refresh_token_is_invalid_and_left_as_it_was,
            concurrent_rotations_of_one_token_rotate_once_and_revoke_the_family,
            ending_a_session_revokes_its_family_only_for_its_owner,
            ending_all_sessions_raises_the_token_version_and_revokes_every_token,
            a_reset_token_is_stored_with_its_email_and_redeemed_once_before_it_expires,
            redeeming_a_reset_sets_the_password_raises_the_token_version_and_revokes_sessions,
            redeeming_one_reset_link_voids_the_accounts_other_links,
            concurrent_redemptions_of_one_reset_token_succeed_exactly_once,
            a_revocation_racing_a_rotation_leaves_no_live_successor,
            profiles_are_live_only_and_show_the_latest_image,
            updates_keep_slugs_unique_and_categories_known_and_soft_deletes_hide_profiles,
            categories_are_listed_by_name_and_renamed_by_upsert,
            search_needs_every_word_in_name_or_bio_and_takes_the_last_as_a_prefix,
            hostile_search_text_never_raises_an_error,
            search_filters_by_category_inclusive_price_and_a_free_range,
            every_sort_pages_by_cursor_without_duplicates_or_gaps_while_rows_are_inserted,
            blocked_periods_and_active_bookings_never_overlap_either_way,
            blocked_periods_need_a_live_celebrity_and_are_listed_and_deleted_per_celebrity,
            busy_intervals_are_active_bookings_and_blocked_periods_by_start_without_details,
            a_booking_and_a_blocked_period_racing_for_one_slot_never_both_win,
            workflow_overrides_are_saved_replaced_listed_by_event_and_reset,
            a_workflow_override_is_refused_without_an_existing_author
        );
    };
    (@each $fixture:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let Some(fixture) = $fixture(stringify!($name)).await else { return };
                $crate::contract::$name(::std::convert::AsRef::<$crate::contract::Repos>::as_ref(&fixture)).await;
            }
        )*
    };
}
