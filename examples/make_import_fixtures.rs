//! Writes the import fixtures in `fixtures/import/`: small spreadsheets, each reproducing one quirk of the files
//! clients send, and the bad inputs the importer must refuse. Run it again after changing it and commit the files:
//!
//! ```text
//! cargo run --example make_import_fixtures
//! ```
//!
//! Workbooks carry a fixed creation date so the bytes do not change from run to run.

use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("import");
    std::fs::create_dir_all(&dir)?;
    save(&dir, "title-rows.xlsx", &title_rows()?)?;
    save(&dir, "cover-numeric-ids.xlsx", &cover_numeric_ids()?)?;
    save(&dir, "german.xlsx", &german()?)?;
    save(&dir, "wide-matrix.xlsx", &wide_matrix()?)?;
    save(&dir, "budget.xlsx", &budget()?)?;
    save(&dir, "header-only.xlsx", &header_only()?)?;
    save(&dir, "two-sheets.xlsx", &two_sheets()?)?;
    text(&dir, "french-1252.csv", &french_1252())?;
    text(&dir, "spanish-bom.csv", &spanish_bom())?;
    text(&dir, "iso2013.csv", ISO2013.as_bytes())?;
    text(&dir, "soc2-matrix.csv", SOC2_MATRIX.as_bytes())?;
    text(&dir, "id-and-title.tsv", ID_AND_TITLE.as_bytes())?;
    text(&dir, "custom-controls.csv", CUSTOM.as_bytes())?;
    text(&dir, "mapping-two-id-columns.csv", MAPPING.as_bytes())?;
    text(&dir, "labelled-id-cells.csv", LABELLED.as_bytes())?;
    text(&dir, "soc2-catalogue.csv", SOC2_CATALOGUE.as_bytes())?;
    text(&dir, "hostile.csv", HOSTILE.as_bytes())?;
    text(&dir, "empty.xlsx", b"")?;
    text(&dir, "random-bytes.xlsx", &random_bytes(4096))?;
    let good = title_rows()?;
    text(&dir, "truncated.xlsx", &good[..good.len() / 2])?;
    text(&dir, "not-a-workbook.xlsx", &plain_zip()?)?;
    text(&dir, "encrypted.xlsx", &encrypted()?)?;
    println!("wrote fixtures to {}", dir.display());
    Ok(())
}

fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    text(dir, name, bytes)
}

fn text(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::write(dir.join(name), bytes)?;
    Ok(())
}

fn workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    Ok(wb)
}

fn row(ws: &mut Worksheet, r: u32, cells: &[&str]) -> std::result::Result<(), XlsxError> {
    for (c, v) in cells.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(r, c as u16, *v)?;
        }
    }
    Ok(())
}

/// Two title rows merged across the table, a merged group label above the header, a header cell merged over two
/// columns, theme rows spread over merged cells, and a footer.
fn title_rows() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("SoA")?;
    let bold = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 6, "Statement of Applicability - Example Ltd", &bold)?;
    ws.merge_range(1, 0, 1, 6, "Version 3 - confidential", &Format::new())?;
    ws.merge_range(3, 3, 3, 4, "Applicability decision", &bold)?;
    row(ws, 4, &["Annex A ref", "", "", "Applicable (Y/N)", "Justification", "Implementation status", "Owner"])?;
    ws.merge_range(4, 1, 4, 2, "Control", &bold)?;
    ws.merge_range(5, 0, 5, 6, "5 Organizational controls", &bold)?;
    row(ws, 6, &["A.5.1", "Policies for information security", "", "Yes", "Required by ISO", "Implemented", "CISO"])?;
    row(ws, 7, &["A 5.2", "Information security roles and responsibilities", "", "Y", "Roles", "In progress", "CISO"])?;
    row(ws, 8, &["A.05.15", "Access control", "", "✓", "Access", "Planned", "IT"])?;
    ws.merge_range(9, 0, 9, 6, "8 Technological controls", &bold)?;
    row(ws, 10, &["A.8.5", "Secure authentication", "", "Yes", "MFA", "100%", "IT"])?;
    row(ws, 11, &["A.8.2", "Privileged access rights", "", "No", "No admins", "n/a", ""])?;
    row(ws, 12, &["A.5.40", "Not a control", "", "Yes", "", "", ""])?;
    row(ws, 14, &["Approved by the board on 2026-01-01"])?;
    Ok(wb.save_to_buffer()?)
}

