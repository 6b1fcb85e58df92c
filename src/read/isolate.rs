//! The reader boundary. A panic inside a reader becomes that file's error ([`read_guarded`]); on unix each input
//! is read in a child process (this binary again, `crosswalk __read-input`), under a memory limit (RLIMIT_AS) and
//! a time limit, so that what cannot be caught (an allocation that aborts, a loop without end) fails that input
//! alone. The child sends the read tables back as JSON on its standard output.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use super::{Limits, ReadError, Source};

/// The binary that reads inputs in child processes, once [`enable_child_processes`] has named it.
static READER_EXE: OnceLock<PathBuf> = OnceLock::new();

/// The hidden subcommand the child runs.
pub const SUBCOMMAND: &str = "__read-input";

/// From now on, [`read_input`] reads each input in a child process running `exe` (unix only; elsewhere inputs are
/// read in this process, still guarded against panics).
pub fn enable_child_processes(exe: PathBuf) {
    if cfg!(unix) {
        let _ = READER_EXE.set(exe);
    }
}

/// Reads an input (a path, or `-` for stdin) behind the boundary: in a child process when enabled and a limit is
/// set, else here with panics caught (`--max-memory-mb 0 --timeout-s 0` saves trusted inputs the cost of a
/// process each).
pub fn read_input(path: &Path, limits: Limits) -> Result<Source, ReadError> {
    match READER_EXE.get() {
        Some(exe) if limits.max_memory_mib > 0 || limits.timeout_s > 0 => read_in_child(exe, path, limits),
        _ => read_guarded(path, limits),
    }
}

thread_local! {
    /// Set while a guarded read runs on this thread: its panic message, kept instead of printed.
    // Outer: whether a guarded read runs; inner: the panic's message, if it had one.
    #[allow(clippy::option_option)]
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps quiet about panics inside a guarded read and leaves every other panic
/// to the default hook.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let guarded = CAUGHT.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let message = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(std::string::ToString::to_string)
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "panic".to_string());
                        let at = info
                            .location()
                            .map(|l| format!(" at {}:{}", short_path(l.file()), l.line()))
                            .unwrap_or_default();
                        *slot = Some(format!("{message}{at}"));
                        true
                    }
                    None => false,
                }
            });
            if !guarded {
                default(info);
            }
        }));
    });
}

/// A source path as a panic names it, without the folders of the machine that built the binary:
/// `calamine-0.38.0/src/xls.rs` for a dependency, `src/read/workbook.rs` for this crate.
fn short_path(path: &str) -> &str {
    match path.find("/registry/src/") {
        Some(i) => {
            let rest = &path[i + "/registry/src/".len()..];
            rest.split_once('/').map_or(rest, |(_, crate_path)| crate_path)
        }
        None => path,
    }
}

/// Runs `f` with a panic turned into its message (quietly: the message is returned, not printed). For library code
/// that panics where it should return an error, such as a workbook writer whose temporary file hits a full disk.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let message = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    result.map_err(|_| message.unwrap_or_else(|| "panic".to_string()))
}

/// Runs `f` with panics turned into [`ReadError::ReaderPanicked`] for `file`.
pub fn guard<T>(file: &str, f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    install_quiet_hook();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let message = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    result.unwrap_or_else(|_| {
        Err(ReadError::ReaderPanicked {
            file: file.to_string(),
            detail: message.unwrap_or_else(|| "panic".to_string()),
        })
    })
}

/// Reads an input in this process, a panic becoming the file's error.
pub fn read_guarded(path: &Path, limits: Limits) -> Result<Source, ReadError> {
    let file = if path.as_os_str() == "-" { "stdin".to_string() } else { path.display().to_string() };
    guard(&file, || {
        failpoint(path);
        super::read_path(path, limits)
    })
}

/// The arguments of the child for one input.
fn child_args(path: &Path, limits: Limits) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec![
        SUBCOMMAND.into(),
        "--max-inflated-mb".into(),
        (limits.max_inflated / super::MIB).to_string().into(),
        "--max-memory-mb".into(),
        limits.max_memory_mib.to_string().into(),
        "--timeout-s".into(),
        limits.timeout_s.to_string().into(),
        "--".into(),
    ];
    args.push(path.as_os_str().to_owned());
    args
}

