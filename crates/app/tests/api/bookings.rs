//! Bookings over HTTP on both stores: request with a quote, idempotency keys, listing per role,
//! privacy, the lifecycle with If-Match, the audit trail, outbox rows written with each change.
//! The races (overlapping requests, confirm against cancel) are in the reliability battery.

use headliner_ports::outbox::OutboxStatus;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, booking_body, on_both_stores};

on_both_stores! {
    a_customer_requests_a_priced_booking_and_only_the_people_involved_see_it,
    request_on_postgres => request_and_visibility;
    an_idempotency_key_replays_the_first_answer_and_refuses_another_body,
    idempotency_on_postgres => idempotency;
    the_lifecycle_honours_roles_if_match_and_writes_audit_and_outbox_rows,
    lifecycle_on_postgres => lifecycle;
    bad_booking_input_is_a_clear_problem_and_changes_nothing,
    booking_validation_on_postgres => validation;
    the_booking_read_checks_the_account_in_its_own_trip_like_every_route,
    one_trip_read_on_postgres => one_trip_read;
}

/// `GET /bookings/{id}` reads the caller's account and the booking in one trip to the store
/// (`get_booking_as`) instead of behind `users_only`: it must refuse exactly what the
/// middleware refuses, whether or not the booking exists.
async fn one_trip_read(app: &TestApp) {
    let people = app.people("one-trip").await;
    let response = app.book(&people.customer, &people.celebrity, 9, 2).await;
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let missing = format!("/api/v1/bookings/{}", uuid::Uuid::new_v4());
    let read = |path: String, token: Option<String>| async move {
        app.call(Method::GET, &path, None, token.as_deref(), &[]).await
    };

    assert_eq!(read(location.clone(), Some(people.customer.access.clone())).await.status().as_u16(), 200);
    assert_problem(read(missing.clone(), Some(people.customer.access.clone())).await, 404, "not_found").await;
    assert_problem(read(location.clone(), Some(people.other_customer.access.clone())).await, 404, "not_found").await;
    for path in [&location, &missing] {
        let anonymous = read(path.clone(), None).await;
        assert_eq!(anonymous.headers()["www-authenticate"], "Bearer realm=\"headliner\"");
        assert_problem(anonymous, 401, "unauthenticated").await;
        assert_problem(read(path.clone(), Some("not.a.token".into())).await, 401, "unauthenticated").await;
    }
    // A missing token is refused before the id is even parsed.
    assert_problem(read("/api/v1/bookings/not-an-id".into(), None).await, 401, "unauthenticated").await;

    // After logout-everywhere the old token reads nothing, existing or not; a new session reads.
    assert_eq!(app.logout_all(&people.customer.access).await.status().as_u16(), 204);
    for path in [&location, &missing] {
        assert_problem(read(path.clone(), Some(people.customer.access.clone())).await, 401, "unauthenticated").await;
    }
    let fresh = app.sign_in("customer-one-trip@example.com").await;
    assert_eq!(read(location.clone(), Some(fresh.access.clone())).await.status().as_u16(), 200);

    // A disabled account is refused at once; a role change applies at once.
    let disable = json!({"role": "customer", "disabled": true});
    assert_eq!(
        app.admin_change_access(&people.admin.access, &people.customer.id, &disable).await.status().as_u16(),
        200
    );
    assert_problem(read(location.clone(), Some(fresh.access.clone())).await, 401, "unauthenticated").await;
    let to_admin = json!({"role": "admin", "disabled": false});
    assert_eq!(
        app.admin_change_access(&people.admin.access, &people.other_customer.id, &to_admin).await.status().as_u16(),
        200
    );
    let admin_now = app.sign_in("other-one-trip@example.com").await;
    assert_eq!(
        read(location, Some(admin_now.access)).await.status().as_u16(),
        200,
        "now an admin, it sees every booking"
    );
}

