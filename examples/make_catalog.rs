//! A client control catalog of the kind consultants receive, with its ground truth, and a scorer for what
//! `crosswalk map` made of it.
//!
//! ```text
//! cargo run --release --example make_catalog -- --seed 1 --out trial          # trial/catalog-1.xlsx + .truth.csv
//! crosswalk map trial/catalog-1.xlsx --format json -o trial/catalog-1.json
//! cargo run --release --example make_catalog -- --score trial/catalog-1.truth.csv trial/catalog-1.json
//! cargo run --release --example make_catalog -- --trial 1,2,3 --bin target/release/crosswalk   # all three steps
//! ```
//!
//! The sheet has two title rows, then `Control Ref, Control Title, Control Description, Applicable (Y/N),
//! Justification, Implementation Status, Owner, Evidence`. Rows (10,000 by default) come in kinds, each in the
//! truth file: 2022 ids in many spellings with their title or a loose one; 2013 ids in the same column; 2022 ids
//! that are also 2013 objective numbers (`A.7.1 Physical security perimeters`); custom ids with a catalog title;
//! ids that do not exist (`A.7.78`) beside an exact or misspelt title; custom ids with a paraphrased title and
//! description (generic process words, typos); rows about no security topic (catering, parking). Phrasings are drawn
//! at random from several templates per kind, so each seed writes other sentences: tune on some seeds, keep one out.
//!
//! A row is right when the ids `map` gives it are exactly the truth's ids (a 2013 id: its 2022 successors), or, for a
//! row about no security topic, when it is not accepted without review. A wrong auto-accept is a row with ids that
//! are not the truth, marked `auto`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crosswalk::catalog::{Catalogs, EntryKind};
use rust_xlsxwriter::Workbook;

