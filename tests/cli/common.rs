//! A hermetic environment for running agov's binaries: a cleared
//! environment, a temporary AGOV_HOME, a fixed user, and the exit code,
//! stdout and stderr of every run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A temporary installation of agov.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

/// What one run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing everything on failure.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// stdout parsed as JSON Lines.
    #[track_caller]
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

pub fn bin(name: &str) -> PathBuf {
    match name {
        "bugs" => PathBuf::from(env!("CARGO_BIN_EXE_bugs")),
        "checkpoint" => PathBuf::from(env!("CARGO_BIN_EXE_checkpoint")),
        "ledger" => PathBuf::from(env!("CARGO_BIN_EXE_ledger")),
        "memory" => PathBuf::from(env!("CARGO_BIN_EXE_memory")),
        "pipeline" => PathBuf::from(env!("CARGO_BIN_EXE_pipeline")),
        "status" => PathBuf::from(env!("CARGO_BIN_EXE_status")),
        "validate-phases" => PathBuf::from(env!("CARGO_BIN_EXE_validate-phases")),
        other => panic!("unknown binary {other}"),
    }
}

/// The actor agov records for a person on the embedded default: the OS
/// account of the uid the tests run as (`USER=tester` does not count).
pub fn me() -> String {
    format!("user:{}", agov_core::ids::os_user())
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        let vars = vec![
            (
                "AGOV_HOME".to_string(),
                dir.path().join("agov").display().to_string(),
            ),
            ("HOME".to_string(), dir.path().display().to_string()),
            ("USER".to_string(), "tester".to_string()),
            (
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_default(),
            ),
        ];
        TestEnv { dir, vars }
    }

    /// Sets (or replaces) an environment variable for every later run.
    pub fn set(&mut self, key: &str, value: &str) -> &mut TestEnv {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_string(), value.to_string()));
        self
    }

    /// Makes `tenant` the installation's own (the config file's `tenant =`,
    /// AGOV_TENANT unset): with Vault, the tenant agov acts for on its own
    /// identity, which needs no token granted it.
    pub fn install_tenant(&mut self, tenant: &str) -> &mut TestEnv {
        std::fs::create_dir_all(self.home()).unwrap();
        std::fs::write(
            self.home().join("config.toml"),
            format!("tenant = \"{tenant}\"\n"),
        )
        .unwrap();
        self.vars.retain(|(k, _)| k != "AGOV_TENANT");
        self
    }

    /// The environment every run gets.
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    /// The AGOV_HOME folder.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("agov")
    }

    /// The data folder under AGOV_HOME.
    pub fn data(&self) -> PathBuf {
        self.home().join("data")
    }

    pub fn run(&self, tool: &str, args: &[&str]) -> Run {
        self.run_with_stdin(tool, args, None)
    }

    pub fn run_with_stdin(&self, tool: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut cmd = Command::new(bin(tool));
        cmd.args(args)
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k, v)));
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A shell command with this environment (for pipes), run in the
    /// environment's temporary folder.
    pub fn sh(&self, script: &str) -> Run {
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .env("LEDGER", bin("ledger"))
            .env("BUGS", bin("bugs"))
            .env("STATUS", bin("status"))
            .env("CHECKPOINT", bin("checkpoint"))
            .env("MEMORY", bin("memory"))
            .env("PIPELINE", bin("pipeline"))
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Every file under `dir`, relative, sorted (to prove nothing was written).
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(base, &p, out);
                } else {
                    out.push(p.strip_prefix(base).unwrap().display().to_string());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
