//! The catalogue over HTTP on both stores: categories, profiles (read, search, sorts, cursor
//! paging, create, edit, soft delete), caching with ETags, availability and blocked periods.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, People, TestApp, assert_problem, on_both_stores};

on_both_stores! {
    profiles_are_created_by_admins_read_by_id_or_slug_and_edited_by_their_talent,
    profiles_on_postgres => profiles_lifecycle;
    search_filters_sorts_and_cursor_pages_are_consistent,
    search_on_postgres => search_and_paging;
    catalogue_reads_carry_etags_answer_304_and_show_a_write_on_the_next_read,
    catalogue_cache_on_postgres => caching;
    bad_catalogue_input_is_a_clear_problem_and_changes_nothing,
    catalogue_validation_on_postgres => validation;
    blocked_periods_and_bookings_show_in_availability_without_private_data,
    availability_on_postgres => availability;
}

async fn create(app: &TestApp, admin: &Account, body: &Value) -> reqwest::Response {
    app.call(Method::POST, "/api/v1/celebrities", Some(body), Some(&admin.access), &[]).await
}

fn profile(name: &str, price: i64, bio: &str) -> Value {
    json!({"name": name, "category": "music", "bio": bio, "base_price": {"amount_minor": price, "currency": "USD"}})
}

async fn profiles_lifecycle(app: &TestApp) {
    let people = app.people("profiles").await;
    let created = create(app, &people.admin, &profile("Zoë Keys", 250_000, "Jazz piano")).await;
    assert_eq!(created.status().as_u16(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["slug"], "zoe-keys");
    assert_eq!(body["base_price"], json!({"amount_minor": 250_000, "currency": "USD"}));
    assert_eq!(body["image_url"], Value::Null);
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/celebrities/{id}"));

    for path in [format!("/api/v1/celebrities/{id}"), "/api/v1/celebrities/zoe-keys".to_owned()] {
        let read = app.get(&path).await;
        assert_eq!(read.status().as_u16(), 200, "{path}");
        assert_eq!(read.headers()["cache-control"], "public, no-cache");
        let read: Value = read.json().await.unwrap();
        assert_eq!(read["id"], id.as_str());
    }
    let taken = create(
        app,
        &people.admin,
        &json!({"name": "Other", "slug": "zoe-keys", "category": "music",
        "base_price": {"amount_minor": 1, "currency": "USD"}}),
    )
    .await;
    assert_problem(taken, 409, "slug_taken").await;

    // Customers and talent may not create; talent edit only their own profile's name, bio, price.
    assert_problem(create(app, &people.customer, &profile("X", 1, "")).await, 403, "forbidden").await;
    assert_problem(create(app, &people.talent, &profile("X", 1, "")).await, 403, "forbidden").await;
    let own = format!("/api/v1/celebrities/{}", people.celebrity);
    let edit = json!({"bio": "New bio", "base_price": {"amount_minor": 120_000, "currency": "USD"}});
    let edited = app.call(Method::PATCH, &own, Some(&edit), Some(&people.talent.access), &[]).await;
    assert_eq!(edited.status().as_u16(), 200);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(
        (edited["bio"].as_str(), edited["base_price"]["amount_minor"].as_i64()),
        (Some("New bio"), Some(120_000))
    );
    let slug = json!({"slug": "renamed"});
    let refused = app.call(Method::PATCH, &own, Some(&slug), Some(&people.talent.access), &[]).await;
    assert_problem(refused, 403, "forbidden").await;
    let others = format!("/api/v1/celebrities/{id}");
    let refused = app.call(Method::PATCH, &others, Some(&edit), Some(&people.talent.access), &[]).await;
    assert_problem(refused, 403, "forbidden").await;
    let anonymous = app.call(Method::PATCH, &others, Some(&edit), None, &[]).await;
    assert_problem(anonymous, 401, "unauthenticated").await;

    // Soft delete: gone from reads and search, admins only, history stays for bookings.
    let refused = app.call(Method::DELETE, &others, None, Some(&people.talent.access), &[]).await;
    assert_problem(refused, 403, "forbidden").await;
    let deleted = app.call(Method::DELETE, &others, None, Some(&people.admin.access), &[]).await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert_problem(app.get(&others).await, 404, "not_found").await;
    assert_problem(app.get("/api/v1/celebrities/zoe-keys").await, 404, "not_found").await;
    let again = app.call(Method::DELETE, &others, None, Some(&people.admin.access), &[]).await;
    assert_problem(again, 404, "not_found").await;
    let search: Value = app.get("/api/v1/celebrities?q=jazz").await.json().await.unwrap();
    assert_eq!(search["items"], json!([]));

    let categories: Value = app.get("/api/v1/categories").await.json().await.unwrap();
    assert_eq!(categories["items"], json!([{"slug": "music", "name": "Music"}]));
}

async fn names(app: &TestApp, path: &str) -> (Vec<String>, Option<String>) {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let body: Value = response.json().await.unwrap();
    let names = body["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    (names, body["next_cursor"].as_str().map(str::to_owned))
}

async fn search_and_paging(app: &TestApp) {
    let people = app.people("search").await;
    for (name, price, bio) in [
        ("Aria Stone", 300_000, "Opera soprano and recitals"),
        ("Ben Vale", 90_000, "Stand-up comedy nights"),
        ("Cleo Marsh", 200_000, "Opera director and speaker"),
        ("Dev Hart", 50_000, "Keynote speaker on startups"),
        ("Eve Quill", 400_000, "Poetry readings"),
    ] {
        assert_eq!(create(app, &people.admin, &profile(name, price, bio)).await.status().as_u16(), 201);
    }
    // Full-text: name and bio words, all must match, the last as a prefix; hostile input is inert.
    assert_eq!(names(app, "/api/v1/celebrities?q=opera").await.0, ["Aria Stone", "Cleo Marsh"]);
    assert_eq!(names(app, "/api/v1/celebrities?q=opera%20spea").await.0, ["Cleo Marsh"]);
    assert_eq!(names(app, "/api/v1/celebrities?q=quill").await.0, ["Eve Quill"]);
    for hostile in ["%22%27", "a%26%7C!b", "NEAR(x)", "*", "%3A*", "%28%29", "%E2%80%94", "OR%20AND"] {
        let response = app.get(&format!("/api/v1/celebrities?q={hostile}")).await;
        assert_eq!(response.status().as_u16(), 200, "q={hostile}");
    }
    // Filters and sorts.
    let (cheap, _) = names(app, "/api/v1/celebrities?max_price_minor=100000&sort=price").await;
    assert_eq!(cheap, ["Dev Hart", "Ben Vale", "Nova Lane"]);
    let (band, _) = names(app, "/api/v1/celebrities?min_price_minor=150000&max_price_minor=300000&sort=-price").await;
    assert_eq!(band, ["Aria Stone", "Cleo Marsh"]);
    let (newest, _) = names(app, "/api/v1/celebrities?sort=newest&limit=2").await;
    assert_eq!(newest, ["Eve Quill", "Dev Hart"]);
    assert_eq!(names(app, "/api/v1/celebrities?category=comedy").await.0, Vec::<String>::new());

    // Cursor paging by name visits every profile once, even with inserts between pages.
    let mut seen = Vec::new();
    let mut path = "/api/v1/celebrities?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (page, next) = names(app, &path).await;
        seen.extend(page);
        pages += 1;
        if pages == 1 {
            // Sorts before the cursor: must not appear; after it: must appear exactly once.
            create(app, &people.admin, &profile("Aaron Early", 1, "")).await;
            create(app, &people.admin, &profile("Zed Late", 1, "")).await;
        }
        let Some(next) = next else { break };
        path = format!("/api/v1/celebrities?limit=2&cursor={next}");
    }
    let mut expected: Vec<String> =
        ["Aria Stone", "Ben Vale", "Cleo Marsh", "Dev Hart", "Eve Quill", "Nova Lane", "Zed Late"]
            .into_iter()
            .map(String::from)
            .collect();
    expected.sort();
    assert_eq!(seen, expected);
    // A cursor of another sort is refused.
    let (_, next) = names(app, "/api/v1/celebrities?limit=1").await;
    let mixed = app.get(&format!("/api/v1/celebrities?sort=price&cursor={}", next.unwrap())).await;
    assert_problem(mixed, 422, "validation_failed").await;
}

async fn caching(app: &TestApp) {
    let people = app.people("cache").await;
    let path = format!("/api/v1/celebrities/{}", people.celebrity);
    let first = app.get(&path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app.call(Method::GET, &path, None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    let list = app.get("/api/v1/celebrities").await;
    let list_etag = list.headers()["etag"].to_str().unwrap().to_owned();
    let list_again = app.call(Method::GET, "/api/v1/celebrities", None, None, &[("if-none-match", &list_etag)]).await;
    assert_eq!(list_again.status().as_u16(), 304);

    // A write is visible on the very next read, with a new ETag.
    let edit = json!({"name": "Nova Lane II"});
    let edited = app.call(Method::PATCH, &path, Some(&edit), Some(&people.talent.access), &[]).await;
    assert_eq!(edited.status().as_u16(), 200);
    let after = app.call(Method::GET, &path, None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status().as_u16(), 200);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let after: Value = after.json().await.unwrap();
    assert_eq!(after["name"], "Nova Lane II");
    let listed = app.call(Method::GET, "/api/v1/celebrities", None, None, &[("if-none-match", &list_etag)]).await;
    assert_eq!(listed.status().as_u16(), 200);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["items"][0]["name"], "Nova Lane II");
}

async fn validation(app: &TestApp) {
    let people = app.people("validation").await;
    let unknown =
        json!({"name": "X", "category": "music", "base_price": {"amount_minor": 1, "currency": "USD"}, "id": "x"});
    assert_problem(create(app, &people.admin, &unknown).await, 400, "bad_request").await;
    let bad = json!({"name": "", "slug": "Bad Slug", "category": "nope", "bio": "",
        "base_price": {"amount_minor": -5, "currency": "usd"}});
    let problem = assert_problem(create(app, &people.admin, &bad).await, 422, "validation_failed").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["base_price.currency", "base_price.amount_minor"]);
    let bad = json!({"name": "", "slug": "Bad Slug", "category": "music", "bio": "",
        "base_price": {"amount_minor": 5, "currency": "USD"}});
    let problem = assert_problem(create(app, &people.admin, &bad).await, 422, "validation_failed").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "slug"]);
    let unknown_category =
        json!({"name": "Y", "category": "nope", "base_price": {"amount_minor": 5, "currency": "USD"}});
    let problem = assert_problem(create(app, &people.admin, &unknown_category).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "category");
    let text = app
        .request(Method::POST, "/api/v1/celebrities")
        .bearer_auth(&people.admin.access)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_problem(text, 415, "unsupported_media_type").await;
    for query in [
        "limit=0",
        "limit=101",
        "min_price_minor=-1",
        "min_price_minor=5&max_price_minor=1",
        "available_from=2030-01-01T00:00:00Z",
        "cursor=garbage",
    ] {
        assert_problem(app.get(&format!("/api/v1/celebrities?{query}")).await, 422, "validation_failed").await;
    }
    assert_eq!(app.get("/api/v1/celebrities?q=").await.status().as_u16(), 200, "blank search is no search");
    for query in ["sort=cheapest", "bogus=1", "min_price_minor=abc", "available_from=yesterday"] {
        assert_problem(app.get(&format!("/api/v1/celebrities?{query}")).await, 400, "bad_request").await;
    }
    assert_problem(app.get("/api/v1/celebrities/not-a-known-slug").await, 404, "not_found").await;
    let listed: Value = app.get("/api/v1/celebrities").await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "nothing was created by the refused requests");
}