/// splitmix64: a small seeded generator, so the same seed writes the same catalog on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 1.0 < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn word<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Topic phrases per Annex A control, in our own words: what a client calls the control's subject.
const TOPICS: &[(&str, &[&str])] = &[
    ("A.5.1", &["security policy set", "infosec policies", "top-level security policy"]),
    ("A.5.2", &["security roles", "who is responsible for security", "security responsibilities"]),
    ("A.5.3", &["segregation of duties", "separation of conflicting duties", "four-eyes principle"]),
    ("A.5.4", &["management backing for security", "managers enforcing security", "leadership duties for security"]),
    ("A.5.5", &["contact with authorities", "regulator and police contacts", "liaison with authorities"]),
    ("A.5.6", &["special interest groups", "security forums membership", "industry security associations"]),
    ("A.5.7", &["threat intelligence", "threat intel feeds", "threat information gathering"]),
    ("A.5.8", &["security in projects", "project security reviews", "security in project management"]),
    ("A.5.9", &["asset inventory", "asset register", "inventory of information assets"]),
    ("A.5.10", &["acceptable use", "acceptable use rules for assets", "permitted use of company equipment"]),
    ("A.5.11", &["return of assets", "returning laptops at exit", "asset return on leaving"]),
    ("A.5.12", &["information classification", "data classification scheme", "classifying information"]),
    ("A.5.13", &["labelling of information", "classification labels", "document marking"]),
    ("A.5.14", &["information transfer", "data transfer agreements", "secure file exchange"]),
    ("A.5.15", &["access control", "access control policy", "logical access rules"]),
    ("A.5.16", &["identity management", "user identities lifecycle", "unique user ids"]),
    ("A.5.17", &["authentication information", "password handling", "password management"]),
    ("A.5.18", &["access rights", "user access reviews", "granting and revoking access"]),
    ("A.5.19", &["supplier security", "supplier relationships", "vendor risk"]),
    (
        "A.5.20",
        &["supplier agreements", "security clauses in vendor contracts", "contract security terms for suppliers"],
    ),
    ("A.5.21", &["ICT supply chain", "supply chain security", "software supply chain"]),
    ("A.5.22", &["supplier monitoring", "supplier service review", "vendor performance monitoring"]),
    ("A.5.23", &["cloud services", "cloud security", "use of cloud providers"]),
    ("A.5.24", &["incident management planning", "incident response plan", "incident readiness"]),
    ("A.5.25", &["security event assessment", "triage of security events", "event classification"]),
    ("A.5.26", &["incident response", "responding to security incidents", "incident handling"]),
    ("A.5.27", &["lessons learned from incidents", "post-incident review", "incident root cause learning"]),
    ("A.5.28", &["collection of evidence", "forensic evidence", "chain of custody"]),
    ("A.5.29", &["security during disruption", "security in a crisis", "keeping security during outages"]),
    ("A.5.30", &["ICT continuity", "IT disaster recovery", "business continuity for IT"]),
    ("A.5.31", &["legal requirements", "statutory and regulatory requirements", "compliance obligations register"]),
    ("A.5.32", &["intellectual property", "software licensing", "copyright compliance"]),
    ("A.5.33", &["protection of records", "records retention", "record keeping"]),
    ("A.5.34", &["privacy", "personal data protection", "PII protection"]),
    ("A.5.35", &["independent security review", "external audit of security", "independent assessment"]),
    ("A.5.36", &["compliance with security policies", "policy compliance checks", "checking adherence to standards"]),
    ("A.5.37", &["operating procedures", "documented procedures", "runbooks"]),
    ("A.6.1", &["screening", "background checks", "pre-employment vetting"]),
    ("A.6.2", &["employment terms", "employment contracts security clauses", "terms and conditions of employment"]),
    ("A.6.3", &["security awareness", "security training", "awareness programme"]),
    ("A.6.4", &["disciplinary process", "sanctions for breaches", "disciplinary action"]),
    ("A.6.5", &["duties after termination", "leaver obligations", "responsibilities after leaving"]),
    ("A.6.6", &["non-disclosure agreements", "NDAs", "confidentiality agreements"]),
    ("A.6.7", &["remote working", "working from home", "teleworking"]),
    ("A.6.8", &["event reporting", "reporting security events", "reporting suspicious activity"]),
    ("A.7.1", &["physical perimeter", "site perimeter security", "security perimeters"]),
    ("A.7.2", &["physical entry", "building entry control", "badge access to premises"]),
    ("A.7.3", &["securing offices", "office and room security", "secure rooms"]),
    ("A.7.4", &["physical security monitoring", "CCTV surveillance", "intrusion alarms"]),
    ("A.7.5", &["environmental threats", "fire and flood protection", "physical and environmental hazards"]),
    ("A.7.6", &["working in secure areas", "secure area rules", "restricted area working"]),
    ("A.7.7", &["clear desk", "clear screen", "clean desk and screen lock"]),
    ("A.7.8", &["equipment siting", "equipment placement and protection", "protecting equipment"]),
    ("A.7.9", &["assets off-premises", "equipment taken off site", "off-site asset security"]),
    ("A.7.10", &["storage media", "removable media", "USB media handling"]),
    ("A.7.11", &["supporting utilities", "power and UPS", "utility failures"]),
    ("A.7.12", &["cabling security", "cable protection", "network cabling"]),
    ("A.7.13", &["equipment maintenance", "hardware servicing", "maintenance of equipment"]),
    ("A.7.14", &["secure disposal", "equipment disposal and reuse", "wiping equipment before reuse"]),
    ("A.8.1", &["endpoint devices", "user endpoints", "laptop security"]),
    ("A.8.2", &["privileged access", "admin rights", "privileged accounts"]),
    ("A.8.3", &["information access restriction", "restricting access to data", "need-to-know access"]),
    ("A.8.4", &["source code access", "access to source code", "code repository access"]),
    ("A.8.5", &["secure authentication", "multi-factor authentication", "secure logon"]),
    ("A.8.6", &["capacity management", "capacity planning", "resource capacity"]),
    ("A.8.7", &["malware protection", "anti-virus", "anti-malware"]),
    ("A.8.8", &["vulnerability management", "patching of vulnerabilities", "technical vulnerabilities"]),
    ("A.8.9", &["configuration management", "secure configuration baselines", "hardening standards"]),
    ("A.8.10", &["information deletion", "data deletion", "deleting data when no longer needed"]),
    ("A.8.11", &["data masking", "masking of data", "pseudonymisation"]),
    ("A.8.12", &["data leakage prevention", "DLP", "preventing data leaks"]),
    ("A.8.13", &["backups", "information backup", "backup and restore"]),
    ("A.8.14", &["redundancy", "redundant facilities", "failover capacity"]),
    ("A.8.15", &["logging", "event logs", "audit logging"]),
    ("A.8.16", &["monitoring activities", "security monitoring", "anomaly monitoring"]),
    ("A.8.17", &["clock synchronisation", "time sync", "NTP"]),
    ("A.8.18", &["privileged utility programs", "system utilities", "admin tools usage"]),
    ("A.8.19", &["software installation", "installing software on production", "software install control"]),
    ("A.8.20", &["network security", "network controls", "securing networks"]),
    ("A.8.21", &["network services security", "security of network services", "network service agreements"]),
    ("A.8.22", &["network segregation", "segregation of networks", "network segmentation"]),
    ("A.8.23", &["web filtering", "URL filtering", "blocking malicious websites"]),
    ("A.8.24", &["cryptography", "encryption", "crypto"]),
    ("A.8.25", &["secure development lifecycle", "SDLC", "secure software development"]),
    ("A.8.26", &["application security requirements", "security requirements for applications", "app security specs"]),
    ("A.8.27", &["secure architecture", "security architecture principles", "secure engineering principles"]),
    ("A.8.28", &["secure coding", "coding standards for security", "safe coding practices"]),
    ("A.8.29", &["security testing", "security tests before release", "penetration testing in development"]),
    ("A.8.30", &["outsourced development", "third-party development", "contracted developers"]),
    ("A.8.31", &["separation of environments", "dev test prod separation", "environment separation"]),
    ("A.8.32", &["change management", "change control", "managing changes"]),
    ("A.8.33", &["test information", "test data", "protecting test data"]),
    ("A.8.34", &["audit testing protection", "protecting systems during audits", "audit tests on live systems"]),
];

