//! Which runtime store to use (the embedded one, or Redis at a URL), and
//! URLs printed with their password hidden.

use super::*;

/// Which runtime store to use.
#[derive(Clone, PartialEq, Eq)]
pub enum RuntimeTarget {
    /// The SQLite file in the data folder.
    Embedded,
    /// A Redis or DragonflyDB server (`redis://` or `rediss://`).
    Redis(String),
}

impl RuntimeTarget {
    /// Parses `embedded`, `redis://…` or `rediss://…`.
    pub fn parse(url: &str) -> Result<RuntimeTarget, String> {
        let url = url.trim();
        if url.eq_ignore_ascii_case("embedded") {
            Ok(RuntimeTarget::Embedded)
        } else if url.starts_with("redis://") || url.starts_with("rediss://") {
            Ok(RuntimeTarget::Redis(url.to_string()))
        } else {
            Err(format!(
                "`{}` is not a runtime URL: use `embedded`, `redis://host:port/db` or `rediss://…`",
                redact_url(url)
            ))
        }
    }
}

impl fmt::Debug for RuntimeTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for RuntimeTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeTarget::Embedded => f.write_str("embedded"),
            RuntimeTarget::Redis(url) => f.write_str(&redact_url(url)),
        }
    }
}

/// Replaces the password in `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    match tail {
        Some(t) => format!("{scheme}://{authority}/{t}"),
        None => format!("{scheme}://{authority}"),
    }
}
