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

mod commands;
mod families;

use commands::*;
pub use families::*;

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