/// Subjects that are no security control.
const NOT_SECURITY: &[&str] = &[
    "Office catering arrangements",
    "Brand guidelines",
    "Parking permit allocation",
    "Travel expense approval",
    "Holiday calendar",
    "Christmas party planning",
    "Coffee machine cleaning",
    "Plant watering rota",
    "Marketing newsletter",
    "Fleet vehicle servicing",
    "Canteen menu planning",
    "Sales commission plan",
    "Office furniture procurement",
    "Company picnic organisation",
    "Social media tone of voice",
    "Meeting room booking etiquette",
    "Printer paper ordering",
    "Employee wellness programme",
    "Customer satisfaction survey",
    "Annual sales kick-off event",
    "Trade show booth design",
    "Cycle to work scheme",
    "Charity fundraising day",
    "Corporate gift policy",
    "Logo usage rules",
    "Reception desk greeting",
    "Kitchen hygiene rules",
    "Dress code",
    "Team building offsite",
    "Recycling bins collection",
];

/// Title templates for a paraphrased control (`{}` is a topic phrase).
const TITLE_TEMPLATES: &[&str] = &[
    "{}",
    "{}",
    "Usage of {}",
    "{} rules",
    "Implementing {}",
    "{} controls",
    "{} process",
    "Managing {}",
    "{} procedure",
    "Our approach to {}",
];

/// Description templates (`{}` is a topic phrase): generic process words around the subject.
const TEXT_TEMPLATES: &[&str] = &[
    "The business defines {} rules and reviews them yearly.",
    "Implementing controls for {} across the company; defined by the security team.",
    "{} is defined, documented and reviewed annually by the control owner.",
    "We have a documented process for {} which is reviewed periodically.",
    "Rules on {} are defined and communicated to all staff.",
    "Controls are in place for {}; evidence is kept in the GRC tool.",
    "The IT team is responsible for {} and reports to management quarterly.",
    "A procedure covers {}, owned by the CISO.",
];

