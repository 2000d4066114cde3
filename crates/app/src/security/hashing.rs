//! argon2id password hashes with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), computed
//! on a small pool of dedicated threads (one per core), so logins never stall the async
//! workers and a login storm queues instead of exhausting memory.
//!
//! Why not `spawn_blocking` behind a semaphore: each hash allocates 19 MiB, and the blocking
//! pool spreads successive hashes over many threads, each keeping its own allocator arena with
//! a freed 19 MiB block in it. Measured: resident memory grew by ~19 MiB per blocking thread
//! touched (3.7 GB under 32 concurrent logins); with a fixed pool it stays at one block per
//! hashing thread.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use async_trait::async_trait;
use headliner_ports::Source;
use headliner_ports::accounts::PasswordHasher;

type Job = Box<dyn FnOnce() + Send>;

/// The argon2id `PasswordHasher`. Clones share one pool; the threads end when the last
/// clone is dropped.
#[derive(Clone)]
pub struct Argon2Hasher {
    jobs: Sender<Job>,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").finish_non_exhaustive()
    }
}

impl Argon2Hasher {
    /// `max_parallel` hashing threads (the number of cores); further hashes queue.
    pub fn new(max_parallel: usize) -> Self {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..max_parallel.max(1) {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || {
                loop {
                    // The lock is held only while waiting for the next job, not while hashing.
                    let job = match queue.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-hashing thread");
            }
        }
        Self { jobs }
    }

    /// A hash with the OWASP parameters of a random password nobody knows (it was discarded),
    /// for timing-equal failed logins: verifying against it costs one full hash. A constant,
    /// not hashed at start-up: that hash left a 19 MiB working block resident in an idle server
    /// (idle RSS 47 MB instead of ~28 MB); the block now appears with the first login.
    pub fn dummy_hash() -> String {
        DUMMY_HASH.to_owned()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, Source> + Send + 'static,
    ) -> Result<T, Source> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs.send(job).map_err(|_| Source::from("the password-hashing threads have stopped"))?;
        result.await.map_err(|_| Source::from("a password-hashing thread stopped mid-job"))?
    }
}

const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$yhorqM13ej256C81h2JgaQ$WQsjEDKNbW5uSqsOb+QgX9YfXcbGh5zEiWW6GWDQiDA";

thread_local! {
    /// One argon2 working memory per hashing thread, allocated on first use and reused, so
    /// memory stays at one 19 MiB block per thread whatever the allocator does with frees.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Stored hashes asking for more memory than this (256 MiB) are not verified.
const MAX_VERIFY_BLOCKS: u32 = 262_144;

/// argon2id of `password` with `params` and `salt`, into `len` bytes, in this thread's memory.
fn raw_hash(params: &Params, password: &[u8], salt: &[u8], len: usize) -> Result<Vec<u8>, Source> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = vec![0_u8; len];
    MEMORY
        .with(|memory| {
            let mut memory = memory.borrow_mut();
            let needed = params.block_count();
            if memory.len() < needed {
                memory.resize(needed, Block::default());
            }
            argon.hash_password_into_with_memory(password, salt, &mut out, &mut memory[..needed])
        })
        .map_err(|e| Source::from(e.to_string()))?;
    Ok(out)
}

fn owasp() -> Result<Params, Source> {
    Params::new(19_456, 2, 1, Some(32)).map_err(|e| Source::from(e.to_string()))
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: String) -> Result<String, Source> {
        self.run(move || {
            let params = owasp()?;
            let mut salt = [0_u8; 16];
            getrandom::fill(&mut salt).map_err(|e| Source::from(e.to_string()))?;
            let hash = raw_hash(&params, password.as_bytes(), &salt, 32)?;
            let salt = SaltString::encode_b64(&salt).map_err(|e| Source::from(e.to_string()))?;
            let phc = PasswordHash {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| Source::from(e.to_string()))?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&hash).map_err(|e| Source::from(e.to_string()))?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    async fn verify(&self, password: String, hash: String) -> Result<bool, Source> {
        self.run(move || {
            // A stored value that is no usable argon2id hash (a demo account's placeholder, say)
            // still costs one full hash, so a failed login never answers faster.
            let refuse_after_equal_work = || raw_hash(&owasp()?, password.as_bytes(), &[0_u8; 16], 32).map(|_| false);
            let Ok(parsed) = PasswordHash::new(&hash) else { return refuse_after_equal_work() };
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return refuse_after_equal_work() };
            if parsed.algorithm != argon2::ARGON2ID_IDENT {
                return refuse_after_equal_work();
            }
            let Ok(params) = Params::try_from(&parsed) else { return refuse_after_equal_work() };
            if params.m_cost() > MAX_VERIFY_BLOCKS {
                return refuse_after_equal_work();
            }
            let mut salt_bytes = [0_u8; 64];
            let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return refuse_after_equal_work() };
            let computed = raw_hash(&params, password.as_bytes(), salt, expected.len())?;
            // `Output` compares in constant time.
            Ok(Output::new(&computed).is_ok_and(|computed| computed == expected))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hasher = Argon2Hasher::new(2);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("correct horse battery".into(), hash.clone()).await.unwrap());
        assert!(!hasher.verify("wrong".into(), hash).await.unwrap());
        assert!(!hasher.verify("x".into(), "!demo-account-no-password".into()).await.unwrap());
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_a_full_owasp_verification_and_matches_nothing() {
        let hasher = Argon2Hasher::new(1);
        let dummy = Argon2Hasher::dummy_hash();
        assert!(dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "same cost as a real hash: {dummy}");
        let real = hasher.hash("correct horse battery".into()).await.unwrap();
        let started = std::time::Instant::now();
        assert!(!hasher.verify("correct horse battery".into(), dummy).await.unwrap());
        let against_dummy = started.elapsed();
        let started = std::time::Instant::now();
        assert!(!hasher.verify("wrong".into(), real).await.unwrap());
        let against_real = started.elapsed();
        assert!(against_dummy * 3 > against_real, "{against_dummy:?} vs {against_real:?}: the dummy is real work");
    }
}
