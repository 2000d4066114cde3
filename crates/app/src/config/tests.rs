use std::io::Write;

use secrecy::ExposeSecret;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Env {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn toml_file(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let s = Settings::load(&Env::new(), None, true).unwrap();
    assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.data_dir, PathBuf::from("./data"));
    assert!(matches!(&s.database, DatabaseSettings::Sqlite { path } if path == Path::new("./data/headliner.db")));
    assert!(matches!(&s.mail, MailTransportConfig::Files { dir } if dir == Path::new("./data/mail")));
    assert!(s.auto_migrate);
    assert!(s.jwt_secret.is_none());
    assert!(s.cors_allowed_origins.is_empty());
    assert_eq!(s.log_format, LogFormat::Pretty);
    assert_eq!(s.config_file, None);
}

#[test]
fn log_format_defaults_to_json_when_not_on_a_terminal() {
    assert_eq!(Settings::load(&Env::new(), None, false).unwrap().log_format, LogFormat::Json);
}

#[test]
fn file_overrides_defaults_and_environment_overrides_file() {
    let file = toml_file(
        "bind = \"127.0.0.1:9000\"\n\
         data_dir = \"/var/lib/headliner\"\n\
         db_pool_size = 4\n\
         cors_allowed_origins = [\"https://app.example.com\"]\n",
    );
    let vars = env(&[("HEADLINER_BIND", "0.0.0.0:7000"), ("HEADLINER_LOG_FORMAT", "json")]);
    let s = Settings::load(&vars, Some(file.path().to_owned()), true).unwrap();
    assert_eq!(s.bind.to_string(), "0.0.0.0:7000", "environment wins over the file");
    assert_eq!(s.db_pool_size, 4, "the file wins over the default");
    assert_eq!(s.data_dir, PathBuf::from("/var/lib/headliner"));
    assert!(
        matches!(&s.database, DatabaseSettings::Sqlite { path } if path == Path::new("/var/lib/headliner/headliner.db"))
    );
    assert_eq!(s.cors_allowed_origins, ["https://app.example.com"]);
    assert_eq!(s.log_format, LogFormat::Json);
    assert_eq!(s.config_file.as_deref(), Some(file.path()));
}

#[test]
fn headliner_config_variable_names_the_file_and_cli_flag_wins_over_it() {
    let from_env = toml_file("db_pool_size = 3\n");
    let from_flag = toml_file("db_pool_size = 7\n");
    let vars = env(&[("HEADLINER_CONFIG", from_env.path().to_str().unwrap())]);
    assert_eq!(Settings::load(&vars, None, true).unwrap().db_pool_size, 3);
    assert_eq!(Settings::load(&vars, Some(from_flag.path().to_owned()), true).unwrap().db_pool_size, 7);
}