/// Description templates for a row about no security topic.
const OTHER_TEXT_TEMPLATES: &[&str] = &[
    "The facilities team manages {} and reviews it yearly.",
    "{} is defined by HR and communicated to all staff.",
    "Marketing owns {}; reviewed annually.",
    "{} process documented and approved by the office manager.",
    "Rules for {} are published on the intranet.",
];

const STATUSES: &[&str] = &["Implemented", "Partially implemented", "Planned", "Not implemented", "Implemented"];
const OWNERS: &[&str] = &["CISO", "IT Manager", "HR Lead", "Facilities", "CTO", "DPO", "Head of Engineering"];
const EVIDENCE: &[&str] = &["Policy v2.1", "Confluence page", "Jira ticket", "Screenshot", "Audit log export", ""];

/// What kind of row the truth file says a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A 2022 id in some spelling, with its title or a loose one.
    Id2022,
    /// A 2013 id with its 2013 title.
    Id2013,
    /// A 2022 id that is also a 2013 objective number (`A.7.1`), with its 2022 title.
    Mixed,
    /// A custom id with a catalog title (other case and punctuation).
    ExactTitle,
    /// An id that does not exist beside a catalog title, exact or misspelt.
    NoSuchId,
    /// A custom id with a paraphrased title and description.
    Paraphrase,
    /// A row about no security topic.
    NotSecurity,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Id2022 => "id-2022",
            Kind::Id2013 => "id-2013",
            Kind::Mixed => "2022-id-also-2013-objective",
            Kind::ExactTitle => "custom-id-catalog-title",
            Kind::NoSuchId => "no-such-id",
            Kind::Paraphrase => "paraphrase",
            Kind::NotSecurity => "not-security",
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if let Some(i) = args.iter().position(|a| a == "--score") {
        match (args.get(i + 1), args.get(i + 2)) {
            (Some(truth), Some(json)) => score(Path::new(truth), Path::new(json)).map(|s| print!("{}", s.report())),
            _ => Err("--score needs TRUTH.csv MAP.json".into()),
        }
    } else if let Some(i) = args.iter().position(|a| a == "--trial") {
        trial(&args, args.get(i + 1).map_or("1", String::as_str))
    } else {
        generate_args(&args).map(|(xlsx, truth)| println!("wrote {} and {}", xlsx.display(), truth.display()))
    };
    if let Err(e) = result {
        eprintln!("make_catalog: error: {e}");
        std::process::exit(2);
    }
}

fn value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn generate_args(args: &[String]) -> Result<(PathBuf, PathBuf), String> {
    let seed: u64 = value(args, "--seed").unwrap_or("1").parse().map_err(|_| "--seed needs a number")?;
    let rows: usize = value(args, "--rows").unwrap_or("10000").parse().map_err(|_| "--rows needs a number")?;
    let out = PathBuf::from(value(args, "--out").unwrap_or("."));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    generate(seed, rows, &out)
}

/// Generates, maps and scores each seed of a comma-separated list with the binary of `--bin`.
fn trial(args: &[String], seeds: &str) -> Result<(), String> {
    let bin = value(args, "--bin").ok_or("--trial needs --bin PATH (the crosswalk binary)")?;
    let rows: usize = value(args, "--rows").unwrap_or("10000").parse().map_err(|_| "--rows needs a number")?;
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = value(args, "--out").map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for seed in seeds.split(',') {
        let seed: u64 = seed.trim().parse().map_err(|_| format!("seed `{seed}` is not a number"))?;
        let (xlsx, truth) = generate(seed, rows, &out)?;
        let json = out.join(format!("catalog-{seed}.json"));
        let started = std::time::Instant::now();
        let status = std::process::Command::new(bin)
            .args(["map", "-q"])
            .arg(&xlsx)
            .args(["--format", "json", "-o"])
            .arg(&json)
            .status()
            .map_err(|e| format!("{bin}: {e}"))?;
        let took = started.elapsed().as_secs_f64();
        if !json.exists() {
            return Err(format!("map exited with {status} and wrote nothing"));
        }
        let s = score(&truth, &json)?;
        println!("seed {seed} ({rows} rows, map took {took:.2} s, exit {}):", status.code().unwrap_or(-1));
        print!("{}", s.report());
    }
    Ok(())
}