async fn request_and_visibility(app: &TestApp) {
    let people = app.people("request").await;
    let response = app.book(&people.customer, &people.celebrity, 7, 2).await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let booking: Value = response.json().await.unwrap();
    assert_eq!(booking["status"], "pending");
    assert_eq!(booking["version"], 1);
    assert_eq!(booking["price"], json!({"amount_minor": 200_000, "currency": "USD"}), "two hours at 1000.00");
    assert_eq!(booking["customer_id"], people.customer.id.as_str());
    assert_eq!(location, format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()));

    // Visible to its customer, its celebrity's talent and admins; a 404 for anyone else.
    for who in [&people.customer, &people.talent, &people.admin] {
        let read = app.call(Method::GET, &location, None, Some(&who.access), &[]).await;
        assert_eq!(read.status().as_u16(), 200);
        assert_eq!(read.headers()["cache-control"], "private, no-cache");
        assert!(read.headers()["vary"].to_str().unwrap().contains("Authorization"));
    }
    let other = app.call(Method::GET, &location, None, Some(&people.other_customer.access), &[]).await;
    assert_problem(other, 404, "not_found").await;
    assert_problem(app.get(&location).await, 401, "unauthenticated").await;
    // A conditional read by its owner is a 304; the same ETag from someone else still is a 404.
    let read = app.call(Method::GET, &location, None, Some(&people.customer.access), &[]).await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let cached =
        app.call(Method::GET, &location, None, Some(&people.customer.access), &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status().as_u16(), 304);
    let stranger =
        app.call(Method::GET, &location, None, Some(&people.other_customer.access), &[("if-none-match", &etag)]).await;
    assert_problem(stranger, 404, "not_found").await;

    // Lists are scoped by role, never widened by filters.
    let count = |body: Value| body["items"].as_array().unwrap().len();
    for (who, expected) in [(&people.customer, 1), (&people.talent, 1), (&people.admin, 1), (&people.other_customer, 0)]
    {
        let listed = app.call(Method::GET, "/api/v1/bookings", None, Some(&who.access), &[]).await;
        assert_eq!(count(listed.json().await.unwrap()), expected);
    }
    let filtered = format!("/api/v1/bookings?celebrity_id={}&status=pending", people.celebrity);
    let other: Value =
        app.call(Method::GET, &filtered, None, Some(&people.other_customer.access), &[]).await.json().await.unwrap();
    assert_eq!(count(other), 0);
    let confirmed: Value = app
        .call(Method::GET, "/api/v1/bookings?status=confirmed", None, Some(&people.admin.access), &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(confirmed), 0);

    // Only customers request.
    let refused = app.book(&people.talent, &people.celebrity, 9, 1).await;
    assert_problem(refused, 403, "forbidden").await;
    // The request's emails were recorded in the outbox with the booking.
    let pending = app.database.repositories().outbox.list(OutboxStatus::Pending, 100).await.unwrap();
    assert!(pending.iter().any(|m| m.booking_id.map(|b| b.to_string()) == booking["id"].as_str().map(str::to_owned)));
}

async fn idempotency(app: &TestApp) {
    let people = app.people("idempotency").await;
    let body = booking_body(&people.celebrity, 8, 1);
    let post = |body: Value, key: &'static str| {
        let access = people.customer.access.clone();
        async move {
            app.call(Method::POST, "/api/v1/bookings", Some(&body), Some(&access), &[("idempotency-key", key)]).await
        }
    };
    let first = post(body.clone(), "order-1").await;
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();
    // The same body with its keys in another order is the same request.
    let mut reordered = serde_json::Map::new();
    for (k, v) in body.as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let replay = post(Value::Object(reordered), "order-1").await;
    assert_eq!(replay.status().as_u16(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay, first);
    let other = post(booking_body(&people.celebrity, 9, 1), "order-1").await;
    assert_problem(other, 422, "idempotency_key_reused").await;
    // Keys are per account: another customer's same key is a new request (and here overlaps).
    let theirs = app
        .call(
            Method::POST,
            "/api/v1/bookings",
            Some(&body),
            Some(&people.other_customer.access),
            &[("idempotency-key", "order-1")],
        )
        .await;
    assert_problem(theirs, 409, "booking_conflict").await;
    let bad_key = app
        .call(Method::POST, "/api/v1/bookings", Some(&body), Some(&people.customer.access), &[("idempotency-key", "")])
        .await;
    assert_problem(bad_key, 400, "bad_request").await;
    let list: Value =
        app.call(Method::GET, "/api/v1/bookings", None, Some(&people.admin.access), &[]).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "one booking for all those requests");
}

async fn change(
    app: &TestApp,
    id: &str,
    action: &str,
    who: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    app.call(Method::POST, &format!("/api/v1/bookings/{id}/{action}"), body, Some(who), headers).await
}