/// Reads an input in a child process and takes its answer; a child that is killed, runs out of memory or time,
/// or answers nothing readable fails this input only.
fn read_in_child(exe: &Path, path: &Path, limits: Limits) -> Result<Source, ReadError> {
    use std::process::{Command, Stdio};
    let file = if path.as_os_str() == "-" { "stdin".to_string() } else { path.display().to_string() };
    let died = |detail: String| ReadError::ReaderDied { file: file.clone(), detail };
    let stdin = if path.as_os_str() == "-" { Stdio::inherit() } else { Stdio::null() };
    let mut child = Command::new(exe)
        .args(child_args(path, limits))
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| died(format!("cannot start the reader process: {e}")))?;
    let (mut out, mut err) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = out.read_to_end(&mut bytes);
        let _ = tx.send(read.map(|_| bytes));
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut err).take(64 * 1024).read_to_end(&mut bytes);
        // Drain the rest so that the child never blocks on a full pipe.
        let _ = std::io::copy(&mut err, &mut std::io::sink());
        bytes
    });
    let answer = if limits.timeout_s == 0 {
        rx.recv().ok()
    } else {
        match rx.recv_timeout(Duration::from_secs(limits.timeout_s)) {
            Ok(answer) => Some(answer),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = stdout_reader.join();
                let _ = stderr_reader.join();
                return Err(ReadError::TimedOut { file, seconds: limits.timeout_s });
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
        }
    };
    let status = child.wait().map_err(|e| died(format!("cannot wait for the reader process: {e}")))?;
    let _ = stdout_reader.join();
    let stderr = String::from_utf8_lossy(&stderr_reader.join().unwrap_or_default()).into_owned();
    let bytes = match answer {
        Some(Ok(bytes)) if status.success() => bytes,
        _ => return Err(child_failure(&file, status, &stderr, limits)),
    };
    serde_json::from_slice::<Result<Source, ReadError>>(&bytes)
        .map_err(|e| died(format!("its answer cannot be read: {e}")))?
}

/// Why a child ended without an answer: out of memory (the allocator says so, or the kernel killed it), out of CPU
/// time, or some other signal or exit.
fn child_failure(file: &str, status: std::process::ExitStatus, stderr: &str, limits: Limits) -> ReadError {
    let signal = signal_of(status);
    let out_of_memory = stderr.contains("memory allocation of") || signal == Some(9);
    if out_of_memory && limits.max_memory_mib > 0 {
        return ReadError::OutOfMemory { file: file.to_string(), limit_mib: limits.max_memory_mib };
    }
    // SIGXCPU: the CPU-time backstop set in the child.
    if signal == Some(24) && limits.timeout_s > 0 {
        return ReadError::TimedOut { file: file.to_string(), seconds: limits.timeout_s };
    }
    let first_line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let how = match signal {
        Some(s) => format!("killed by signal {s}"),
        None => format!("exit status {}", status.code().unwrap_or(-1)),
    };
    let detail = if first_line.is_empty() { how } else { format!("{how}: {first_line}") };
    ReadError::ReaderDied { file: file.to_string(), detail }
}

#[cfg(unix)]
fn signal_of(status: std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
}

#[cfg(not(unix))]
fn signal_of(_: std::process::ExitStatus) -> Option<i32> {
    None
}

/// The child's side: limits itself, reads the input guarded, and writes the outcome as JSON to stdout.
pub fn serve(path: &Path, limits: Limits) -> std::io::Result<()> {
    limit_self(limits);
    let outcome = read_guarded(path, limits);
    let bytes = serde_json::to_vec(&outcome).map_err(std::io::Error::other)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()
}

/// Sets this process's address-space limit to `--max-memory-mb` and its CPU-time limit a little past
/// `--timeout-s` (a backstop should the parent be gone).
#[cfg(unix)]
fn limit_self(limits: Limits) {
    use nix::sys::resource::{setrlimit, Resource};
    if limits.max_memory_mib > 0 {
        let bytes = limits.max_memory_mib.saturating_mul(super::MIB);
        let _ = setrlimit(Resource::RLIMIT_AS, bytes, bytes);
    }
    if limits.timeout_s > 0 {
        let seconds = limits.timeout_s.saturating_add(5);
        let _ = setrlimit(Resource::RLIMIT_CPU, seconds, seconds.saturating_add(5));
    }
}

#[cfg(not(unix))]
fn limit_self(_: Limits) {}

/// Test builds only: `CROSSWALK_FAILPOINT=panic|hang|exhaust:NAME` makes the reader of the input whose file name
/// is NAME panic, loop forever or allocate without end, to prove that the boundary holds. Release builds have no
/// failpoints.
#[cfg(debug_assertions)]
fn failpoint(path: &Path) {
    let Ok(spec) = std::env::var("CROSSWALK_FAILPOINT") else { return };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    for point in spec.split(',') {
        let Some((what, target)) = point.split_once(':') else { continue };
        if target != name {
            continue;
        }
        match what {
            "panic" => panic!("failpoint"),
            "hang" => loop {
                std::thread::sleep(Duration::from_millis(50));
            },
            "exhaust" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 64 * 1024 * 1024]);
                }
            }
            _ => {}
        }
    }
}

#[cfg(not(debug_assertions))]
fn failpoint(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_turns_a_panic_into_its_message_and_passes_values_through() {
        assert_eq!(catch(|| 7), Ok(7));
        let err = catch(|| -> u8 { panic!("disk full while writing a sheet") }).unwrap_err();
        assert!(err.starts_with("disk full while writing a sheet at "), "{err}");
        // The next guarded call starts clean.
        assert_eq!(catch(|| "ok"), Ok("ok"));
    }
}
