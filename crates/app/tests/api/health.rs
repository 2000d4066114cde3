use crate::helpers::{assert_problem, postgres_or_skip, spawn_app, spawn_app_with};

#[tokio::test]
async fn live_returns_200_and_is_not_cached() {
    let app = spawn_app().await;
    let response = app.health_live().await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "live");
}

#[tokio::test]
async fn ready_returns_200_on_sqlite_and_names_the_database_check() {
    let app = spawn_app().await;
    let response = app.health_ready().await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"][0]["name"], "database");
}

#[tokio::test]
async fn ready_returns_200_on_postgres() {
    let Some(store) = postgres_or_skip("ready_returns_200_on_postgres") else { return };
    let app = spawn_app_with(store, &[], None).await;
    assert_eq!(app.health_ready().await.status().as_u16(), 200);
}

#[tokio::test]
async fn ready_returns_503_problem_when_postgres_becomes_unreachable_and_live_stays_200() {
    let Some(store) = postgres_or_skip("ready_returns_503_when_postgres_becomes_unreachable") else { return };
    let app = spawn_app_with(store, &[("HEADLINER_DB_CONNECT_TIMEOUT_SECS", "1")], None).await;
    assert_eq!(app.health_ready().await.status().as_u16(), 200);

    // Dropping the database (with FORCE) cuts the pool's connections and refuses new ones.
    app.postgres.as_ref().unwrap().drop_now().unwrap();

    for _ in 0..2 {
        let response = app.health_ready().await;
        assert_eq!(response.headers()["retry-after"], "5");
        let body = assert_problem(response, 503, "service_unavailable").await;
        let text = body.to_string().to_lowercase();
        assert!(!text.contains("postgres") && !text.contains("sql") && !text.contains("headliner_test"), "{text}");
    }
    assert_eq!(app.health_live().await.status().as_u16(), 200);
}
