//! Tiered rate limits for the API: one token bucket per account (keyed by role and user id,
//! the role read from the access token's verified signature) or, without a valid token, per
//! client address (IPv6 by /64, `X-Forwarded-For` only from trusted proxies). Each role has its
//! own allowance from the configuration (anonymous < customer < talent < admin by default).
//!
//! Image files (`/api/v1/images/...`, immutable, browser-cached) are not counted. Every other
//! answer under `/api/v1` carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` (IETF draft `ratelimit-headers`); a refused request gets 429 problem+json
//! with `Retry-After` and reaches no handler. The key tables are bounded moka caches, so a
//! flood of distinct clients cannot grow memory without bound; an evicted bucket was idle or
//! is simply refilled, which only ever errs towards letting a request through.
//!
//! The token is only checked for its signature and expiry here (no database round trip): a
//! forged or expired token is counted against the client address, and the handler's own
//! authentication still decides access.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use headliner_domain::role::Role;
use headliner_services::accounts::AccountPorts;
use uuid::Uuid;

use crate::config::{RateLimits, RateSpec};
use crate::http::problem::ApiError;
use crate::http::throttle::{Bucket, BucketPolicy, Buckets, Throttle, buckets, client_key};

/// How many accounts and how many client addresses are remembered.
pub const MAX_KEYS: u64 = 100_000;

/// Who a bucket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Account(Role, Uuid),
    Client(IpAddr),
}

/// The outcome of one request's check, for the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again (allowed) or a token is back (refused).
    pub reset_secs: u64,
    pub allowed: bool,
}

/// The limiter shared by every worker.
pub struct RateLimiter {
    limits: RateLimits,
    table: Buckets<Caller>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").field("limits", &self.limits).finish_non_exhaustive()
    }
}

fn policy(spec: RateSpec) -> Option<BucketPolicy> {
    match spec {
        RateSpec::Off => None,
        RateSpec::Limit { requests, period } => {
            Some(BucketPolicy { burst: requests, refill: (period / requests).max(Duration::from_micros(1)) })
        }
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self::with_capacity(limits, MAX_KEYS)
    }

    pub fn with_capacity(limits: RateLimits, max_keys: u64) -> Self {
        // Buckets idle for an hour are forgotten (every allowance refills well within that).
        let idle = BucketPolicy { burst: 1, refill: Duration::from_secs(3600) };
        Self { limits, table: buckets(idle, max_keys) }
    }

    fn spec(&self, caller: &Caller) -> RateSpec {
        match caller {
            Caller::Client(_) => self.limits.anonymous,
            Caller::Account(Role::Customer, _) => self.limits.customer,
            Caller::Account(Role::Talent, _) => self.limits.talent,
            Caller::Account(Role::Admin, _) => self.limits.admin,
        }
    }

    /// Takes one token from the caller's bucket; `None` when the role is not limited.
    fn take(&self, caller: Caller, now: Instant) -> Option<Verdict> {
        let policy = policy(self.spec(&caller))?;
        let bucket = self.table.get_with(caller, || Arc::new(Mutex::new(Bucket::full(policy, now))));
        let mut bucket = bucket.lock().unwrap_or_else(PoisonError::into_inner);
        bucket.refill(policy, now);
        let wait = bucket.wait(policy, now);
        let allowed = wait.is_zero();
        if allowed {
            bucket.tokens -= 1;
        }
        let until_full = policy.refill.saturating_mul(policy.burst - bucket.tokens);
        let reset = if allowed { until_full.saturating_sub(now.saturating_duration_since(bucket.since)) } else { wait };
        Some(Verdict { limit: policy.burst, remaining: bucket.tokens, reset_secs: ceil_secs(reset), allowed })
    }

    pub fn entries(&self) -> u64 {
        self.table.run_pending_tasks();
        self.table.entry_count()
    }
}

