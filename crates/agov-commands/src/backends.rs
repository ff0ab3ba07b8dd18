//! Opening the backends the configuration selects.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_config::Settings;
use agov_ledger::{Ledger, Seal};

/// The actor recorded for commands run by a person: `user:NAME`.
pub fn actor() -> String {
    format!("user:{}", agov_core::ids::os_user())
}

/// Opens the ledger for writing, creating it if needed.
pub fn ledger_for_write(settings: &Settings) -> Result<Ledger, CliError> {
    Ok(Ledger::open(&settings.ledger_path.value, true)?)
}

/// Opens the ledger for reading, or `None` (with a hint) when none exists yet.
pub fn ledger_for_read(ctx: &Ctx, settings: &Settings) -> Result<Option<Ledger>, CliError> {
    let path = &settings.ledger_path.value;
    if !path.exists() {
        ctx.hint(&format!(
            "there is no ledger at {} yet: `ledger note -m TEXT` creates it",
            path.display()
        ));
        return Ok(None);
    }
    Ok(Some(Ledger::open(path, false)?))
}

/// Where seals are kept.
pub enum SealStore {
    /// A JSON Lines file.
    File(PathBuf),
}

impl SealStore {
    /// The store the configuration selects.
    pub fn configured(settings: &Settings) -> SealStore {
        SealStore::File(settings.data_dir.value.join("ledger.seals"))
    }

    /// Human description of where seals go.
    pub fn describe(&self) -> String {
        match self {
            SealStore::File(p) => format!("file {}", p.display()),
        }
    }

    /// Every seal recorded.
    pub fn load(&self) -> Result<Vec<Seal>, CliError> {
        match self {
            SealStore::File(p) => Ok(agov_ledger::seal::read_file(p)?),
        }
    }

    /// Records a seal.
    pub fn store(&self, seal: &Seal) -> Result<(), CliError> {
        match self {
            SealStore::File(p) => {
                if let Some(dir) = p.parent() {
                    agov_core::fsutil::create_private_dir(dir).map_err(|e| {
                        CliError::io(&format!("cannot create {}", dir.display()), e)
                    })?;
                }
                Ok(agov_ledger::seal::append_file(p, seal)?)
            }
        }
    }
}
