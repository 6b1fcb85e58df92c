//! The data files the tool ships in `mappings/`, built into the binary, each replaceable from a directory
//! (`--data-dir`) and written out by `crosswalk init`. The one table below lists them all: add a file there.

/// One data file: the name shown in messages and its text.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub name: String,
    pub text: String,
}

/// Declares [`DataFiles`] (one field per file), [`NAMES`], and the look-ups by name, from one table.
macro_rules! data_files {
    ($($(#[$doc:meta])* $field:ident => $file:literal,)*) => {
        /// Every data file the tool reads.
        #[derive(Debug, Clone)]
        pub struct DataFiles {
            $($(#[$doc])* pub $field: DataFile,)*
        }

        /// File names, as they appear in `mappings/` and in a data directory.
        pub const NAMES: &[&str] = &[$($file),*];

        impl DataFiles {
            /// The files compiled into the binary.
            pub fn builtin() -> DataFiles {
                DataFiles {
                    $($field: DataFile {
                        name: concat!("mappings/", $file).to_string(),
                        text: include_str!(concat!("../../mappings/", $file)).to_string(),
                    },)*
                }
            }

            /// Every file, in the order of [`NAMES`].
            pub fn all(&self) -> Vec<&DataFile> {
                vec![$(&self.$field),*]
            }

            /// Replaces the file of that name (`tsc-2017.csv` …); `false` when no data file has that name.
            pub fn replace(&mut self, name: &str, file: DataFile) -> bool {
                let slot = match name {
                    $($file => &mut self.$field,)*
                    _ => return false,
                };
                *slot = file;
                true
            }
        }
    };
}

data_files! {
    iso2022 => "iso27001-2022.csv",
    iso2013 => "iso27001-2013.csv",
    tsc => "tsc-2017.csv",
    transition => "iso27001-2013-to-2022.csv",
    mapping => "iso27001-2022-to-tsc-2017.csv",
    /// The curated mapping's version (`year.month.revision`), one line.
    mapping_version => "iso27001-2022-to-tsc-2017.version",
    profiles => "profiles.csv",
    synonyms => "synonyms.csv",
    /// Typical Type II sample sizes by control frequency (`crosswalk plan`).
    samples => "sample-sizes.csv",
    /// How often statements that name an ISO control name each SOC 2 criterion (`iso,tsc,count`): the text
    /// matcher's bridge prior.
    bridge_prior => "bridge-prior.csv",
    /// The text matcher's German, French and Spanish profiles and synonyms (docs/matching.md).
    profiles_de => "profiles-de.csv",
    profiles_fr => "profiles-fr.csv",
    profiles_es => "profiles-es.csv",
    synonyms_de => "synonyms-de.csv",
    synonyms_fr => "synonyms-fr.csv",
    synonyms_es => "synonyms-es.csv",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_a_file_and_replaceable() {
        let mut files = DataFiles::builtin();
        assert_eq!(files.all().len(), NAMES.len());
        for (name, file) in NAMES.iter().zip(files.clone().all()) {
            assert_eq!(file.name, format!("mappings/{name}"));
            assert!(!file.text.is_empty(), "{name}");
            assert!(files.replace(name, DataFile { name: "x".into(), text: "y".into() }));
        }
        assert!(!files.replace("nope.csv", DataFile { name: "x".into(), text: "y".into() }));
    }
}
