//! Actions as what they really do, before any rule is applied.
//!
//! An agent names an action as text (`cmd:find . -exec sh -c …`,
//! `read:sandbox/../../etc/shadow`); `pipeline agent exec` has an argv. A
//! rule can only judge such an action once it is known what it names:
//!
//! - a command's program is resolved the way `execvp` would (through the
//!   PATH the command runs with, or relative to the working directory) and
//!   canonicalised; rules name it by its bare name only when the trusted
//!   program folders ([`DEFAULT_PROGRAM_DIRS`]) resolve that name to the very
//!   same file, and by its absolute path otherwise;
//! - `read:`/`write:` targets are normalised (`.`, `..`, repeated slashes,
//!   symlinks, even dangling ones) against the working directory;
//! - commands that run other commands (wrappers, `find -exec`, `xargs`) are
//!   unwrapped so that the inner command is judged too, files a tool writes
//!   become `write:` checks, and code no rule can read (a shell or an
//!   interpreter given code, options that run helpers) becomes a check only a
//!   rule naming the program (or a blanket `*` rule) allows. [`FAMILIES`] is
//!   the table of these programs.
//!
//! Nothing here spawns a process: resolution is a few `stat`s.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Program folders whose programs rules may name by their bare name, in the
/// order they are searched, when the rules file names none (`programs`).
pub const DEFAULT_PROGRAM_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// The PATH `execvp` searches when the environment has none.
const DEFAULT_EXEC_PATH: &str = "/bin:/usr/bin";

/// How deep wrappers may nest before a command is refused.
const MAX_DEPTH: usize = 8;

/// Where an action is judged: the working directory and the PATH of the
/// process that will carry it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The working directory, canonical.
    pub cwd: PathBuf,
    /// The PATH the command runs with (`None`: none set).
    pub path: Option<OsString>,
}

impl Context {
    /// A context for `cwd` (canonicalised when it exists) and `path`.
    pub fn new(cwd: impl Into<PathBuf>, path: Option<OsString>) -> Context {
        let cwd = cwd.into();
        let cwd = std::fs::canonicalize(&cwd).unwrap_or_else(|_| lexical(&cwd));
        Context { cwd, path }
    }

    /// This process's working directory and PATH.
    pub fn current() -> Context {
        Context::new(
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            std::env::var_os("PATH"),
        )
    }
}

/// One thing an action does that rules must allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// `kind:target` as rules match it: `cmd:NAME ARGS…` with the program as
    /// rules name it, a path relative to the working directory when inside
    /// it, absolute otherwise.
    pub action: String,
    /// Other spellings of the same action: the absolute path of a target
    /// inside the working directory (allow and deny match it), and the text
    /// as given (only deny and `forbidden` match it).
    pub absolute: Option<String>,
    /// The action as it was given, when it differs.
    pub given: Option<String>,
    /// For a command: how rules name its program.
    pub program: Option<String>,
    /// For a command: its program's canonical path, when found.
    pub exe: Option<String>,
    /// It runs code no rule can read: only a rule that names the program
    /// (no wildcard in the program) or a blanket rule (`*`, `cmd:*`) allows
    /// it. The words say why.
    pub runs_code: Option<String>,
    /// It cannot be judged at all (an unknown option of a wrapper, nesting
    /// too deep): denied with these words.
    pub refused: Option<String>,
    /// What runs it, for a check found inside another command
    /// (`find -exec`, `xargs`, `env`).
    pub via: Option<String>,
    /// A wrapper with a command to run: it is judged as that command, so
    /// only deny patterns (and its own `runs_code`) apply to it.
    pub transparent: bool,
    /// What a reason should add (`./ls` is not the trusted `ls`).
    pub note: Option<String>,
}

impl Check {
    fn new(action: String) -> Check {
        Check {
            action,
            absolute: None,
            given: None,
            program: None,
            exe: None,
            runs_code: None,
            refused: None,
            via: None,
            transparent: false,
            note: None,
        }
    }

    /// Every spelling deny patterns are matched against.
    pub fn deny_forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.action.as_str())
            .chain(self.absolute.as_deref())
            .chain(self.given.as_deref())
    }

    /// Every spelling allow patterns are matched against.
    pub fn allow_forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.action.as_str()).chain(self.absolute.as_deref())
    }
}

/// An action parsed: what it is as a whole and every check it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The whole action as rules see it (`cmd:ls -la`, `write:sandbox/x`).
    pub action: String,
    /// The action as it was given.
    pub given: String,
    /// A command's argv as it runs (program first, as given).
    pub argv: Vec<String>,
    /// A command's program, resolved and canonical (`None`: not found).
    pub program: Option<PathBuf>,
    /// The checks, the action itself first.
    pub checks: Vec<Check>,
}

/// Parses an action given as text (`kind:target`) in `ctx`; `programs` are
/// the trusted program folders.
pub fn parse(action: &str, ctx: &Context, programs: &[PathBuf]) -> Parsed {
    let Some((kind, target)) = action.split_once(':') else {
        return other(action);
    };
    match kind {
        "cmd" => match split_words(target) {
            Ok(mut words) if !words.is_empty() => {
                // `A=b cmd` is `env A=b cmd` to a shell.
                if words[0].contains('=') && is_assignment(&words[0]) {
                    words.insert(0, "env".into());
                }
                let mut p = parse_argv(&words, ctx, programs);
                p.given = action.to_string();
                if let Some(c) = p.checks.first_mut() {
                    c.given = (c.action != action).then(|| action.to_string());
                }
                p
            }
            Ok(_) => {
                let mut p = other(action);
                p.checks[0].refused = Some("names no command".into());
                p
            }
            Err(why) => {
                // A shell would run it: it is shell code.
                let argv = vec!["sh".to_string(), "-c".to_string(), target.to_string()];
                let mut p = parse_argv(&argv, ctx, programs);
                p.given = action.to_string();
                if let Some(c) = p.checks.first_mut() {
                    c.given = Some(action.to_string());
                    c.runs_code = Some(format!("it is shell code ({why})"));
                }
                p
            }
        },
        "read" | "write" => {
            let check = path_check(kind, target, ctx);
            Parsed {
                action: check.action.clone(),
                given: action.to_string(),
                argv: Vec::new(),
                program: None,
                checks: vec![check],
            }
        }
        _ => other(action),
    }
}

