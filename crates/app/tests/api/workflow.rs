//! Workflow rules over HTTP on both stores: the built-in rules listed, a disabled rule writing
//! no message while other events still do, a retargeted rule reaching the admins, invalid
//! rules refused by field with nothing changed, reset, and the account emails' rules. Test
//! servers run without the relay, so every message a change wrote waits in the outbox.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, People, TestApp, assert_problem, on_both_stores};

on_both_stores! {
    the_rules_list_every_event_with_its_built_in_rule,
    rules_listed_on_postgres => listed;
    a_disabled_rule_writes_no_message_while_other_events_still_do,
    disabled_rule_on_postgres => disabled_rule;
    a_rule_retargeted_to_the_admins_sends_them_the_email_instead,
    retargeted_rule_on_postgres => retargeted_rule;
    invalid_rules_are_refused_by_field_and_change_nothing,
    invalid_rules_on_postgres => invalid_rules;
    a_reset_brings_back_the_built_in_rule_for_the_next_change,
    reset_rule_on_postgres => reset_rule;
    welcome_and_reset_emails_follow_their_rules,
    account_rules_on_postgres => account_rules;
}

const RULES: &str = "/api/v1/admin/workflow-rules";

async fn rules(app: &TestApp, admin: &Account) -> Value {
    let response = app.call(Method::GET, RULES, None, Some(&admin.access), &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

fn rule<'a>(list: &'a Value, event: &str) -> &'a Value {
    list["items"].as_array().unwrap().iter().find(|r| r["event"] == event).unwrap()
}

async fn put_rule(app: &TestApp, admin: &Account, event: &str, body: Value) -> reqwest::Response {
    app.call(Method::PUT, &format!("{RULES}/{event}"), Some(&body), Some(&admin.access), &[]).await
}

