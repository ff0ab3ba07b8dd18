//! The table of programs that matter beyond their rule: wrappers judged as
//! the command they run, writers whose operands are writes, code runners no
//! rule can read, tools with dangerous options; and the environment
//! variables that make a program run other code.

use super::*;

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
    pub(super) short_values: &'static str,
    /// Short options without a value.
    pub(super) short_flags: &'static str,
    /// Long options that take a value (`--signal=KILL`, `--signal KILL`).
    pub(super) long_values: &'static [&'static str],
    /// Long options without a value.
    pub(super) long_flags: &'static [&'static str],
    /// Operands before the command (`timeout DURATION cmd`).
    pub(super) operands: usize,
    /// `-5`, `-19`: a number is an option (`nice`).
    pub(super) numeric: bool,
}

/// Options of a tool that writes its operands, and which operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    pub(super) short_values: &'static str,
    pub(super) short_flags: &'static str,
    pub(super) long_values: &'static [&'static str],
    pub(super) long_flags: &'static [&'static str],
    /// Which operands it writes.
    pub(super) writes: Writes,
    /// The short option naming a target folder (`-t DIR`), if any.
    pub(super) target_dir: Option<char>,
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
    pub(super) code: &'static [&'static str],
    /// Options whose value (`--opt=F`, `--opt F`, `-oF`, `-o F`) it writes.
    pub(super) writes: &'static [&'static str],
    /// Any `NAME=value` operand runs code (`make CC=…`).
    pub(super) assignments_run_code: bool,
    /// Short options cluster (`make -sf FILE`): a letter anywhere in a
    /// single-dash word counts.
    pub(super) clusters: bool,
}

pub(super) const NO_FLAGS: &[&str] = &[];

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
pub(super) fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(n, _)| {
        !n.is_empty()
            && !n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Variables an `env NAME=VALUE` may set without the command running other
/// code (`LD_PRELOAD`, `GIT_PAGER`, `BASH_ENV` and the rest do).
pub(super) const SAFE_VARIABLES: &[&str] = &[
    "LANG", "LANGUAGE", "TZ", "TERM", "NO_COLOR", "COLUMNS", "LINES", "TMPDIR", "USER", "LOGNAME",
];

pub(super) fn safe_variable(name: &str) -> bool {
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
