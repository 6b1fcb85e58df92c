//! The TSC categories of a SOC 2 examination and the scope a run counts (`--scope`): security always, the others
//! when named.

use std::collections::BTreeSet;

/// A TSC category a SOC 2 examination can include; security is always in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Security,
    Availability,
    Confidentiality,
    ProcessingIntegrity,
    Privacy,
}

impl Category {
    /// Every category, in TSC order.
    pub const ALL: [Category; 5] = [
        Category::Security,
        Category::Availability,
        Category::Confidentiality,
        Category::ProcessingIntegrity,
        Category::Privacy,
    ];

    /// The key the data files, `--scope` and the JSON use: `security`, `processing-integrity` …
    pub fn key(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Availability => "availability",
            Category::Confidentiality => "confidentiality",
            Category::ProcessingIntegrity => "processing-integrity",
            Category::Privacy => "privacy",
        }
    }

    /// The category as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Category::Security => "Security (common criteria)",
            Category::Availability => "Availability",
            Category::Confidentiality => "Confidentiality",
            Category::ProcessingIntegrity => "Processing integrity",
            Category::Privacy => "Privacy",
        }
    }

    /// From a key (`pi` too); `None` for anything else, such as an Annex A theme.
    pub fn from_key(key: &str) -> Option<Category> {
        if key == "pi" {
            return Some(Category::ProcessingIntegrity);
        }
        Category::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Which TSC categories are in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(BTreeSet<Category>);

impl Default for Scope {
    /// Security only, as in most SOC 2 examinations; `--scope` adds categories.
    fn default() -> Scope {
        Scope(BTreeSet::from([Category::Security]))
    }
}

impl Scope {
    /// Every category.
    pub fn all() -> Scope {
        Scope(Category::ALL.into_iter().collect())
    }

    /// Parses `security,availability` or `all`; security is added when missing. `Err` names the unknown category.
    pub fn parse(list: &str) -> Result<Scope, String> {
        let mut set = BTreeSet::from([Category::Security]);
        for part in list.split(',').map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()) {
            if part == "all" {
                return Ok(Scope::all());
            }
            if let Some(c) = Category::from_key(&part) {
                set.insert(c)
            } else {
                let keys: Vec<&str> = Category::ALL.iter().map(|c| c.key()).collect();
                return Err(format!("unknown scope `{part}`: expected {} or all", keys.join(", ")));
            };
        }
        Ok(Scope(set))
    }

    /// Whether the category of this key is in scope (an Annex A theme never is).
    pub fn contains(&self, key: &str) -> bool {
        Category::from_key(key).is_some_and(|c| self.0.contains(&c))
    }

    /// The keys in scope, in TSC order.
    pub fn categories(&self) -> Vec<String> {
        self.0.iter().map(|c| c.key().to_string()).collect()
    }

    /// The keys in scope, in alphabetical order (as the JSON has always listed them).
    pub fn keys_sorted(&self) -> Vec<String> {
        let mut keys = self.categories();
        keys.sort();
        keys
    }
}
