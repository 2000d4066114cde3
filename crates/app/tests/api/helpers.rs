//! `spawn_app()` and `TestApp`: a real server on a free port, with its own data folder and,
//! for Postgres, its own database (dropped when the `TestApp` is dropped).

use std::collections::BTreeMap;

use actix_web::dev::ServerHandle;
use headliner::config::{Env, Settings};
use headliner::database::Database;
use headliner::startup::{Application, ExtraRoutes};
use headliner_testkit::postgres::TestDatabase;
use reqwest::{Method, RequestBuilder};

/// The JWT signing secret every test server uses (so tests can forge tokens with it).
pub const TEST_JWT_SECRET: &str = "test-only-jwt-secret-of-at-least-32-bytes!!";

/// Which store a test runs against.
pub enum Store {
    Sqlite,
    Postgres(TestDatabase),
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub handle: ServerHandle,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    pub postgres: Option<TestDatabase>,
    /// The server's store, to arrange and inspect state behind the API.
    pub database: Database,
    /// The key the server signs access tokens with.
    pub jwt_secret: Vec<u8>,
    _data_dir: tempfile::TempDir,
}

/// Settings for a test server: the defaults, except port 0 and a private data folder.
pub fn test_settings(data_dir: &std::path::Path, database_url: Option<&str>, extra: &[(&str, &str)]) -> Settings {
    let mut env: Env = BTreeMap::new();
    env.insert("HEADLINER_BIND".into(), "127.0.0.1:0".into());
    env.insert("HEADLINER_DATA_DIR".into(), data_dir.to_str().unwrap().into());
    env.insert("HEADLINER_WORKERS".into(), "2".into());
    env.insert("HEADLINER_SHUTDOWN_TIMEOUT_SECS".into(), "10".into());
    env.insert("HEADLINER_JWT_SECRET".into(), TEST_JWT_SECRET.into());
    // Tests inspect the outbox; the relay tests turn it on.
    env.insert("HEADLINER_OUTBOX_RELAY".into(), "false".into());
    // Tests make many requests from one address; the rate-limit tests set their own limits.
    for role in ["ANONYMOUS", "CUSTOMER", "TALENT", "ADMIN"] {
        env.insert(format!("HEADLINER_RATE_LIMIT_{role}"), "off".into());
    }
    if let Some(url) = database_url {
        env.insert("DATABASE_URL".into(), url.into());
    }
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    Settings::load(&env, None, false).expect("test settings are valid")
}

/// A server on SQLite in a temporary folder.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Store::Sqlite, &[], None).await
}

/// A server on the given store, with extra settings and optional extra routes.
pub async fn spawn_app_with(store: Store, extra: &[(&str, &str)], routes: Option<ExtraRoutes>) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let (url, postgres) = match store {
        Store::Sqlite => (None, None),
        Store::Postgres(db) => (Some(db.url().to_owned()), Some(db)),
    };
    let settings = test_settings(data_dir.path(), url.as_deref(), extra);
    let app = Application::build(&settings, routes).await.expect("the app starts");
    let jwt_secret = headliner::security::jwt_secret(&settings).expect("the JWT secret is readable").bytes;
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let database = app.database().clone();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, handle, server, postgres, database, jwt_secret, _data_dir: data_dir }
}

/// `name` runs `scenario(&TestApp)` on SQLite; `pg_name` on a fresh Postgres database (or
/// reports itself skipped when no test server is configured).
macro_rules! on_both_stores {
    ($($name:ident, $pg_name:ident => $scenario:ident;)*) => {$(
        #[tokio::test]
        async fn $name() {
            $scenario(&$crate::helpers::spawn_app().await).await;
        }

        #[tokio::test]
        async fn $pg_name() {
            let Some(store) = $crate::helpers::postgres_or_skip(stringify!($pg_name)) else { return };
            $scenario(&$crate::helpers::spawn_app_with(store, &[], None).await).await;
        }
    )*};
}
pub(crate) use on_both_stores;

/// A Postgres store for `test`, or `None` (announced as skipped) without a test server.
pub fn postgres_or_skip(test: &str) -> Option<Store> {
    TestDatabase::create_or_skip(test).expect("the test Postgres server is usable").map(Store::Postgres)
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(Method::GET, path).send().await.expect("request sent")
    }

    pub async fn health_live(&self) -> reqwest::Response {
        self.get("/health/live").await
    }

    pub async fn health_ready(&self) -> reqwest::Response {
        self.get("/health/ready").await
    }

    pub async fn openapi(&self) -> reqwest::Response {
        self.get("/api/openapi.json").await
    }
}

/// Asserts the response is an RFC 9457 problem with `status` and `code`, and returns it.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["type"], format!("urn:headliner:problem:{code}"), "{body}");
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    body
}

