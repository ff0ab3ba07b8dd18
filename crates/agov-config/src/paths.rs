//! Where agov keeps its config file and its data, resolved in one place.

use std::path::PathBuf;

use crate::env;
use crate::settings::Env;

/// The default locations, before the config file can move the data folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The config file (it need not exist).
    pub config_file: PathBuf,
    /// The data folder (created on first write, mode 0700).
    pub data_dir: PathBuf,
}

impl Paths {
    /// `$AGOV_HOME/{config.toml,data}` when `AGOV_HOME` is set, else
    /// `$XDG_CONFIG_HOME/agov/config.toml` and `$XDG_DATA_HOME/agov/`, with the
    /// XDG defaults under `$HOME`.
    pub fn resolve(env: &Env) -> Result<Paths, String> {
        if let Some(home) = env.get(env::AGOV_HOME) {
            let home = PathBuf::from(home);
            return Ok(Paths {
                config_file: home.join("config.toml"),
                data_dir: home.join("data"),
            });
        }
        let user_home = || {
            env.get(env::HOME).map(PathBuf::from).ok_or_else(|| {
                "neither AGOV_HOME nor HOME is set, so agov does not know where to keep its files"
                    .to_string()
            })
        };
        let config_base = match env.get(env::XDG_CONFIG_HOME) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => user_home()?.join(".config"),
        };
        let data_base = match env.get(env::XDG_DATA_HOME) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => user_home()?.join(".local/share"),
        };
        Ok(Paths {
            config_file: config_base.join("agov/config.toml"),
            data_dir: data_base.join("agov"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agov_home_wins_over_xdg() {
        let e = Env::from_pairs([("AGOV_HOME", "/a"), ("XDG_DATA_HOME", "/x"), ("HOME", "/h")]);
        let p = Paths::resolve(&e).unwrap();
        assert_eq!(p.config_file, PathBuf::from("/a/config.toml"));
        assert_eq!(p.data_dir, PathBuf::from("/a/data"));
    }

    #[test]
    fn xdg_then_home_defaults() {
        let e = Env::from_pairs([("XDG_DATA_HOME", "/x"), ("HOME", "/h")]);
        let p = Paths::resolve(&e).unwrap();
        assert_eq!(p.config_file, PathBuf::from("/h/.config/agov/config.toml"));
        assert_eq!(p.data_dir, PathBuf::from("/x/agov"));
        assert!(Paths::resolve(&Env::default()).is_err());
    }
}
