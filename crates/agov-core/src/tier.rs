//! The five trust tiers an agent can run under.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A trust tier, from T0 Observer (least trusted) to T4 Architect.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "u8", try_from = "u8")]
pub enum Tier {
    /// T0: read and plan only.
    Observer = 0,
    /// T1: may act in a sandbox.
    Operator = 1,
    /// T2: may build.
    Builder = 2,
    /// T3: staging, limited production read; actions need human approval.
    Executor = 3,
    /// T4: policy read, governance write; actions need human approval.
    Architect = 4,
}

impl Tier {
    /// All tiers, lowest first.
    pub const ALL: [Tier; 5] = [
        Tier::Observer,
        Tier::Operator,
        Tier::Builder,
        Tier::Executor,
        Tier::Architect,
    ];

    /// The tier's number, 0 to 4.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The tier for a number, if it is 0 to 4.
    pub fn from_number(n: u8) -> Option<Tier> {
        Tier::ALL.get(usize::from(n)).copied()
    }

    /// Lower-case role name: `observer` … `architect`.
    pub fn role(self) -> &'static str {
        match self {
            Tier::Observer => "observer",
            Tier::Operator => "operator",
            Tier::Builder => "builder",
            Tier::Executor => "executor",
            Tier::Architect => "architect",
        }
    }

    /// The Vault policy (and `policies/*.hcl` file stem) for this tier, e.g. `t0-observer`.
    pub fn policy_stem(self) -> String {
        format!("t{}-{}", self.number(), self.role())
    }

    /// The default lifetime of a token of this tier.
    pub fn default_ttl(self) -> Duration {
        match self {
            Tier::Observer => Duration::from_secs(3600),
            Tier::Operator | Tier::Builder => Duration::from_secs(1800),
            Tier::Executor | Tier::Architect => Duration::from_secs(900),
        }
    }
}

/// A tier is written as its number, 0 to 4.
impl schemars::JsonSchema for Tier {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tier".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "minimum": 0, "maximum": 4 })
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.number())
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.number()
    }
}

impl TryFrom<u8> for Tier {
    type Error = String;
    fn try_from(n: u8) -> Result<Tier, String> {
        Tier::from_number(n).ok_or_else(|| format!("tier {n} does not exist (tiers are 0 to 4)"))
    }
}

impl FromStr for Tier {
    type Err = String;
    /// Accepts `2`, `T2`, `t2` or a role name such as `builder`.
    fn from_str(s: &str) -> Result<Tier, String> {
        let t = s.trim();
        let digits = t.strip_prefix(['T', 't']).unwrap_or(t);
        if let Ok(n) = digits.parse::<u8>() {
            return Tier::try_from(n);
        }
        Tier::ALL
            .into_iter()
            .find(|tier| tier.role().eq_ignore_ascii_case(t))
            .ok_or_else(|| format!("unknown tier `{s}` (use 0-4, T0-T4 or observer … architect)"))
    }
}

#[cfg(test)]
mod tests {
    use super::Tier;

    #[test]
    fn parses_numbers_prefixes_and_names() {
        assert_eq!("2".parse::<Tier>().unwrap(), Tier::Builder);
        assert_eq!("T4".parse::<Tier>().unwrap(), Tier::Architect);
        assert_eq!("observer".parse::<Tier>().unwrap(), Tier::Observer);
        assert!("5".parse::<Tier>().is_err());
        assert!("boss".parse::<Tier>().is_err());
    }

    #[test]
    fn ttls_follow_the_governance_rules() {
        assert_eq!(Tier::Observer.default_ttl().as_secs(), 3600);
        assert_eq!(Tier::Builder.default_ttl().as_secs(), 1800);
        assert_eq!(Tier::Architect.default_ttl().as_secs(), 900);
        assert_eq!(Tier::Executor.policy_stem(), "t3-executor");
    }
}
