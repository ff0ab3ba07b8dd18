//! Opening agov's SQLite databases one safe way.
//!
//! Every database agov keeps (the ledger, the embedded runtime store, the
//! embedded token authority) is opened here: WAL journal, a 10 s busy timeout,
//! migrations applied in order from `schema/migrations/<db>/` and tracked by
//! `PRAGMA user_version`, files created mode 0600 in a 0700 folder, and every
//! write in a `BEGIN IMMEDIATE` transaction ([`write_tx`]) so that concurrent
//! writers queue on the busy timeout instead of failing with "database is
//! locked" halfway through.

pub mod fts;

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agov_core::{Classify, FailureClass};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

/// One migration: an SQL file applied once, in version order.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// 1-based, contiguous.
    pub version: u32,
    /// The file's name, for messages.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// How much a commit must survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is on disk before it returns (`synchronous=FULL`): the ledger.
    Full,
    /// Commits survive a crash of the process but may be lost on power loss
    /// (`synchronous=NORMAL`): runtime state, which lives on TTLs anyway.
    Normal,
}

/// Whether opening may create the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and its folder) when missing.
    Create,
    /// The file must exist.
    Existing,
}

/// Why a database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The file exists but is not an SQLite database.
    #[error("{path} is not an SQLite database")]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file does not exist and may not be created here.
    #[error("{path} does not exist")]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The database was written by a newer agov.
    #[error("{path} has schema version {found}, newer than the {known} this agov knows")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its user_version.
        found: u32,
        /// The latest migration known here.
        known: u32,
    },
    /// The folder or file could not be created.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A migration failed.
    #[error("migration {name} on {path} failed: {source}")]
    Migration {
        /// The database.
        path: PathBuf,
        /// The migration.
        name: &'static str,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The filesystem holding the database has no room left; SQLite rolled
    /// the write back.
    #[error(
        "database {path}: the disk is full ({free} bytes free on its filesystem); nothing was written"
    )]
    Full {
        /// The database.
        path: PathBuf,
        /// Bytes available to agov on that filesystem.
        free: u64,
    },
    /// Any other SQLite error.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
}

impl DbError {
    /// Wraps an SQLite error that happened on `path`, recognising "not a database".
    pub fn sqlite(path: &Path, source: rusqlite::Error) -> DbError {
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => DbError::NotADatabase {
                path: path.to_path_buf(),
            },
            // A full disk shows as SQLITE_FULL, or as an I/O error when the
            // write that failed was the WAL's or its index's.
            Some(code @ (ErrorCode::DiskFull | ErrorCode::SystemIoFailure))
                if let Some(free) = free_bytes(path)
                    && (code == ErrorCode::DiskFull || free < FULL_BELOW) =>
            {
                DbError::Full {
                    path: path.to_path_buf(),
                    free,
                }
            }
            _ => DbError::Sqlite {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    /// True when SQLite gave up waiting for another writer.
    pub fn is_busy(&self) -> bool {
        matches!(self, DbError::Sqlite { source, .. }
            if matches!(source.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)))
    }
}

impl Classify for DbError {
    fn class(&self) -> FailureClass {
        match self {
            DbError::Missing { .. } => FailureClass::NotFound,
            DbError::Sqlite { .. } if self.is_busy() => FailureClass::Unavailable,
            _ => FailureClass::Failed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            DbError::NotADatabase { .. } => Some(
                "the path points at some other file: check AGOV_HOME, AGOV_DATA_DIR or ledger.path; agov left the file untouched"
                    .into(),
            ),
            DbError::TooNew { .. } => Some("upgrade agov to the version that wrote this database".into()),
            DbError::Create { .. } => Some("check that the data folder is writable, or set AGOV_HOME".into()),
            DbError::Full { path, .. } => Some(format!(
                "free space on the filesystem holding {} and run it again; `ledger verify` checks the chain",
                path.parent().unwrap_or(path).display()
            )),
            DbError::Sqlite { .. } if self.is_busy() => {
                Some("another process held the database for over 10 s; retry".into())
            }
            _ => None,
        }
    }
}

/// Below this many free bytes, an I/O error on a database is a full disk.
const FULL_BELOW: u64 = 1 << 20;

/// Bytes available to this process on the filesystem holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// Opens `path`, applying `migrations` that have not run yet.
pub fn open(
    path: &Path,
    migrations: &[Migration],
    mode: OpenMode,
    durability: Durability,
) -> Result<Connection, DbError> {
    if !path.exists() {
        match mode {
            OpenMode::Existing => {
                return Err(DbError::Missing {
                    path: path.to_path_buf(),
                });
            }
            OpenMode::Create => create_private_file(path)?,
        }
    }
    let wal_was_there = wal_path(path).exists();
    let conn = Connection::open(path).map_err(|e| DbError::sqlite(path, e))?;
    configure(&conn, durability).map_err(|e| DbError::sqlite(path, e))?;
    if !wal_was_there {
        // SQLite is built without its own folder sync (`.cargo/config.toml`):
        // a WAL this open created (with the database, maybe) is made to
        // survive power loss here, before any commit relies on it.
        agov_core::fsutil::sync_parent(path).map_err(|source| DbError::Create {
            path: path.to_path_buf(),
            source,
        })?;
    }
    migrate(&conn, path, migrations)?;
    trim_wal(&conn, path);
    Ok(conn)
}

/// The WAL file beside the database at `path`.
fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

fn create_private_file(path: &Path) -> Result<(), DbError> {
    let create_err = |source| DbError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        agov_core::fsutil::create_private_dir(dir).map_err(create_err)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(create_err(e)),
    }
}

