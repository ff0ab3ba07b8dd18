//! The embedded token authority: a SQLite file in the data folder.
//!
//! Tokens are `agov.` plus 64 random hex digits; only their SHA-256 is
//! stored, so the file cannot be used to recover a token. A child is valid
//! only while every ancestor is, as in Vault. A token revoked or expired
//! for longer than the retention is forgotten (its row deleted, with those
//! of every token issued under it) by the next issue.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use agov_core::{Secret, Tier};
use agov_sqlite::{DbError, Durability, Migration, OpenMode};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{IssueRequest, IssuedToken, TokenAuthority, TokenError, TokenInfo, validate};

/// Migrations of the embedded token database.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_tokens.sql",
    sql: include_str!("../../../schema/migrations/tokens/0001_tokens.sql"),
}];

/// Longest life of a pipeline's (delegating) token, renewals included (as
/// the explicit max TTL of Vault's `agov-pipeline-tN` roles).
const PIPELINE_MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Longest life of a token, renewals included (as Vault's explicit max TTL):
/// a tier token's is its tier's TTL, a pipeline token's [`PIPELINE_MAX_LIFETIME`].
fn max_lifetime(tier: Tier, delegate: bool) -> Duration {
    if delegate {
        PIPELINE_MAX_LIFETIME
    } else {
        tier.default_ttl()
    }
}

/// Tokens in a local SQLite file.
pub struct EmbeddedAuthority {
    conn: Mutex<Option<Connection>>,
    path: std::path::PathBuf,
    forget_after: Duration,
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

struct Row {
    accessor: String,
    tier: u8,
    display_name: String,
    metadata: String,
    delegate: bool,
    ttl_s: i64,
    expires_us: i64,
    max_expires_us: i64,
}

impl EmbeddedAuthority {
    /// The authority whose database is at `path`. The database is opened
    /// on first use, and created only by a call that writes: a lookup where
    /// none exists finds no token and leaves nothing behind.
    pub fn open(path: &Path) -> Result<EmbeddedAuthority, TokenError> {
        Ok(EmbeddedAuthority {
            conn: Mutex::new(None),
            path: path.to_path_buf(),
            forget_after: agov_core::time::RETENTION,
        })
    }

    /// Forgets tokens revoked or expired longer than `retention` ago
    /// (default [`agov_core::time::RETENTION`]).
    pub fn forgetting_after(mut self, retention: Duration) -> EmbeddedAuthority {
        self.forget_after = retention;
        self
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<Result<T, TokenError>>,
    ) -> Result<T, TokenError> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(agov_sqlite::open(
                &self.path,
                MIGRATIONS,
                OpenMode::Create,
                Durability::Full,
            )?);
        }
        let conn = guard.as_mut().expect("opened above");
        f(conn).map_err(|e| TokenError::Db(DbError::sqlite(&self.path, e)))?
    }

    /// Like [`Self::with`] for reads: with no database yet, `TokenError::Invalid`.
    fn reading<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<Result<T, TokenError>>,
    ) -> Result<T, TokenError> {
        let opened = self
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        if !opened && !self.path.exists() {
            return Err(TokenError::Invalid);
        }
        self.with(f)
    }
}

/// The live row for `column = key`: not revoked, not expired, and no ancestor revoked or expired.
fn live(
    conn: &Connection,
    column: &str,
    key: &dyn rusqlite::ToSql,
    now: i64,
) -> rusqlite::Result<Option<Row>> {
    let sql = format!(
        "WITH RECURSIVE chain(accessor, parent_accessor, revoked_us, expires_us) AS (
             SELECT accessor, parent_accessor, revoked_us, expires_us FROM tokens WHERE {column} = ?1
             UNION ALL
             SELECT t.accessor, t.parent_accessor, t.revoked_us, t.expires_us
             FROM tokens t JOIN chain c ON t.accessor = c.parent_accessor)
         SELECT count(*), sum(revoked_us IS NOT NULL OR expires_us <= ?2) FROM chain"
    );
    let (found, dead): (i64, Option<i64>) = conn
        .prepare_cached(&sql)?
        .query_row(params![key, now], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if found == 0 || dead.unwrap_or(0) > 0 {
        return Ok(None);
    }
    conn.prepare_cached(&format!(
        "SELECT accessor, tier, display_name, metadata, delegate, expires_us, max_expires_us, ttl_s FROM tokens WHERE {column} = ?1"
    ))?
    .query_row([key], |r| {
        Ok(Row {
            accessor: r.get(0)?,
            tier: r.get(1)?,
            display_name: r.get(2)?,
            metadata: r.get(3)?,
            delegate: r.get(4)?,
            expires_us: r.get(5)?,
            max_expires_us: r.get(6)?,
            ttl_s: r.get(7)?,
        })
    })
    .optional()
}

fn info(row: &Row, now: i64) -> TokenInfo {
    TokenInfo {
        accessor: row.accessor.clone(),
        tier: Tier::from_number(row.tier).unwrap_or(Tier::Observer),
        display_name: row.display_name.clone(),
        metadata: serde_json::from_str::<BTreeMap<String, String>>(&row.metadata)
            .unwrap_or_default(),
        ttl_secs: u64::try_from((row.expires_us - now) / 1_000_000).unwrap_or(0),
        delegate: row.delegate,
    }
}