/// A key/value cover sheet first, then the SoA with ids typed as numbers (5.10 stored as 5.1).
fn cover_numeric_ids() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let cover = wb.add_worksheet().set_name("Cover")?;
    row(cover, 0, &["Statement of Applicability"])?;
    row(cover, 2, &["Field", "Value"])?;
    row(cover, 3, &["Organisation", "Example GmbH"])?;
    row(cover, 4, &["Framework", "ISO/IEC 27001:2022 Annex A"])?;
    cover.write_string(5, 0, "Total controls")?;
    cover.write_number(5, 1, 93)?;
    let ws = wb.add_worksheet().set_name("Controls")?;
    row(ws, 0, &["Control ID", "Title", "Applicability", "Implementation Status"])?;
    let rows: [(f64, &str, &str, &str); 7] = [
        (5.1, "Policies for information security", "applicable", "implemented"),
        (5.9, "Inventory of information and other associated assets", "applicable", "implemented"),
        (5.1, "Acceptable use of information and other associated assets", "applicable", "partially_implemented"),
        (5.11, "Return of assets", "not_applicable", "n/a"),
        (8.19, "Installation of software on operational systems", "applicable", "planned"),
        (8.2, "", "applicable", "implemented"),
        (8.1, "Information deletion", "applicable", "implemented"),
    ];
    for (i, (id, title, applicable, status)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, *id)?;
        row(ws, r, &["", title, applicable, status])?;
    }
    Ok(wb.save_to_buffer()?)
}

/// German headers and values.
fn german() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("Erklärung zur Anwendbarkeit")?;
    row(ws, 0, &["Nr.", "Maßnahme", "Anwendbar", "Begründung", "Umsetzungsstatus", "Verantwortlich"])?;
    row(ws, 1, &["A.5.1", "Informationssicherheitsrichtlinien", "ja", "Pflicht", "umgesetzt", "ISB"])?;
    row(ws, 2, &["A.5.7", "Informationen über die Bedrohungslage", "ja", "Risiko", "teilweise", "SOC"])?;
    row(ws, 3, &["A.7.4", "Physische Sicherheitsüberwachung", "nein", "Kein Rechenzentrum", "nicht anwendbar", ""])?;
    row(ws, 4, &["A.8.24", "Verwendung von Kryptographie", "ja", "Kundendaten", "geplant", "IT"])?;
    Ok(wb.save_to_buffer()?)
}

/// One column per Annex A control, one row per requirement, `P`/`S` marks.
fn wide_matrix() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("Matrix")?;
    ws.merge_range(0, 0, 0, 13, "Requirement to control matrix", &Format::new().set_bold())?;
    let mut header = vec!["Requirement ID", "Requirement"];
    let ids = ["A.5.1", "A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.5.6", "A.5.7", "A.5.8", "A.5.9", "A.5.10", "A.5.11"];
    header.extend(ids);
    row(ws, 1, &header)?;
    row(ws, 2, &["REQ-1", "Publish a security policy", "P", "S"])?;
    row(ws, 3, &["REQ-2", "Keep an asset inventory", "", "", "", "", "", "", "", "", "P", "", "S"])?;
    row(ws, 4, &["REQ-3", "Nothing mapped yet"])?;
    Ok(wb.save_to_buffer()?)
}

/// A sheet with no controls in it.
fn budget() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("Budget 2026")?;
    row(ws, 0, &["Item", "Q1", "Q2", "Q3", "Q4"])?;
    for (i, item) in ["Licences", "Training", "Audit", "Hardware"].iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *item)?;
        for q in 1..=4u16 {
            ws.write_number(r, q, 1000.0 * f64::from(q) + f64::from(r))?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// A header and nothing under it.
fn header_only() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("SoA")?;
    row(ws, 0, &["Ref", "Control", "Applicable", "Justification"])?;
    Ok(wb.save_to_buffer()?)
}

/// Two sheets that both hold controls, for `--sheet` and profiles.
fn two_sheets() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name("ISO controls")?;
    row(ws, 0, &["Ref", "Control", "Applicable"])?;
    row(ws, 1, &["A.5.1", "Policies for information security", "Yes"])?;
    row(ws, 2, &["A.5.15", "Access control", "Yes"])?;
    row(ws, 3, &["A.8.5", "Secure authentication", "No"])?;
    let ws = wb.add_worksheet().set_name("SOC 2 criteria")?;
    row(ws, 0, &["Criteria", "Control activity", "Owner"])?;
    row(ws, 1, &["CC6.1", "Logical access is restricted to authorised users", "IT"])?;
    row(ws, 2, &["CC7.2", "Security events are monitored and analysed", "SOC"])?;
    Ok(wb.save_to_buffer()?)
}

/// French headers, semicolons, `#` comment lines, Windows-1252 bytes (as Excel saves "CSV (séparateur: point-virgule)").
fn french_1252() -> Vec<u8> {
    let text = "# Export de la déclaration d'applicabilité\n\
                # Généré le 2026-01-01\n\
                Référence;Intitulé;Applicable;Justification;Statut\r\n\
                A.5.1;Politiques de sécurité de l'information;oui;Exigé;mis en œuvre\r\n\
                A.5.23;Sécurité de l'information dans l'utilisation de services en nuage;oui;Cloud;en cours\r\n\
                A.7.4;Surveillance de la sécurité physique;non;Pas de locaux;non applicable\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "the French fixture must be Windows-1252");
    bytes.into_owned()
}

/// Spanish headers with a UTF-8 byte-order mark, as Excel writes "CSV UTF-8".
fn spanish_bom() -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend_from_slice(
        "Código,Control,Aplicable,Justificación\n\
         A.5.1,Políticas de seguridad de la información,Sí,Obligatorio\n\
         A.6.3,\"Concienciación, educación y formación\",sí,Personal\n\
         A.7.1,Perímetros de seguridad física,No,Sin oficinas\n"
            .as_bytes(),
    );
    out
}