fn configure(conn: &Connection, durability: Durability) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // Reading the journal mode touches the header first, so a file that is not a
    // database fails here, before anything is written next to it.
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Only a brand-new file is not in WAL mode yet. When several processes
        // create it at once, the switch can fail at once with SQLITE_BUSY (a
        // lock upgrade SQLite refuses rather than wait on): retry it for as
        // long as the busy timeout.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => {
                    other?;
                    break;
                }
            }
        }
    }
    let sync = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    // Every agov command is a short process, so each close would be the
    // last connection's: SQLite would then checkpoint the WAL into the
    // database (two fsyncs) and delete it, and the next process would
    // create it again (a folder fsync). The WAL stays instead, and is
    // emptied by whichever process opens the database when it has grown
    // past WAL_BYTES ([`trim_wal`]). SQLite's own automatic checkpoint
    // cannot do this across processes: each new process rebuilds the
    // WAL's index, forgetting what was already copied, so it would copy
    // the whole WAL at every commit and never restart it. A copy of a
    // database must therefore take the WAL too (`ledger export --format sqlite`).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous={sync}; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0;"
    ))
}

/// Past this size the WAL is copied into the database and emptied.
const WAL_BYTES: u64 = 256 << 10;

/// Copies the WAL into the database and truncates it, when it is over
/// WAL_BYTES. Best effort and brief: when another process is reading or
/// writing, the next one to open the database tries again.
fn trim_wal(conn: &Connection, path: &Path) {
    if std::fs::metadata(wal_path(path)).map_or(true, |m| m.len() <= WAL_BYTES) {
        return;
    }
    let _ = conn.busy_timeout(Duration::from_millis(20));
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    });
    tracing::debug!(db = %path.display(), ?result, "WAL checkpoint");
    let _ = conn.busy_timeout(Duration::from_secs(10));
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

