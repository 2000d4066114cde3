//! Who may call what: a role × endpoint matrix built from one route table (checked against
//! the OpenAPI document, so a new protected route cannot be left out), and admin user
//! management.
//!
//! Resources of another user answer 404 where the caller may not see them (bookings), admin
//! routes answer 403 to every non-admin (deny by default), catalogue writes 403 to everyone but
//! admins and the celebrity's own talent, and logout silently ignores a refresh token of
//! someone else.

use headliner_domain::role::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Customer,
    Talent,
    Admin,
}

const USERS: &[Who] = &[Who::Customer, Who::Talent, Who::Admin];
const ADMINS: &[Who] = &[Who::Admin];
const CUSTOMERS: &[Who] = &[Who::Customer];

/// One operation: how to call it, who may, and what an allowed caller gets.
struct Operation {
    method: Method,
    /// As the OpenAPI document names it.
    template: &'static str,
    path: String,
    body: Option<Value>,
    allowed: &'static [Who],
    allowed_status: u16,
}

fn op(method: Method, template: &'static str, path: String, allowed: &'static [Who], status: u16) -> Operation {
    Operation { method, template, path, body: None, allowed, allowed_status: status }
}

/// Every operation that needs a caller. Logout everywhere comes last: it ends the session.
fn route_table(victim: &str) -> Vec<Operation> {
    let unknown = uuid::Uuid::new_v4();
    let spare_refresh = json!({"refresh_token": "00".repeat(32)});
    let keep_customer = json!({"role": "customer", "disabled": false});
    vec![
        op(Method::GET, "/api/v1/me", "/api/v1/me".into(), USERS, 200),
        Operation {
            body: Some(spare_refresh),
            ..op(Method::POST, "/api/v1/auth/logout", "/api/v1/auth/logout".into(), USERS, 204)
        },
        op(Method::GET, "/api/v1/admin/users", "/api/v1/admin/users".into(), ADMINS, 200),
        Operation {
            body: Some(keep_customer.clone()),
            ..op(Method::PATCH, "/api/v1/admin/users/{id}", format!("/api/v1/admin/users/{victim}"), ADMINS, 200)
        },
        Operation {
            body: Some(keep_customer),
            ..op(Method::PATCH, "/api/v1/admin/users/{id}", format!("/api/v1/admin/users/{unknown}"), ADMINS, 404)
        },
        op(Method::GET, "/api/v1/admin/email-templates", "/api/v1/admin/email-templates".into(), ADMINS, 200),
        op(
            Method::GET,
            "/api/v1/admin/email-templates/{key}",
            "/api/v1/admin/email-templates/welcome".into(),
            ADMINS,
            200,
        ),
        Operation {
            body: Some(json!({"subject": "Hi", "html": "<p>Hi</p>", "text": "Hi"})),
            ..op(
                Method::PUT,
                "/api/v1/admin/email-templates/{key}",
                "/api/v1/admin/email-templates/welcome".into(),
                ADMINS,
                200,
            )
        },
        op(
            Method::POST,
            "/api/v1/admin/email-templates/{key}/preview",
            "/api/v1/admin/email-templates/welcome/preview".into(),
            ADMINS,
            200,
        ),
        op(
            Method::DELETE,
            "/api/v1/admin/email-templates/{key}",
            "/api/v1/admin/email-templates/welcome".into(),
            ADMINS,
            200,
        ),
        op(Method::GET, "/api/v1/admin/workflow-rules", "/api/v1/admin/workflow-rules".into(), ADMINS, 200),
        Operation {
            body: Some(json!({"template": "booking_confirmed", "recipients": ["customer"], "enabled": true})),
            ..op(
                Method::PUT,
                "/api/v1/admin/workflow-rules/{event}",
                "/api/v1/admin/workflow-rules/booking_confirmed".into(),
                ADMINS,
                200,
            )
        },
        op(
            Method::DELETE,
            "/api/v1/admin/workflow-rules/{event}",
            "/api/v1/admin/workflow-rules/booking_confirmed".into(),
            ADMINS,
            200,
        ),
        op(Method::GET, "/api/v1/admin/outbox", "/api/v1/admin/outbox".into(), ADMINS, 200),
        op(Method::GET, "/api/v1/admin/outbox/stats", "/api/v1/admin/outbox/stats".into(), ADMINS, 200),
        op(
            Method::POST,
            "/api/v1/admin/outbox/{id}/retry",
            format!("/api/v1/admin/outbox/{unknown}/retry"),
            ADMINS,
            404,
        ),
        // Not a route: still hidden behind the admin check (deny by default).
        op(Method::GET, "", "/api/v1/admin/not-a-route".into(), ADMINS, 404),
        op(Method::DELETE, "", "/api/v1/admin/users".into(), ADMINS, 405),
        // The catalogue's writes, on a celebrity nobody manages: admins reach the store (404),
        // everyone else is refused first (talent manage only their own celebrity).
        Operation {
            body: Some(json!({"name": "Matrix Star", "category": "music",
                "base_price": {"amount_minor": 1000, "currency": "USD"}})),
            ..op(Method::POST, "/api/v1/celebrities", "/api/v1/celebrities".into(), ADMINS, 201)
        },
        Operation {
            body: Some(json!({"bio": "x"})),
            ..op(Method::PATCH, "/api/v1/celebrities/{id}", format!("/api/v1/celebrities/{unknown}"), ADMINS, 404)
        },
        op(Method::DELETE, "/api/v1/celebrities/{id}", format!("/api/v1/celebrities/{unknown}"), ADMINS, 404),
        // JSON is not multipart: the admin gets that far (415); others are refused before.
        Operation {
            body: Some(json!({})),
            ..op(
                Method::POST,
                "/api/v1/celebrities/{id}/image",
                format!("/api/v1/celebrities/{unknown}/image"),
                ADMINS,
                415,
            )
        },
        op(
            Method::GET,
            "/api/v1/celebrities/{id}/blocked-periods",
            format!("/api/v1/celebrities/{unknown}/blocked-periods"),
            ADMINS,
            404,
        ),
        Operation {
            body: Some(json!({"starts_at": "2099-01-01T00:00:00Z", "ends_at": "2099-01-02T00:00:00Z"})),
            ..op(
                Method::POST,
                "/api/v1/celebrities/{id}/blocked-periods",
                format!("/api/v1/celebrities/{unknown}/blocked-periods"),
                ADMINS,
                404,
            )
        },
        op(
            Method::DELETE,
            "/api/v1/celebrities/{id}/blocked-periods/{period_id}",
            format!("/api/v1/celebrities/{unknown}/blocked-periods/{unknown}"),
            ADMINS,
            404,
        ),
        // Bookings: only customers request (here of an unknown celebrity: 422); everyone signed
        // in lists; a booking the caller cannot see is a 404 for every role.
        Operation {
            body: Some(json!({"celebrity_id": unknown, "starts_at": "2099-01-01T18:00:00Z",
                "ends_at": "2099-01-01T19:00:00Z", "timezone": "UTC", "event_type": "speech", "location": "Hall"})),
            ..op(Method::POST, "/api/v1/bookings", "/api/v1/bookings".into(), CUSTOMERS, 422)
        },
        op(Method::GET, "/api/v1/bookings", "/api/v1/bookings".into(), USERS, 200),
        op(Method::GET, "/api/v1/bookings/{id}", format!("/api/v1/bookings/{unknown}"), USERS, 404),
        op(Method::GET, "/api/v1/bookings/{id}/events", format!("/api/v1/bookings/{unknown}/events"), USERS, 404),
        op(Method::POST, "/api/v1/bookings/{id}/confirm", format!("/api/v1/bookings/{unknown}/confirm"), USERS, 404),
        op(Method::POST, "/api/v1/bookings/{id}/reject", format!("/api/v1/bookings/{unknown}/reject"), USERS, 404),
        op(Method::POST, "/api/v1/bookings/{id}/cancel", format!("/api/v1/bookings/{unknown}/cancel"), USERS, 404),
        op(Method::POST, "/api/v1/bookings/{id}/complete", format!("/api/v1/bookings/{unknown}/complete"), USERS, 404),
        op(Method::POST, "/api/v1/auth/logout-all", "/api/v1/auth/logout-all".into(), USERS, 204),
    ]
}

