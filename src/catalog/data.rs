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
    /// The text matcher's German, French and Spanish profiles and synonyms (docs/matching.md).
    pub profiles_de: DataFile,
    pub profiles_fr: DataFile,
    pub profiles_es: DataFile,
    pub synonyms_de: DataFile,
    pub synonyms_fr: DataFile,
    pub synonyms_es: DataFile,
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
pub const NAMES: [&str; 14] = [
    "iso27001-2022.csv",
    "iso27001-2013.csv",
    "tsc-2017.csv",
    "iso27001-2013-to-2022.csv",
    "iso27001-2022-to-tsc-2017.csv",
    "profiles.csv",
    "synonyms.csv",
    "sample-sizes.csv",
    "profiles-de.csv",
    "profiles-fr.csv",
    "profiles-es.csv",
    "synonyms-de.csv",
    "synonyms-fr.csv",
    "synonyms-es.csv",
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
            profiles_de: builtin!("profiles-de.csv"),
            profiles_fr: builtin!("profiles-fr.csv"),
            profiles_es: builtin!("profiles-es.csv"),
            synonyms_de: builtin!("synonyms-de.csv"),
            synonyms_fr: builtin!("synonyms-fr.csv"),
            synonyms_es: builtin!("synonyms-es.csv"),
        }
    }

    /// Every file, in the order of [`NAMES`].
    pub fn all(&self) -> [&DataFile; 14] {
        [
            &self.iso2022,
            &self.iso2013,
            &self.tsc,
            &self.transition,
            &self.mapping,
            &self.profiles,
            &self.synonyms,
            &self.samples,
            &self.profiles_de,
            &self.profiles_fr,
            &self.profiles_es,
            &self.synonyms_de,
            &self.synonyms_fr,
            &self.synonyms_es,
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
            "profiles-de.csv" => &mut self.profiles_de,
            "profiles-fr.csv" => &mut self.profiles_fr,
            "profiles-es.csv" => &mut self.profiles_es,
            "synonyms-de.csv" => &mut self.synonyms_de,
            "synonyms-fr.csv" => &mut self.synonyms_fr,
            "synonyms-es.csv" => &mut self.synonyms_es,
            _ => return false,
        };
        *slot = file;
        true
    }
}
