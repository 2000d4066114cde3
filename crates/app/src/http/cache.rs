//! Catalogue read caching: serialised response bodies with their ETags, in bounded moka
//! caches with a TTL, plus the conditional-request handling (`If-None-Match` → 304).
//!
//! Two scopes, so frequent booking writes do not flush the whole catalogue:
//! - `Catalogue`: categories, profile pages and lists without an availability filter;
//!   invalidated by every profile, category and image write.
//! - `Calendar`: availability and lists filtered by `available_from`/`available_to`;
//!   invalidated by those writes and by every booking and blocked-period write.
//!
//! Invalidation bumps the scope's generation, which is part of every key. A read that started
//! before a write and finishes after it stores its (possibly stale) body under the old
//! generation, where no later read looks, so a write is visible to the next read through this
//! instance without any lock. Other instances see it after at most the TTL.
//!
//! A cached body is gzipped once, the first time a client that accepts gzip asks for it, and
//! that encoding is kept with it: compressing each response anew (the `Compress` middleware)
//! cost a browser's request of a cached page 95 % of its speed (bench/results). The gzip
//! representation has its own ETag (`"<hash>-gzip"`).

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::http::problem::ApiError;

/// What a cached read produced: the JSON body and its strong ETag (quoted), and its gzip
/// encoding once a client has asked for one.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    gzip: OnceLock<Option<Bytes>>,
}

/// Bodies smaller than this are sent as they are (gzip would save next to nothing).
const GZIP_MIN_BYTES: usize = 512;

impl Rendered {
    pub fn json<T: serde::Serialize>(value: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(Box::new(e)))?;
        Ok(Self::from_bytes(Bytes::from(body)))
    }

    pub fn from_bytes(body: Bytes) -> Self {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", headliner_services::hex::encode(&digest[..12]));
        Self::with_etag(body, etag)
    }

    /// A body whose ETag the caller made.
    pub fn with_etag(body: Bytes, etag: String) -> Self {
        Self { body, etag, gzip: OnceLock::new() }
    }

    /// The gzip encoding of the body, made once (`None` for small bodies).
    fn gzipped(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                if self.body.len() < GZIP_MIN_BYTES {
                    return None;
                }
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(self.body.len() / 4),
                    flate2::Compression::default(),
                );
                encoder.write_all(&self.body).and_then(|()| encoder.finish()).ok().map(Bytes::from)
            })
            .as_ref()
    }
}

/// Whether `Accept-Encoding` admits gzip (by name or `*`, without `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let named = coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") || coding == "*";
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .or_else(|| p.strip_prefix("Q="))
                .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        named && !refused
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Catalogue,
    Calendar,
}

struct Generation {
    number: AtomicU64,
    cache: Option<Cache<(u64, String), Arc<Rendered>>>,
}

impl Generation {
    fn new(ttl: Duration, max_entries: u64) -> Self {
        let cache = (ttl > Duration::ZERO && max_entries > 0)
            .then(|| Cache::builder().max_capacity(max_entries).time_to_live(ttl).build());
        Self { number: AtomicU64::new(0), cache }
    }

    fn invalidate(&self) {
        self.number.fetch_add(1, Ordering::AcqRel);
        if let Some(cache) = &self.cache {
            cache.invalidate_all();
        }
    }
}

/// The process's catalogue cache, shared by every worker.
pub struct ReadCache {
    catalogue: Generation,
    calendar: Generation,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("enabled", &self.catalogue.cache.is_some()).finish_non_exhaustive()
    }
}

impl ReadCache {
    /// A TTL of zero or no entries disables caching (every read goes to the store).
    pub fn new(ttl: Duration, max_entries: u64) -> Self {
        Self { catalogue: Generation::new(ttl, max_entries), calendar: Generation::new(ttl, max_entries / 2) }
    }

    fn generation(&self, scope: Scope) -> &Generation {
        match scope {
            Scope::Catalogue => &self.catalogue,
            Scope::Calendar => &self.calendar,
        }
    }

    /// The cached rendering for `key`, or `render`'s, stored for later reads.
    pub async fn get_or_render<F>(&self, scope: Scope, key: String, render: F) -> Result<Arc<Rendered>, ApiError>
    where
        F: Future<Output = Result<Rendered, ApiError>>,
    {
        let generation = self.generation(scope);
        let Some(cache) = &generation.cache else { return render.await.map(Arc::new) };
        let key = (generation.number.load(Ordering::Acquire), key);
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
        let rendered = Arc::new(render.await?);
        cache.insert(key, rendered.clone());
        Ok(rendered)
    }

    /// After a profile, category or image write: both scopes.
    pub fn profiles_changed(&self) {
        self.catalogue.invalidate();
        self.calendar.invalidate();
    }

    /// After a booking or blocked-period write: what depends on calendars.
    pub fn calendar_changed(&self) {
        self.calendar.invalidate();
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak comparison, as RFC 9110 asks.
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    req.headers().get_all(header::IF_NONE_MATCH).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == bare
        },
    )
}

/// Public, cacheable by anyone, but revalidated on every use (a write shows at once).
pub const PUBLIC: &str = "public, no-cache";
/// Per user: browsers may keep it and revalidate; shared caches never store it.
pub const PRIVATE: &str = "private, no-cache";