/// Deletes the tokens revoked or expired at or before `cutoff`, and every
/// token issued under them (dead with them, whatever their own expiry):
/// a child never outlives the record of its parent.
fn forget(conn: &Connection, cutoff: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "WITH RECURSIVE gone(accessor) AS (
             SELECT accessor FROM tokens
             WHERE (revoked_us IS NOT NULL AND revoked_us <= ?1) OR expires_us <= ?1
             UNION
             SELECT t.accessor FROM tokens t JOIN gone g ON t.parent_accessor = g.accessor)
         DELETE FROM tokens WHERE accessor IN gone",
        [cutoff],
    )
}

fn revoke_tree(conn: &mut Connection, accessor: &str) -> rusqlite::Result<()> {
    let tx = agov_sqlite::write_tx(conn)?;
    tx.execute(
        "WITH RECURSIVE tree(accessor) AS (
             SELECT ?1
             UNION ALL
             SELECT t.accessor FROM tokens t JOIN tree ON t.parent_accessor = tree.accessor)
         UPDATE tokens SET revoked_us = ?2 WHERE accessor IN tree AND revoked_us IS NULL",
        params![accessor, agov_core::time::now_us()],
    )?;
    tx.commit()
}

impl TokenAuthority for EmbeddedAuthority {
    fn backend(&self) -> &'static str {
        "embedded"
    }

    fn issue(&self, req: &IssueRequest) -> Result<IssuedToken, TokenError> {
        let max = max_lifetime(req.tier, req.delegate);
        let ttl = validate(req)?.min(max);
        let token = format!("agov.{}", agov_core::ids::random_hex::<32>());
        let accessor = agov_core::ids::random_hex::<12>();
        let metadata = serde_json::to_string(&req.metadata).unwrap_or_else(|_| "{}".into());
        let forget_after = self.forget_after.as_micros() as i64;
        self.with(|conn| {
            let tx = agov_sqlite::write_tx(conn)?;
            let now = agov_core::time::now_us();
            forget(&tx, now - forget_after)?;
            let parent = match &req.parent {
                None => None,
                Some(p) => match live(&tx, "token_hash", &&hash(p.expose())[..], now)? {
                    None => return Ok(Err(TokenError::Invalid)),
                    Some(p) if !p.delegate => {
                        return Ok(Err(TokenError::Refused("the parent token may not issue tokens".into())));
                    }
                    Some(p) if req.tier.number() > p.tier => {
                        return Ok(Err(TokenError::Refused(format!(
                            "a T{} token cannot issue a {} token",
                            p.tier, req.tier
                        ))));
                    }
                    Some(p) => Some(p.accessor),
                },
            };
            tx.execute(
                "INSERT INTO tokens (accessor, token_hash, parent_accessor, tier, display_name, metadata, delegate,
                                     created_us, ttl_s, expires_us, max_expires_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    accessor,
                    &hash(&token)[..],
                    parent,
                    req.tier.number(),
                    req.display_name,
                    metadata,
                    req.delegate,
                    now,
                    ttl.as_secs() as i64,
                    now + ttl.as_micros() as i64,
                    now + max.as_micros() as i64,
                ],
            )?;
            tx.commit()?;
            Ok(Ok(IssuedToken { token: Secret::new(token), accessor, tier: req.tier, ttl }))
        })
    }

    fn renew(&self, token: &Secret, increment: Duration) -> Result<TokenInfo, TokenError> {
        self.with(|conn| {
            let tx = agov_sqlite::write_tx(conn)?;
            let now = agov_core::time::now_us();
            let Some(mut row) = live(&tx, "token_hash", &&hash(token.expose())[..], now)? else {
                return Ok(Err(TokenError::Invalid));
            };
            let increment = if increment.is_zero() {
                Duration::from_secs(row.ttl_s.max(0) as u64)
            } else {
                increment
            };
            row.expires_us = (now + increment.as_micros() as i64).min(row.max_expires_us);
            tx.execute(
                "UPDATE tokens SET expires_us = ?1, renewals = renewals + 1 WHERE accessor = ?2",
                params![row.expires_us, row.accessor],
            )?;
            tx.commit()?;
            Ok(Ok(info(&row, now)))
        })
    }

    fn revoke(&self, token: &Secret) -> Result<(), TokenError> {
        self.with(|conn| {
            let accessor: Option<String> = conn
                .prepare_cached("SELECT accessor FROM tokens WHERE token_hash = ?1")?
                .query_row([&hash(token.expose())[..]], |r| r.get(0))
                .optional()?;
            if let Some(a) = accessor {
                revoke_tree(conn, &a)?;
            }
            Ok(Ok(()))
        })
    }

    fn revoke_accessor(&self, accessor: &str) -> Result<(), TokenError> {
        self.with(|conn| {
            revoke_tree(conn, accessor)?;
            Ok(Ok(()))
        })
    }

    fn lookup(&self, token: &Secret) -> Result<TokenInfo, TokenError> {
        self.reading(|conn| {
            let now = agov_core::time::now_us();
            Ok(live(conn, "token_hash", &&hash(token.expose())[..], now)?
                .map(|r| info(&r, now))
                .ok_or(TokenError::Invalid))
        })
    }

    fn lookup_accessor(&self, accessor: &str) -> Result<TokenInfo, TokenError> {
        self.reading(|conn| {
            let now = agov_core::time::now_us();
            Ok(live(conn, "accessor", &accessor, now)?
                .map(|r| info(&r, now))
                .ok_or(TokenError::Invalid))
        })
    }
}
