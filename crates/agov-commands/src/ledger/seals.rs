//! Where seals are kept: `<data>/ledger.seals` (JSON Lines), or Vault KV v2
//! when Vault is configured.
//!
//! In Vault every seal is its own key, `agov/ledger-seals/<ledger id>/<seq>`
//! (the ledger id is the start of its first event's hash), written with
//! check-and-set 0: created once, never overwritten. agov's own identity may
//! only create and read there (`policies/governor.hcl`), so not even agov can
//! rewrite a seal, and installations sharing a Vault keep apart. Reading
//! gathers every retained seal: the Vault folder of this ledger, the single
//! key older versions wrote (`agov/ledger/seal`) and the seal file.

use std::path::PathBuf;

use agov_cli::CliError;
use agov_config::Settings;
use agov_ledger::Seal;
use agov_ledger::seal::ledger_id;
use agov_vault::Vault;

use crate::backends;

/// KV folder (under the mount) of the seals, one sub-folder per ledger.
pub const VAULT_SEALS: &str = "agov/ledger-seals";
/// KV path of the single seal older versions kept (read, never written).
pub const LEGACY_SEAL_PATH: &str = "agov/ledger/seal";

/// Where seals are kept.
pub struct SealStore {
    /// The seal file (written without Vault; read in any case).
    file: PathBuf,
    /// Vault, when configured: seals are written there.
    vault: Option<Box<Vault>>,
}

/// What storing a seal did.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// The seal was recorded.
    New,
    /// The same seal was already there (another `ledger seal` was first).
    AlreadyThere,
}

impl SealStore {
    /// The store the configuration selects.
    pub fn configured(settings: &Settings) -> Result<SealStore, CliError> {
        Ok(SealStore {
            file: settings.data_dir.value.join("ledger.seals"),
            vault: backends::vault(settings)?.map(Box::new),
        })
    }

    /// Where `seal` goes, for people.
    pub fn describe(&self, seal: &Seal) -> String {
        match (&self.vault, &seal.genesis) {
            (Some(v), Some(g)) => {
                format!("Vault {}/{}/{}", v.addr(), v.kv_mount(), key(g, seal.seq))
            }
            (Some(v), None) => format!("Vault {}/{}/{VAULT_SEALS}", v.addr(), v.kv_mount()),
            (None, _) => format!("file {}", self.file.display()),
        }
    }

    /// Every retained seal of the ledger whose first event has hash
    /// `genesis` (`None`: an empty or missing ledger): the seal file's, and
    /// with Vault the ledger's own folder and the older single key.
    pub fn load_for(&self, genesis: Option<&str>) -> Result<Vec<Seal>, CliError> {
        let mut seals = agov_ledger::seal::read_file(&self.file)?;
        if let Some(v) = &self.vault {
            seals.extend(read_seal(v, LEGACY_SEAL_PATH)?);
            if let Some(g) = genesis {
                seals.extend(read_folder(v, ledger_id(g))?);
            }
        }
        Ok(seals)
    }

    /// Ids of the other ledgers that keep seals in Vault (none without Vault).
    pub fn other_ledgers(&self, genesis: Option<&str>) -> Result<Vec<String>, CliError> {
        let Some(v) = &self.vault else {
            return Ok(Vec::new());
        };
        let own = genesis.map(ledger_id);
        Ok(v.kv_list(VAULT_SEALS)?
            .into_iter()
            .map(|k| k.trim_end_matches('/').to_string())
            .filter(|k| Some(k.as_str()) != own)
            .collect())
    }

    /// Records a new seal: appended to the file, or created in Vault under
    /// its own key. An existing different seal for the same event is an error.
    /// With Vault, a new seal is also appended to the seal file: a local
    /// copy that pins which ledger was sealed, should the database be
    /// replaced from its first event.
    pub fn store(&self, seal: &Seal) -> Result<Stored, CliError> {
        if let Some(v) = &self.vault {
            let stored = store_in_vault(v, seal)?;
            if stored == Stored::New {
                self.append_to_file(seal)?;
            }
            return Ok(stored);
        }
        self.append_to_file(seal)?;
        Ok(Stored::New)
    }

    fn append_to_file(&self, seal: &Seal) -> Result<(), CliError> {
        if let Some(dir) = self.file.parent() {
            agov_core::fsutil::create_private_dir(dir)
                .map_err(|e| CliError::io(&format!("cannot create {}", dir.display()), e))?;
        }
        Ok(agov_ledger::seal::append_file(&self.file, seal)?)
    }
}

/// Creates the seal's own key in Vault (check-and-set 0). An existing key
/// must hold the same seal.
fn store_in_vault(v: &Vault, seal: &Seal) -> Result<Stored, CliError> {
    let genesis = seal
        .genesis
        .as_deref()
        .ok_or_else(|| CliError::failed(format!("the seal of #{} names no ledger", seal.seq)))?;
    let path = key(genesis, seal.seq);
    let doc = serde_json::to_value(seal).expect("a seal serialises");
    let Err(refused) = v.kv_write(&path, &doc, Some(0)) else {
        return Ok(Stored::New);
    };
    // Create-only: the key exists (check-and-set, or no `update`
    // capability), or agov may not write there at all.
    match read_seal(v, &path)? {
        Some(there) if there.hash == seal.hash => Ok(Stored::AlreadyThere),
        Some(there) => Err(CliError::failed(format!(
            "Vault already holds a different seal for #{} ({} by {}, hash {}): seals are never overwritten",
            seal.seq, there.sealed_at, there.sealed_by, there.hash
        ))
        .with_hint("run `ledger verify`: the chain no longer matches what was sealed")),
        None => Err(refused.into()),
    }
}

/// The KV path of the seal of event `seq` of the ledger with this genesis.
fn key(genesis: &str, seq: u64) -> String {
    format!("{VAULT_SEALS}/{}/{seq}", ledger_id(genesis))
}

/// Every seal in the ledger's folder in Vault.
fn read_folder(v: &Vault, id: &str) -> Result<Vec<Seal>, CliError> {
    let folder = format!("{VAULT_SEALS}/{id}");
    let mut seals = Vec::new();
    for name in v.kv_list(&folder)? {
        let path = format!("{folder}/{name}");
        let Some(seal) = read_seal(v, &path)? else {
            continue;
        };
        if name.parse::<u64>() != Ok(seal.seq) {
            return Err(CliError::failed(format!(
                "the seal in Vault at {path} is of event #{}, not #{name}",
                seal.seq
            ))
            .with_hint("someone wrote it by hand: compare it with the ledger and remove it with an operator's token"));
        }
        seals.push(seal);
    }
    Ok(seals)
}

/// The seal at `path` in Vault KV, if there is one.
fn read_seal(v: &Vault, path: &str) -> Result<Option<Seal>, CliError> {
    let Some(entry) = v.kv_read(path)? else {
        return Ok(None);
    };
    serde_json::from_value(serde_json::Value::Object(entry.data))
        .map(Some)
        .map_err(|e| {
            CliError::failed(format!("the seal in Vault at {path} is malformed: {e}"))
                .with_hint("compare it with the ledger; seals are JSON objects with seq, hash, sealed_at and sealed_by")
        })
}