/// 200 with the body (gzipped once and kept, when the client accepts gzip), or 304 when the
/// client already has it.
pub fn respond(req: &HttpRequest, rendered: &Rendered, cache_control: &'static str) -> HttpResponse {
    let gzip = if accepts_gzip(req) { rendered.gzipped() } else { None };
    let etag = match gzip {
        Some(_) => format!("{}-gzip\"", rendered.etag.trim_end_matches('"')),
        None => rendered.etag.clone(),
    };
    // Either representation in the client's hands is the same content.
    let unchanged = not_modified(req, &etag) || not_modified(req, &rendered.etag);
    let mut builder = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder.insert_header((header::CACHE_CONTROL, cache_control)).insert_header((header::ETAG, etag));
    let vary = if cache_control == PRIVATE { "Authorization, Accept-Encoding" } else { "Accept-Encoding" };
    builder.insert_header((header::VARY, HeaderValue::from_static(vary)));
    if unchanged {
        return builder.finish();
    }
    builder.content_type(HeaderValue::from_static("application/json"));
    match gzip {
        // Content-Encoding set here keeps the `Compress` middleware from encoding it again.
        Some(encoded) => builder.insert_header((header::CONTENT_ENCODING, "gzip")).body(encoded.clone()),
        None => builder.body(rendered.body.clone()),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[tokio::test]
    async fn a_write_makes_the_next_read_render_again_even_if_a_slow_read_finishes_after_it() {
        let cache = ReadCache::new(Duration::from_secs(60), 100);
        let first = cache.get_or_render(Scope::Catalogue, "k".into(), async { Rendered::json(&1) }).await.unwrap();
        let hit = cache.get_or_render(Scope::Catalogue, "k".into(), async { Rendered::json(&2) }).await.unwrap();
        assert_eq!(hit.body, first.body, "served from the cache");
        // A read that renders the old state while a write happens stores under the old generation.
        let slow = cache.get_or_render(Scope::Catalogue, "k2".into(), async {
            cache.profiles_changed();
            Rendered::json(&"stale")
        });
        slow.await.unwrap();
        let next =
            cache.get_or_render(Scope::Catalogue, "k2".into(), async { Rendered::json(&"fresh") }).await.unwrap();
        assert_eq!(&next.body[..], b"\"fresh\"");
    }

    #[tokio::test]
    async fn calendar_writes_leave_the_catalogue_scope_alone() {
        let cache = ReadCache::new(Duration::from_secs(60), 100);
        cache.get_or_render(Scope::Catalogue, "k".into(), async { Rendered::json(&1) }).await.unwrap();
        cache.get_or_render(Scope::Calendar, "k".into(), async { Rendered::json(&1) }).await.unwrap();
        cache.calendar_changed();
        let catalogue = cache.get_or_render(Scope::Catalogue, "k".into(), async { Rendered::json(&2) }).await.unwrap();
        let calendar = cache.get_or_render(Scope::Calendar, "k".into(), async { Rendered::json(&2) }).await.unwrap();
        assert_eq!((&catalogue.body[..], &calendar.body[..]), (&b"1"[..], &b"2"[..]));
    }

    #[test]
    fn if_none_match_compares_weakly_and_understands_lists_and_star() {
        let etag = Rendered::from_bytes(Bytes::from_static(b"{}")).etag;
        let with = |value: &str| TestRequest::default().insert_header((header::IF_NONE_MATCH, value)).to_http_request();
        assert!(not_modified(&with(&etag), &etag));
        assert!(not_modified(&with(&format!("\"other\", W/{etag}")), &etag));
        assert!(not_modified(&with("*"), &etag));
        assert!(!not_modified(&with("\"other\""), &etag));
        assert!(!not_modified(&TestRequest::default().to_http_request(), &etag));
    }

    #[actix_web::test]
    async fn a_body_is_gzipped_once_for_clients_that_accept_it_under_its_own_etag() {
        use std::io::Read;
        let rendered =
            Rendered::from_bytes(Bytes::from(format!("[{}]", vec!["{\"name\":\"Maya Rivers\"}"; 60].join(","))));
        let ask = |encoding: Option<&str>, if_none_match: Option<&str>| {
            let mut req = TestRequest::default();
            if let Some(e) = encoding {
                req = req.insert_header((header::ACCEPT_ENCODING, e));
            }
            if let Some(tag) = if_none_match {
                req = req.insert_header((header::IF_NONE_MATCH, tag));
            }
            respond(&req.to_http_request(), &rendered, PUBLIC)
        };
        let plain = ask(None, None);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(rendered.gzip.get().is_none(), "nothing is compressed until a client asks");
        assert_eq!(plain.headers().get(header::ETAG).unwrap(), rendered.etag.as_str());
        assert_eq!(plain.headers().get(header::VARY).unwrap(), "Accept-Encoding");

        let zipped = ask(Some("gzip, deflate, br, zstd"), None);
        assert_eq!(zipped.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        let gzip_etag = zipped.headers().get(header::ETAG).unwrap().to_str().unwrap().to_owned();
        assert_eq!(gzip_etag, format!("{}-gzip\"", rendered.etag.trim_end_matches('"')));
        let body = actix_web::body::to_bytes(zipped.into_body()).await.unwrap();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut text).unwrap();
        assert_eq!(text, rendered.body, "the same content");
        assert!(body.len() < rendered.body.len() / 4);
        let again = actix_web::body::to_bytes(ask(Some("gzip"), None).into_body()).await.unwrap();
        assert_eq!(again, body, "made once, then served as made");
        assert!(ask(Some("gzip;q=0, br"), None).headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(ask(Some("gzip"), Some(&gzip_etag)).status(), 304);
        assert_eq!(ask(Some("gzip"), Some(&rendered.etag)).status(), 304, "either representation is current");
        let small = Rendered::from_bytes(Bytes::from_static(b"{}"));
        let req = TestRequest::default().insert_header((header::ACCEPT_ENCODING, "gzip")).to_http_request();
        assert!(respond(&req, &small, PUBLIC).headers().get(header::CONTENT_ENCODING).is_none(), "not worth it");
    }
}
