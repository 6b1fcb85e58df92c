//! The data files the tool ships in `mappings/`, built into the binary, each replaceable from a directory.

/// One data file: the name shown in messages and its text.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub name: String,
    pub text: String,
}

/// Every data file the tool reads.
#[derive(Debug, Clone)]
pub struct DataFiles {
    pub iso2022: DataFile,
    pub iso2013: DataFile,
    pub tsc: DataFile,
    pub transition: DataFile,
    pub mapping: DataFile,
    pub profiles: DataFile,
    pub synonyms: DataFile,
    /// Typical Type II sample sizes by control frequency (`crosswalk plan`).
    pub samples: DataFile,
}

macro_rules! builtin {
    ($file:literal) => {
        DataFile {
            name: concat!("mappings/", $file).to_string(),
            text: include_str!(concat!("../../mappings/", $file)).to_string(),
        }
    };
}

/// File names, as they appear in `mappings/` and in a data directory.
pub const NAMES: [&str; 8] = [
    "iso27001-2022.csv",
    "iso27001-2013.csv",
    "tsc-2017.csv",
    "iso27001-2013-to-2022.csv",
    "iso27001-2022-to-tsc-2017.csv",
    "profiles.csv",
    "synonyms.csv",
    "sample-sizes.csv",
];

impl DataFiles {
    /// The files compiled into the binary.
    pub fn builtin() -> DataFiles {
        DataFiles {
            iso2022: builtin!("iso27001-2022.csv"),
            iso2013: builtin!("iso27001-2013.csv"),
            tsc: builtin!("tsc-2017.csv"),
            transition: builtin!("iso27001-2013-to-2022.csv"),
            mapping: builtin!("iso27001-2022-to-tsc-2017.csv"),
            profiles: builtin!("profiles.csv"),
            synonyms: builtin!("synonyms.csv"),
            samples: builtin!("sample-sizes.csv"),
        }
    }

    /// Every file, in the order of [`NAMES`].
    pub fn all(&self) -> [&DataFile; 8] {
        [
            &self.iso2022,
            &self.iso2013,
            &self.tsc,
            &self.transition,
            &self.mapping,
            &self.profiles,
            &self.synonyms,
            &self.samples,
        ]
    }

    /// Replaces the file of that name (`tsc-2017.csv` …); `false` when no data file has that name.
    pub fn replace(&mut self, name: &str, file: DataFile) -> bool {
        let slot = match name {
            "iso27001-2022.csv" => &mut self.iso2022,
            "iso27001-2013.csv" => &mut self.iso2013,
            "tsc-2017.csv" => &mut self.tsc,
            "iso27001-2013-to-2022.csv" => &mut self.transition,
            "iso27001-2022-to-tsc-2017.csv" => &mut self.mapping,
            "profiles.csv" => &mut self.profiles,
            "synonyms.csv" => &mut self.synonyms,
            "sample-sizes.csv" => &mut self.samples,
            _ => return false,
        };
        *slot = file;
        true
    }
}