fn generate(seed: u64, rows: usize, out: &Path) -> Result<(PathBuf, PathBuf), String> {
    let catalogs = Catalogs::builtin();
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
    let annex: Vec<(&str, &str)> = catalogs
        .iso2022
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Annex)
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect();
    let old: Vec<(&str, &str)> = catalogs.iso2013.entries.iter().map(|e| (e.id.as_str(), e.title.as_str())).collect();
    // 2022 ids that are also 2013 objective numbers (`A.7.1`: 2013's `A.7.1.1` exists).
    let colliding: Vec<(&str, &str)> =
        annex.iter().copied().filter(|(id, _)| old.iter().any(|(o, _)| o.starts_with(&format!("{id}.")))).collect();
    let topics: BTreeMap<&str, &[&str]> = TOPICS.iter().copied().collect();
    let pools = Pools { catalogs: &catalogs, annex: &annex, old: &old, colliding: &colliding, topics: &topics };
    let mut sheet: Vec<[String; 8]> = Vec::with_capacity(rows);
    let mut truth: Vec<(Kind, Vec<String>)> = Vec::with_capacity(rows);
    for n in 0..rows {
        let roll = rng.below(1000);
        let kind = match roll {
            0..=499 => Kind::Id2022,
            500..=709 => Kind::Id2013,
            710..=749 => Kind::Mixed,
            750..=829 => Kind::ExactTitle,
            830..=869 => Kind::NoSuchId,
            870..=949 => Kind::Paraphrase,
            _ => Kind::NotSecurity,
        };
        let custom = format!("{}-{:04}", rng.pick(&["CTL", "SEC", "ISMS", "GRC", "ORG"]), n + 1);
        let (id, title, text, expected) = make_row(&mut rng, kind, custom, &pools);
        let applicable = if rng.chance(0.9) { "Y" } else { "N" };
        let justification = if applicable == "Y" { "Required by risk assessment" } else { "Not relevant to scope" };
        sheet.push([
            id,
            title,
            text,
            applicable.to_string(),
            justification.to_string(),
            rng.pick(STATUSES).to_string(),
            rng.pick(OWNERS).to_string(),
            rng.pick(EVIDENCE).to_string(),
        ]);
        truth.push((kind, expected));
    }
    let xlsx = out.join(format!("catalog-{seed}.xlsx"));
    write_xlsx(&xlsx, &sheet)?;
    let truth_path = out.join(format!("catalog-{seed}.truth.csv"));
    let mut text = String::from("row,kind,expected\n");
    for (i, (kind, ids)) in truth.iter().enumerate() {
        let _ = writeln!(text, "{},{},{}", i + FIRST_ROW, kind.key(), ids.join(";"));
    }
    std::fs::write(&truth_path, text).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    Ok((xlsx, truth_path))
}

/// What the catalog draws rows from.
struct Pools<'a> {
    catalogs: &'a Catalogs,
    annex: &'a [(&'a str, &'a str)],
    old: &'a [(&'a str, &'a str)],
    /// 2022 ids that are also 2013 objective numbers.
    colliding: &'a [(&'a str, &'a str)],
    topics: &'a BTreeMap<&'a str, &'a [&'a str]>,
}

