//! Accounts over HTTP: register, login, refresh rotation, logout, password reset, throttling.
//! The flows that touch the store run on SQLite and, when a server is configured, Postgres.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Store, TestApp, assert_problem, on_both_stores, spawn_app, spawn_app_with};

on_both_stores! {
    register_returns_201_with_a_session_then_login_returns_200,
    register_then_login_on_postgres => register_then_login;
    registering_an_email_again_in_another_case_returns_409_email_taken,
    duplicate_email_on_postgres => duplicate_email;
    a_refresh_token_is_single_use_and_its_reuse_revokes_the_whole_family,
    refresh_rotation_on_postgres => refresh_rotation;
    logout_ends_only_the_session_of_the_presented_refresh_token,
    logout_on_postgres => logout_one_session;
    password_reset_link_works_once_and_ends_every_session,
    password_reset_on_postgres => password_reset;
}

/// The user object never carries a password or its hash, under any name.
fn assert_no_secrets(body: &Value) {
    let text = body.to_string();
    assert!(!text.contains("password"), "{text}");
    assert!(!text.contains("$argon2"), "{text}");
}

fn assert_session(body: &Value, email: &str) {
    assert_eq!(body["user"]["email"], email, "{body}");
    assert_eq!(body["user"]["role"], "customer", "{body}");
    assert_eq!(body["user"]["display_name"], "Ada Lovelace", "{body}");
    assert!(body["user"]["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok(), "{body}");
    assert!(body["user"].get("celebrity_id").is_none(), "{body}");
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3, "a JWT: {body}");
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 64, "{body}");
    assert_eq!(body["expires_in"], 900, "{body}");
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert_no_secrets(body);
}

async fn register_then_login(app: &TestApp) {
    let response = app.register("ada@example.com", PASSWORD, "  Ada Lovelace ").await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["location"], "/api/v1/me");
    let registered: Value = response.json().await.unwrap();
    assert_session(&registered, "ada@example.com");

    let response = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let logged_in: Value = response.json().await.unwrap();
    assert_session(&logged_in, "ada@example.com");
    assert_eq!(logged_in["user"]["id"], registered["user"]["id"]);
    assert_ne!(logged_in["refresh_token"], registered["refresh_token"], "every login is a new session");

    let me = app.me(logged_in["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status().as_u16(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], registered["user"]["id"]);
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["role"], "customer");
    assert_no_secrets(&me);
}

async fn duplicate_email(app: &TestApp) {
    app.sign_up("grace@example.com").await;
    let again = app.register("Grace@EXAMPLE.com", PASSWORD, "Another Grace").await;
    let problem = assert_problem(again, 409, "email_taken").await;
    assert!(problem["detail"].as_str().unwrap().contains("exists already"), "{problem}");
}

