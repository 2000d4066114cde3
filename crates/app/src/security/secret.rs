//! The JWT signing secret: `HEADLINER_JWT_SECRET`, or one generated once and kept in the data
//! folder (`jwt-secret`, readable by the owner only), so restarts keep sessions valid.

use std::io::Write;
use std::path::Path;

use secrecy::ExposeSecret;

use crate::config::Settings;

/// The key and where it came from, for the start-up log (never the key itself).
#[derive(Clone)]
pub struct JwtSecret {
    pub bytes: Vec<u8>,
    pub origin: &'static str,
}

impl std::fmt::Debug for JwtSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSecret").field("origin", &self.origin).finish_non_exhaustive()
    }
}

const FILE: &str = "jwt-secret";

pub fn jwt_secret(settings: &Settings) -> Result<JwtSecret, String> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(JwtSecret { bytes: secret.expose_secret().as_bytes().to_vec(), origin: "HEADLINER_JWT_SECRET" });
    }
    load_or_create(&settings.data_dir.join(FILE))
}

fn load_or_create(path: &Path) -> Result<JwtSecret, String> {
    let shown = path.display();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = headliner_services::hex::decode(text.trim()).filter(|b| b.len() >= 32).ok_or_else(|| {
                format!("HEADLINER_JWT_SECRET is unset and {shown} is not a valid secret (64+ hex characters)")
            })?;
            return Ok(JwtSecret { bytes, origin: "generated earlier, kept in the data folder" });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    }
    let mut bytes = vec![0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a JWT secret: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let hex = headliner_services::hex::encode(&bytes);
    let mut file = options.open(path).map_err(|e| format!("cannot create {shown}: {e}"))?;
    file.write_all(hex.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(JwtSecret { bytes, origin: "generated now and kept in the data folder" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE);
        let first = load_or_create(&path).unwrap();
        assert_eq!(first.bytes.len(), 32);
        assert_eq!(first.origin, "generated now and kept in the data folder");
        let again = load_or_create(&path).unwrap();
        assert_eq!(again.bytes, first.bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_secret_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, "not hex").unwrap();
        assert!(load_or_create(&path).is_err());
    }
}
