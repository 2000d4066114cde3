//! Graceful shutdown: a request in flight when the stop arrives still gets its answer.

use std::sync::LazyLock;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use tokio::sync::Notify;

use crate::helpers::{Store, spawn_app_with};

/// Signalled by the slow handler once it is running, so the test stops the server only
/// while the request is really in flight.
static SLOW_STARTED: LazyLock<Notify> = LazyLock::new(Notify::new);

async fn slow() -> HttpResponse {
    SLOW_STARTED.notify_one();
    tokio::time::sleep(Duration::from_millis(500)).await;
    HttpResponse::Ok().body("finished")
}

fn slow_route(cfg: &mut web::ServiceConfig) {
    cfg.route("/test/slow", web::get().to(slow));
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish_then_refuses_new_ones() {
    let app = spawn_app_with(Store::Sqlite, &[], Some(slow_route)).await;
    let in_flight = tokio::spawn(app.request(reqwest::Method::GET, "/test/slow").send());
    SLOW_STARTED.notified().await;

    let stopping = tokio::spawn(app.handle.clone().stop(true));
    let response = in_flight.await.unwrap().expect("the in-flight request is answered");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");

    stopping.await.unwrap();
    app.server.await.unwrap().expect("the server stopped cleanly");
    let fresh = reqwest::Client::new();
    assert!(fresh.get(format!("{}/health/live", app.address)).send().await.is_err(), "no new connections after stop");
}
