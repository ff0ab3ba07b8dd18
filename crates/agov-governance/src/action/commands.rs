//! One command judged as it will run: its program resolved, wrappers,
//! `env`, `find`, `xargs` and `git` unwrapped or read option by option, and
//! the files a writer writes turned into `write:` checks.

use super::*;

/// Judges one command; pushes its checks (its own first) and returns its
/// resolved program.
pub(super) fn command(
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
pub(super) fn option_is(arg: &str, opt: &str) -> bool {
    if opt.starts_with("--") || (opt.len() > 2 && opt.starts_with('-')) {
        arg == opt || arg.strip_prefix(opt).is_some_and(|r| r.starts_with('='))
    } else {
        arg.starts_with(opt)
    }
}

/// The value of option `opt` at `args[i]`.
pub(super) fn option_value(args: &[String], i: usize, opt: &str) -> Option<String> {
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
pub(super) fn unwrap<'a>(args: &'a [String], w: &Wrapper) -> Result<&'a [String], String> {
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

pub(super) struct EnvRun {
    inner: Vec<String>,
    ctx: Context,
    code: Option<String>,
}

/// `env`'s command, in the working directory and PATH it gets.
pub(super) fn unwrap_env(args: &[String], ctx: &Context) -> Result<EnvRun, String> {
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
pub(super) fn find(
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
pub(super) fn xargs(
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
pub(super) const SAFE_GIT_CONFIG: &[&str] =
    &["color.", "advice.", "core.quotepath", "log.date", "column."];

/// git subcommands that run programs of the caller's choosing.
pub(super) const GIT_RUNNERS: &[&str] = &[
    "difftool",
    "mergetool",
    "filter-branch",
    "bisect",
    "submodule",
];

/// git options (any subcommand) that run helpers.
pub(super) const GIT_HELPERS: &[&str] = &[
    "--upload-pack",
    "--receive-pack",
    "--exec",
    "--extcmd",
    "--open-files-in-pager",
    "-O",
    "--ext-diff",
    "--tool",
];

pub(super) fn git(args: &[String], ctx: &Context, at: usize, out: &mut Vec<Check>) {
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
pub(super) fn written(args: &[String], w: &Writer) -> Result<Vec<String>, String> {
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
