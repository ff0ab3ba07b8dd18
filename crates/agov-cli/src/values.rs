//! Enumerated option values that `--help` and the shell completions offer,
//! while parsing stays exactly as it was.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};

/// A value parser that parses with `inner` (so the same inputs are accepted,
/// with the same error and exit code) and offers `values` to `--help` and to
/// the bash, zsh and fish completions.
pub fn offering<P: TypedValueParser>(
    inner: P,
    values: impl IntoIterator<Item = impl Into<PossibleValue>>,
) -> Offering<P> {
    Offering {
        inner,
        values: values.into_iter().map(Into::into).collect(),
    }
}

/// See [`offering`].
#[derive(Clone)]
pub struct Offering<P> {
    inner: P,
    values: Vec<PossibleValue>,
}

impl<P: TypedValueParser> TypedValueParser for Offering<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        self.inner.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::offering;

    fn even(s: &str) -> Result<u8, String> {
        match s.parse::<u8>() {
            Ok(n) if n % 2 == 0 => Ok(n),
            _ => Err(format!("`{s}` is not an even number")),
        }
    }

    #[derive(Debug, Parser)]
    struct Cli {
        #[arg(long, value_parser = offering(even, ["0", "2", "4"]))]
        n: u8,
    }

    #[test]
    fn it_offers_the_values_and_parses_as_before() {
        let cmd = <Cli as clap::CommandFactory>::command();
        let arg = cmd.get_arguments().find(|a| a.get_id() == "n").unwrap();
        let offered: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(offered, ["0", "2", "4"]);
        // Not a closed list: what the parser accepts is accepted.
        assert_eq!(Cli::try_parse_from(["t", "--n", "8"]).unwrap().n, 8);
        let err = Cli::try_parse_from(["t", "--n", "3"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(
            err.to_string().contains("`3` is not an even number"),
            "{err}"
        );
    }
}