fn other(action: &str) -> Parsed {
    Parsed {
        action: action.to_string(),
        given: action.to_string(),
        argv: Vec::new(),
        program: None,
        checks: vec![Check::new(action.to_string())],
    }
}

/// Parses a command given as argv in `ctx`.
pub fn parse_argv(argv: &[String], ctx: &Context, programs: &[PathBuf]) -> Parsed {
    let given = format!("cmd:{}", argv.join(" "));
    let mut checks = Vec::new();
    let program = command(argv, ctx, programs, None, 0, &mut checks);
    let action = checks.first().map_or(given.clone(), |c| c.action.clone());
    if let Some(c) = checks.first_mut()
        && c.action != given
    {
        c.given = Some(given.clone());
    }
    Parsed {
        action,
        given,
        argv: argv.to_vec(),
        program,
        checks,
    }
}

/// A `read:`/`write:` check for `target` as seen from `ctx`.
pub fn path_check(kind: &str, target: &str, ctx: &Context) -> Check {
    let real = normalise(target, &ctx.cwd);
    let abs = real.to_string_lossy().into_owned();
    let (action, absolute) = match real.strip_prefix(&ctx.cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => (format!("{kind}:."), Some(abs)),
        Ok(rel) => (format!("{kind}:{}", rel.to_string_lossy()), Some(abs)),
        Err(_) => (format!("{kind}:{abs}"), None),
    };
    let given = format!("{kind}:{target}");
    let mut c = Check::new(action);
    c.absolute = absolute.map(|a| format!("{kind}:{a}"));
    if c.action != given {
        c.given = Some(given);
    }
    c
}

/// `target` as the kernel would find it from `cwd`: absolute, without `.`,
/// `..` or repeated slashes, every symlink on the way resolved (a dangling
/// one to what writing through it would create). The part that does not
/// exist yet is taken as written.
pub fn normalise(target: &str, cwd: &Path) -> PathBuf {
    let joined = cwd.join(target);
    resolve_links(&joined, 0)
}

fn resolve_links(path: &Path, depth: usize) -> PathBuf {
    let mut out = PathBuf::from("/");
    let mut exists = true;
    for comp in path.components() {
        match comp {
            Component::Prefix(_) | Component::RootDir => out = PathBuf::from("/"),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if !exists {
                    continue;
                }
                match std::fs::symlink_metadata(&out) {
                    Ok(m) if m.file_type().is_symlink() && depth < 40 => {
                        let Ok(link) = std::fs::read_link(&out) else {
                            continue;
                        };
                        out.pop();
                        let next = out.join(link);
                        out = resolve_links(&next, depth + 1);
                        exists = std::fs::symlink_metadata(&out).is_ok();
                    }
                    Ok(_) => {}
                    Err(_) => exists = false,
                }
            }
        }
    }
    out
}

/// `path` without `.`, `..` and repeated slashes, touching no file.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The file `argv0` runs as `execvp` would find it in `ctx`, canonical.
pub fn resolve(argv0: &str, ctx: &Context) -> Option<PathBuf> {
    if argv0.is_empty() {
        return None;
    }
    if argv0.contains('/') {
        return executable(&ctx.cwd.join(argv0));
    }
    let path = ctx
        .path
        .clone()
        .unwrap_or_else(|| OsString::from(DEFAULT_EXEC_PATH));
    std::env::split_paths(&path).find_map(|dir| {
        // An empty entry is the working directory, a relative one is from it.
        executable(&ctx.cwd.join(dir).join(argv0))
    })
}

/// `name` as found in the trusted program folders, canonical.
pub fn resolve_trusted(name: &str, programs: &[PathBuf]) -> Option<PathBuf> {
    if name.is_empty() || name.contains('/') {
        return None;
    }
    programs.iter().find_map(|d| executable(&d.join(name)))
}

fn executable(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || !is_exec(&meta) {
        return None;
    }
    std::fs::canonicalize(path).ok()
}

#[cfg(unix)]
fn is_exec(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_exec(_: &std::fs::Metadata) -> bool {
    true
}

/// How rules name a program: its bare name when the trusted folders resolve
/// that name to the same file (`ls` for `/usr/bin/ls`, a symlink to it, or
/// `ls` on a PATH that finds it), its canonical absolute path otherwise
/// (`./ls`, `/tmp/x/cat`). A program found nowhere keeps its bare name (it
/// cannot run here) or gets the absolute path it would have.
pub fn rule_name(argv0: &str, exe: Option<&Path>, ctx: &Context, programs: &[PathBuf]) -> String {
    let base = basename(argv0);
    match exe {
        Some(exe) => {
            if resolve_trusted(base, programs).as_deref() == Some(exe) {
                return base.to_string();
            }
            let own = exe
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if resolve_trusted(&own, programs).as_deref() == Some(exe) {
                return own;
            }
            exe.to_string_lossy().into_owned()
        }
        None if argv0.contains('/') => normalise(argv0, &ctx.cwd).to_string_lossy().into_owned(),
        None => argv0.to_string(),
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// What a program does with its arguments, as far as rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// A shell or an interpreter: whatever it is given (`-c`, `-e`, a
    /// script, its stdin) is code no rule can read.
    Interpreter,
    /// Runs a command as another user or in another root.
    Privileged,
    /// Runs the command that follows its options (and operands).
    Wrapper(Wrapper),
    /// `env`: assignments, `-S`, `-C`, `-i`, then a command.
    Env,
    /// `find`: `-exec`/`-execdir`/`-ok`/`-okdir` run commands; `-delete`,
    /// `-fprint*`, `-fls` write.
    Find,
    /// `xargs`: runs its command with arguments read from its input.
    Xargs,
    /// `git`: options that set configuration or run helpers, `--output`.
    Git,
    /// A tool whose operands it writes.
    Writer(Writer),
    /// A tool with options that run code or write files.
    Options(Dangerous),
    /// Nothing it can be told to do writes a file or runs a program.
    Plain,
}

/// Options of a wrapper and how many operands come before its command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wrapper {
    /// Short options that take a value (`-n 5`, `-n5`).
    short_values: &'static str,
    /// Short options without a value.
    short_flags: &'static str,
    /// Long options that take a value (`--signal=KILL`, `--signal KILL`).
    long_values: &'static [&'static str],
    /// Long options without a value.
    long_flags: &'static [&'static str],
    /// Operands before the command (`timeout DURATION cmd`).
    operands: usize,
    /// `-5`, `-19`: a number is an option (`nice`).
    numeric: bool,
}