async fn call(app: &TestApp, op: &Operation, token: Option<&str>) -> reqwest::Response {
    let mut request = app.request(op.method.clone(), &op.path);
    if let Some(body) = &op.body {
        request = request.json(body);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn every_protected_operation_answers_by_role() {
    let app = spawn_app().await;
    let victim = app.sign_up("victim@example.com").await;
    let callers = [
        (Who::Anonymous, None),
        (Who::Customer, Some(app.account_with_role("customer@example.com", Role::Customer).await)),
        (Who::Talent, Some(app.account_with_role("talent@example.com", Role::Talent).await)),
        (Who::Admin, Some(app.account_with_role("admin@example.com", Role::Admin).await)),
    ];
    for (who, account) in &callers {
        for op in route_table(&victim.id) {
            let response = call(&app, &op, account.as_ref().map(|a| a.access.as_str())).await;
            let cell = format!("{who:?} {} {}", op.method, op.path);
            // Refusals come from middleware; the outer layers still stamp them.
            assert!(response.headers().contains_key("x-request-id"), "{cell}");
            assert!(response.headers().contains_key("x-content-type-options"), "{cell}");
            match (op.allowed.contains(who), who) {
                (true, _) => assert_eq!(response.status().as_u16(), op.allowed_status, "{cell}"),
                (false, Who::Anonymous) => {
                    assert!(response.headers().contains_key("www-authenticate"), "{cell}");
                    assert_problem(response, 401, "unauthenticated").await;
                }
                (false, _) => {
                    let problem = assert_problem(response, 403, "forbidden").await;
                    assert!(!problem.to_string().contains("victim@example.com"), "{cell}: {problem}");
                }
            }
        }
    }
}

#[tokio::test]
async fn the_route_table_covers_every_protected_operation_of_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await.json().await.unwrap();
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http", "{scheme}");
    assert_eq!(scheme["scheme"], "bearer", "{scheme}");

    let table: Vec<(String, &str)> =
        route_table("x").iter().map(|op| (op.method.as_str().to_lowercase(), op.template)).collect();
    let mut protected = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let secured = operation["security"].as_array().is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            let admin = path.starts_with("/api/v1/admin");
            assert!(secured || !admin, "{method} {path}: admin operations must declare the bearer scheme");
            if secured {
                protected.push((method.clone(), path.clone()));
                assert!(
                    table.iter().any(|(m, t)| m == method && t == path),
                    "{method} {path} needs a caller but is missing from the route table"
                );
            }
        }
    }
    for (method, template) in table.iter().filter(|(_, t)| !t.is_empty()) {
        assert!(
            protected.iter().any(|(m, p)| m == method && p == template),
            "{method} {template} is not documented as protected"
        );
    }
}