/// One row of the given kind: its id cell, title, text and the ids it should match.
fn make_row(rng: &mut Rng, kind: Kind, custom: String, p: &Pools) -> (String, String, String, Vec<String>) {
    match kind {
        Kind::Id2022 => {
            let (id, title) = *rng.pick(p.annex);
            let title = match rng.below(4) {
                0 => title.to_uppercase(),
                1 => format!("{title}."),
                _ => title.to_string(),
            };
            let topic = rng.word(p.topics[id]);
            (spell_2022(rng, id), title, fill(rng.word(TEXT_TEMPLATES), topic), vec![id.to_string()])
        }
        Kind::Mixed => {
            let (id, title) = *rng.pick(p.colliding);
            let topic = rng.word(p.topics[id]);
            (spell_2022(rng, id), title.to_string(), fill(rng.word(TEXT_TEMPLATES), topic), vec![id.into()])
        }
        Kind::Id2013 => {
            let (id, title) = *rng.pick(p.old);
            let to: BTreeSet<String> = p.catalogs.successors(id).iter().map(|t| t.to.to_string()).collect();
            let spelt = match rng.below(4) {
                0 => id.replacen("A.", "A", 1),
                1 => id.trim_start_matches("A.").to_string(),
                _ => id.to_string(),
            };
            (spelt, title.to_string(), String::new(), to.into_iter().collect())
        }
        Kind::ExactTitle => {
            let (id, title) = *rng.pick(p.annex);
            let title = if rng.chance(0.5) { title.to_lowercase() } else { title.to_string() };
            (custom, title, String::new(), vec![id.to_string()])
        }
        Kind::NoSuchId => {
            let (id, title) = *rng.pick(p.annex);
            let theme = &id[2..3];
            let bogus = format!("A.{theme}.{}", 40 + rng.below(60));
            let title = if rng.chance(0.5) { typo_words(rng, title, 1.0, 1) } else { title.to_string() };
            (bogus, title, String::new(), vec![id.to_string()])
        }
        Kind::Paraphrase => {
            let (id, _) = *rng.pick(p.annex);
            let t = p.topics[id];
            let title_topic = rng.word(t);
            let text_topic = rng.word(t);
            let title = capitalise(&fill(rng.word(TITLE_TEMPLATES), title_topic));
            let title = typo_words(rng, &title, 0.3, 1);
            let text = fill(rng.word(TEXT_TEMPLATES), text_topic);
            let text = typo_words(rng, &text, 0.1, 2);
            (custom, title, text, vec![id.to_string()])
        }
        Kind::NotSecurity => {
            let subject = rng.word(NOT_SECURITY);
            let text = fill(rng.word(OTHER_TEXT_TEMPLATES), &subject.to_lowercase());
            (custom, subject.to_string(), capitalise(&text), Vec::new())
        }
    }
}

/// The spreadsheet row of the first data row: two title rows, a blank row, the header.
const FIRST_ROW: usize = 5;

fn write_xlsx(path: &Path, rows: &[[String; 8]]) -> Result<(), String> {
    let x = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", path.display());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Controls").map_err(x)?;
    ws.write_string(0, 0, "ACME Ltd - Information Security Control Catalogue").map_err(x)?;
    ws.write_string(1, 0, "Version 4.2, confidential").map_err(x)?;
    let headers = [
        "Control Ref",
        "Control Title",
        "Control Description",
        "Applicable (Y/N)",
        "Justification",
        "Implementation Status",
        "Owner",
        "Evidence",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(3, c as u16, *h).map_err(x)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string((r + FIRST_ROW - 1) as u32, c as u16, v).map_err(x)?;
            }
        }
    }
    wb.save(path).map_err(x)
}

/// A 2022 id in one of the spellings clients use.
fn spell_2022(rng: &mut Rng, id: &str) -> String {
    let bare = id.trim_start_matches("A.");
    let (t, n) = bare.split_once('.').unwrap_or((bare, ""));
    match rng.below(8) {
        0 => format!("A{bare}"),
        1 => format!("A {bare}"),
        2 => format!("A.0{t}.{n:0>2}"),
        3 => format!("Annex A {bare}"),
        4 => format!("{id}."),
        5 => bare.to_string(),
        _ => id.to_string(),
    }
}

