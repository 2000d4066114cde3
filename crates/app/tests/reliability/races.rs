//! Races over HTTP on both stores: 20 rounds of 50 concurrent overlapping booking requests
//! (exactly one winner each), and 100 confirm-against-cancel races (one winner each, and the
//! audit trail counts exactly the winners).

use std::sync::Arc;
use std::time::Instant;

use headliner_testkit::skip::note;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, on_both_stores};

on_both_stores! {
    twenty_rounds_of_fifty_overlapping_requests_have_one_winner_each,
    overlapping_requests_on_postgres => overlapping_requests;
    a_hundred_confirm_cancel_races_have_one_winner_each_and_audit_only_winners,
    confirm_cancel_races_on_postgres => confirm_cancel_races;
}

async fn overlapping_requests(app: &TestApp) {
    let people = app.people("overlap").await;
    let mut customers = Vec::new();
    for i in 0..5 {
        customers.push(app.sign_up(&format!("racer-{i}@example.com")).await);
    }
    let app = Arc::new(app);
    let started = Instant::now();
    for round in 0..20 {
        let tasks = (0..50).map(|i| {
            let customer = customers[i % customers.len()].clone();
            let celebrity = people.celebrity.clone();
            // Different but overlapping ranges: every pair shares at least 18:30–19:00 that day.
            let hours = 1 + (i as i64 % 3);
            let app = app.clone();
            async move { app.book(&customer, &celebrity, 4 + round, hours).await }
        });
        let responses = futures_util::future::join_all(tasks).await;
        let (mut created, mut conflicts) = (0, 0);
        for response in responses {
            match response.status().as_u16() {
                201 => created += 1,
                409 => {
                    assert_problem(response, 409, "booking_conflict").await;
                    conflicts += 1;
                }
                other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
            }
        }
        assert_eq!((created, conflicts), (1, 49), "round {round}");
    }
    let took = started.elapsed();
    let list: Value = app
        .call(Method::GET, "/api/v1/bookings?limit=100", None, Some(&people.admin.access), &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 20, "one booking per round, nothing more stored");
    note(&format!("reliability: 20 rounds x 50 overlapping requests: 20 winners, 980 conflicts, in {took:.1?}"));
}

async fn change(app: &TestApp, id: &str, action: &str, who: &str, body: Option<&Value>) -> u16 {
    let version = [("if-match", "\"1\"")];
    let path = format!("/api/v1/bookings/{id}/{action}");
    app.call(Method::POST, &path, body, Some(who), &version).await.status().as_u16()
}

async fn confirm_cancel_races(app: &TestApp) {
    let people = app.people("race").await;
    let app = Arc::new(app);
    let reason = json!({"reason": "race"});
    let started = Instant::now();
    // Book 100 one-hour slots (one a day), then race on each: both act on version 1, as two
    // people looking at the same page would.
    let mut ids = Vec::new();
    for day in 3..103 {
        let response = app.book(&people.customer, &people.celebrity, day, 1).await;
        assert_eq!(response.status().as_u16(), 201);
        let booking: Value = response.json().await.unwrap();
        ids.push(booking["id"].as_str().unwrap().to_owned());
    }
    let races = ids.iter().map(|id| {
        let (app, people, reason) = (app.clone(), people.clone(), reason.clone());
        let id = id.clone();
        async move {
            let (confirm, cancel) = tokio::join!(
                change(&app, &id, "confirm", &people.talent.access, None),
                change(&app, &id, "cancel", &people.customer.access, Some(&reason)),
            );
            (id, confirm, cancel)
        }
    });
    let outcomes = futures_util::future::join_all(races).await;
    let mut winners = [0, 0];
    let mut audited = 0;
    for (id, confirm, cancel) in outcomes {
        let read: Value = app
            .call(Method::GET, &format!("/api/v1/bookings/{id}"), None, Some(&people.admin.access), &[])
            .await
            .json()
            .await
            .unwrap();
        let events: Value = app
            .call(Method::GET, &format!("/api/v1/bookings/{id}/events"), None, Some(&people.admin.access), &[])
            .await
            .json()
            .await
            .unwrap();
        audited += events["items"].as_array().unwrap().len() - 1;
        match (confirm, cancel) {
            (200, 409 | 412) => {
                winners[0] += 1;
                assert_eq!(read["status"], "confirmed");
            }
            (409 | 412, 200) => {
                winners[1] += 1;
                assert_eq!(read["status"], "cancelled");
            }
            other => panic!("exactly one must win, got {other:?}"),
        }
        assert_eq!(read["version"].as_i64(), Some(2), "one new version");
    }
    let took = started.elapsed();
    assert_eq!(winners[0] + winners[1], 100);
    assert_eq!(audited, 100, "the audit trail holds exactly the winners");
    note(&format!(
        "reliability: 100 confirm-vs-cancel races: {} confirmed, {} cancelled, 100 audited changes, in {took:.1?}",
        winners[0], winners[1]
    ));
}
