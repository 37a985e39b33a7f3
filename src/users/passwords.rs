//! Password hashing with Argon2id (the `password-auth` crate), off the async threads.

use crate::{Error, Result};

/// A real Argon2id hash (with its own random salt), verified against when an email is
/// unknown so that a sign-in takes as long whether or not the account exists. What it
/// hashes does not matter: a sign-in without an account fails whatever it verifies.
pub static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("no account has this password"));

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

pub fn check_strength(password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| Error::BadRequest("hashing the password failed".into()))
}

/// Whether `password` matches `hash`; constant work whatever the answer.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false)
}
