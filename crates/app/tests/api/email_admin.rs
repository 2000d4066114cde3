//! The admin email API on both stores: templates (list with variables, get, validated put,
//! preview, reset) and the outbox (by status, retry of dead messages).

use headliner_domain::role::Role;
use headliner_ports::outbox::OutboxStatus;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, on_both_stores};

on_both_stores! {
    admins_read_change_preview_and_reset_templates_and_bad_templates_are_refused_by_name,
    templates_on_postgres => templates;
    admins_see_the_outbox_by_status_and_send_a_dead_message_again,
    outbox_on_postgres => outbox;
}

async fn templates(app: &TestApp) {
    let admin = app.account_with_role("admin@example.com", Role::Admin).await;
    let call = |method: Method, path: &str, body: Option<Value>| {
        let token = admin.access.clone();
        let path = path.to_owned();
        async move { app.call(method, &path, body.as_ref(), Some(&token), &[]).await }
    };
    let list: Value = call(Method::GET, "/api/v1/admin/email-templates", None).await.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    let welcome = items.iter().find(|t| t["key"] == "welcome").unwrap();
    assert!(welcome["variables"].as_array().unwrap().iter().any(|v| v["name"] == "recipient_name"), "{welcome}");

    let path = "/api/v1/admin/email-templates/welcome";
    let current: Value = call(Method::GET, path, None).await.json().await.unwrap();
    assert_eq!(current["is_default"], true);
    let bad = json!({"subject": "Hi {{nope}}", "html": "<p>{{#each}}</p>", "text": "x"});
    let problem = assert_problem(call(Method::PUT, path, Some(bad)).await, 422, "validation_failed").await;
    let text = problem["errors"].to_string();
    assert!(text.contains("subject") && text.contains("nope"), "{text}");
    let still: Value = call(Method::GET, path, None).await.json().await.unwrap();
    assert_eq!(still["is_default"], true, "nothing stored");

    let good = json!({"subject": "Welcome, {{recipient_name}}!", "html": "<p>Hi {{recipient_name}}</p>", "text": "Hi {{recipient_name}}"});
    let saved = call(Method::PUT, path, Some(good)).await;
    assert_eq!(saved.status().as_u16(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(
        (saved["is_default"].as_bool(), saved["subject"].as_str()),
        (Some(false), Some("Welcome, {{recipient_name}}!"))
    );
    let preview = call(
        Method::POST,
        &format!("{path}/preview"),
        Some(json!({"data": {"recipient_name": "<i>Ann</i>", "app_url": "https://x.example"}})),
    )
    .await;
    let status = preview.status().as_u16();
    let preview: Value = preview.json().await.unwrap();
    if status == 200 {
        assert!(preview["html"].as_str().unwrap().contains("&lt;i&gt;Ann&lt;/i&gt;"), "{preview}");
    } else {
        assert_eq!(status, 422, "data that does not fit the key is a field problem: {preview}");
    }
    let sample: Value = call(Method::POST, &format!("{path}/preview"), None).await.json().await.unwrap();
    assert!(sample["subject"].as_str().unwrap().starts_with("Welcome, "), "{sample}");
    let reset: Value = call(Method::DELETE, path, None).await.json().await.unwrap();
    assert_eq!(reset["is_default"], true);
    assert_problem(call(Method::GET, "/api/v1/admin/email-templates/nope", None).await, 404, "not_found").await;
    let customer = app.sign_up("customer@example.com").await;
    let refused = app.call(Method::GET, path, None, Some(&customer.access), &[]).await;
    assert_problem(refused, 403, "forbidden").await;
}

async fn outbox(app: &TestApp) {
    let admin = app.account_with_role("admin@example.com", Role::Admin).await;
    app.sign_up("fan@example.com").await; // a welcome email waits (the relay is off here)
    let get = |query: &'static str| {
        let token = admin.access.clone();
        async move {
            let response =
                app.call(Method::GET, &format!("/api/v1/admin/outbox{query}"), None, Some(&token), &[]).await;
            assert_eq!(response.status().as_u16(), 200, "{query}");
            response.json::<Value>().await.unwrap()
        }
    };
    let pending = get("?status=pending").await;
    let fan = pending["items"].as_array().unwrap().iter().find(|m| m["to"] == "fan@example.com").cloned().unwrap();
    assert_eq!((fan["kind"].as_str(), fan["template"].as_str()), (Some("email"), Some("welcome")));
    assert!(!pending.to_string().contains("reset?token"), "no message bodies in the admin view");
    let id = fan["id"].as_str().unwrap().to_owned();
    let retry = |id: String| {
        let token = admin.access.clone();
        async move { app.call(Method::POST, &format!("/api/v1/admin/outbox/{id}/retry"), None, Some(&token), &[]).await }
    };
    assert_problem(retry(id.clone()).await, 409, "not_dead").await;
    assert_problem(retry(uuid::Uuid::new_v4().to_string()).await, 404, "not_found").await;
    assert_problem(
        app.call(Method::GET, "/api/v1/admin/outbox?status=lost", None, Some(&admin.access), &[]).await,
        422,
        "validation_failed",
    )
    .await;

    // Kill every pending message behind the API, as the relay would after its last attempt.
    let outbox = app.database.repositories().outbox;
    let now = chrono::Utc::now();
    for claimed in outbox.claim_due(now, chrono::Duration::minutes(1), 100).await.unwrap() {
        outbox.mark_dead(claimed.message.id, claimed.lease_until, "550 no such user".into(), now).await.unwrap();
    }
    let dead = get("?status=dead&limit=1").await;
    assert_eq!(dead["items"].as_array().unwrap().len(), 1);
    assert!(dead["next_cursor"].is_string(), "two accounts, two welcome emails: {dead}");
    let all_dead = get("?status=dead").await;
    let fan = all_dead["items"].as_array().unwrap().iter().find(|m| m["id"] == id.as_str()).cloned().unwrap();
    assert_eq!((fan["status"].as_str(), fan["last_error"].as_str()), (Some("dead"), Some("550 no such user")));
    assert_eq!(retry(id.clone()).await.status().as_u16(), 204);
    let pending = outbox.list(OutboxStatus::Pending, 100).await.unwrap();
    assert!(pending.iter().any(|m| m.id.to_string() == id), "back to pending");
    let stats = get("/stats").await;
    assert_eq!(
        (stats["pending"].as_u64(), stats["dead"].as_u64(), stats["sent"].as_u64()),
        (Some(1), Some(1), Some(0))
    );
    assert!(stats["oldest_due_age_secs"].as_i64().is_some_and(|age| (0..60).contains(&age)), "{stats}");
    assert_eq!(stats["relay"], Value::Null, "no relay runs in this test server");
}