#[test]
fn unknown_key_in_file_is_refused_naming_it_and_its_line() {
    let file = toml_file("bind = \"127.0.0.1:1\"\nbnid = \"oops\"\n");
    let err = Settings::load(&Env::new(), Some(file.path().to_owned()), true).unwrap_err().to_string();
    assert!(err.contains("line 2, key `bnid`") && err.contains("unknown field `bnid`"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn wrongly_typed_value_in_file_is_refused_naming_the_key() {
    let file = toml_file("db_pool_size = \"many\"\n");
    let err = Settings::load(&Env::new(), Some(file.path().to_owned()), true).unwrap_err().to_string();
    assert!(err.contains("key `db_pool_size`"), "{err}");
}

#[test]
fn missing_named_config_file_is_an_error() {
    let err = Settings::load(&Env::new(), Some("/nonexistent/headliner.toml".into()), true).unwrap_err();
    assert!(err.to_string().starts_with("config file /nonexistent/headliner.toml: cannot read it"), "{err}");
}

#[test]
fn unparsable_environment_value_is_refused_naming_the_variable() {
    let err = Settings::load(&env(&[("HEADLINER_BIND", "not-an-address")]), None, true).unwrap_err().to_string();
    assert!(err.starts_with("HEADLINER_BIND: cannot use `not-an-address`"), "{err}");
    let err = Settings::load(&env(&[("HEADLINER_AUTO_MIGRATE", "yes")]), None, true).unwrap_err().to_string();
    assert!(err.starts_with("HEADLINER_AUTO_MIGRATE:"), "{err}");
}

#[test]
fn unknown_headliner_variable_is_refused_but_test_and_config_variables_are_not() {
    let err = Settings::load(&env(&[("HEADLINER_BNID", "x")]), None, true).unwrap_err().to_string();
    assert!(err.starts_with("HEADLINER_BNID: unknown setting"), "{err}");
    let vars = env(&[("HEADLINER_TEST_DATABASE_URL", "postgres://x@y/z")]);
    assert!(Settings::load(&vars, None, true).is_ok());
}

#[test]
fn out_of_range_values_are_refused_with_both_names() {
    let err = Settings::load(&env(&[("HEADLINER_DB_POOL_SIZE", "0")]), None, true).unwrap_err().to_string();
    assert_eq!(err, "db_pool_size (HEADLINER_DB_POOL_SIZE): 0 is out of range, expected 1..=1000");
}

#[test]
fn postgres_url_selects_postgres_and_its_password_is_never_described() {
    let vars = env(&[("DATABASE_URL", "postgres://app:s3cret@db.internal:5432/headliner")]);
    let s = Settings::load(&vars, None, true).unwrap();
    let DatabaseSettings::Postgres { url } = &s.database else { panic!("expected postgres") };
    assert_eq!(url.expose_secret(), "postgres://app:s3cret@db.internal:5432/headliner");
    let shown = s.database.describe();
    assert!(shown.contains("db.internal") && !shown.contains("s3cret"), "{shown}");
}

#[test]
fn sqlite_url_selects_the_given_file() {
    let s = Settings::load(&env(&[("DATABASE_URL", "sqlite:///tmp/x/h.db")]), None, true).unwrap();
    assert!(matches!(&s.database, DatabaseSettings::Sqlite { path } if path == Path::new("/tmp/x/h.db")));
}

#[test]
fn unsupported_database_url_is_refused_naming_database_url() {
    let err = Settings::load(&env(&[("DATABASE_URL", "mysql://x/y")]), None, true).unwrap_err().to_string();
    assert_eq!(
        err,
        "database_url (DATABASE_URL): unsupported database `mysql`; expected postgres://... or sqlite://PATH"
    );
}

#[test]
fn bad_smtp_url_is_refused_naming_smtp_url() {
    let err =
        Settings::load(&env(&[("HEADLINER_SMTP_URL", "smtp://h?tls=maybe")]), None, true).unwrap_err().to_string();
    assert!(err.starts_with("smtp_url (HEADLINER_SMTP_URL): unknown tls mode `maybe`"), "{err}");
}

#[test]
fn cors_origins_parse_from_a_comma_list_and_refuse_paths() {
    let vars = env(&[("HEADLINER_CORS_ALLOWED_ORIGINS", "https://a.example, http://localhost:5173")]);
    let s = Settings::load(&vars, None, true).unwrap();
    assert_eq!(s.cors_allowed_origins, ["https://a.example", "http://localhost:5173"]);
    let err = Settings::load(&env(&[("HEADLINER_CORS_ALLOWED_ORIGINS", "https://a.example/app")]), None, true)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("HEADLINER_CORS_ALLOWED_ORIGINS:"), "{err}");
}

#[test]
fn short_jwt_secret_is_refused() {
    let err = Settings::load(&env(&[("HEADLINER_JWT_SECRET", "short")]), None, true).unwrap_err().to_string();
    assert_eq!(err, "jwt_secret (HEADLINER_JWT_SECRET): must be at least 32 bytes (256 bits) long");
}

#[test]
fn every_key_has_a_distinct_environment_name() {
    let mut names: Vec<_> = KEYS.iter().map(|k| k.env).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), KEYS.len());
}

#[test]
fn readme_example_file_and_env_example_name_every_key() {
    let readme = include_str!("../../../../README.md");
    let example = include_str!("../../../../headliner.example.toml");
    let dotenv = include_str!("../../../../.env.example");
    for key in KEYS {
        assert!(readme.contains(&format!("| `{}` | `{}` |", key.toml, key.env)), "README lacks {}", key.toml);
        assert!(example.contains(&format!("{} = ", key.toml)), "headliner.example.toml lacks {}", key.toml);
        assert!(dotenv.contains(&format!("{}=", key.env)), ".env.example lacks {}", key.env);
    }
}

#[test]
fn example_config_file_is_accepted_as_it_is() {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../headliner.example.toml"));
    let s = Settings::load(&Env::new(), Some(path), true).unwrap();
    assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
}

#[test]
fn an_empty_variable_counts_as_unset_and_does_not_override_the_file() {
    let file = toml_file("database_url = \"postgres://db.internal/headliner\"\n");
    let vars = env(&[("DATABASE_URL", ""), ("HEADLINER_SMTP_URL", "  ")]);
    let s = Settings::load(&vars, Some(file.path().to_owned()), true).unwrap();
    assert!(matches!(s.database, DatabaseSettings::Postgres { .. }));
    assert!(matches!(s.mail, MailTransportConfig::Files { .. }));
}

#[test]
fn variables_kubernetes_injects_for_a_headliner_service_are_ignored() {
    let vars = env(&[
        ("HEADLINER_SERVICE_HOST", "10.0.0.7"),
        ("HEADLINER_SERVICE_PORT", "8080"),
        ("HEADLINER_PORT", "tcp://10.0.0.7:8080"),
        ("HEADLINER_PORT_8080_TCP_ADDR", "10.0.0.7"),
    ]);
    assert!(Settings::load(&vars, None, true).is_ok());
}