fn migrate(conn: &Connection, path: &Path, migrations: &[Migration]) -> Result<(), DbError> {
    let known = migrations.last().map_or(0, |m| m.version);
    let current = user_version(conn).map_err(|e| DbError::sqlite(path, e))?;
    if current == known {
        return Ok(());
    }
    if current > known {
        return Err(DbError::TooNew {
            path: path.to_path_buf(),
            found: current,
            known,
        });
    }
    // Another process may be migrating too: take the write lock, then look again.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|e| DbError::sqlite(path, e))?;
    let current = user_version(&tx).map_err(|e| DbError::sqlite(path, e))?;
    for m in migrations.iter().filter(|m| m.version > current) {
        tx.execute_batch(m.sql)
            .and_then(|()| tx.execute_batch(&format!("PRAGMA user_version = {}", m.version)))
            .map_err(|source| DbError::Migration {
                path: path.to_path_buf(),
                name: m.name,
                source,
            })?;
    }
    tx.commit().map_err(|e| DbError::sqlite(path, e))
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`).
pub fn write_tx(conn: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001",
            sql: "CREATE TABLE a(x INTEGER);",
        },
        Migration {
            version: 2,
            name: "0002",
            sql: "CREATE TABLE b(y INTEGER);",
        },
    ];

    #[test]
    fn sqlite_leaves_the_folder_sync_to_agov() {
        // `.cargo/config.toml` builds SQLite so; `open` syncs the folder
        // itself when it creates the WAL. A build without the option would
        // sync it twice per process.
        let conn = Connection::open_in_memory().unwrap();
        let options: Vec<String> = conn
            .prepare("PRAGMA compile_options")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            options.iter().any(|o| o == "DISABLE_DIRSYNC"),
            "SQLite was built without SQLITE_DISABLE_DIRSYNC: {options:?}"
        );
    }

    #[test]
    fn the_first_open_leaves_a_wal_that_a_later_open_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        let conn = open(&p, M, OpenMode::Create, Durability::Full).unwrap();
        assert!(wal_path(&p).exists(), "the WAL is created at open");
        drop(conn);
        assert!(wal_path(&p).exists(), "closing keeps the WAL");
        let conn = open(&p, M, OpenMode::Existing, Durability::Full).unwrap();
        conn.execute("INSERT INTO a(x) VALUES (1)", []).unwrap();
        drop(conn);
        let conn = open(&p, M, OpenMode::Existing, Durability::Full).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM a", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn many_connections_creating_one_database_at_once_all_succeed() {
        for round in 0..30 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("new.db");
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (path, barrier) = (path.clone(), std::sync::Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        open(&path, M, OpenMode::Create, Durability::Full).map(|_| ())
                    })
                })
                .collect();
            for h in handles {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}"));
            }
        }
    }

    #[test]
    fn creates_private_file_and_migrates_once() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/db.sqlite");
        let conn = open(&p, M, OpenMode::Create, Durability::Full).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 2);
        drop(conn);
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(p.parent().unwrap()).unwrap().mode() & 0o777,
            0o700
        );
        let conn = open(&p, M, OpenMode::Existing, Durability::Full).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type='table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn refuses_a_file_that_is_not_sqlite_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.txt");
        std::fs::write(
            &p,
            "this is not a database, it is a shopping list\n".repeat(20),
        )
        .unwrap();
        let before = std::fs::read(&p).unwrap();
        let err = open(&p, M, OpenMode::Create, Durability::Full).unwrap_err();
        assert!(matches!(err, DbError::NotADatabase { .. }), "{err:?}");
        assert_eq!(std::fs::read(&p).unwrap(), before);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no -wal or -shm file"
        );
    }

    #[test]
    fn missing_file_in_existing_mode_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope.db");
        assert!(matches!(
            open(&p, M, OpenMode::Existing, Durability::Full),
            Err(DbError::Missing { .. })
        ));
        assert!(!p.exists());
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("db");
        open(&p, M, OpenMode::Create, Durability::Full).unwrap();
        let err = open(&p, &M[..1], OpenMode::Existing, Durability::Full).unwrap_err();
        assert!(
            matches!(
                err,
                DbError::TooNew {
                    found: 2,
                    known: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[cfg(test)]
mod wal_tests {
    use super::*;

    /// Each process rebuilds the WAL's index, so SQLite's own checkpoint
    /// would never restart the WAL: it must stay bounded all the same.
    #[test]
    fn the_wal_stays_small_across_many_short_lived_connections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let m = &[Migration {
            version: 1,
            name: "0001",
            sql: "CREATE TABLE t(x BLOB);",
        }];
        for _ in 0..300 {
            let mut c = open(&path, m, OpenMode::Create, Durability::Full).unwrap();
            let tx = write_tx(&mut c).unwrap();
            tx.execute("INSERT INTO t VALUES (randomblob(3000))", [])
                .unwrap();
            tx.commit().unwrap();
        }
        let wal = std::fs::metadata(dir.path().join("w.db-wal"))
            .unwrap()
            .len();
        assert!(wal <= WAL_BYTES + 8 * 4096, "the WAL grew to {wal} bytes");
        let c = open(&path, m, OpenMode::Existing, Durability::Full).unwrap();
        let rows: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 300, "every commit is kept");
    }
}