fn at(days: i64, hour: u32) -> String {
    let day = (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
    day.and_hms_opt(hour, 0, 0).unwrap().and_utc().to_rfc3339()
}

async fn block(app: &TestApp, who: &Account, people: &People, from: (i64, u32), to: (i64, u32)) -> reqwest::Response {
    let body = json!({"starts_at": at(from.0, from.1), "ends_at": at(to.0, to.1), "reason": "Family holiday"});
    let path = format!("/api/v1/celebrities/{}/blocked-periods", people.celebrity);
    app.call(Method::POST, &path, Some(&body), Some(&who.access), &[]).await
}

async fn availability(app: &TestApp) {
    let people = app.people("calendar").await;
    let blocked = block(app, &people.talent, &people, (10, 0), (12, 0)).await;
    assert_eq!(blocked.status().as_u16(), 201);
    let blocked: Value = blocked.json().await.unwrap();
    assert_eq!(blocked["reason"], "Family holiday");
    // Another talent or a customer may not touch this calendar.
    assert_problem(block(app, &people.customer, &people, (20, 0), (21, 0)).await, 403, "forbidden").await;
    // Overlaps are refused both ways.
    assert_problem(block(app, &people.admin, &people, (11, 0), (13, 0)).await, 409, "calendar_conflict").await;
    let into_block = app.book(&people.customer, &people.celebrity, 11, 2).await;
    assert_problem(into_block, 409, "booking_conflict").await;
    let booked = app.book(&people.customer, &people.celebrity, 5, 2).await;
    assert_eq!(booked.status().as_u16(), 201);
    assert_problem(block(app, &people.talent, &people, (5, 0), (6, 0)).await, 409, "calendar_conflict").await;
    // Past and reversed periods are field errors.
    assert_problem(block(app, &people.talent, &people, (-3, 0), (-2, 0)).await, 422, "validation_failed").await;
    assert_problem(block(app, &people.talent, &people, (30, 5), (30, 1)).await, 422, "validation_failed").await;

    let path = format!(
        "/api/v1/celebrities/{}/availability?from={}&to={}",
        people.celebrity,
        urlencode(&at(0, 0)),
        urlencode(&at(60, 0))
    );
    let response = app.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains(&people.customer.id) && !text.contains("Family") && !text.contains("Albert"), "{text}");
    let busy: Value = serde_json::from_str(&text).unwrap();
    let kinds: Vec<&str> = busy["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["booked", "blocked"]);
    assert_eq!(busy["items"][1]["starts_at"], at(10, 0).replace("+00:00", "Z"));

    // The catalogue's availability filter agrees.
    let free =
        format!("/api/v1/celebrities?available_from={}&available_to={}", urlencode(&at(11, 0)), urlencode(&at(11, 3)));
    let listed: Value = app.get(&free).await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    let free =
        format!("/api/v1/celebrities?available_from={}&available_to={}", urlencode(&at(15, 0)), urlencode(&at(15, 3)));
    let listed: Value = app.get(&free).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // The talent lists and removes its blocked period; the slot opens at once.
    let list_path = format!(
        "/api/v1/celebrities/{}/blocked-periods?from={}&to={}",
        people.celebrity,
        urlencode(&at(0, 0)),
        urlencode(&at(60, 0))
    );
    let listed = app.call(Method::GET, &list_path, None, Some(&people.talent.access), &[]).await;
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let anonymous = app.get(&list_path).await;
    assert_problem(anonymous, 401, "unauthenticated").await;
    let one = format!("/api/v1/celebrities/{}/blocked-periods/{}", people.celebrity, blocked["id"].as_str().unwrap());
    let refused = app.call(Method::DELETE, &one, None, Some(&people.customer.access), &[]).await;
    assert_problem(refused, 403, "forbidden").await;
    let removed = app.call(Method::DELETE, &one, None, Some(&people.talent.access), &[]).await;
    assert_eq!(removed.status().as_u16(), 204);
    let again = app.call(Method::DELETE, &one, None, Some(&people.talent.access), &[]).await;
    assert_problem(again, 404, "not_found").await;
    let busy: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(busy["items"].as_array().unwrap().len(), 1, "only the booking is left: {busy}");
    assert_eq!(app.book(&people.customer, &people.celebrity, 11, 2).await.status().as_u16(), 201);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
