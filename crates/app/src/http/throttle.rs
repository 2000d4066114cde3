//! Throttling of login and password-reset attempts: one token bucket per account (the
//! normalised email) and one per client address, both in bounded in-memory caches.
//!
//! An attempt takes a token from both buckets or from neither; when either is empty the
//! caller gets 429 with `Retry-After`. Buckets live in this process only: behind several
//! instances each one throttles on its own, which still bounds guessing per instance.
//!
//! The client address is the socket's peer, unless the peer is a configured trusted proxy:
//! then it is the right-most address of `X-Forwarded-For` that is not itself a trusted
//! proxy. IPv6 clients are keyed by their /64, since one host usually holds a whole /64.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use moka::sync::Cache;

use crate::http::problem::ApiError;

/// A bucket's shape: `burst` attempts at once, then one more every `refill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketPolicy {
    pub burst: u32,
    pub refill: Duration,
}

impl BucketPolicy {
    /// After this long untouched a bucket is full again, so forgetting it changes nothing.
    fn idle_until_full(&self) -> Duration {
        self.refill.saturating_mul(self.burst)
    }
}

/// Per account: 5 attempts, then one every 12 seconds (at most 300 guesses an hour).
pub const ACCOUNT_POLICY: BucketPolicy = BucketPolicy { burst: 5, refill: Duration::from_secs(12) };
/// Per client address: wider, since an office or a carrier NAT shares one address.
pub const CLIENT_POLICY: BucketPolicy = BucketPolicy { burst: 20, refill: Duration::from_secs(3) };
/// How many accounts and how many addresses are remembered (each cache, each action).
pub const MAX_KEYS: u64 = 100_000;

/// What is being attempted; each has its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    PasswordReset,
    /// Registration: each costs a password hash, and its 409 tells whether an address exists.
    Register,
    /// Reset confirmation: each costs a password hash; keyed by the presented token, so in
    /// effect per client address.
    ResetConfirm,
}

/// The attempt was refused; one will be allowed again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub retry_after: Duration,
}

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        let secs = limited.retry_after.as_secs() + u64::from(limited.retry_after.subsec_nanos() > 0);
        ApiError::RateLimited { retry_after_secs: secs.max(1) }
    }
}

#[derive(Debug)]
pub(crate) struct Bucket {
    pub(crate) tokens: u32,
    /// When the last whole token was added (or the bucket was last full).
    pub(crate) since: Instant,
}

impl Bucket {
    pub(crate) fn full(policy: BucketPolicy, now: Instant) -> Self {
        Self { tokens: policy.burst, since: now }
    }

    pub(crate) fn refill(&mut self, policy: BucketPolicy, now: Instant) {
        let elapsed = now.saturating_duration_since(self.since);
        let steps = elapsed.as_nanos() / policy.refill.as_nanos().max(1);
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        if self.tokens.saturating_add(steps) >= policy.burst {
            self.tokens = policy.burst;
            self.since = now;
        } else {
            self.tokens += steps;
            self.since += policy.refill.saturating_mul(steps);
        }
    }

    /// Zero when a token is there, else the time until the next one.
    pub(crate) fn wait(&self, policy: BucketPolicy, now: Instant) -> Duration {
        if self.tokens > 0 { Duration::ZERO } else { (self.since + policy.refill).saturating_duration_since(now) }
    }
}

pub(crate) type Buckets<K> = Cache<K, Arc<Mutex<Bucket>>>;

/// At most `max_keys` buckets; one untouched until it would be full again is forgotten.
pub(crate) fn buckets<K: std::hash::Hash + Eq + Send + Sync + 'static>(
    policy: BucketPolicy,
    max_keys: u64,
) -> Buckets<K> {
    Cache::builder().max_capacity(max_keys).time_to_idle(policy.idle_until_full().max(Duration::from_secs(1))).build()
}

