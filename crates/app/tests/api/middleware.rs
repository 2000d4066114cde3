use reqwest::Method;

use crate::helpers::{Store, spawn_app, spawn_app_with};

#[tokio::test]
async fn request_id_from_the_client_is_echoed() {
    let app = spawn_app().await;
    let response =
        app.request(Method::GET, "/health/live").header("x-request-id", "abc-123_trace.7").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123_trace.7");
}

#[tokio::test]
async fn request_id_is_generated_when_absent_and_differs_per_request() {
    let app = spawn_app().await;
    let first = app.health_live().await.headers()["x-request-id"].to_str().unwrap().to_owned();
    let second = app.health_live().await.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
    assert_ne!(first, second);
}

#[tokio::test]
async fn request_id_that_could_forge_log_lines_is_replaced() {
    let app = spawn_app().await;
    for bad in ["two words", &"x".repeat(129), "a\"b"] {
        let response = app.request(Method::GET, "/health/live").header("x-request-id", bad).send().await.unwrap();
        let echoed = response.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(echoed, bad);
        assert!(uuid::Uuid::parse_str(echoed).is_ok());
    }
}

#[tokio::test]
async fn request_id_is_on_error_responses_too() {
    let app = spawn_app().await;
    let response = app.request(Method::GET, "/missing").header("x-request-id", "err-1").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.headers()["x-request-id"], "err-1");
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = spawn_app().await;
    for response in [app.health_live().await, app.get("/missing").await] {
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    }
}

#[tokio::test]
async fn responses_are_compressed_with_gzip_br_or_zstd_when_accepted() {
    let app = spawn_app().await;
    for encoding in ["gzip", "br", "zstd"] {
        let response =
            app.request(Method::GET, "/api/openapi.json").header("accept-encoding", encoding).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
    let plain = app.openapi().await;
    assert!(plain.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app =
        spawn_app_with(Store::Sqlite, &[("HEADLINER_CORS_ALLOWED_ORIGINS", "https://app.example.com")], None).await;
    let allowed =
        app.request(Method::GET, "/health/live").header("origin", "https://app.example.com").send().await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example.com");
    let other = app.request(Method::GET, "/health/live").header("origin", "https://evil.example").send().await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    let preflight = app
        .request(Method::OPTIONS, "/health/live")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 200);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "https://app.example.com");
}

#[tokio::test]
async fn cors_allows_no_origin_by_default() {
    let app = spawn_app().await;
    let response =
        app.request(Method::GET, "/health/live").header("origin", "https://app.example.com").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_413_still_carries_cors_headers_for_an_allowed_origin() {
    let app =
        spawn_app_with(Store::Sqlite, &[("HEADLINER_CORS_ALLOWED_ORIGINS", "https://app.example.com")], None).await;
    let response = app
        .request(Method::POST, "/health/live")
        .header("origin", "https://app.example.com")
        .body(vec![b'x'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
}

#[tokio::test]
async fn a_refused_preflight_is_problem_json() {
    let app =
        spawn_app_with(Store::Sqlite, &[("HEADLINER_CORS_ALLOWED_ORIGINS", "https://app.example.com")], None).await;
    let response = app
        .request(Method::OPTIONS, "/health/live")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "TRACE")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}
