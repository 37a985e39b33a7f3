//! Reading files people name on the command line or in a map, without trusting them: a
//! named pipe, a device or a huge file is refused with a plain reason instead of hanging
//! or filling memory.

use std::path::Path;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Its size in bytes (or the bytes read before giving up), over the limit.
    TooLarge(u64),
    /// A plain reason: "no such file", "it is a named pipe, not a file".
    Unreadable(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge(size) => write!(f, "{size} bytes is over the limit"),
            ReadError::Unreadable(reason) => write!(f, "cannot read it: {reason}"),
        }
    }
}

/// Reads a regular file of at most `max` bytes. Named pipes, devices (`/dev/zero`),
/// sockets and folders are refused before anything is read (a pipe would block and a
/// device never ends); the size is checked first, and the read is bounded too, in case
/// the file grows or reports no size (`/proc`).
pub fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

    let unreadable = |err: std::io::Error| ReadError::Unreadable(describe_io(&err));
    let check = |metadata: &std::fs::Metadata| -> Result<(), ReadError> {
        let kind = metadata.file_type();
        let what = if kind.is_file() {
            return if metadata.len() > max as u64 {
                Err(ReadError::TooLarge(metadata.len()))
            } else {
                Ok(())
            };
        } else if kind.is_dir() {
            "a folder"
        } else if kind.is_fifo() {
            "a named pipe"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        Err(ReadError::Unreadable(format!("it is {what}, not a file")))
    };
    check(&std::fs::metadata(path).map_err(unreadable)?)?;
    // Non-blocking, so a file swapped for a pipe since the check cannot hang the open;
    // the open file is checked again.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
        .map_err(unreadable)?;
    check(&file.metadata().map_err(unreadable)?)?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > max {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => err.to_string(),
    }
}