async fn refresh_rotation(app: &TestApp) {
    let account = app.sign_up("rotate@example.com").await;
    let first = app.refresh(&account.refresh).await;
    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first: Value = first.json().await.unwrap();
    let newest = first["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(newest, account.refresh);
    assert_eq!(app.me(first["access_token"].as_str().unwrap()).await.status().as_u16(), 200);

    // The spent token presented again: refused, and the family is revoked...
    assert_problem(app.refresh(&account.refresh).await, 401, "unauthenticated").await;
    // ...so the newest token of that login is refused too.
    assert_problem(app.refresh(&newest).await, 401, "unauthenticated").await;
}

async fn logout_one_session(app: &TestApp) {
    let phone = app.sign_up("logout@example.com").await;
    let laptop = app.sign_in("logout@example.com").await;
    let response = app.logout(&phone.access, &phone.refresh).await;
    assert_eq!(response.status().as_u16(), 204);
    assert_problem(app.refresh(&phone.refresh).await, 401, "unauthenticated").await;
    // The access token died with the session, so a second logout with it is refused.
    assert_problem(app.logout(&phone.access, &phone.refresh).await, 401, "unauthenticated").await;
    // The other session goes on: its access token needs one refresh (access tokens cannot be
    // revoked one by one), its refresh token still works.
    assert_eq!(app.me(&laptop.access).await.status().as_u16(), 401);
    let refreshed = app.refresh(&laptop.refresh).await;
    assert_eq!(refreshed.status().as_u16(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    assert_eq!(app.me(refreshed["access_token"].as_str().unwrap()).await.status().as_u16(), 200);
}

async fn password_reset(app: &TestApp) {
    let account = app.sign_up("reset@example.com").await;

    assert_eq!(app.request_password_reset("nobody@example.com").await.status().as_u16(), 202);
    assert_eq!(app.request_password_reset("not an email").await.status().as_u16(), 202);
    assert!(app.reset_emails().await.is_empty(), "no email for an unknown address");

    assert_eq!(app.request_password_reset("RESET@example.com").await.status().as_u16(), 202);
    let emails = app.reset_emails().await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    let (to, token) = emails.into_iter().next().unwrap();
    assert_eq!(to, "reset@example.com");

    let weak = app.confirm_password_reset(&token, "password1").await;
    let problem = assert_problem(weak, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "new_password", "{problem}");

    let new_password = "a brand new passphrase";
    assert_eq!(app.confirm_password_reset(&token, new_password).await.status().as_u16(), 204);
    assert_problem(app.login("reset@example.com", PASSWORD).await, 401, "unauthenticated").await;
    assert_problem(app.refresh(&account.refresh).await, 401, "unauthenticated").await;
    assert_eq!(app.login("reset@example.com", new_password).await.status().as_u16(), 200);

    let again = app.confirm_password_reset(&token, "yet another passphrase").await;
    let problem = assert_problem(again, 422, "invalid_token").await;
    assert_eq!(problem["errors"][0]["field"], "token", "{problem}");
    assert_problem(app.confirm_password_reset(&"ab".repeat(32), new_password).await, 422, "invalid_token").await;
    assert_problem(app.confirm_password_reset("not-hex", new_password).await, 422, "invalid_token").await;
}

#[tokio::test]
async fn invalid_registration_returns_422_naming_every_field() {
    let app = spawn_app().await;
    let response = app.register("not-an-email", "short", "   ").await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    let mut fields: Vec<_> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
    fields.sort_by_key(|f| f.to_string());
    assert_eq!(fields, [json!("display_name"), json!("email"), json!("password")], "{problem}");

    let common = app.register("ok@example.com", "Password123", "Okay").await;
    let problem = assert_problem(common, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "password", "{problem}");
}

#[tokio::test]
async fn unknown_fields_and_missing_fields_in_auth_bodies_return_400() {
    let app = spawn_app().await;
    let cases = [
        (
            "/api/v1/auth/register",
            json!({"email": "a@example.com", "password": PASSWORD, "display_name": "A", "role": "admin"}),
        ),
        ("/api/v1/auth/register", json!({"email": "a@example.com", "password": PASSWORD})),
        ("/api/v1/auth/login", json!({"email": "a@example.com", "password": PASSWORD, "remember": true})),
        ("/api/v1/auth/refresh", json!({"refresh_token": "x", "user_id": "y"})),
        ("/api/v1/auth/password-reset", json!({"email": "a@example.com", "redirect": "https://evil.example"})),
        (
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "x", "new_password": PASSWORD, "email": "a@example.com"}),
        ),
    ];
    for (path, body) in cases {
        let response = app.send_json(Method::POST, path, &body, None).await;
        assert_problem(response, 400, "bad_request").await;
    }
    // Nothing was registered by the refused requests.
    assert_problem(app.login("a@example.com", PASSWORD).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_identical_401_bodies() {
    let app = spawn_app().await;
    app.sign_up("known@example.com").await;
    let wrong = app.login("known@example.com", "not the password at all").await;
    assert_eq!(wrong.headers()["www-authenticate"], "Bearer realm=\"headliner\"");
    let wrong = assert_problem(wrong, 401, "unauthenticated").await;
    let unknown = assert_problem(app.login("unknown@example.com", PASSWORD).await, 401, "unauthenticated").await;
    let malformed = assert_problem(app.login("not an email", PASSWORD).await, 401, "unauthenticated").await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, malformed);
}

#[tokio::test]
async fn garbage_refresh_tokens_return_401() {
    let app = spawn_app().await;
    for token in ["", "short", &"zz".repeat(32), &"00".repeat(32)] {
        assert_problem(app.refresh(token).await, 401, "unauthenticated").await;
    }
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_account() {
    let app = spawn_app().await;
    let one = app.sign_up("everywhere@example.com").await;
    let two = app.sign_in("everywhere@example.com").await;
    assert_eq!(app.logout_all(&two.access).await.status().as_u16(), 204);
    for refresh in [&one.refresh, &two.refresh] {
        assert_problem(app.refresh(refresh).await, 401, "unauthenticated").await;
    }
    assert_eq!(app.login("everywhere@example.com", PASSWORD).await.status().as_u16(), 200);
}

async fn assert_rate_limited(response: reqwest::Response, max_secs: u64) {
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=max_secs).contains(&retry_after), "Retry-After: {retry_after}");
    assert_problem(response, 429, "rate_limited").await;
}

#[tokio::test]
async fn login_is_throttled_per_account_with_429_and_retry_after_after_the_burst() {
    let app = spawn_app().await;
    app.sign_up("target@example.com").await;
    for _ in 0..5 {
        assert_problem(app.login("TARGET@example.com", "guess guess guess").await, 401, "unauthenticated").await;
    }
    // Even the right password waits now: the throttle answers before any password is checked.
    assert_rate_limited(app.login("target@example.com", PASSWORD).await, 12).await;
    // Another account from the same address is not affected.
    app.sign_up("bystander@example.com").await;
    assert_eq!(app.login("bystander@example.com", PASSWORD).await.status().as_u16(), 200);
}

/// Client-address limits are exercised through password-reset requests for unknown
/// addresses: they cost no hashing, so 20 of them finish well within one refill interval.
#[tokio::test]
async fn attempts_are_throttled_per_client_address_across_accounts() {
    let app = spawn_app().await;
    for i in 0..20 {
        assert_eq!(app.request_password_reset(&format!("spray{i}@example.com")).await.status().as_u16(), 202);
    }
    assert_rate_limited(app.request_password_reset("spray-next@example.com").await, 3).await;
    // Login has its own buckets.
    app.sign_up("fine@example.com").await;
    assert_eq!(app.login("fine@example.com", PASSWORD).await.status().as_u16(), 200);
}

#[tokio::test]
async fn password_reset_requests_are_throttled_per_account() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(app.request_password_reset("someone@example.com").await.status().as_u16(), 202);
    }
    assert_rate_limited(app.request_password_reset("Someone@example.com").await, 12).await;
    assert_eq!(app.request_password_reset("someone-else@example.com").await.status().as_u16(), 202);
}