/// Options of a tool that writes its operands, and which operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    short_values: &'static str,
    short_flags: &'static str,
    long_values: &'static [&'static str],
    long_flags: &'static [&'static str],
    /// Which operands it writes.
    writes: Writes,
    /// The short option naming a target folder (`-t DIR`), if any.
    target_dir: Option<char>,
}

/// Which operands a writer writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writes {
    /// Every operand (`rm`, `touch`, `mkdir`, `mv`, `tee`).
    All,
    /// The last (`cp`, `ln`), or the folder of `-t`.
    Last,
}

/// Options of a tool that run code or write files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dangerous {
    /// Options (prefixes of the argument) that run code.
    code: &'static [&'static str],
    /// Options whose value (`--opt=F`, `--opt F`, `-oF`, `-o F`) it writes.
    writes: &'static [&'static str],
    /// Any `NAME=value` operand runs code (`make CC=…`).
    assignments_run_code: bool,
    /// Short options cluster (`make -sf FILE`): a letter anywhere in a
    /// single-dash word counts.
    clusters: bool,
}

const NO_FLAGS: &[&str] = &[];

/// Every program agov knows more about than its rules, by bare name. An
/// unlisted program is judged by its rules alone. Names are matched as
/// given and as resolved, and with a version suffix dropped (`python3.12`).
pub const FAMILIES: &[(&str, Family)] = &[
    // Shells: `-c CODE`, a script, or commands on stdin.
    ("sh", Family::Interpreter),
    ("bash", Family::Interpreter),
    ("dash", Family::Interpreter),
    ("zsh", Family::Interpreter),
    ("ksh", Family::Interpreter),
    ("mksh", Family::Interpreter),
    ("fish", Family::Interpreter),
    ("csh", Family::Interpreter),
    ("tcsh", Family::Interpreter),
    ("pwsh", Family::Interpreter),
    // A multi-call binary: `busybox sh -c …` is a shell.
    ("busybox", Family::Interpreter),
    // Interpreters: `-c`/`-e CODE`, a script, or code on stdin.
    ("python", Family::Interpreter),
    ("perl", Family::Interpreter),
    ("ruby", Family::Interpreter),
    ("node", Family::Interpreter),
    ("nodejs", Family::Interpreter),
    ("deno", Family::Interpreter),
    ("bun", Family::Interpreter),
    ("php", Family::Interpreter),
    ("lua", Family::Interpreter),
    ("luajit", Family::Interpreter),
    ("Rscript", Family::Interpreter),
    ("tclsh", Family::Interpreter),
    ("expect", Family::Interpreter),
    // awk's `system()`, `print > "file"` and `|` run and write anything.
    ("awk", Family::Interpreter),
    ("gawk", Family::Interpreter),
    ("mawk", Family::Interpreter),
    ("nawk", Family::Interpreter),
    // sed's `e`, `w FILE`, `s///e`, `-i`: a program that runs and writes.
    ("sed", Family::Interpreter),
    // Editors and pagers run shell commands (`:!`, `!`).
    ("vi", Family::Interpreter),
    ("vim", Family::Interpreter),
    ("nvim", Family::Interpreter),
    ("emacs", Family::Interpreter),
    ("less", Family::Interpreter),
    ("more", Family::Interpreter),
    ("man", Family::Interpreter),
    // Another user, another root, another namespace: tier 4 only.
    ("sudo", Family::Privileged),
    ("su", Family::Privileged),
    ("doas", Family::Privileged),
    ("pkexec", Family::Privileged),
    ("runuser", Family::Privileged),
    ("setpriv", Family::Privileged),
    ("chroot", Family::Privileged),
    ("unshare", Family::Privileged),
    ("nsenter", Family::Privileged),
    ("capsh", Family::Privileged),
    // `env [-i] [-u NAME] [-C DIR] [-S STRING] [NAME=VALUE]… CMD`.
    ("env", Family::Env),
    // `nice [-n N | -N] CMD`.
    (
        "nice",
        Family::Wrapper(Wrapper {
            short_values: "n",
            short_flags: "",
            long_values: &["--adjustment"],
            long_flags: NO_FLAGS,
            operands: 0,
            numeric: true,
        }),
    ),
    // `nohup CMD`.
    (
        "nohup",
        Family::Wrapper(Wrapper {
            short_values: "",
            short_flags: "",
            long_values: NO_FLAGS,
            long_flags: NO_FLAGS,
            operands: 0,
            numeric: false,
        }),
    ),
    // `timeout [-s SIG] [-k DUR] [-v] [--foreground] DURATION CMD`.
    (
        "timeout",
        Family::Wrapper(Wrapper {
            short_values: "sk",
            short_flags: "vfp",
            long_values: &["--signal", "--kill-after"],
            long_flags: &["--foreground", "--preserve-status", "--verbose"],
            operands: 1,
            numeric: false,
        }),
    ),
    // `stdbuf -i/-o/-e MODE CMD`.
    (
        "stdbuf",
        Family::Wrapper(Wrapper {
            short_values: "ioe",
            short_flags: "",
            long_values: &["--input", "--output", "--error"],
            long_flags: NO_FLAGS,
            operands: 0,
            numeric: false,
        }),
    ),
    // `setsid [-c] [-f] [-w] CMD`.
    (
        "setsid",
        Family::Wrapper(Wrapper {
            short_values: "",
            short_flags: "cfw",
            long_values: NO_FLAGS,
            long_flags: &["--ctty", "--fork", "--wait"],
            operands: 0,
            numeric: false,
        }),
    ),
    // `find`: the commands of `-exec` & co are judged; `-delete` writes the
    // starting points, `-fprint`/`-fprint0`/`-fprintf`/`-fls` their file.
    ("find", Family::Find),
    // `xargs CMD`: CMD is judged with the arguments it will be given unknown.
    ("xargs", Family::Xargs),
    // `git -c`, `--exec-path=`, `-C`, `--git-dir`, `--work-tree`, helper
    // options (`--upload-pack`, `-O`, `--exec`) and subcommands that run
    // programs (`difftool`, `bisect run`, …) need a rule naming git;
    // `--output`/`-o` write.
    ("git", Family::Git),
    // Tools whose operands they write.
    (
        "rm",
        Family::Writer(Writer {
            short_values: "",
            short_flags: "fiIrRdv",
            long_values: NO_FLAGS,
            long_flags: &[
                "--force",
                "--interactive",
                "--one-file-system",
                "--no-preserve-root",
                "--preserve-root",
                "--recursive",
                "--dir",
                "--verbose",
            ],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    (
        "rmdir",
        Family::Writer(Writer {
            short_values: "",
            short_flags: "pv",
            long_values: NO_FLAGS,
            long_flags: &["--ignore-fail-on-non-empty", "--parents", "--verbose"],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    (
        "mkdir",
        Family::Writer(Writer {
            short_values: "m",
            short_flags: "pvZ",
            long_values: &["--mode"],
            long_flags: &["--parents", "--verbose", "--context"],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    (
        "touch",
        Family::Writer(Writer {
            short_values: "drt",
            short_flags: "acfhm",
            long_values: &["--date", "--reference", "--time"],
            long_flags: &["--no-create", "--no-dereference"],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    (
        "tee",
        Family::Writer(Writer {
            short_values: "",
            short_flags: "aip",
            long_values: NO_FLAGS,
            long_flags: &["--append", "--ignore-interrupts", "--output-error"],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    (
        "truncate",
        Family::Writer(Writer {
            short_values: "rs",
            short_flags: "co",
            long_values: &["--reference", "--size"],
            long_flags: &["--no-create", "--io-blocks"],
            writes: Writes::All,
            target_dir: None,
        }),
    ),
    // `mv` removes its sources: every operand is written.
    (
        "mv",
        Family::Writer(Writer {
            short_values: "St",
            short_flags: "finuvbTZ",
            long_values: &["--suffix", "--target-directory"],
            long_flags: &[
                "--force",
                "--interactive",
                "--no-clobber",
                "--update",
                "--verbose",
                "--backup",
                "--no-target-directory",
                "--strip-trailing-slashes",
                "--context",
            ],
            writes: Writes::All,
            target_dir: Some('t'),
        }),
    ),
    (
        "cp",
        Family::Writer(Writer {
            short_values: "St",
            short_flags: "abdfiHlLnPpRrsTuvxZ",
            long_values: &[
                "--suffix",
                "--target-directory",
                "--sparse",
                "--no-preserve",
            ],
            long_flags: &[
                "--archive",
                "--attributes-only",
                "--backup",
                "--copy-contents",
                "--debug",
                "--force",
                "--interactive",
                "--link",
                "--dereference",
                "--no-clobber",
                "--no-dereference",
                "--preserve",
                "--parents",
                "--recursive",
                "--reflink",
                "--remove-destination",
                "--strip-trailing-slashes",
                "--symbolic-link",
                "--no-target-directory",
                "--update",
                "--verbose",
                "--keep-directory-symlink",
                "--one-file-system",
                "--context",
            ],
            writes: Writes::Last,
            target_dir: Some('t'),
        }),
    ),
    (
        "ln",
        Family::Writer(Writer {
            short_values: "St",
            short_flags: "bdFfiLnPrsTv",
            long_values: &["--suffix", "--target-directory"],
            long_flags: &[
                "--backup",
                "--directory",
                "--force",
                "--interactive",
                "--logical",
                "--no-dereference",
                "--physical",
                "--relative",
                "--symbolic",
                "--no-target-directory",
                "--verbose",
            ],
            writes: Writes::Last,
            target_dir: Some('t'),
        }),
    ),
    // `make -f FILE`/`-C DIR`/`--eval` and `VAR=…` overrides run other
    // recipes than the working tree's.
    (
        "make",
        Family::Options(Dangerous {
            code: &[
                "-f",
                "--file",
                "--makefile",
                "-C",
                "--directory",
                "--eval",
                "-E",
                "-I",
                "--include-dir",
            ],
            writes: &[],
            assignments_run_code: true,
            clusters: true,
        }),
    ),
    // `cargo --config` sets runners and linkers; `--manifest-path` builds
    // (and runs the build script of) another crate.
    (
        "cargo",
        Family::Options(Dangerous {
            code: &["--config", "-Z", "--manifest-path", "-C"],
            writes: &[],
            assignments_run_code: false,
            clusters: true,
        }),
    ),
    // `terraform -chdir=DIR` plans another configuration (its providers
    // and `external` data sources run); `-out=F` writes F.
    (
        "terraform",
        Family::Options(Dangerous {
            code: &["-chdir"],
            writes: &["-out", "-state-out", "-backup"],
            assignments_run_code: false,
            clusters: false,
        }),
    ),
    // `date -s` sets the system clock.
    (
        "date",
        Family::Options(Dangerous {
            code: &["-s", "--set"],
            writes: &[],
            assignments_run_code: false,
            clusters: false,
        }),
    ),
    // `tail`/`head`: `-f`, `--pid` follow; nothing writes or runs.
    ("tail", Family::Plain),
    ("head", Family::Plain),
    // `cat`, `ls`, `wc`, `echo`, `true`: nothing writes or runs.
    ("cat", Family::Plain),
    ("ls", Family::Plain),
    ("wc", Family::Plain),
    ("echo", Family::Plain),
    ("true", Family::Plain),
    // GNU grep has no option that runs a program or writes a file.
    ("grep", Family::Plain),
];

/// The family of a program named `name` (as given or resolved).
pub fn family(name: &str) -> Option<Family> {
    let name = basename(name);
    let lookup = |n: &str| FAMILIES.iter().find(|(f, _)| *f == n).map(|(_, f)| *f);
    lookup(name).or_else(|| {
        // python3.12, perl5.36, gawk-5.1
        let short = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
        (short != name && !short.is_empty())
            .then(|| lookup(short))
            .flatten()
    })
}

/// Whether `word` is `NAME=VALUE` with a shell variable name.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(n, _)| {
        !n.is_empty()
            && !n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Variables an `env NAME=VALUE` may set without the command running other
/// code (`LD_PRELOAD`, `GIT_PAGER`, `BASH_ENV` and the rest do).
const SAFE_VARIABLES: &[&str] = &[
    "LANG", "LANGUAGE", "TZ", "TERM", "NO_COLOR", "COLUMNS", "LINES", "TMPDIR", "USER", "LOGNAME",
];

fn safe_variable(name: &str) -> bool {
    SAFE_VARIABLES.contains(&name) || name.starts_with("LC_")
}

/// Environment variables that make a program run code of the caller's
/// choosing (a preloaded library, a pager, an editor, a diff or ssh helper,
/// git configuration, a shell's start-up file, an interpreter's options):
/// whole names, or prefixes ending in `*`. A command that is judged by its
/// argv must not inherit them; `pipeline agent exec` removes them.
pub const CODE_VARIABLES: &[&str] = &[
    "LD_*",
    "DYLD_*",
    "GIT_*",
    "PAGER",
    "MANPAGER",
    "SYSTEMD_PAGER",
    "EDITOR",
    "VISUAL",
    "BROWSER",
    "LESSOPEN",
    "LESSCLOSE",
    "BASH_ENV",
    "ENV",
    "BASH_FUNC_*",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "PYTHON*",
    "PERL5*",
    "PERLLIB",
    "RUBYOPT",
    "RUBYLIB",
    "NODE_OPTIONS",
    "NODE_PATH",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC",
    "RUSTDOC",
    "CARGO_BUILD_*",
    "CARGO_TARGET_*",
    "MAKEFLAGS",
    "MAKEFILES",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "TF_CLI_CONFIG_FILE",
    "TERRAFORM_CONFIG",
];

/// Whether the environment variable `name` can make a program run other code.
pub fn variable_runs_code(name: &str) -> bool {
    CODE_VARIABLES.iter().any(|v| match v.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *v,
    })
}

/// Judges one command; pushes its checks (its own first) and returns its
/// resolved program.
fn command(
    argv: &[String],
    ctx: &Context,
    programs: &[PathBuf],
    via: Option<&str>,
    depth: usize,
    out: &mut Vec<Check>,
) -> Option<PathBuf> {
    let Some(argv0) = argv.first() else {
        let mut c = Check::new("cmd:".into());
        c.refused = Some("names no command".into());
        c.via = via.map(str::to_string);
        out.push(c);
        return None;
    };
    let exe = resolve(argv0, ctx);
    let name = rule_name(argv0, exe.as_deref(), ctx, programs);
    let mut words = vec![name.clone()];
    words.extend(argv[1..].iter().cloned());
    let mut own = Check::new(format!("cmd:{}", words.join(" ")));
    own.program = Some(name.clone());
    if let Some(exe) = &exe {
        words[0] = exe.to_string_lossy().into_owned();
        own.exe = Some(words[0].clone());
        let abs = format!("cmd:{}", words.join(" "));
        if abs != own.action {
            own.absolute = Some(abs);
        }
    }
    own.via = via.map(str::to_string);
    if name.starts_with('/') {
        let base = basename(argv0);
        own.note = Some(match resolve_trusted(base, programs) {
            Some(t) => format!(
                "`{argv0}` is `{name}`, not the `{base}` rules name (`{}`)",
                t.display()
            ),
            None => format!("`{argv0}` is `{name}`, outside the trusted program folders"),
        });
    }
    if depth > MAX_DEPTH {
        own.refused = Some(format!("commands nest more than {MAX_DEPTH} deep"));
        out.push(own);
        return exe;
    }
    let fam = family(&name)
        .or_else(|| family(argv0))
        .or_else(|| exe.as_deref().and_then(|e| family(&e.to_string_lossy())));
    let args = &argv[1..];
    let short = basename(&name).to_string();
    let at = out.len();
    out.push(own);
    let inner_via = |what: &str| match via {
        Some(v) => format!("{what} (run by {v})"),
        None => what.to_string(),
    };
    match fam {
        None | Some(Family::Plain) => {}
        Some(Family::Interpreter) => {
            out[at].runs_code = Some(format!(
                "`{short}` runs the code it is given (inline, a script or its input)"
            ));
        }
        Some(Family::Privileged) => {
            out[at].runs_code = Some(format!(
                "`{short}` runs a command as another user, root or namespace"
            ));
        }
        Some(Family::Wrapper(w)) => match unwrap(args, &w) {
            Ok([]) => {}
            Ok(inner) => {
                out[at].transparent = true;
                let v = inner_via(&format!("`{short}`"));
                command(inner, ctx, programs, Some(&v), depth + 1, out);
            }
            Err(why) => out[at].refused = Some(why),
        },
        Some(Family::Env) => match unwrap_env(args, ctx) {
            Ok(EnvRun {
                inner,
                ctx: inner_ctx,
                code,
            }) => {
                if let Some(code) = code {
                    out[at].runs_code = Some(code);
                }
                if !inner.is_empty() {
                    out[at].transparent = true;
                    let v = inner_via("`env`");
                    command(&inner, &inner_ctx, programs, Some(&v), depth + 1, out);
                }
            }
            Err(why) => out[at].refused = Some(why),
        },
        Some(Family::Find) => find(args, ctx, programs, &inner_via, depth, at, out),
        Some(Family::Xargs) => xargs(args, ctx, programs, &inner_via, depth, at, out),
        Some(Family::Git) => git(args, ctx, at, out),
        Some(Family::Writer(w)) => match written(args, &w) {
            Ok(paths) => {
                for p in paths {
                    let mut c = path_check("write", &p, ctx);
                    c.via = Some(inner_via(&format!("`{short}`")));
                    out.push(c);
                }
            }
            Err(why) => out[at].refused = Some(why),
        },
        Some(Family::Options(d)) => {
            for (i, a) in args.iter().enumerate() {
                let clustered = |o: &&&str| {
                    d.clusters
                        && o.len() == 2
                        && !a.starts_with("--")
                        && a.starts_with('-')
                        && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                        && a[1..].contains(&o[1..])
                };
                if let Some(o) = d.code.iter().find(|o| option_is(a, o) || clustered(o)) {
                    out[at].runs_code = Some(format!("`{short} {o}` runs other code"));
                }
                if d.assignments_run_code && is_assignment(a) {
                    out[at].runs_code = Some(format!("`{short} {a}` overrides what it runs"));
                }
                if let Some(o) = d.writes.iter().find(|o| option_is(a, o))
                    && let Some(f) = option_value(args, i, o)
                {
                    let mut c = path_check("write", &f, ctx);
                    c.via = Some(inner_via(&format!("`{short} {o}`")));
                    out.push(c);
                }
            }
        }
    }
    exe
}

/// Whether `arg` is the option `opt` (`--opt`, `--opt=…`, `-o`, `-oVALUE`).
fn option_is(arg: &str, opt: &str) -> bool {
    if opt.starts_with("--") || (opt.len() > 2 && opt.starts_with('-')) {
        arg == opt || arg.strip_prefix(opt).is_some_and(|r| r.starts_with('='))
    } else {
        arg.starts_with(opt)
    }
}

/// The value of option `opt` at `args[i]`.
fn option_value(args: &[String], i: usize, opt: &str) -> Option<String> {
    let a = &args[i];
    if let Some(v) = a.strip_prefix(opt) {
        if let Some(v) = v.strip_prefix('=') {
            return Some(v.to_string());
        }
        if !(v.is_empty() || opt.starts_with("--") || opt.len() > 2) {
            return Some(v.to_string());
        }
    }
    args.get(i + 1).cloned()
}

/// The command a wrapper runs (empty: none).
fn unwrap<'a>(args: &'a [String], w: &Wrapper) -> Result<&'a [String], String> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let key = format!("--{}", long.split('=').next().unwrap_or(long));
            if w.long_flags.contains(&key.as_str()) {
                i += 1;
            } else if w.long_values.contains(&key.as_str()) {
                i += if long.contains('=') { 1 } else { 2 };
            } else {
                return Err(format!("cannot judge option `{a}`"));
            }
            continue;
        }
        if w.numeric && a[1..].chars().all(|c| c.is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut chars = a[1..].chars();
        let mut step = 1;
        while let Some(c) = chars.next() {
            if w.short_values.contains(c) {
                if chars.as_str().is_empty() {
                    step = 2;
                }
                break;
            } else if !w.short_flags.contains(c) {
                return Err(format!("cannot judge option `-{c}` (in `{a}`)"));
            }
        }
        i += step;
    }
    let start = (i + w.operands).min(args.len());
    Ok(&args[start..])
}

struct EnvRun {
    inner: Vec<String>,
    ctx: Context,
    code: Option<String>,
}

/// `env`'s command, in the working directory and PATH it gets.
fn unwrap_env(args: &[String], ctx: &Context) -> Result<EnvRun, String> {
    let mut ctx = ctx.clone();
    let mut code = None;
    let mut words: Vec<String> = args.to_vec();
    let mut i = 0;
    let value =
        |words: &[String], i: usize, a: &str, long: bool| -> Result<(String, usize), String> {
            if long && let Some((_, v)) = a.split_once('=') {
                return Ok((v.to_string(), 1));
            }
            if !long && a.len() > 2 {
                return Ok((a[2..].to_string(), 1));
            }
            words
                .get(i + 1)
                .map(|v| (v.clone(), 2))
                .ok_or_else(|| format!("`env {a}` needs a value"))
        };
    while i < words.len() {
        let a = words[i].clone();
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-" || a == "-i" || a == "--ignore-environment" {
            ctx.path = None;
            i += 1;
            continue;
        }
        if a == "-0" || a == "--null" || a == "-v" || a == "--debug" {
            i += 1;
            continue;
        }
        if a.starts_with("--block-signal")
            || a.starts_with("--default-signal")
            || a.starts_with("--ignore-signal")
            || a == "--list-signal-handling"
        {
            i += 1;
            continue;
        }
        let long = a.starts_with("--");
        if a.starts_with("-u") || a.starts_with("--unset") {
            let (v, n) = value(&words, i, &a, long)?;
            if v == "PATH" {
                ctx.path = None;
            }
            i += n;
            continue;
        }
        if a.starts_with("-C") || a.starts_with("--chdir") {
            let (v, n) = value(&words, i, &a, long)?;
            ctx = Context::new(normalise(&v, &ctx.cwd), ctx.path);
            i += n;
            continue;
        }
        if a.starts_with("-S") || a.starts_with("--split-string") {
            let (v, n) = value(&words, i, &a, long)?;
            let split = split_words(&v).map_err(|e| format!("`env -S` string: {e}"))?;
            words.splice(i..i + n, split);
            continue;
        }
        if a.starts_with('-') {
            return Err(format!("cannot judge option `{a}` of `env`"));
        }
        if is_assignment(&a) {
            let (name, val) = a.split_once('=').unwrap_or((&a, ""));
            if name == "PATH" {
                ctx.path = Some(OsString::from(val));
            } else if !safe_variable(name) {
                code = Some(format!(
                    "`env {name}=…` can make the command run other code"
                ));
            }
            i += 1;
            continue;
        }
        break;
    }
    Ok(EnvRun {
        inner: words[i.min(words.len())..].to_vec(),
        ctx,
        code,
    })
}

/// `find ARGS`: its inner commands and writes.
fn find(
    args: &[String],
    ctx: &Context,
    programs: &[PathBuf],
    via: &dyn Fn(&str) -> String,
    depth: usize,
    at: usize,
    out: &mut Vec<Check>,
) {
    let mut i = 0;
    // -H -L -P -D opts -Olevel, then starting points.
    while i < args.len() {
        match args[i].as_str() {
            "-H" | "-L" | "-P" => i += 1,
            "-D" => i += 2,
            a if a.starts_with("-O") => i += 1,
            _ => break,
        }
    }
    let mut starts = Vec::new();
    while i < args.len() {
        let a = args[i].as_str();
        if a.starts_with('-') || a == "(" || a == "!" || a == "," {
            break;
        }
        starts.push(a.to_string());
        i += 1;
    }
    if starts.is_empty() {
        starts.push(".".into());
    }
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let plus = a.starts_with("-exec");
                let mut end = None;
                for j in i + 1..args.len() {
                    if args[j] == ";"
                        || (plus && args[j] == "+" && j > i + 1 && args[j - 1] == "{}")
                    {
                        end = Some(j);
                        break;
                    }
                }
                let Some(end) = end else {
                    out[at].refused = Some(format!("`find {a}` without its `;`"));
                    return;
                };
                // `{}` is each file found: something under a starting point.
                let v = via(&format!("`find {a}`"));
                for s in &starts {
                    let under = format!("{}/*", s.trim_end_matches('/'));
                    let inner: Vec<String> = args[i + 1..end]
                        .iter()
                        .map(|w| w.replace("{}", &under))
                        .collect();
                    command(&inner, ctx, programs, Some(&v), depth + 1, out);
                }
                i = end + 1;
            }
            "-delete" => {
                for s in &starts {
                    let mut c = path_check("write", s, ctx);
                    c.via = Some(via("`find -delete`"));
                    out.push(c);
                }
                i += 1;
            }
            "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                match args.get(i + 1) {
                    Some(f) => {
                        let mut c = path_check("write", f, ctx);
                        c.via = Some(via(&format!("`find {a}`")));
                        out.push(c);
                    }
                    None => out[at].refused = Some(format!("`find {a}` without its file")),
                }
                i += if a == "-fprintf" { 3 } else { 2 };
            }
            _ => i += 1,
        }
    }
}

/// `xargs [OPTIONS] CMD ARGS`: CMD is judged; since its input adds
/// arguments no rule has seen, a CMD with options that matter (any program
/// in [`FAMILIES`] but the plain ones) needs a rule naming `xargs`.
fn xargs(
    args: &[String],
    ctx: &Context,
    programs: &[PathBuf],
    via: &dyn Fn(&str) -> String,
    depth: usize,
    at: usize,
    out: &mut Vec<Check>,
) {
    let w = Wrapper {
        short_values: "adEILnPs",
        short_flags: "0rtpxo",
        long_values: &[
            "--arg-file",
            "--delimiter",
            "--max-lines",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--process-slot-var",
        ],
        long_flags: &[
            "--null",
            "--no-run-if-empty",
            "--verbose",
            "--interactive",
            "--exit",
            "--open-tty",
            "--show-limits",
            "--replace",
            "--eof",
        ],
        operands: 0,
        numeric: false,
    };
    // -e[EOF], -i[R], -l[N] take their value attached only.
    let filtered: Vec<String> = args
        .iter()
        .map(|a| {
            if !a.starts_with("--")
                && a.starts_with('-')
                && a.chars().nth(1).is_some_and(|c| "eil".contains(c))
            {
                "-t".to_string()
            } else if a.starts_with("--replace=") || a.starts_with("--eof=") {
                "--verbose".to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let inner = match unwrap(&filtered, &w) {
        Ok(inner) => args[args.len() - inner.len()..].to_vec(),
        Err(why) => {
            out[at].refused = Some(why);
            return;
        }
    };
    let mut inner = if inner.is_empty() {
        vec!["echo".to_string()]
    } else {
        inner
    };
    let prog = rule_name(&inner[0], resolve(&inner[0], ctx).as_deref(), ctx, programs);
    let fam = family(&prog).or_else(|| family(&inner[0]));
    if !matches!(fam, None | Some(Family::Plain)) {
        out[at].runs_code = Some(format!(
            "`xargs` gives `{}` arguments no rule has seen",
            basename(&prog)
        ));
    }
    // Its input's arguments, unknown.
    out[at].transparent = true;
    inner.push("…".into());
    let v = via("`xargs`");
    command(&inner, ctx, programs, Some(&v), depth + 1, out);
}

/// `git` configuration keys `-c` may set without running anything.
const SAFE_GIT_CONFIG: &[&str] = &["color.", "advice.", "core.quotepath", "log.date", "column."];

/// git subcommands that run programs of the caller's choosing.
const GIT_RUNNERS: &[&str] = &[
    "difftool",
    "mergetool",
    "filter-branch",
    "bisect",
    "submodule",
];

/// git options (any subcommand) that run helpers.
const GIT_HELPERS: &[&str] = &[
    "--upload-pack",
    "--receive-pack",
    "--exec",
    "--extcmd",
    "--open-files-in-pager",
    "-O",
    "--ext-diff",
    "--tool",
];

fn git(args: &[String], ctx: &Context, at: usize, out: &mut Vec<Check>) {
    let mut i = 0;
    let code = |out: &mut Vec<Check>, why: String| out[at].runs_code = Some(why);
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            break;
        }
        match a {
            "-c" => {
                let kv = args.get(i + 1).map_or("", String::as_str);
                let key = kv.split('=').next().unwrap_or("").to_ascii_lowercase();
                if !SAFE_GIT_CONFIG.iter().any(|s| key.starts_with(s)) {
                    code(
                        out,
                        format!("`git -c {kv}` sets configuration that can run programs"),
                    );
                }
                i += 2;
            }
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix" => {
                code(
                    out,
                    format!("`git {a}` uses another repository's configuration"),
                );
                i += 2;
            }
            _ if a.starts_with("--config-env") || a.starts_with("--exec-path=") => {
                code(out, format!("`git {a}` can run other programs"));
                i += 1 + usize::from(a == "--config-env");
            }
            _ if a.starts_with("--git-dir=")
                || a.starts_with("--work-tree=")
                || a.starts_with("--namespace=") =>
            {
                code(
                    out,
                    format!("`git {a}` uses another repository's configuration"),
                );
                i += 1;
            }
            _ => i += 1,
        }
    }
    let Some(sub) = args.get(i) else { return };
    if GIT_RUNNERS.contains(&sub.as_str()) {
        code(out, format!("`git {sub}` runs programs"));
    }
    let rest = &args[i + 1..];
    for (j, a) in rest.iter().enumerate() {
        if a == "--" {
            break;
        }
        if let Some(h) = GIT_HELPERS.iter().find(|h| option_is(a, h)) {
            code(out, format!("`git {sub} {h}` runs a helper program"));
        }
        if sub == "rebase" && (a == "-x" || a.starts_with("-x")) {
            code(out, "`git rebase -x` runs a command".into());
        }
        let write = if option_is(a, "--output") {
            Some("--output")
        } else if sub == "format-patch"
            && (option_is(a, "--output-directory") || option_is(a, "-o"))
        {
            Some(if a.starts_with("--") {
                "--output-directory"
            } else {
                "-o"
            })
        } else {
            None
        };
        if let Some(o) = write
            && let Some(f) = option_value(rest, j, o)
        {
            let mut c = path_check("write", &f, ctx);
            c.via = Some(format!("`git {sub} {o}`"));
            out.push(c);
        }
    }
}

/// The operands a writer writes.
fn written(args: &[String], w: &Writer) -> Result<Vec<String>, String> {
    let mut operands = Vec::new();
    let mut target = None;
    let mut i = 0;
    let mut options = true;
    while i < args.len() {
        let a = args[i].as_str();
        if !options || !a.starts_with('-') || a == "-" {
            operands.push(a.to_string());
            i += 1;
            continue;
        }
        if a == "--" {
            options = false;
            i += 1;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (key, val) = match long.split_once('=') {
                Some((k, v)) => (format!("--{k}"), Some(v.to_string())),
                None => (a.to_string(), None),
            };
            if w.long_flags.contains(&key.as_str()) {
                i += 1;
            } else if w.long_values.contains(&key.as_str()) {
                let (v, n) = match val {
                    Some(v) => (Some(v), 1),
                    None => (args.get(i + 1).cloned(), 2),
                };
                if key == "--target-directory" {
                    target = v;
                }
                i += n;
            } else {
                return Err(format!("cannot judge option `{a}`"));
            }
            continue;
        }
        let mut chars = a[1..].chars();
        let mut step = 1;
        while let Some(c) = chars.next() {
            if w.short_values.contains(c) {
                let rest = chars.as_str();
                let v = if rest.is_empty() {
                    step = 2;
                    args.get(i + 1).cloned()
                } else {
                    Some(rest.to_string())
                };
                if Some(c) == w.target_dir {
                    target = v;
                }
                break;
            } else if !w.short_flags.contains(c) {
                return Err(format!("cannot judge option `-{c}` (in `{a}`)"));
            }
        }
        i += step;
    }
    // Into a folder, a file of each source's name is written there.
    let into = |dest: &str, sources: &[String]| -> Vec<String> {
        std::iter::once(dest.to_string())
            .chain(sources.iter().map(|s| {
                format!(
                    "{}/{}",
                    dest.trim_end_matches('/'),
                    basename(s.trim_end_matches('/'))
                )
            }))
            .collect()
    };
    Ok(match (w.writes, target) {
        (Writes::All, Some(t)) => {
            let mut all = into(&t, &operands);
            all.extend(operands);
            all
        }
        (Writes::All, None) => operands,
        (Writes::Last, Some(t)) => into(&t, &operands),
        (Writes::Last, None) if operands.len() == 1 => {
            // `ln -s TARGET`: a link of the same name here.
            vec![basename(&operands[0]).to_string()]
        }
        (Writes::Last, None) => match operands.split_last() {
            Some((dest, sources)) => into(dest, sources),
            None => Vec::new(),
        },
    })
}

/// Splits a command line into words as a POSIX shell would without
/// expanding anything; anything a shell would do beyond that (pipes, lists,
/// redirections, substitutions, an unfinished quote) is an error that names
/// it.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("an unfinished `'`".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("an unfinished `\"`".into()),
                        },
                        Some(c @ ('$' | '`')) => return Err(format!("`{c}` expands")),
                        Some(c) => cur.push(c),
                        None => return Err("an unfinished `\"`".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => cur.push(c),
                    None => return Err("a trailing `\\`".into()),
                }
            }
            '#' if !in_word => return Err("`#` starts a comment".into()),
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '\n' => {
                return Err(format!("`{}` is shell syntax", c.escape_default()));
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}
