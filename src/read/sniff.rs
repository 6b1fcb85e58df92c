//! What a file is, told from its name before it is read and from its first bytes before it is parsed.

/// The container a file's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A zip package: xlsx, xlsm, xlsb or ods (which one, its parts tell).
    Zip,
    /// An OLE compound file: xls, or a password-protected xlsx.
    Ole,
    /// Anything else: delimited text.
    Text,
}

/// The workbook formats, as the parts of a zip package or the OLE container tell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Xlsx => "xlsx",
            Kind::Xlsb => "xlsb",
            Kind::Xls => "xls",
            Kind::Ods => "ods",
        }
    }
}

pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// The first part of an OpenDocument spreadsheet, stored uncompressed.
pub const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The container announced by the first bytes.
pub fn container(bytes: &[u8]) -> Container {
    // An empty zip (only the end record) starts with `PK\x05\x06`; it is no workbook either, but it is a zip.
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else if bytes.starts_with(OLE_MAGIC) {
        Container::Ole
    } else {
        Container::Text
    }
}

/// The extensions read as workbooks.
pub fn is_workbook_extension(ext: &str) -> bool {
    matches!(ext, "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// The extensions read at all; any other file is refused before it is opened.
pub fn is_supported_extension(ext: &str) -> bool {
    is_workbook_extension(ext) || matches!(ext, "csv" | "tsv" | "txt")
}

/// The workbook format of a zip package, from its part names and the start of its `mimetype` part; `None` when the
/// package holds no workbook.
pub fn zip_kind(names: &[String], mimetype: Option<&[u8]>) -> Option<Kind> {
    if mimetype.is_some_and(|m| m.starts_with(ODS_MIMETYPE)) {
        return Some(Kind::Ods);
    }
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return Some(Kind::Xlsb);
    }
    if names.iter().any(|n| n == "xl/workbook.xml") {
        return Some(Kind::Xlsx);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_containers_and_zip_kinds() {
        assert_eq!(container(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(container(OLE_MAGIC), Container::Ole);
        assert_eq!(container(b"Ref,Control\n"), Container::Text);
        assert_eq!(container(b"PK,Control\n"), Container::Text);
        let names = |n: &[&str]| n.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
        assert_eq!(zip_kind(&names(&["xl/workbook.xml"]), None), Some(Kind::Xlsx));
        assert_eq!(zip_kind(&names(&["xl/workbook.bin"]), None), Some(Kind::Xlsb));
        assert_eq!(zip_kind(&names(&["content.xml"]), Some(ODS_MIMETYPE)), Some(Kind::Ods));
        assert_eq!(zip_kind(&names(&["word/document.xml"]), None), None);
    }
}