#[tokio::test]
async fn another_users_refresh_token_cannot_end_their_session() {
    let app = spawn_app().await;
    let alice = app.sign_up("alice@example.com").await;
    let mallory = app.sign_up("mallory@example.com").await;
    assert_eq!(app.logout(&mallory.access, &alice.refresh).await.status().as_u16(), 204);
    assert_eq!(app.refresh(&alice.refresh).await.status().as_u16(), 200, "alice's session goes on");
}

async fn admin(app: &TestApp) -> Account {
    app.account_with_role("root@example.com", Role::Admin).await
}

#[tokio::test]
async fn an_admin_links_talent_to_a_celebrity_and_the_change_applies_at_once() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    let user = app.sign_up("manager@example.com").await;
    let celebrity = app.new_celebrity().await.to_string();

    let missing = app.admin_change_access(&root.access, &user.id, &json!({"role": "talent", "disabled": false})).await;
    let problem = assert_problem(missing, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "celebrity_id");
    let unknown = json!({"role": "talent", "celebrity_id": uuid::Uuid::new_v4(), "disabled": false});
    assert_problem(app.admin_change_access(&root.access, &user.id, &unknown).await, 422, "validation_failed").await;
    let customer_with_celebrity = json!({"role": "customer", "celebrity_id": celebrity, "disabled": false});
    let response = app.admin_change_access(&root.access, &user.id, &customer_with_celebrity).await;
    assert_problem(response, 422, "validation_failed").await;
    let bad_role = json!({"role": "superuser", "disabled": false});
    assert_problem(app.admin_change_access(&root.access, &user.id, &bad_role).await, 400, "bad_request").await;

    let talent = json!({"role": "talent", "celebrity_id": celebrity, "disabled": false});
    let response = app.admin_change_access(&root.access, &user.id, &talent).await;
    assert_eq!(response.status().as_u16(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(
        (changed["role"].as_str(), changed["celebrity_id"].as_str()),
        (Some("talent"), Some(celebrity.as_str()))
    );
    assert!(!changed.to_string().contains("password"), "{changed}");

    // The old token (role customer) stops working; a new login carries the new role.
    assert_problem(app.me(&user.access).await, 401, "unauthenticated").await;
    let again = app.sign_in("manager@example.com").await;
    let me: Value = app.me(&again.access).await.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["celebrity_id"].as_str()), (Some("talent"), Some(celebrity.as_str())));
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_its_tokens_stop_working() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    let user = app.sign_up("leaver@example.com").await;
    let disable = json!({"role": "customer", "disabled": true});
    let response = app.admin_change_access(&root.access, &user.id, &disable).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["disabled"], true);
    assert_problem(app.me(&user.access).await, 401, "unauthenticated").await;
    assert_problem(app.refresh(&user.refresh).await, 401, "unauthenticated").await;
    assert_problem(app.login("leaver@example.com", crate::helpers::PASSWORD).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_access_at_once_and_admins_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    let deputy = app.account_with_role("deputy@example.com", Role::Admin).await;
    assert_eq!(app.admin_users(&deputy.access, "").await.status().as_u16(), 200);
    let demote = json!({"role": "customer", "disabled": false});
    assert_eq!(app.admin_change_access(&root.access, &deputy.id, &demote).await.status().as_u16(), 200);
    assert_problem(app.admin_users(&deputy.access, "").await, 401, "unauthenticated").await;
    let deputy = app.sign_in("deputy@example.com").await;
    assert_problem(app.admin_users(&deputy.access, "").await, 403, "forbidden").await;

    let response = app.admin_change_access(&root.access, &root.id, &demote).await;
    assert_problem(response, 409, "self_lockout").await;
    let disable_self = json!({"role": "admin", "disabled": true});
    assert_problem(app.admin_change_access(&root.access, &root.id, &disable_self).await, 409, "self_lockout").await;
    let unknown_field = json!({"role": "admin", "disabled": false, "password_hash": "x"});
    assert_problem(app.admin_change_access(&root.access, &root.id, &unknown_field).await, 400, "bad_request").await;
    let not_a_uuid = app.admin_change_access(&root.access, "not-a-uuid", &demote).await;
    assert_problem(not_a_uuid, 404, "not_found").await;
}

#[tokio::test]
async fn admins_page_through_every_account_oldest_first() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    for i in 0..4 {
        app.sign_up(&format!("user{i}@example.com")).await;
    }
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let response = app.admin_users(&root.access, &query).await;
        assert_eq!(response.status().as_u16(), 200);
        let page: Value = response.json().await.unwrap();
        assert!(!page.to_string().contains("password") && !page.to_string().contains("$argon2"), "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{page}");
        seen.extend(items.iter().map(|u| u["email"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let expected =
        ["root@example.com", "user0@example.com", "user1@example.com", "user2@example.com", "user3@example.com"];
    assert_eq!(seen, expected);

    let default: Value = app.admin_users(&root.access, "").await.json().await.unwrap();
    assert_eq!(default["items"].as_array().unwrap().len(), 5);
    assert!(default["next_cursor"].is_null());
    for bad in ["?limit=0", "?limit=101", "?cursor=garbage"] {
        assert_problem(app.admin_users(&root.access, bad).await, 422, "validation_failed").await;
    }
    assert_problem(app.admin_users(&root.access, "?limit=ten").await, 400, "bad_request").await;
    assert_problem(app.admin_users(&root.access, "?offset=3").await, 400, "bad_request").await;
}
