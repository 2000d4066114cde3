//! The forged-token suite: every access token that is not exactly what the server issued,
//! and every genuine one that was revoked, is refused with 401 problem+json and
//! `WWW-Authenticate: Bearer`. Forgeries start from a genuine token's claims, so each case
//! breaks exactly one thing; a control case proves the harness signs like the server.

use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, TestApp, assert_problem, spawn_app};

/// RFC 4648 base64url without padding, as JWTs use it.
fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The claims of a genuine token, as the server wrote them.
fn claims_of(token: &str) -> Value {
    jsonwebtoken::dangerous::insecure_decode_claims::<Value>(token).unwrap()
}

fn sign(claims: &Value, key: &[u8], algorithm: Algorithm) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(key)).unwrap()
}

/// A signed-up customer and its genuine claims.
async fn customer(app: &TestApp) -> (Account, Value) {
    let account = app.sign_up("forged@example.com").await;
    let claims = claims_of(&account.access);
    (account, claims)
}

/// The genuine claims with `edit` applied, signed with the server's key (HS256).
async fn edited(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> (TestApp, String) {
    let app = spawn_app().await;
    let (_, mut claims) = customer(&app).await;
    edit(claims.as_object_mut().unwrap());
    let token = sign(&claims, &app.jwt_secret, Algorithm::HS256);
    (app, token)
}

async fn assert_refused(app: &TestApp, token: &str) {
    let response = app.me(token).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer realm=\"headliner\"");
    let problem = assert_problem(response, 401, "unauthenticated").await;
    assert!(!problem.to_string().contains(token), "the token is not echoed: {problem}");
}

fn now() -> i64 {
    Utc::now().timestamp()
}

#[tokio::test]
async fn control_the_genuine_claims_signed_with_the_server_key_are_accepted() {
    let (app, token) = edited(|_| {}).await;
    assert_eq!(app.me(&token).await.status().as_u16(), 200);
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = customer(&app).await;
    let payload = b64url(claims.to_string().as_bytes());
    for alg in ["none", "None", "NONE"] {
        let header = b64url(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());
        assert_refused(&app, &format!("{header}.{payload}.")).await;
    }
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = customer(&app).await;
    let token = sign(&claims, b"another-key-that-is-also-32-bytes-long!!", Algorithm::HS256);
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn another_hmac_algorithm_with_the_right_key_is_refused() {
    let app = spawn_app().await;
    let (_, claims) = customer(&app).await;
    for algorithm in [Algorithm::HS384, Algorithm::HS512] {
        assert_refused(&app, &sign(&claims, &app.jwt_secret, algorithm)).await;
    }
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("iat".into(), json!(now() - 3600));
        c.insert("nbf".into(), json!(now() - 3600));
        c.insert("exp".into(), json!(now() - 600));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_not_yet_valid_token_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("iat".into(), json!(now() + 3600));
        c.insert("nbf".into(), json!(now() + 3600));
        c.insert("exp".into(), json!(now() + 7200));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_token_without_exp_is_refused() {
    let (app, token) = edited(|c| {
        c.remove("exp");
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("aud".into(), json!("some-other-api"));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("iss".into(), json!("evil"));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_token_of_another_type_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("typ".into(), json!("refresh"));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn a_token_for_an_unknown_account_is_refused() {
    let (app, token) = edited(|c| {
        c.insert("sub".into(), json!(uuid::Uuid::new_v4().to_string()));
    })
    .await;
    assert_refused(&app, &token).await;
}

#[tokio::test]
async fn an_edited_role_claim_breaks_the_signature() {
    let app = spawn_app().await;
    let (account, mut claims) = customer(&app).await;
    claims["role"] = json!("admin");
    let [header, _, signature] = account.access.split('.').collect::<Vec<_>>()[..] else { panic!("a JWT") };
    let forged = format!("{header}.{}.{signature}", b64url(claims.to_string().as_bytes()));
    assert_refused(&app, &forged).await;
    assert_problem(app.admin_users(&forged, "").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn even_a_correctly_signed_admin_role_claim_grants_nothing_the_account_does_not_hold() {
    // The role comes from the store on every request; the claim is never trusted for it.
    let (app, token) = edited(|c| {
        c.insert("role".into(), json!("admin"));
    })
    .await;
    let me: Value = app.me(&token).await.json().await.unwrap();
    assert_eq!(me["role"], "customer");
    assert_problem(app.admin_users(&token, "").await, 403, "forbidden").await;
}

#[tokio::test]
async fn a_refresh_token_used_as_an_access_token_is_refused() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    assert_refused(&app, &account.refresh).await;
}

#[tokio::test]
async fn an_access_token_stops_working_after_logout_everywhere() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    let other_device = app.sign_in("forged@example.com").await;
    assert_eq!(app.logout_all(&account.access).await.status().as_u16(), 204);
    assert_refused(&app, &account.access).await;
    assert_refused(&app, &other_device.access).await;
    let fresh = app.sign_in("forged@example.com").await;
    assert_eq!(app.me(&fresh.access).await.status().as_u16(), 200);
}

#[tokio::test]
async fn an_access_token_stops_working_after_logout() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    assert_eq!(app.logout(&account.access, &account.refresh).await.status().as_u16(), 204);
    assert_refused(&app, &account.access).await;
    let fresh = app.sign_in("forged@example.com").await;
    assert_eq!(app.me(&fresh.access).await.status().as_u16(), 200);
}

#[tokio::test]
async fn a_replayed_refresh_token_also_ends_the_access_tokens_issued_so_far() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    let rotated = app.refresh(&account.refresh).await;
    assert_eq!(rotated.status().as_u16(), 200);
    let rotated: Value = rotated.json().await.unwrap();
    let current_access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.me(&current_access).await.status().as_u16(), 200);
    assert_eq!(app.refresh(&account.refresh).await.status().as_u16(), 401, "the replay");
    assert_refused(&app, &current_access).await;
}

#[tokio::test]
async fn an_access_token_stops_working_after_a_password_reset() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    assert_eq!(app.request_password_reset("forged@example.com").await.status().as_u16(), 202);
    let (_, token) = app.reset_emails().await.pop().unwrap();
    assert_eq!(app.confirm_password_reset(&token, "a different passphrase").await.status().as_u16(), 204);
    assert_refused(&app, &account.access).await;
    assert_problem(app.login("forged@example.com", PASSWORD).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn malformed_authorization_headers_are_refused() {
    let app = spawn_app().await;
    let (account, _) = customer(&app).await;
    let headers = [
        format!("Basic {}", account.access),
        format!("Token {}", account.access),
        account.access.clone(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer not.a.jwt".to_owned(),
    ];
    for header in headers {
        let response = app.request(reqwest::Method::GET, "/api/v1/me").header("authorization", header).send();
        let response = response.await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Bearer realm=\"headliner\"");
        assert_problem(response, 401, "unauthenticated").await;
    }
    let anonymous = app.get("/api/v1/me").await;
    let problem = assert_problem(anonymous, 401, "unauthenticated").await;
    assert!(problem["detail"].as_str().unwrap().contains("Authorization: Bearer"), "{problem}");
    // The scheme is case-insensitive (RFC 9110).
    let lower =
        app.request(reqwest::Method::GET, "/api/v1/me").header("authorization", format!("bearer {}", account.access));
    assert_eq!(lower.send().await.unwrap().status().as_u16(), 200);
}
