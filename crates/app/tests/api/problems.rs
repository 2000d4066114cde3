use reqwest::Method;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn unknown_route_returns_404_problem_json() {
    let app = spawn_app().await;
    let body = assert_problem(app.get("/api/v1/nothing-here").await, 404, "not_found").await;
    assert_eq!(body["detail"], "No resource at GET /api/v1/nothing-here.");
}

#[tokio::test]
async fn wrong_method_returns_405_problem_json_with_allow_header() {
    let app = spawn_app().await;
    let response = app.request(Method::DELETE, "/health/ready").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn declared_body_over_the_limit_returns_413_problem_json_before_routing() {
    let app = spawn_app().await;
    let body = vec![b'x'; 1024 * 1024 + 1];
    let response = app.request(Method::POST, "/health/live").body(body).send().await.unwrap();
    let problem = assert_problem(response, 413, "payload_too_large").await;
    assert!(problem["detail"].as_str().unwrap().contains("1048576"));
}

#[tokio::test]
async fn body_limit_follows_configuration() {
    let app =
        crate::helpers::spawn_app_with(crate::helpers::Store::Sqlite, &[("HEADLINER_MAX_BODY_BYTES", "2048")], None)
            .await;
    let response = app.request(Method::POST, "/health/live").body(vec![b'x'; 2049]).send().await.unwrap();
    assert_problem(response, 413, "payload_too_large").await;
    // Under the limit the request reaches routing, which answers 405 for POST.
    let response = app.request(Method::POST, "/health/live").body(vec![b'x'; 2048]).send().await.unwrap();
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn head_on_a_probe_is_allowed() {
    let app = spawn_app().await;
    let response = app.request(Method::HEAD, "/health/live").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn wrong_method_on_the_docs_routes_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    for (path, allow) in
        [("/api/openapi.json", "GET, HEAD"), ("/api/docs/", "GET"), ("/api/docs/swagger-ui.css", "GET")]
    {
        let response = app.request(Method::POST, path).send().await.unwrap();
        assert_eq!(response.headers()["allow"], allow, "{path}");
        assert_problem(response, 405, "method_not_allowed").await;
    }
}