/// The throttle shared by every worker.
pub struct Throttle {
    accounts: Buckets<(Action, String)>,
    clients: Buckets<(Action, IpAddr)>,
    account_policy: BucketPolicy,
    client_policy: BucketPolicy,
    trusted_proxies: Vec<IpAddr>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("account_policy", &self.account_policy)
            .field("client_policy", &self.client_policy)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl Throttle {
    /// The production limits ([`ACCOUNT_POLICY`], [`CLIENT_POLICY`], [`MAX_KEYS`]).
    pub fn new(trusted_proxies: Vec<IpAddr>) -> Self {
        Self::with_policies(ACCOUNT_POLICY, CLIENT_POLICY, MAX_KEYS, trusted_proxies)
    }

    pub fn with_policies(
        account_policy: BucketPolicy,
        client_policy: BucketPolicy,
        max_keys: u64,
        trusted_proxies: Vec<IpAddr>,
    ) -> Self {
        let trusted_proxies = trusted_proxies.into_iter().map(|ip| ip.to_canonical()).collect();
        Self {
            accounts: buckets(account_policy, max_keys),
            clients: buckets(client_policy, max_keys),
            account_policy,
            client_policy,
            trusted_proxies,
        }
    }

    /// Takes one attempt at `action` for the account `email` from `client`.
    pub fn attempt(&self, action: Action, email: &str, client: IpAddr) -> Result<(), Limited> {
        self.attempt_at(action, email, client, Instant::now())
    }

    fn attempt_at(&self, action: Action, email: &str, client: IpAddr, now: Instant) -> Result<(), Limited> {
        let account = self
            .accounts
            .get_with((action, account_key(email)), || Arc::new(Mutex::new(Bucket::full(self.account_policy, now))));
        let client = self
            .clients
            .get_with((action, client_key(client)), || Arc::new(Mutex::new(Bucket::full(self.client_policy, now))));
        // Always account first, then client: one lock order, so no deadlock. A poisoned lock
        // still holds a consistent bucket (two integers), so it is used as it is.
        let mut account = account.lock().unwrap_or_else(PoisonError::into_inner);
        let mut client = client.lock().unwrap_or_else(PoisonError::into_inner);
        account.refill(self.account_policy, now);
        client.refill(self.client_policy, now);
        let wait = account.wait(self.account_policy, now).max(client.wait(self.client_policy, now));
        if !wait.is_zero() {
            return Err(Limited { retry_after: wait });
        }
        account.tokens -= 1;
        client.tokens -= 1;
        Ok(())
    }

    /// The address the request came from (see the module documentation).
    pub fn client_ip(&self, req: &HttpRequest) -> IpAddr {
        let Some(peer) = req.peer_addr() else { return IpAddr::V6(Ipv6Addr::UNSPECIFIED) };
        let forwarded = req
            .headers()
            .get_all(HeaderName::from_static("x-forwarded-for"))
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        client_from(peer.ip(), &self.trusted_proxies, &forwarded)
    }
}

/// Walks `X-Forwarded-For` from the right while the hops are trusted proxies. An entry that
/// is not an address stops the walk at the last trusted hop (the proxy wrote nothing usable).
fn client_from(peer: IpAddr, trusted: &[IpAddr], forwarded: &[&str]) -> IpAddr {
    let mut client = peer.to_canonical();
    for hop in forwarded.iter().rev().map(|h| h.trim()).filter(|h| !h.is_empty()) {
        if !trusted.contains(&client) {
            break;
        }
        match parse_hop(hop) {
            Some(ip) => client = ip.to_canonical(),
            None => break,
        }
    }
    client
}

/// `203.0.113.7`, `2001:db8::1`, `203.0.113.7:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Accounts are keyed like the store compares emails: trimmed, ignoring case. Over-long
/// input (never a valid address) is cut so a key stays small.
fn account_key(email: &str) -> String {
    email.trim().chars().take(320).flat_map(char::to_lowercase).collect()
}

/// IPv4 addresses as they are; IPv6 by their /64 network.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !(u128::from(u64::MAX));
            IpAddr::V6(Ipv6Addr::from(bits))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: BucketPolicy = BucketPolicy { burst: 3, refill: Duration::from_secs(10) };
    const CLIENT: BucketPolicy = BucketPolicy { burst: 5, refill: Duration::from_secs(1) };

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn throttle() -> Throttle {
        Throttle::with_policies(ACCOUNT, CLIENT, 100, vec![])
    }