/// A password every account in the tests uses: long enough and not a common one.
pub const PASSWORD: &str = "a long and unusual passphrase";

/// A signed-up account and its current session.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub access: String,
    pub refresh: String,
}

impl Account {
    fn from_session(session: &serde_json::Value) -> Self {
        Self {
            id: session["user"]["id"].as_str().unwrap().to_owned(),
            access: session["access_token"].as_str().unwrap().to_owned(),
            refresh: session["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}

/// The accounts endpoints, one method each, and ways to arrange accounts behind the API.
impl TestApp {
    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
        bearer: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.request(method, path).json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn register(&self, email: &str, password: &str, display_name: &str) -> reqwest::Response {
        let body = serde_json::json!({"email": email, "password": password, "display_name": display_name});
        self.send_json(Method::POST, "/api/v1/auth/register", &body, None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let body = serde_json::json!({"email": email, "password": password});
        self.send_json(Method::POST, "/api/v1/auth/login", &body, None).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        let body = serde_json::json!({"refresh_token": refresh_token});
        self.send_json(Method::POST, "/api/v1/auth/refresh", &body, None).await
    }

    pub async fn logout(&self, access: &str, refresh_token: &str) -> reqwest::Response {
        let body = serde_json::json!({"refresh_token": refresh_token});
        self.send_json(Method::POST, "/api/v1/auth/logout", &body, Some(access)).await
    }

    pub async fn logout_all(&self, access: &str) -> reqwest::Response {
        self.request(Method::POST, "/api/v1/auth/logout-all").bearer_auth(access).send().await.expect("request sent")
    }

    pub async fn request_password_reset(&self, email: &str) -> reqwest::Response {
        let body = serde_json::json!({"email": email});
        self.send_json(Method::POST, "/api/v1/auth/password-reset", &body, None).await
    }

    pub async fn confirm_password_reset(&self, token: &str, new_password: &str) -> reqwest::Response {
        let body = serde_json::json!({"token": token, "new_password": new_password});
        self.send_json(Method::POST, "/api/v1/auth/password-reset/confirm", &body, None).await
    }

    pub async fn me(&self, access: &str) -> reqwest::Response {
        self.request(Method::GET, "/api/v1/me").bearer_auth(access).send().await.expect("request sent")
    }

    pub async fn admin_users(&self, access: &str, query: &str) -> reqwest::Response {
        let path = format!("/api/v1/admin/users{query}");
        self.request(Method::GET, &path).bearer_auth(access).send().await.expect("request sent")
    }

    pub async fn admin_change_access(&self, access: &str, id: &str, body: &serde_json::Value) -> reqwest::Response {
        self.send_json(Method::PATCH, &format!("/api/v1/admin/users/{id}"), body, Some(access)).await
    }

    /// Registers `email` with [`PASSWORD`] and returns the new session.
    pub async fn sign_up(&self, email: &str) -> Account {
        let response = self.register(email, PASSWORD, "Test Person").await;
        assert_eq!(response.status().as_u16(), 201, "registering {email}");
        Account::from_session(&response.json().await.unwrap())
    }

    /// Logs `email` in with [`PASSWORD`].
    pub async fn sign_in(&self, email: &str) -> Account {
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status().as_u16(), 200, "logging in {email}");
        Account::from_session(&response.json().await.unwrap())
    }

    /// A signed-in account holding `role`, given behind the API the way `create-admin` does
    /// (talent linked to a new celebrity).
    pub async fn account_with_role(&self, email: &str, role: headliner_domain::role::Role) -> Account {
        use headliner_domain::role::Role;
        let account = self.sign_up(email).await;
        if role == Role::Customer {
            return account;
        }
        let celebrity_id = match role {
            Role::Talent => Some(self.new_celebrity().await),
            Role::Customer | Role::Admin => None,
        };
        let change = headliner_ports::accounts::AccessChange { role, celebrity_id, disabled: false };
        let id = headliner_domain::ids::UserId::from_uuid(account.id.parse().unwrap());
        self.database.repositories().accounts.change_access(id, change, chrono::Utc::now()).await.unwrap();
        self.sign_in(email).await
    }

    /// A new celebrity in the catalogue.
    pub async fn new_celebrity(&self) -> headliner_domain::ids::CelebrityId {
        use headliner_domain::celebrity::{Category, Celebrity};
        use headliner_domain::money::{Currency, Money};
        use headliner_domain::slug::Slug;
        let repos = self.database.repositories();
        let music = Category { slug: Slug::parse("music").unwrap(), name: "Music".into() };
        repos.celebrities.upsert_category(music).await.unwrap();
        let uuid = uuid::Uuid::new_v4();
        let now = chrono::Utc::now();
        let celebrity = Celebrity {
            id: headliner_domain::ids::CelebrityId::from_uuid(uuid),
            slug: Slug::parse(&format!("celebrity-{}", uuid.simple())).unwrap(),
            name: "Nova Lane".into(),
            category: "music".into(),
            bio: "Performs live.".into(),
            base_price: Money::new(100_000, Currency::parse("USD").unwrap()),
            deleted: false,
            created_at: now,
            updated_at: now,
        };
        repos.celebrities.insert(celebrity.clone()).await.unwrap();
        celebrity.id
    }

    /// `(recipient, token)` of every password-reset email waiting in the outbox.
    pub async fn reset_emails(&self) -> Vec<(String, String)> {
        use headliner_domain::templates::TemplateData;
        use headliner_ports::outbox::{OutboxPayload, OutboxStatus};
        let messages = self.database.repositories().outbox.list(OutboxStatus::Pending, 1000).await.unwrap();
        messages
            .into_iter()
            .filter_map(|m| match m.payload {
                OutboxPayload::Email { to, data, .. } => match *data {
                    TemplateData::PasswordReset(reset) => {
                        let (_, token) = reset.reset_url.split_once("token=").expect("the link carries the token");
                        Some((to.to_string(), token.to_owned()))
                    }
                    _ => None,
                },
                OutboxPayload::ReleasePayment { .. } | OutboxPayload::RefundPayment { .. } => None,
            })
            .collect()
    }
}

/// The people of a booking scenario: an admin, two customers, and a talent account linked to
/// `celebrity` (a live profile in category `music`, 1000.00 USD an hour).
#[derive(Debug, Clone)]
pub struct People {
    pub admin: Account,
    pub customer: Account,
    pub other_customer: Account,
    pub talent: Account,
    pub celebrity: String,
}

impl TestApp {
    /// Signs everyone of [`People`] up (emails made unique by `tag`).
    pub async fn people(&self, tag: &str) -> People {
        use headliner_domain::role::Role;
        let admin = self.account_with_role(&format!("admin-{tag}@example.com"), Role::Admin).await;
        let customer = self.sign_up(&format!("customer-{tag}@example.com")).await;
        let other_customer = self.sign_up(&format!("other-{tag}@example.com")).await;
        let talent = self.account_with_role(&format!("talent-{tag}@example.com"), Role::Talent).await;
        let me: serde_json::Value = self.me(&talent.access).await.json().await.unwrap();
        let celebrity = me["celebrity_id"].as_str().expect("the talent is linked").to_owned();
        People { admin, customer, other_customer, talent, celebrity }
    }

    /// A JSON request with an optional bearer token and extra headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        bearer: Option<&str>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request sent")
    }

    /// Requests a booking of `celebrity` starting `days_ahead` days from now, lasting `hours`.
    pub async fn book(&self, customer: &Account, celebrity: &str, days_ahead: i64, hours: i64) -> reqwest::Response {
        let body = booking_body(celebrity, days_ahead, hours);
        self.call(Method::POST, "/api/v1/bookings", Some(&body), Some(&customer.access), &[]).await
    }
}

/// A valid booking request body: `days_ahead` days from now at 18:00 UTC, `hours` long.
pub fn booking_body(celebrity: &str, days_ahead: i64, hours: i64) -> serde_json::Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(days_ahead)).date_naive();
    let start = day.and_hms_opt(18, 0, 0).unwrap().and_utc();
    let end = start + chrono::Duration::hours(hours);
    serde_json::json!({
        "celebrity_id": celebrity,
        "starts_at": start.to_rfc3339(),
        "ends_at": end.to_rfc3339(),
        "timezone": "Europe/London",
        "event_type": "appearance",
        "location": "Royal Albert Hall, London",
        "message": "Looking forward to it",
    })
}

/// `count` welcome emails to distinct addresses, due now (the relay drills' burst).
pub fn burst(count: usize) -> Vec<headliner_ports::outbox::OutboxMessage> {
    use headliner_domain::email::EmailAddress;
    use headliner_domain::ids::OutboxMessageId;
    use headliner_domain::templates::{TemplateData, TemplateKey};
    use headliner_ports::outbox::{OutboxMessage, OutboxPayload};
    (0..count)
        .map(|i| OutboxMessage {
            id: OutboxMessageId::from_uuid(uuid::Uuid::new_v4()),
            created_at: chrono::Utc::now(),
            booking_id: None,
            payload: OutboxPayload::Email {
                to: EmailAddress::parse(&format!("fan{i}@example.com")).unwrap(),
                template: TemplateKey::Welcome,
                data: Box::new(TemplateData::sample(TemplateKey::Welcome)),
            },
        })
        .collect()
}