async fn reset(app: &TestApp, admin: &Account, event: &str) -> Value {
    let response = app.call(Method::DELETE, &format!("{RULES}/{event}"), None, Some(&admin.access), &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}

/// `(template, to)` of every pending email in the outbox, through the admin API.
async fn pending_emails(app: &TestApp, admin: &Account) -> Vec<(String, String)> {
    let path = "/api/v1/admin/outbox?status=pending&limit=100";
    let page: Value = app.call(Method::GET, path, None, Some(&admin.access), &[]).await.json().await.unwrap();
    assert!(page["next_cursor"].is_null(), "one page holds them all: {page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "email")
        .map(|m| (m["template"].as_str().unwrap().to_owned(), m["to"].as_str().unwrap().to_owned()))
        .collect()
}

fn emails_of(all: &[(String, String)], template: &str) -> Vec<String> {
    let mut to: Vec<String> = all.iter().filter(|(t, _)| t == template).map(|(_, to)| to.clone()).collect();
    to.sort();
    to
}

/// Books the celebrity a week ahead as the customer; the booking's id.
async fn book(app: &TestApp, people: &People, days_ahead: i64) -> String {
    let response = app.book(&people.customer, &people.celebrity, days_ahead, 2).await;
    assert_eq!(response.status().as_u16(), 201);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn change(app: &TestApp, id: &str, action: &str, who: &Account) {
    let path = format!("/api/v1/bookings/{id}/{action}");
    let response = app.call(Method::POST, &path, None, Some(&who.access), &[]).await;
    assert_eq!(response.status().as_u16(), 200, "{action}");
}

async fn listed(app: &TestApp) {
    let people = app.people("list").await;
    let list = rules(app, &people.admin).await;
    let items = list["items"].as_array().unwrap();
    let events: Vec<&str> = items.iter().map(|r| r["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        [
            "booking_requested",
            "booking_confirmed",
            "booking_rejected",
            "booking_cancelled",
            "booking_completed",
            "payment_received",
            "refund_issued",
            "password_reset",
            "account_registered"
        ]
    );
    assert!(list["next_cursor"].is_null());
    for item in items {
        assert_eq!((&item["enabled"], &item["is_default"]), (&json!(true), &json!(true)), "{item}");
        assert!(item["updated_at"].is_null() && item["updated_by"].is_null(), "{item}");
    }
    let requested = rule(&list, "booking_requested");
    assert_eq!(
        (&requested["template"], &requested["recipients"]),
        (&json!("booking_requested"), &json!(["customer", "talent"]))
    );
    assert_eq!(rule(&list, "booking_confirmed")["recipients"], json!(["customer"]));
    let registered = rule(&list, "account_registered");
    assert_eq!((&registered["template"], &registered["recipients"]), (&json!("welcome"), &json!(["account_holder"])));
    assert_eq!(rule(&list, "password_reset")["recipients"], json!(["account_holder"]));
}

async fn disabled_rule(app: &TestApp) {
    let people = app.people("off").await;
    let off = json!({"template": "booking_confirmed", "recipients": ["customer"], "enabled": false});
    let saved = put_rule(app, &people.admin, "booking_confirmed", off).await;
    assert_eq!(saved.status().as_u16(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!((&saved["enabled"], &saved["is_default"]), (&json!(false), &json!(false)), "{saved}");
    assert_eq!(saved["updated_by"], json!(people.admin.id));
    assert!(saved["updated_at"].is_string(), "{saved}");

    let id = book(app, &people, 7).await;
    change(app, &id, "confirm", &people.talent).await;
    let emails = pending_emails(app, &people.admin).await;
    assert!(emails_of(&emails, "booking_confirmed").is_empty(), "{emails:?}");
    assert_eq!(emails_of(&emails, "booking_requested"), ["customer-off@example.com", "talent-off@example.com"]);
    assert_eq!(emails_of(&emails, "payment_received"), ["customer-off@example.com"], "its own rule is untouched");
    assert_eq!(rule(&rules(app, &people.admin).await, "booking_confirmed")["enabled"], false);
}

async fn retargeted_rule(app: &TestApp) {
    let people = app.people("admins").await;
    let to_admins = json!({"template": "booking_requested", "recipients": ["admins"], "enabled": true});
    assert_eq!(put_rule(app, &people.admin, "booking_requested", to_admins).await.status().as_u16(), 200);
    book(app, &people, 7).await;
    let emails = pending_emails(app, &people.admin).await;
    assert_eq!(emails_of(&emails, "booking_requested"), ["admin-admins@example.com"], "{emails:?}");
}

async fn invalid_rules(app: &TestApp) {
    let people = app.people("bad").await;
    let before = rules(app, &people.admin).await;

    let welcome = json!({"template": "welcome", "recipients": ["customer"], "enabled": true});
    let problem =
        assert_problem(put_rule(app, &people.admin, "booking_confirmed", welcome).await, 422, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["field"], "template", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("booking_reminder"), "{problem}");

    let leak = json!({"template": "password_reset", "recipients": ["account_holder", "admins"], "enabled": true});
    let problem =
        assert_problem(put_rule(app, &people.admin, "password_reset", leak).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "recipients", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("account holder"), "{problem}");

    let nobody = json!({"template": "booking_confirmed", "recipients": [], "enabled": true});
    let problem =
        assert_problem(put_rule(app, &people.admin, "booking_confirmed", nobody).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "recipients", "{problem}");

    let unknown = json!({"template": "nope", "recipients": ["customer", "everyone"], "enabled": true});
    let problem =
        assert_problem(put_rule(app, &people.admin, "booking_confirmed", unknown).await, 422, "validation_failed")
            .await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["template", "recipients[1]"], "{problem}");

    let valid = json!({"template": "booking_confirmed", "recipients": ["customer"], "enabled": true});
    assert_problem(put_rule(app, &people.admin, "booking_exploded", valid).await, 404, "not_found").await;
    let missing = json!({"template": "booking_confirmed", "recipients": ["customer"]});
    assert_problem(put_rule(app, &people.admin, "booking_confirmed", missing).await, 400, "bad_request").await;
    let extra = json!({"template": "booking_confirmed", "recipients": ["customer"], "enabled": true, "to": "x"});
    assert_problem(put_rule(app, &people.admin, "booking_confirmed", extra).await, 400, "bad_request").await;
    let not_json = app
        .request(Method::PUT, &format!("{RULES}/booking_confirmed"))
        .bearer_auth(&people.admin.access)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400, "bad_request").await;
    let delete_unknown =
        app.call(Method::DELETE, &format!("{RULES}/nope"), None, Some(&people.admin.access), &[]).await;
    assert_problem(delete_unknown, 404, "not_found").await;
    assert_problem(
        app.call(Method::GET, &format!("{RULES}/booking_confirmed"), None, Some(&people.admin.access), &[]).await,
        405,
        "method_not_allowed",
    )
    .await;

    assert_eq!(rules(app, &people.admin).await, before, "nothing changed");
}

async fn reset_rule(app: &TestApp) {
    let people = app.people("reset").await;
    let changed = json!({"template": "booking_reminder", "recipients": ["admins"], "enabled": true});
    assert_eq!(put_rule(app, &people.admin, "booking_cancelled", changed).await.status().as_u16(), 200);
    assert_eq!(rule(&rules(app, &people.admin).await, "booking_cancelled")["template"], "booking_reminder");

    let back = reset(app, &people.admin, "booking_cancelled").await;
    assert_eq!(
        back,
        json!({"event": "booking_cancelled", "template": "booking_cancelled", "recipients": ["customer", "talent"],
            "enabled": true, "is_default": true, "updated_at": null, "updated_by": null})
    );
    assert_eq!(rule(&rules(app, &people.admin).await, "booking_cancelled"), &back);
    assert_eq!(reset(app, &people.admin, "booking_cancelled").await, back, "resetting twice is harmless");

    let id = book(app, &people, 9).await;
    change(app, &id, "cancel", &people.customer).await;
    let emails = pending_emails(app, &people.admin).await;
    assert_eq!(emails_of(&emails, "booking_cancelled"), ["customer-reset@example.com", "talent-reset@example.com"]);
    assert!(emails_of(&emails, "booking_reminder").is_empty(), "{emails:?}");
}

async fn account_rules(app: &TestApp) {
    let people = app.people("acct").await;
    let admin = &people.admin;
    let off = |template: &str| json!({"template": template, "recipients": [], "enabled": false});
    assert_eq!(put_rule(app, admin, "account_registered", off("welcome")).await.status().as_u16(), 200);
    assert_eq!(put_rule(app, admin, "password_reset", off("password_reset")).await.status().as_u16(), 200);

    app.sign_up("quiet@example.com").await;
    assert_eq!(app.request_password_reset("quiet@example.com").await.status().as_u16(), 202, "the same answer");
    assert!(app.reset_emails().await.is_empty(), "no reset link was made");
    let emails = pending_emails(app, admin).await;
    assert!(!emails.iter().any(|(_, to)| to == "quiet@example.com"), "{emails:?}");

    reset(app, admin, "account_registered").await;
    reset(app, admin, "password_reset").await;
    app.sign_up("loud@example.com").await;
    assert_eq!(app.request_password_reset("loud@example.com").await.status().as_u16(), 202);
    let emails = pending_emails(app, admin).await;
    assert_eq!(emails_of(&emails, "welcome").iter().filter(|to| *to == "loud@example.com").count(), 1);
    let resets: Vec<String> = app.reset_emails().await.into_iter().map(|(to, _)| to).collect();
    assert_eq!(resets, ["loud@example.com"]);
}