/// The caller as the access token names it, when the token verifies; else the client address.
fn caller_of(req: &ServiceRequest) -> Caller {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if let (Some(token), Some(ports)) = (token, req.app_data::<web::Data<AccountPorts>>())
        && let Ok(claims) = ports.tokens.check(token, ports.clock.now())
    {
        return Caller::Account(claims.role, claims.user_id.as_uuid());
    }
    let ip = match req.app_data::<web::Data<Throttle>>() {
        Some(throttle) => throttle.client_ip(req.request()),
        None => req.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip()),
    };
    Caller::Client(client_key(ip))
}

fn set_headers(headers: &mut header::HeaderMap, verdict: Verdict) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(verdict.limit)),
        ("ratelimit-remaining", u64::from(verdict.remaining)),
        ("ratelimit-reset", verdict.reset_secs),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// The middleware over `/api/v1`.
pub async fn limit_rate<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    // Image files are immutable and cached by browsers for a year: a catalogue page loads
    // twenty at once, so they do not count against the API allowance.
    let limited = req.path().starts_with("/api/v1/") && !req.path().starts_with("/api/v1/images/");
    let Some(limiter) = limiter.filter(|_| limited) else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    let Some(verdict) = limiter.take(caller_of(&req), Instant::now()) else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    if !verdict.allowed {
        let mut response = ApiError::RateLimited { retry_after_secs: verdict.reset_secs.max(1) }.error_response();
        set_headers(response.headers_mut(), verdict);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut(), verdict);
    Ok(res.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(anonymous: u32, customer: u32) -> RateLimits {
        let per_minute = |requests| RateSpec::Limit { requests, period: Duration::from_secs(60) };
        RateLimits {
            anonymous: per_minute(anonymous),
            customer: per_minute(customer),
            talent: RateSpec::Off,
            admin: per_minute(1),
        }
    }

    #[test]
    fn each_role_gets_its_own_allowance_and_off_means_unlimited() {
        let limiter = RateLimiter::new(limits(2, 4));
        let now = Instant::now();
        let client = Caller::Client("192.0.2.1".parse().unwrap());
        let customer = Caller::Account(Role::Customer, Uuid::from_u128(1));
        let talent = Caller::Account(Role::Talent, Uuid::from_u128(2));
        let allowed = |c| (0..10).filter(|_| limiter.take(c, now).is_some_and(|v| v.allowed)).count();
        assert_eq!(allowed(client), 2);
        assert_eq!(allowed(customer), 4);
        assert!(limiter.take(talent, now).is_none());
    }

    #[test]
    fn a_refusal_says_when_to_come_back_and_the_bucket_refills_at_the_rate() {
        let limiter = RateLimiter::new(limits(2, 4));
        let start = Instant::now();
        let client = Caller::Client("192.0.2.1".parse().unwrap());
        let first = limiter.take(client, start).unwrap();
        assert_eq!((first.limit, first.remaining, first.allowed), (2, 1, true));
        assert_eq!(first.reset_secs, 30, "one token is missing: back in half a minute");
        limiter.take(client, start).unwrap();
        let refused = limiter.take(client, start).unwrap();
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset_secs), (0, 30));
        assert!(limiter.take(client, start + Duration::from_secs(30)).unwrap().allowed);
    }

    #[test]
    fn the_key_table_is_bounded() {
        let limiter = RateLimiter::with_capacity(limits(5, 5), 100);
        let now = Instant::now();
        for i in 0..10_000u32 {
            limiter.take(Caller::Client(IpAddr::from(i.to_be_bytes())), now);
        }
        assert!(limiter.entries() <= 100, "{} entries", limiter.entries());
    }

    #[test]
    fn rate_specs_parse_and_refuse_nonsense() {
        assert_eq!("off".parse::<RateSpec>(), Ok(RateSpec::Off));
        assert_eq!(
            "300/min".parse::<RateSpec>(),
            Ok(RateSpec::Limit { requests: 300, period: Duration::from_secs(60) })
        );
        for bad in ["", "0/s", "10", "10/day", "x/min", "-1/s"] {
            assert!(bad.parse::<RateSpec>().is_err(), "{bad}");
        }
    }
}
