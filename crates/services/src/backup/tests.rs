use headliner_ports::backup::{PortableRow, TABLES, TableRows};
use serde_json::json;

use super::*;

fn tables() -> Vec<TableRows> {
    TABLES
        .iter()
        .map(|table| {
            let rows = match table.name {
                "categories" => {
                    vec![row(json!({"slug": "music", "name": "Music", "created_at": "2030-01-01T00:00:00.000000Z"}))]
                }
                "email_templates" => vec![row(json!({
                    "key": "welcome", "subject": "Hi", "body_html": "<p>Hi</p>", "body_text": "Hi",
                    "updated_at": "2030-01-01T00:00:00.000000Z", "updated_by": null
                }))],
                _ => Vec::new(),
            };
            TableRows { table, rows }
        })
        .collect()
}

fn row(value: serde_json::Value) -> PortableRow {
    match value {
        serde_json::Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn archive() -> Vec<u8> {
    encode("sqlite", "20261124000001", "2030-01-01T00:00:00Z", &tables()).unwrap()
}

#[test]
fn an_archive_round_trips_with_its_manifest() {
    let decoded = decode(&archive(), "20261124000001").unwrap();
    assert_eq!(decoded.tables, tables());
    assert_eq!(decoded.manifest.source, "sqlite");
    assert_eq!(decoded.manifest.tables.len(), TABLES.len());
    assert_eq!(decoded.manifest.tables[0].rows, 1);
}

#[test]
fn the_same_data_always_makes_the_same_archive() {
    assert_eq!(archive(), archive());
}

#[test]
fn every_single_flipped_byte_is_refused() {
    let original = archive();
    for position in 0..original.len() {
        let mut damaged = original.clone();
        damaged[position] ^= 0x01;
        assert!(decode(&damaged, "20261124000001").is_err(), "flipping byte {position} went unnoticed");
    }
}

#[test]
fn truncation_is_refused() {
    let original = archive();
    for cut in [original.len() - 1, original.len() - 10, original.len() / 2, 20] {
        assert!(matches!(
            decode(&original[..cut], "20261124000001"),
            Err(ArchiveError::Damaged(_) | ArchiveError::NotAnArchive)
        ));
    }
}

#[test]
fn an_archive_of_another_schema_version_is_refused() {
    assert!(matches!(decode(&archive(), "20991231000000"), Err(ArchiveError::Mismatch(_))));
}

#[test]
fn other_files_and_formats_are_refused() {
    assert_eq!(decode(b"id,name\n1,x\n", "20261124000001"), Err(ArchiveError::NotAnArchive));
    let future = String::from_utf8(archive()).unwrap().replacen("HEADLINER-BACKUP 1", "HEADLINER-BACKUP 2", 1);
    assert_eq!(decode(future.as_bytes(), "20261124000001"), Err(ArchiveError::UnsupportedFormat("2".into())));
}

#[test]
fn a_consistent_archive_with_a_wrongly_shaped_row_is_refused() {
    let mut bad = tables();
    bad[0].rows[0].insert("extra".into(), json!(1));
    let bytes = encode("sqlite", "20261124000001", "2030-01-01T00:00:00Z", &bad).unwrap();
    assert!(matches!(decode(&bytes, "20261124000001"), Err(ArchiveError::Mismatch(_))));
}

#[test]
fn values_must_have_their_portable_form() {
    let cases = [
        ("celebrities", "id", json!("67E55044-10B1-426F-9247-BB680E5FE0C8")),
        ("categories", "created_at", json!("2030-01-01T00:00:00+00:00")),
        ("password_reset_tokens", "token_hash", json!("\\x00ff")),
        ("password_reset_tokens", "token_hash", json!("abc")),
    ];
    for (table, column, value) in cases {
        let spec = TABLES.iter().find(|t| t.name == table).unwrap();
        let mut row = PortableRow::new();
        for (name, _) in spec.columns {
            row.insert((*name).to_owned(), serde_json::Value::Null);
        }
        row.insert(column.to_owned(), value.clone());
        assert!(check_row(spec, &row).is_err(), "{table}.{column} = {value} should be refused");
        row.insert(column.to_owned(), serde_json::Value::Null);
        assert!(check_row(spec, &row).is_ok());
    }
}
