//! `spawn_app()` and `TestApp`: a real server on a free port, with its own data folder and,
//! for Postgres, its own database (dropped when the `TestApp` is dropped).

use std::collections::BTreeMap;

use actix_web::dev::ServerHandle;
use headliner::config::{Env, Settings};
use headliner::startup::{Application, ExtraRoutes};
use headliner_testkit::postgres::TestDatabase;
use reqwest::{Method, RequestBuilder};

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
    _data_dir: tempfile::TempDir,
}

/// Settings for a test server: the defaults, except port 0 and a private data folder.
pub fn test_settings(data_dir: &std::path::Path, database_url: Option<&str>, extra: &[(&str, &str)]) -> Settings {
    let mut env: Env = BTreeMap::new();
    env.insert("HEADLINER_BIND".into(), "127.0.0.1:0".into());
    env.insert("HEADLINER_DATA_DIR".into(), data_dir.to_str().unwrap().into());
    env.insert("HEADLINER_WORKERS".into(), "2".into());
    env.insert("HEADLINER_SHUTDOWN_TIMEOUT_SECS".into(), "10".into());
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
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, client, handle, server, postgres, _data_dir: data_dir }
}

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