async fn lifecycle(app: &TestApp) {
    let people = app.people("lifecycle").await;
    let booking: Value = app.book(&people.customer, &people.celebrity, 6, 3).await.json().await.unwrap();
    let id = booking["id"].as_str().unwrap();
    // Customers cannot confirm; another talent or customer does not even see it.
    assert_problem(change(app, id, "confirm", &people.customer.access, None, &[]).await, 403, "forbidden").await;
    assert_problem(change(app, id, "confirm", &people.other_customer.access, None, &[]).await, 404, "not_found").await;
    // A stale If-Match is 412 and changes nothing; the right one confirms.
    let stale = change(app, id, "confirm", &people.talent.access, None, &[("if-match", "\"7\"")]).await;
    assert_problem(stale, 412, "version_conflict").await;
    assert_problem(
        change(app, id, "confirm", &people.talent.access, None, &[("if-match", "soon")]).await,
        400,
        "bad_request",
    )
    .await;
    let confirmed = change(app, id, "confirm", &people.talent.access, None, &[("if-match", "\"1\"")]).await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(confirmed.headers()["etag"], "\"2\"");
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!((confirmed["status"].as_str(), confirmed["version"].as_i64()), (Some("confirmed"), Some(2)));
    // The lifecycle forbids these now.
    let reject = change(app, id, "reject", &people.talent.access, Some(&json!({"reason": "late"})), &[]).await;
    assert_problem(reject, 409, "invalid_status_transition").await;
    let complete = change(app, id, "complete", &people.admin.access, None, &[]).await;
    assert_problem(complete, 409, "invalid_status_transition").await;
    // Unknown fields in the reason body are refused; a long reason is a field error.
    let unknown = change(app, id, "cancel", &people.customer.access, Some(&json!({"why": "x"})), &[]).await;
    assert_problem(unknown, 400, "bad_request").await;
    let long =
        change(app, id, "cancel", &people.customer.access, Some(&json!({"reason": "x".repeat(1001)})), &[]).await;
    assert_problem(long, 422, "validation_failed").await;
    let cancelled =
        change(app, id, "cancel", &people.customer.access, Some(&json!({"reason": "Plans changed"})), &[]).await;
    assert_eq!(cancelled.status().as_u16(), 200);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    let events =
        app.call(Method::GET, &format!("/api/v1/bookings/{id}/events"), None, Some(&people.customer.access), &[]).await;
    assert_eq!(events.status().as_u16(), 200);
    let events: Value = events.json().await.unwrap();
    let steps: Vec<(Value, Value, Value)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["from"].clone(), e["to"].clone(), e["actor_role"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("pending"), json!("customer")),
            (json!("pending"), json!("confirmed"), json!("talent")),
            (json!("confirmed"), json!("cancelled"), json!("customer")),
        ]
    );
    assert_eq!(events["items"][2]["reason"], "Plans changed");
    let hidden = app
        .call(Method::GET, &format!("/api/v1/bookings/{id}/events"), None, Some(&people.other_customer.access), &[])
        .await;
    assert_problem(hidden, 404, "not_found").await;

    // Reject path on a second booking; the freed slot is bookable again.
    let second: Value = app.book(&people.customer, &people.celebrity, 6, 3).await.json().await.unwrap();
    let rejected = change(
        app,
        second["id"].as_str().unwrap(),
        "reject",
        &people.talent.access,
        Some(&json!({"reason": "Busy"})),
        &[],
    )
    .await;
    assert_eq!(rejected.status().as_u16(), 200);
    // Every change wrote its outbox messages with the booking.
    let outbox = app.database.repositories().outbox.list(OutboxStatus::Pending, 1000).await.unwrap();
    let for_first = outbox.iter().filter(|m| m.booking_id.map(|b| b.to_string()).as_deref() == Some(id)).count();
    assert!(for_first >= 3, "request, confirmation and cancellation each wrote messages: {for_first}");
}

async fn validation(app: &TestApp) {
    let people = app.people("booking-validation").await;
    let post = |body: Value| {
        let access = people.customer.access.clone();
        async move { app.call(Method::POST, "/api/v1/bookings", Some(&body), Some(&access), &[]).await }
    };
    let mut unknown = booking_body(&people.celebrity, 5, 1);
    unknown["status"] = json!("confirmed");
    assert_problem(post(unknown).await, 400, "bad_request").await;
    let mut reversed = booking_body(&people.celebrity, 5, 1);
    reversed["ends_at"] = reversed["starts_at"].clone();
    reversed["timezone"] = json!("Mars/Olympus");
    reversed["event_type"] = json!("party");
    let problem = assert_problem(post(reversed).await, 422, "validation_failed").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["ends_at", "timezone", "event_type"]);
    let past = booking_body(&people.celebrity, -2, 1);
    assert_eq!(assert_problem(post(past).await, 422, "validation_failed").await["errors"][0]["field"], "starts_at");
    let too_long = booking_body(&people.celebrity, 5, 25);
    assert_eq!(assert_problem(post(too_long).await, 422, "validation_failed").await["errors"][0]["field"], "ends_at");
    let nobody = booking_body(&uuid::Uuid::new_v4().to_string(), 5, 1);
    assert_eq!(
        assert_problem(post(nobody).await, 422, "validation_failed").await["errors"][0]["field"],
        "celebrity_id"
    );
    let mut empty_location = booking_body(&people.celebrity, 5, 1);
    empty_location["location"] = json!("  ");
    assert_problem(post(empty_location).await, 422, "validation_failed").await;
    let mut wrong_type = booking_body(&people.celebrity, 5, 1);
    wrong_type["starts_at"] = json!(12);
    assert_problem(post(wrong_type).await, 400, "bad_request").await;
    let not_json = app
        .request(Method::POST, "/api/v1/bookings")
        .bearer_auth(&people.customer.access)
        .header("content-type", "application/json")
        .body("{\"celebrity_id\":")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400, "bad_request").await;
    for query in ["status=maybe", "limit=0", "cursor=zzz", "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"] {
        let response =
            app.call(Method::GET, &format!("/api/v1/bookings?{query}"), None, Some(&people.admin.access), &[]).await;
        assert_problem(response, 422, "validation_failed").await;
    }
    assert_problem(
        app.call(Method::GET, "/api/v1/bookings/not-an-id", None, Some(&people.admin.access), &[]).await,
        404,
        "not_found",
    )
    .await;
    let list: Value =
        app.call(Method::GET, "/api/v1/bookings", None, Some(&people.admin.access), &[]).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "nothing was stored");
}
