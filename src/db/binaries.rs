//! Finding the PostgreSQL server binaries installed on this machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest PostgreSQL major version argmap's migrations are written for.
pub const MIN_MAJOR_VERSION: u32 = 14;

/// Why no usable server binaries were found.
#[derive(Debug, thiserror::Error)]
pub enum BinariesError {
    #[error(
        "no PostgreSQL server binaries found (looked on PATH, in `pg_config --bindir` and in \
         /usr/lib/postgresql/*/bin): install PostgreSQL {min} or newer (Debian/Ubuntu: \
         `apt-get install postgresql`), or set DATABASE_URL to use an existing server",
        min = MIN_MAJOR_VERSION
    )]
    NoBinaries,
    #[error(
        "PostgreSQL in {dir} is version {major}; argmap needs {min} or newer (or set DATABASE_URL)",
        min = MIN_MAJOR_VERSION
    )]
    TooOld { dir: PathBuf, major: u32 },
}

/// The folder holding `initdb` and `postgres`, and their major version.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub bin_dir: PathBuf,
    pub major_version: u32,
}

impl PgBinaries {
    pub fn initdb(&self) -> PathBuf {
        self.bin_dir.join("initdb")
    }

    pub fn postgres(&self) -> PathBuf {
        self.bin_dir.join("postgres")
    }

    /// Looks on `PATH`, then asks `pg_config --bindir`, then takes the newest
    /// `/usr/lib/postgresql/*/bin` (where Debian and Ubuntu install the server).
    pub fn find() -> Result<Self, BinariesError> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path));
        }
        if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
            if output.status.success() {
                let dir = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                candidates.push(PathBuf::from(dir));
            }
        }
        candidates.extend(debian_bin_dirs(Path::new("/usr/lib/postgresql")));

        let mut too_old = None;
        for dir in candidates {
            if !(dir.join("initdb").is_file() && dir.join("postgres").is_file()) {
                continue;
            }
            match major_version(&dir.join("postgres")) {
                Some(major) if major >= MIN_MAJOR_VERSION => {
                    return Ok(Self {
                        bin_dir: dir,
                        major_version: major,
                    });
                }
                Some(major) => too_old = Some((dir, major)),
                None => {}
            }
        }
        Err(match too_old {
            Some((dir, major)) => BinariesError::TooOld { dir, major },
            None => BinariesError::NoBinaries,
        })
    }
}

/// `/usr/lib/postgresql/{version}/bin`, newest version first.
fn debian_bin_dirs(root: &Path) -> Vec<PathBuf> {
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    versioned.into_iter().map(|(_, dir)| dir).collect()
}

/// Parses `postgres (PostgreSQL) 15.18 (Debian ...)` into `15`.
fn major_version(postgres: &Path) -> Option<u32> {
    let output = Command::new(postgres).arg("--version").output().ok()?;
    parse_major_version(&String::from_utf8_lossy(&output.stdout))
}

fn parse_major_version(version_line: &str) -> Option<u32> {
    let version = version_line
        .split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))?;
    version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_version_is_read_from_the_version_line() {
        assert_eq!(
            parse_major_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(
            parse_major_version("postgres (PostgreSQL) 17beta1"),
            Some(17)
        );
        assert_eq!(parse_major_version("postgres (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(parse_major_version("nonsense"), None);
    }
}