    #[test]
    fn an_account_gets_its_burst_then_waits_for_the_refill() {
        let t = throttle();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.attempt_at(Action::Login, "a@example.com", ip("192.0.2.1"), start), Ok(()));
        }
        let refused = t.attempt_at(Action::Login, "a@example.com", ip("192.0.2.2"), start);
        assert_eq!(refused, Err(Limited { retry_after: Duration::from_secs(10) }));
        let later = start + Duration::from_secs(4);
        let refused = t.attempt_at(Action::Login, "a@example.com", ip("192.0.2.3"), later);
        assert_eq!(refused, Err(Limited { retry_after: Duration::from_secs(6) }));
        assert_eq!(t.attempt_at(Action::Login, "a@example.com", ip("192.0.2.3"), start + ACCOUNT.refill), Ok(()));
    }

    #[test]
    fn accounts_are_keyed_ignoring_case_and_surrounding_space_and_per_action() {
        let t = throttle();
        let now = Instant::now();
        for (i, email) in ["A@Example.com", " a@example.COM ", "a@example.com"].into_iter().enumerate() {
            assert_eq!(t.attempt_at(Action::Login, email, ip(&format!("192.0.2.{i}")), now), Ok(()));
        }
        assert!(t.attempt_at(Action::Login, "a@EXAMPLE.com", ip("192.0.2.9"), now).is_err());
        assert_eq!(t.attempt_at(Action::PasswordReset, "a@example.com", ip("192.0.2.9"), now), Ok(()));
    }

    #[test]
    fn a_client_is_limited_across_accounts_and_a_refusal_spends_nothing() {
        let t = throttle();
        let now = Instant::now();
        for i in 0..5 {
            assert_eq!(t.attempt_at(Action::Login, &format!("u{i}@example.com"), ip("2001:db8::1"), now), Ok(()));
        }
        // Another address in the same /64 is the same client.
        assert!(t.attempt_at(Action::Login, "fresh@example.com", ip("2001:db8::ffff"), now).is_err());
        // The refused attempt took nothing from the account's bucket.
        for _ in 0..3 {
            assert_eq!(t.attempt_at(Action::Login, "fresh@example.com", ip("198.51.100.1"), now), Ok(()));
        }
    }

    #[test]
    fn a_bucket_never_holds_more_than_its_burst() {
        let t = throttle();
        let start = Instant::now();
        assert_eq!(t.attempt_at(Action::Login, "b@example.com", ip("192.0.2.1"), start), Ok(()));
        let much_later = start + Duration::from_secs(3600);
        for i in 0..3 {
            assert_eq!(t.attempt_at(Action::Login, "b@example.com", ip(&format!("192.0.2.{i}")), much_later), Ok(()));
        }
        assert!(t.attempt_at(Action::Login, "b@example.com", ip("192.0.2.9"), much_later).is_err());
    }

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds() {
        let api: ApiError = Limited { retry_after: Duration::from_millis(2_001) }.into();
        assert!(matches!(api, ApiError::RateLimited { retry_after_secs: 3 }));
        let api: ApiError = Limited { retry_after: Duration::from_millis(1) }.into();
        assert!(matches!(api, ApiError::RateLimited { retry_after_secs: 1 }));
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let forwarded = ["198.51.100.7", "203.0.113.9"];
        assert_eq!(client_from(ip("192.0.2.5"), &[proxy], &forwarded), ip("192.0.2.5"), "untrusted peer");
        assert_eq!(client_from(proxy, &[proxy], &forwarded), ip("203.0.113.9"), "the last untrusted hop");
        assert_eq!(client_from(proxy, &[proxy], &[]), proxy, "no header: the proxy itself");
    }

    #[test]
    fn trusted_hops_are_skipped_and_spoofed_entries_to_their_left_ignored() {
        let (edge, inner) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let forwarded = ["1.1.1.1", "203.0.113.9:4711", " 10.0.0.1 "];
        assert_eq!(client_from(inner, &[edge, inner], &forwarded), ip("203.0.113.9"));
        let garbage = ["198.51.100.7", "not-an-ip"];
        assert_eq!(client_from(inner, &[inner], &garbage), inner, "garbage stops the walk");
        let mapped = ["::ffff:203.0.113.9"];
        assert_eq!(client_from(inner, &[inner], &mapped), ip("203.0.113.9"), "IPv4-mapped is IPv4");
    }
}