fn fill(template: &str, topic: &str) -> String {
    let filled = template.replacen("{}", topic, 1);
    if template.starts_with("{}") {
        capitalise(&filled)
    } else {
        filled
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Up to `most` words of four letters or more get a typo, each with chance `p`: a dropped, doubled, swapped or
/// replaced letter.
fn typo_words(rng: &mut Rng, text: &str, p: f64, most: usize) -> String {
    let mut made = 0;
    let words: Vec<String> = text
        .split(' ')
        .map(|w| {
            let chars: Vec<char> = w.chars().collect();
            if made >= most || chars.len() < 5 || !chars.iter().all(|c| c.is_alphabetic()) || !rng.chance(p) {
                return w.to_string();
            }
            made += 1;
            let mut c = chars.clone();
            let i = 1 + rng.below(c.len() - 2);
            match rng.below(4) {
                0 => {
                    c.remove(i);
                }
                1 => c.insert(i, c[i]),
                2 => c.swap(i, i + 1),
                _ => c[i] = *rng.pick(&['e', 'a', 't', 'r', 'i', 'n']),
            }
            c.into_iter().collect()
        })
        .collect();
    words.join(" ")
}

/// Per kind: rows, right, wrong and accepted without review, lost (no output row).
#[derive(Default)]
struct Score {
    by_kind: BTreeMap<String, [usize; 4]>,
    misses: Vec<String>,
}

impl Score {
    fn report(&self) -> String {
        let mut out =
            String::from("| kind of row | rows | right | wrong auto-accepted | lost |\n|---|---|---|---|---|\n");
        let mut total = [0usize; 4];
        for (kind, c) in &self.by_kind {
            let _ = writeln!(out, "| {kind} | {} | {} | {} | {} |", c[0], c[1], c[2], c[3]);
            for i in 0..4 {
                total[i] += c[i];
            }
        }
        let pct = |n: usize| 100.0 * n as f64 / total[0].max(1) as f64;
        let _ = writeln!(
            out,
            "| **all** | {} | {} ({:.2}%) | {} ({:.2}%) | {} |",
            total[0],
            total[1],
            pct(total[1]),
            total[2],
            pct(total[2]),
            total[3]
        );
        if std::env::var_os("SCORE_MISSES").is_some() {
            for m in &self.misses {
                let _ = writeln!(out, "MISS {m}");
            }
        }
        out
    }
}

#[derive(serde::Deserialize)]
struct MapJson {
    rows: Vec<MapRow>,
}

#[derive(serde::Deserialize)]
struct MapRow {
    row: usize,
    ids: Vec<String>,
    review: String,
    #[serde(default)]
    raw_id: Option<String>,
    #[serde(default)]
    matched_by: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
}

fn score(truth: &Path, json: &Path) -> Result<Score, String> {
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let map: MapJson = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let mut by_row: BTreeMap<usize, Vec<&MapRow>> = BTreeMap::new();
    for r in &map.rows {
        by_row.entry(r.row).or_default().push(r);
    }
    let mut reader = csv::Reader::from_path(truth).map_err(|e| format!("{}: {e}", truth.display()))?;
    let mut s = Score::default();
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", truth.display()))?;
        let row: usize = r[0].parse().map_err(|_| format!("{}: bad row `{}`", truth.display(), &r[0]))?;
        let want: BTreeSet<&str> = r[2].split(';').filter(|x| !x.is_empty()).collect();
        let counts = s.by_kind.entry(r[1].to_string()).or_default();
        counts[0] += 1;
        let Some(found) = by_row.get(&row) else {
            counts[3] += 1;
            s.misses.push(format!("{row} {} lost", &r[1]));
            continue;
        };
        let got: BTreeSet<&str> = found.iter().flat_map(|f| f.ids.iter().map(String::as_str)).collect();
        let auto = found.iter().all(|f| f.review == "auto");
        let right = if want.is_empty() { got.is_empty() || !auto } else { got == want };
        if right {
            counts[1] += 1;
        } else {
            if auto {
                counts[2] += 1;
            }
            s.misses.push(format!(
                "{row} {} want {:?} got {:?} by {} ({}) raw {:?} title {:?} | {}",
                &r[1],
                want,
                got,
                found[0].matched_by,
                found[0].review,
                found[0].raw_id,
                found[0].title,
                found[0].notes.last().map_or("", String::as_str)
            ));
        }
    }
    Ok(s)
}