/// ISO 27001:2013 ids, one of them merged into a 2022 control with others.
const ISO2013: &str = "Control,Title,Applicable\n\
A.9.2.3,Management of privileged access rights,Yes\n\
A.12.4.1,Event logging,Yes\n\
A.5.1.1,Policies for information security,Yes\n";

/// A SOC 2 control matrix: several criteria per cell (comma, semicolon, slash, newline), control text, owner.
const SOC2_MATRIX: &str = "Control #,Control Activity,Mapped Criteria,Control Owner,Frequency\n\
C-01,Access to production is approved by the system owner,\"CC6.1, CC6.2\",IT Ops,Per request\n\
C-02,Security events are triaged by the on-call engineer,CC7.2; CC7.3,Security,Daily\n\
C-03,Changes are peer reviewed before deployment,CC8.1/CC6.8,Engineering,Per change\n\
C-04,Backups are restored in a yearly test,\"A1.2\nA1.3\",IT Ops,Annually\n\
C-05,Input data is validated on entry,PP1.2,Engineering,Continuous\n\
C-06,Vendor reviews are performed,CC6.18,Procurement,Annually\n";

/// Id and title in one cell, tab-separated.
const ID_AND_TITLE: &str = "Annex A control\tApplicable\tOwner\n\
A.5.15 Access control\tYes\tIT\n\
A.8.15 - Logging\tYes\tSOC\n\
Annex A 8.24: Use of cryptography\tNo\t\n";

/// Controls with no framework ids at all: kept with their text for the text matcher.
const CUSTOM: &str = "name,description,category\n\
Firewall,Perimeter firewall filters inbound traffic to the production network,technical\n\
DR plan,Disaster recovery plan tested twice a year with documented results,process\n\
Security awareness,All staff complete phishing awareness training every year,people\n";

/// A mapping sheet: source ids on the left under a header that looks like a title, target ids on the right
/// (Annex A ids beside clauses), and an id with its title in one cell.
const MAPPING: &str = "SOC2_Control,SOC2_Description,ISO_Control,ISO_Reference\n\
CC6.1,Logical access security software and infrastructure,A.8.2,8.2 Privileged access rights\n\
CC3.2,Risks to the objectives are identified and analysed,Clause 6.1.2,6.1.2 Risk assessment\n\
CC7.2,System components are monitored for anomalies,A.8.16,8.16 Monitoring activities\n";

/// A French mapping: a chapter column (`4. …`), a rule code, and an ISO cell holding a label, clauses, and several
/// `A x.y title` lines.
const LABELLED: &str = "Chapitre;Règle;Description;Mesures ISO\n\
1. POLITIQUE;POL-RISQUE;Identifier les besoins de sécurité;Exigences 27001 : 6.1.1/6.1.2\n\
4. GESTION DES ACTIFS;ACTIF-INV;Tenir un inventaire des actifs;A 5.9 Inventaire des informations\n\
5. RÉSEAUX;RES-FILTRE;Filtrer les accès web;\"A 8.23 Filtrage web\nA 8.22 Cloisonnement des réseaux\"\n";

/// A SOC 2 catalogue export: category rows, criteria, points of focus under them, a `P1.0` group row and
/// Processing Integrity misspelt `PP`.
const SOC2_CATALOGUE: &str = "depth,ref_id,name,description\n\
1,,Control Environment,\n\
2,CC1.1,COSO Principle 1,The entity demonstrates a commitment to integrity and ethical values.\n\
3,CC1.1.1,,Sets the tone at the top.\n\
3,CC1.1.2,,Establishes standards of conduct.\n\
2,CC1.2,COSO Principle 2,The board of directors demonstrates independence from management.\n\
1,PI,Processing Integrity,\n\
2,PP1.1,,The entity obtains or generates relevant quality information.\n\
1,P1.0,Privacy criteria related to notice,\n\
2,P1.1,,The entity provides notice to data subjects.\n";

/// Cells that would run as formulas if a spreadsheet opened the csv output as is.
const HOSTILE: &str = "Ref,Control,Owner\n\
A.5.1,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"click\"\")\",+cmd\n\
A.5.2,@SUM(1+1),-2+3\n";

/// Deterministic noise (a linear congruential generator), not a zip, not an OLE file.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as u8
        })
        .collect()
}

/// A valid zip holding a text file: not a workbook.
fn plain_zip() -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    zip.start_file("notes.txt", options)?;
    zip.write_all(b"meeting notes, not a spreadsheet\n")?;
    Ok(zip.finish()?.into_inner())
}

/// What Office writes for a password-protected workbook: an OLE compound file with `EncryptionInfo` and
/// `EncryptedPackage` streams (the contents here are placeholders).
fn encrypted() -> Result<Vec<u8>> {
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new()))?;
    file.create_stream("/EncryptionInfo")?.write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])?;
    file.create_stream("/EncryptedPackage")?.write_all(&[0u8; 64])?;
    file.flush()?;
    Ok(file.into_inner().into_inner())
}
