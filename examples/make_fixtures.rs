//! Regenerates the workbook fixtures of `fixtures/` from their csv twins:
//! `cargo run --example make_fixtures`. The csv files are the source of truth; the xlsx files are committed so
//! tests and the README's first command need nothing but the repository.

use std::error::Error;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

fn main() -> Result<(), Box<dyn Error>> {
    csv_to_xlsx("fixtures/tidy-soa.csv", "fixtures/tidy-soa.xlsx", "SoA")?;
    Ok(())
}

/// One sheet, header in row 1, every cell written as text.
fn csv_to_xlsx(from: &str, to: &str, sheet: &str) -> Result<(), Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(from)?;
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?));
    let ws = wb.add_worksheet().set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (r, record) in reader.records().enumerate() {
        for (c, value) in record?.iter().enumerate() {
            if r == 0 {
                ws.write_string_with_format(r as u32, c as u16, value, &bold)?;
            } else {
                ws.write_string(r as u32, c as u16, value)?;
            }
        }
    }
    wb.save(to)?;
    println!("wrote {to}");
    Ok(())
}