async fn reset_from(app: &TestApp, forwarded_for: &str, i: usize) -> u16 {
    let body = json!({"email": format!("u{i}@example.com")});
    let request = app.request(Method::POST, "/api/v1/auth/password-reset").header("x-forwarded-for", forwarded_for);
    request.json(&body).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_forwarded_client_address_counts_only_behind_a_trusted_proxy() {
    // The test client connects from 127.0.0.1: trusted here, so X-Forwarded-For decides.
    let app = spawn_app_with(Store::Sqlite, &[("HEADLINER_TRUSTED_PROXIES", "127.0.0.1")], None).await;
    for i in 0..20 {
        assert_eq!(reset_from(&app, "203.0.113.1", i).await, 202);
    }
    assert_eq!(reset_from(&app, "203.0.113.1", 99).await, 429);
    assert_eq!(reset_from(&app, "198.51.100.9, 203.0.113.1", 98).await, 429, "spoofed entries on the left are ignored");
    assert_eq!(reset_from(&app, "203.0.113.2", 99).await, 202, "another client");

    // Without trust the header is ignored: every request is the peer's.
    let app = spawn_app().await;
    for i in 0..20 {
        assert_eq!(reset_from(&app, &format!("198.51.100.{i}"), i).await, 202);
    }
    assert_eq!(reset_from(&app, "198.51.100.250", 99).await, 429);
}

#[tokio::test]
async fn the_openapi_document_describes_every_accounts_endpoint() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await.json().await.unwrap();
    let operations = [
        ("post", "/api/v1/auth/register", false),
        ("post", "/api/v1/auth/login", false),
        ("post", "/api/v1/auth/refresh", false),
        ("post", "/api/v1/auth/logout", true),
        ("post", "/api/v1/auth/logout-all", true),
        ("post", "/api/v1/auth/password-reset", false),
        ("post", "/api/v1/auth/password-reset/confirm", false),
        ("get", "/api/v1/me", true),
        ("get", "/api/v1/admin/users", true),
        ("patch", "/api/v1/admin/users/{id}", true),
    ];
    for (method, path, secured) in operations {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is missing");
        assert_eq!(operation["security"].is_array(), secured, "{method} {path}");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in ["RegisterRequest", "LoginRequest", "SessionResponse", "UserResponse", "ChangeAccessRequest"] {
        assert!(schemas[schema].is_object(), "{schema} is missing");
    }
    let user = schemas["UserResponse"]["properties"].as_object().unwrap();
    assert!(user.keys().all(|k| !k.contains("password")), "{user:?}");
}
