//! A template, its version, and how plans refer to one.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use agov_core::{Driver, Role, Tier};
use serde::{Deserialize, Serialize};

/// Largest template file read, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 << 10;
/// Longest description, in bytes.
const MAX_DESCRIPTION: usize = 4000;

/// A version: one to three numbers, `1`, `1.2`, `1.2.3`. Versions compare
/// numerically (`1.10` is newer than `1.9`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version(Vec<u32>);

impl Version {
    /// A key that sorts as the version does (`000001.000010.000000`).
    pub fn sort_key(&self) -> String {
        let mut parts = self.0.clone();
        parts.resize(3, 0);
        parts
            .iter()
            .map(|n| format!("{n:010}"))
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Version, String> {
        let bad = || format!("`{s}` is not a version: use 1 to 3 numbers, like 1, 1.2 or 1.2.3");
        let parts = s
            .split('.')
            .map(|p| {
                if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    Err(bad())
                } else {
                    p.parse::<u32>().map_err(|_| bad())
                }
            })
            .collect::<Result<Vec<u32>, String>>()?;
        if parts.is_empty() || parts.len() > 3 {
            return Err(bad());
        }
        Ok(Version(parts))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.pad(&s.join("."))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A template name: 1-64 letters, digits, `-` and `_`, starting with a
/// letter or digit.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// How a plan or a command names a template: `NAME` (the newest version)
/// or `NAME@VERSION`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The template's name.
    pub name: String,
    /// The version, or `None` for the newest.
    pub version: Option<Version>,
}

impl FromStr for Reference {
    type Err = String;

    fn from_str(s: &str) -> Result<Reference, String> {
        let (name, version) = match s.split_once('@') {
            Some((n, v)) => (n, Some(v.parse::<Version>()?)),
            None => (s, None),
        };
        if !valid_name(name) {
            return Err(format!(
                "`{s}` does not name a template: NAME or NAME@VERSION (1-64 letters, digits, - and _)"
            ));
        }
        Ok(Reference {
            name: name.to_string(),
            version,
        })
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}@{v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A reusable agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Agent template",
    description = "A template file for `pipeline templates add` (YAML or JSON). Plans name templates as `template: NAME@VERSION`."
)]
pub struct Template {
    /// 1-64 letters, digits, - and _, starting with a letter or digit.
    pub name: String,
    /// 1 to 3 numbers: 1, 1.2 or 1.2.3; compared numerically. A stored
    /// version never changes.
    #[schemars(regex(pattern = r"^[0-9]{1,9}(\.[0-9]{1,9}){0,2}$"))]
    pub version: String,
    /// What it does, for people and for search (at most 4000 bytes).
    pub description: String,
    /// The part it plays: alpha research, beta synthesis, gamma mediator.
    pub role: Role,
    /// command: a program speaking schema/json/agent-protocol.schema.json;
    /// llm: a model behind an OpenAI-compatible API. Default command.
    #[serde(default)]
    pub driver: Driver,
    /// The command driver's program and arguments (required for command,
    /// refused for llm).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// The llm driver's instructions (required for llm, refused for
    /// command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub prompt: Option<String>,
    /// The highest tier it needs, 0-4.
    #[schemars(range(max = 4))]
    pub tier: u8,
    /// Artifacts it must produce by the end of EXECUTE.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliverables: Vec<String>,
    /// Steps it must report before VERIFY.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_steps: Vec<String>,
    /// Actions it must never request (globs over `kind:target`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
    /// Words to find it by (1-64 characters, no spaces).
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Template {
    /// Reads and checks a template; `what` names it in errors.
    pub fn parse(what: &str, text: &str) -> Result<Template, String> {
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(format!("{what}: larger than {MAX_TEMPLATE_BYTES} bytes"));
        }
        let mut t: Template = serde_saphyr::from_str(text).map_err(|e| format!("{what}: {e}"))?;
        t.check().map_err(|e| format!("{what}: {e}"))?;
        t.tags = agov_core::tags::normalize(&t.tags).map_err(|e| format!("{what}: tags: {e}"))?;
        Ok(t)
    }

    /// The checks every template passes.
    pub fn check(&self) -> Result<(), String> {
        if !valid_name(&self.name) {
            return Err(format!(
                "name `{}`: use 1-64 letters, digits, - and _",
                self.name
            ));
        }
        self.parsed_version().map_err(|e| format!("version: {e}"))?;
        if self.description.trim().is_empty() {
            return Err("description: must not be empty".into());
        }
        if self.description.len() > MAX_DESCRIPTION {
            return Err(format!("description: longer than {MAX_DESCRIPTION} bytes"));
        }
        Tier::from_number(self.tier)
            .ok_or_else(|| format!("tier: {} is not a tier (0-4)", self.tier))?;
        match self.driver {
            Driver::Command if self.command.is_empty() => {
                Err("command: the command driver needs a command".into())
            }
            Driver::Command if self.prompt.is_some() => {
                Err("prompt: only the llm driver takes a prompt".into())
            }
            Driver::Llm if !self.command.is_empty() => {
                Err("command: the llm driver runs no command".into())
            }
            Driver::Llm if self.prompt.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                Err("prompt: the llm driver needs a prompt".into())
            }
            _ => Ok(()),
        }
    }

    /// Its version, parsed.
    pub fn parsed_version(&self) -> Result<Version, String> {
        self.version.parse()
    }

    /// `NAME@VERSION`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The SHA-256 of its canonical JSON, hex.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.body()))
    }

    /// Its canonical JSON.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "
name: code-reviewer
version: 1.2.0
description: Reviews a diff
role: beta
driver: llm
prompt: Review the diff for bugs
tier: 1
tags: [review, code]
";

    #[test]
    fn a_template_parses_and_its_tags_are_normalized() {
        let t = Template::parse("t.yaml", T).unwrap();
        assert_eq!(t.tags, vec!["code".to_string(), "review".to_string()]);
        assert_eq!(t.reference(), "code-reviewer@1.2.0");
        assert_eq!(t.role, Role::Beta);
        assert_eq!(t.digest().len(), 64);
    }

    #[test]
    fn bad_templates_name_the_field() {
        for (change, wanted) in [
            (("tier: 1", "tier: 7"), "tier"),
            (("version: 1.2.0", "version: 1.x"), "version"),
            (("name: code-reviewer", "name: 'a b'"), "name"),
            (("driver: llm", "driver: command"), "command"),
            (("role: beta", "role: delta"), "role"),
            (
                ("tags: [review, code]", "tags: [review, code]\nbogus: 1"),
                "bogus",
            ),
            (("tier: 1", "tier: 1\ntier: 2"), "tier"),
        ] {
            let text = T.replace(change.0, change.1);
            let e = Template::parse("t.yaml", &text).unwrap_err();
            assert!(e.contains(wanted), "{change:?}: {e}");
        }
    }

    #[test]
    fn versions_compare_as_numbers() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert!(v("1.10") > v("1.9"));
        assert!(v("2") > v("1.99.99"));
        assert_eq!(v("1.0").sort_key(), v("1.0.0").sort_key());
        assert!("1.2.3.4".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
    }

    #[test]
    fn references_parse() {
        let r: Reference = "code-reviewer@1.2".parse().unwrap();
        assert_eq!(r.version, Some("1.2".parse().unwrap()));
        assert_eq!(r.to_string(), "code-reviewer@1.2");
        assert!("bad name".parse::<Reference>().is_err());
        assert!("x@y".parse::<Reference>().is_err());
    }
}
