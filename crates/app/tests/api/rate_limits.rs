//! Tiered rate limits over HTTP: each role gets its configured allowance, then 429 with
//! `Retry-After` and `RateLimit-*` headers; accounts and addresses have separate buckets.

use headliner_domain::role::Role;
use reqwest::Method;

use crate::helpers::{Store, assert_problem, spawn_app_with};

#[tokio::test]
async fn each_role_gets_its_burst_then_429_with_retry_after() {
    let limits = [
        ("HEADLINER_RATE_LIMIT_ANONYMOUS", "5/min"),
        ("HEADLINER_RATE_LIMIT_CUSTOMER", "5/min"),
        ("HEADLINER_RATE_LIMIT_TALENT", "7/min"),
        ("HEADLINER_RATE_LIMIT_ADMIN", "9/min"),
    ];
    let app = spawn_app_with(Store::Sqlite, &limits, None).await;
    // Arrange the accounts behind the API (sign-up itself is rate limited too).
    let customer = app.account_with_role("rl-customer@example.com", Role::Customer).await;
    let talent = app.account_with_role("rl-talent@example.com", Role::Talent).await;
    let admin = app.account_with_role("rl-admin@example.com", Role::Admin).await;
    // The five sign-ups and logins above spent the anonymous bucket of 127.0.0.1.
    let anonymous = app.get("/api/v1/categories").await;
    assert_problem_rate_limited(anonymous).await;
    // Image files do not count: the refused client still gets them (here a 404, not a 429).
    let image = app.get("/api/v1/images/00000000-0000-0000-0000-000000000000.png").await;
    assert_problem(image, 404, "not_found").await;

    for (who, burst) in [(&customer, 5), (&talent, 7), (&admin, 9)] {
        let mut allowed = 0;
        let mut last = None;
        for _ in 0..burst + 3 {
            let response = app.call(Method::GET, "/api/v1/me", None, Some(&who.access), &[]).await;
            if response.status().as_u16() == 200 {
                assert_eq!(response.headers()["ratelimit-limit"], burst.to_string().as_str());
                allowed += 1;
            } else {
                last = Some(response);
            }
        }
        assert_eq!(allowed, burst, "the account's allowance");
        assert_problem_rate_limited(last.unwrap()).await;
    }
    // Operations endpoints are outside the API limits.
    assert_eq!(app.get("/health/live").await.status().as_u16(), 200);
}

async fn assert_problem_rate_limited(response: reqwest::Response) {
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    assert_problem(response, 429, "rate_limited").await;
}
