//! Helpers for the integration tests: run the built binary in a temp dir with fixtures copied in, and build
//! hostile zip files in memory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod hostile;

/// A file under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Runs `crosswalk ARGS` in `dir` (with no inherited thread count).
pub fn crosswalk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("run crosswalk")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The sheets of a crosswalk workbook, in order.
pub const WORKBOOK_SHEETS: [&str; 11] = [
    "Summary",
    "Crosswalk",
    "Mapping",
    "By criterion",
    "Coverage",
    "Reuse",
    "Gaps",
    "Partial",
    "Issues",
    "About",
    "Lists",
];

/// `crosswalk map FIXTURE --format json -o -` run on a copy of `fixtures/FIXTURE` in a temp dir: the JSON document,
/// after checking the run succeeded.
pub fn map_json(name: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = Path::new(name).file_name().unwrap().to_str().unwrap();
    std::fs::copy(fixture(name), dir.path().join(file)).unwrap();
    let o = crosswalk(dir.path(), &["map", file, "--format", "json", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The file names in `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// What a run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A temp dir with some fixtures from `fixtures/import/` copied in.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn with(fixtures: &[&str]) -> Dir {
        let tmp = tempfile::tempdir().expect("temp dir");
        let src = fixture("import");
        for f in fixtures {
            std::fs::copy(src.join(f), tmp.path().join(f)).unwrap_or_else(|e| panic!("copy {f}: {e}"));
        }
        Dir { tmp }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).expect("write");
    }

    /// Runs `crosswalk ARGS` in this dir.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = crosswalk(self.tmp.path(), args);
        Run { code: out.status.code().unwrap_or(-1), stdout: stdout(&out), stderr: stderr(&out) }
    }

    /// The files in this dir, sorted.
    pub fn files(&self) -> Vec<String> {
        files(self.tmp.path())
    }
}

/// A raw deflate stream that inflates to `n` zero bytes: one fixed-Huffman block of a literal zero, then
/// back-references of 258 bytes at distance 1 (13 bits each), so 300 MiB take about 2 MB.
pub fn deflate_zeros(n: u64) -> Vec<u8> {
    let mut w = Bits::default();
    w.put(1, 1); // last block
    w.put(1, 2); // fixed Huffman codes
    let mut left = n;
    let literal = |w: &mut Bits| w.code(0x30, 8); // literal 0
    if left > 0 {
        literal(&mut w);
        left -= 1;
    }
    while left >= 258 {
        w.code(0xC5, 8); // length symbol 285: 258 bytes
        w.code(0, 5); // distance code 0: distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal(&mut w);
    }
    w.code(0, 7); // end of block
    w.finish()
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    used: u32,
}

impl Bits {
    /// Puts `len` bits of `value`, least significant first (header fields).
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.used;
        self.used += len;
        while self.used >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.used -= 8;
        }
    }

    /// Puts a Huffman code, most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let mut reversed = 0;
        for i in 0..len {
            reversed |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// CRC-32 (the zip one) of `n` zero bytes.
pub fn crc32_zeros(n: u64) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    let mut crc = !0u32;
    for _ in 0..n {
        crc = table[(crc & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// A zip with one deflated part `name` holding `data`, declaring `declared` bytes inflated and the given CRC.
pub fn zip_one_part(name: &str, data: &[u8], declared: u64, crc: u32) -> Vec<u8> {
    let declared = u32::try_from(declared).expect("declared size fits zip32");
    let mut local = Vec::new();
    local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    local.extend_from_slice(&20u16.to_le_bytes()); // version needed
    local.extend_from_slice(&0u16.to_le_bytes()); // flags
    local.extend_from_slice(&8u16.to_le_bytes()); // deflate
    local.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
    local.extend_from_slice(&crc.to_le_bytes());
    local.extend_from_slice(&(data.len() as u32).to_le_bytes());
    local.extend_from_slice(&declared.to_le_bytes());
    local.extend_from_slice(&(name.len() as u16).to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    local.extend_from_slice(name.as_bytes());
    local.extend_from_slice(data);
    let mut central = Vec::new();
    central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    central.extend_from_slice(&20u16.to_le_bytes()); // version made by
    central.extend_from_slice(&20u16.to_le_bytes());
    central.extend_from_slice(&0u16.to_le_bytes());
    central.extend_from_slice(&8u16.to_le_bytes());
    central.extend_from_slice(&[0, 0, 0x21, 0]);
    central.extend_from_slice(&crc.to_le_bytes());
    central.extend_from_slice(&(data.len() as u32).to_le_bytes());
    central.extend_from_slice(&declared.to_le_bytes());
    central.extend_from_slice(&(name.len() as u16).to_le_bytes());
    central.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
    central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    central.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    central.extend_from_slice(name.as_bytes());
    let mut out = local;
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A sheet of a workbook as text rows, read back with calamine (whole numbers without a decimal point).
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}
