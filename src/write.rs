//! Atomic writes: a temporary file in the target folder, then a rename. A failure leaves nothing behind, and no
//! run writes over one of its inputs.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write: folder `{folder}` does not exist")]
    NoFolder { path: String, folder: String },
    #[error("{path}: refusing to write over an input file; choose another output with -o")]
    WouldOverwriteInput { path: String },
}

/// Where an output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// Whether two paths name the same file (also through `./`, `..` or links, when the file exists).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Whether standard input is the file at `path` (same device and inode), as in
/// `crosswalk map - -o soa.csv < soa.csv`.
#[cfg_attr(not(unix), allow(unused_variables))]
pub fn is_stdin_file(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else { return false };
        let stdin = std::fs::File::from(fd);
        match (stdin.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    // No device and inode to compare: the path alone cannot name standard input's file.
    #[cfg(not(unix))]
    {
        false
    }
}

/// Whether writing to `path` would write over `input` (`-`: the file standard input reads).
pub fn would_overwrite(input: &Path, path: &Path) -> bool {
    if input.as_os_str() == "-" {
        is_stdin_file(path)
    } else {
        same_file(input, path)
    }
}

/// Refuses a destination that is one of the inputs.
pub fn ensure_not_input(dest: &Destination, inputs: &[PathBuf]) -> Result<(), WriteError> {
    if let Destination::File(path) = dest {
        if inputs.iter().any(|i| would_overwrite(i, path)) {
            return Err(WriteError::WouldOverwriteInput { path: path.display().to_string() });
        }
    }
    Ok(())
}

/// Writes bytes to the destination; a file is written to a temporary sibling and renamed into place.
pub fn write_output(dest: &Destination, bytes: &[u8]) -> Result<(), WriteError> {
    match dest {
        Destination::Stdout => {
            use std::io::IsTerminal;
            let mut out = std::io::stdout().lock();
            // A person reads a terminal: text goes there with its control characters escaped, as on stderr.
            let shown = if out.is_terminal() { crate::sanitise::for_terminal_bytes(bytes) } else { bytes.into() };
            match out.write_all(&shown).and_then(|()| out.flush()) {
                // The reader went away (`| head`): like any filter, stop quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|source| WriteError::Io { path: "-".into(), source }),
            }
        }
        Destination::File(path) if is_special(path) => write_special(path, bytes),
        Destination::File(path) => write_atomic(path, bytes),
    }
}

/// A path that exists and is neither a regular file nor a folder: `/dev/null`, a named pipe, a terminal. Renaming
/// a temporary file over it would replace the device, so it is written in place.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn write_special(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |source: std::io::Error| WriteError::Io { path: path.display().to_string(), source };
    let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(err)?;
    file.write_all(bytes).and_then(|()| file.flush()).map_err(err)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |source: std::io::Error| WriteError::Io { path: path.display().to_string(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::NoFolder { path: path.display().to_string(), folder: dir.display().to_string() });
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".crosswalk-").suffix(".tmp");
    // Outputs are ordinary documents: readable by others like any file the user saves (tempfile defaults to 0600).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(&dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.flush().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_output(&Destination::File(path.clone()), b"{}\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out.json"]);
    }

    /// A named pipe in a temp dir stands for a device: it is written in place, never renamed over.
    #[cfg(unix)]
    #[test]
    fn writes_devices_in_place_and_files_readable() {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success(), "mkfifo failed");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_output(&Destination::File(fifo.clone()), b"x").unwrap();
        assert_eq!(reader.join().unwrap(), b"x");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe must stay a pipe");
        let path = dir.path().join("out.csv");
        write_output(&Destination::File(path.clone()), b"x").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("soa.csv");
        std::fs::write(&input, "x").unwrap();
        let dest = Destination::File(dir.path().join(".").join("soa.csv"));
        assert!(matches!(ensure_not_input(&dest, &[input]), Err(WriteError::WouldOverwriteInput { .. })));
    }
}
