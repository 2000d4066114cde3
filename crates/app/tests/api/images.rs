//! Image uploads over HTTP on both stores: valid images are re-encoded (metadata gone) and
//! served with the right headers; every hostile upload is refused with a 4xx and stores nothing.

use std::io::{Read, Write};

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{Account, People, Store, TestApp, assert_problem, on_both_stores, spawn_app_with};

on_both_stores! {
    a_jpeg_with_gps_exif_is_stored_without_it_and_served_with_safe_headers,
    jpeg_upload_on_postgres => clean_upload;
    hostile_uploads_are_refused_and_store_nothing,
    hostile_uploads_on_postgres => hostile_uploads;
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&pixels).unwrap();
    out
}

/// A JPEG with an APP1 Exif segment holding a GPS IFD (latitude 51°N), right after SOI.
fn jpeg_with_gps() -> Vec<u8> {
    let plain = jpeg(64, 48);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 at 8
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry: the GPS IFD pointer
    tiff.extend_from_slice(&0x8825u16.to_le_bytes());
    tiff.extend_from_slice(&4u16.to_le_bytes()); // LONG
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // GPS IFD at 26
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(&2u16.to_le_bytes()); // GPS IFD: two entries
    tiff.extend_from_slice(&1u16.to_le_bytes()); // GPSLatitudeRef
    tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
    tiff.extend_from_slice(&2u32.to_le_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&2u16.to_le_bytes()); // GPSLatitude
    tiff.extend_from_slice(&5u16.to_le_bytes()); // RATIONAL
    tiff.extend_from_slice(&3u32.to_le_bytes());
    tiff.extend_from_slice(&56u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(51u32, 1u32), (30, 1), (1234, 100)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(segment.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn upload(app: &TestApp, who: &Account, celebrity: &str, bytes: Vec<u8>, file_name: &str) -> reqwest::Response {
    let part = Part::bytes(bytes).file_name(file_name.to_owned()).mime_str("image/jpeg").unwrap();
    app.request(Method::POST, &format!("/api/v1/celebrities/{celebrity}/image"))
        .bearer_auth(&who.access)
        .multipart(Form::new().part("image", part))
        .send()
        .await
        .expect("request sent")
}

async fn clean_upload(app: &TestApp) {
    let people = app.people("images").await;
    let original = jpeg_with_gps();
    assert!(contains(&original, b"Exif\0\0") && contains(&original, b"N\0\0\0"), "the test image carries GPS");
    let stored = upload(app, &people.talent, &people.celebrity, original, "holiday.jpg").await;
    assert_eq!(stored.status().as_u16(), 201);
    let stored: Value = stored.json().await.unwrap();
    assert_eq!((stored["width"].as_u64(), stored["height"].as_u64()), (Some(64), Some(48)));
    assert_eq!(stored["content_type"], "image/jpeg");
    let url = stored["url"].as_str().unwrap().to_owned();
    assert!(!url.contains("holiday"), "the client's name is never used: {url}");

    let served = app.get(&url).await;
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(served.headers()["cache-control"].to_str().unwrap().contains("max-age=31536000"));
    let bytes = served.bytes().await.unwrap();
    assert!(!contains(&bytes, b"Exif") && !contains(&bytes, &[0xFF, 0xE1]), "no APP1/Exif segment survives");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 48));

    // The profile now points at it, and the catalogue read shows it at once.
    let profile: Value = app.get(&format!("/api/v1/celebrities/{}", people.celebrity)).await.json().await.unwrap();
    assert_eq!(profile["image_url"], url.as_str());
    // Another celebrity's talent and customers may not upload here.
    let refused = upload(app, &people.customer, &people.celebrity, jpeg(8, 8), "a.jpg").await;
    assert_problem(refused, 403, "forbidden").await;
    assert_problem(app.get("/api/v1/images/..%2F..%2Fetc%2Fpasswd").await, 404, "not_found").await;
    assert_problem(app.get("/api/v1/images/00000000-0000-0000-0000-000000000000.jpg").await, 404, "not_found").await;
}

/// A PNG whose header claims `width` × `height` (with a valid CRC) and no pixel data.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

async fn image_count(app: &TestApp, people: &People) -> Value {
    let profile: Value = app.get(&format!("/api/v1/celebrities/{}", people.celebrity)).await.json().await.unwrap();
    profile["image_url"].clone()
}

async fn hostile_uploads(app: &TestApp) {
    let people = app.people("hostile").await;
    let mut polyglot = jpeg(16, 16);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>PK\x03\x04");
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let whole = jpeg(64, 64);
    let truncated = whole[..whole.len() / 2].to_vec();
    let cases: Vec<(&str, Vec<u8>, &str, u16)> = vec![
        ("polyglot", polyglot, "photo.jpg", 422),
        ("svg with script", svg, "logo.svg", 415),
        ("html renamed .jpg", html, "photo.jpg", 415),
        ("truncated jpeg", truncated, "photo.jpg", 422),
        ("pixel flood", png_header(30_000, 30_000), "flood.png", 422),
        ("empty", Vec::new(), "empty.jpg", 415),
        ("path-like name", jpeg(8, 8), "../../etc/passwd.jpg", 422),
        ("windows path", jpeg(8, 8), "..\\..\\boot.jpg", 422),
    ];
    for (what, bytes, name, status) in cases {
        let response = upload(app, &people.admin, &people.celebrity, bytes, name).await;
        assert_eq!(response.status().as_u16(), status, "{what}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status, "{what}: {problem}");
    }
    let not_multipart = app
        .request(Method::POST, &format!("/api/v1/celebrities/{}/image", people.celebrity))
        .bearer_auth(&people.admin.access)
        .header("content-type", "image/jpeg")
        .body(jpeg(8, 8))
        .send()
        .await
        .unwrap();
    assert_problem(not_multipart, 415, "unsupported_media_type").await;
    let wrong_part = app
        .request(Method::POST, &format!("/api/v1/celebrities/{}/image", people.celebrity))
        .bearer_auth(&people.admin.access)
        .multipart(Form::new().part("file", Part::bytes(jpeg(8, 8)).file_name("a.jpg")))
        .send()
        .await
        .unwrap();
    assert_problem(wrong_part, 400, "bad_request").await;
    assert_eq!(image_count(app, &people).await, Value::Null, "nothing was stored");
    assert!(app.get("/health/live").await.status().is_success(), "the server is still up");
}

/// A 50 MB upload is refused from its declared length alone: the server answers 413 before
/// the body is sent (so memory stays bounded), and a body over the limit without a declared
/// length (chunked) is cut off at the limit.
#[tokio::test]
async fn fifty_megabyte_uploads_are_refused_without_reading_them() {
    let app = spawn_app_with(Store::Sqlite, &[("HEADLINER_IMAGE_MAX_BYTES", "65536")], None).await;
    let people = app.people("huge").await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /api/v1/celebrities/{}/image HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        people.celebrity,
        people.admin.access,
        50 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = vec![0u8; 4096];
    let read = stream.read(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response[..read]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");

    // Chunked: no length to refuse up front; the part is cut off once over the limit.
    let big = vec![0xFFu8; 70_000];
    let part = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        big.chunks(8192).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    )))
    .file_name("big.jpg");
    let response = app
        .request(Method::POST, &format!("/api/v1/celebrities/{}/image", people.celebrity))
        .bearer_auth(&people.admin.access)
        .multipart(Form::new().part("image", part))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
}
