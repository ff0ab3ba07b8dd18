//! `pipeline templates add`: stores templates from files or folders, all or none.

use std::path::{Path, PathBuf};

use agov_cli::{CliError, Ctx};
use agov_templates::Template;
use agov_templates::model::MAX_TEMPLATE_BYTES;

use super::writing;

/// Add templates from YAML/JSON files or folders of them (all or none; a stored version never changes)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: pipeline templates add examples/templates   # installs the shipped templates"
)]
pub(in super::super) struct Args {
    /// Template files, or folders whose *.yaml, *.yml and *.json files are templates
    #[arg(required = true, num_args = 1.., value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let files = template_files(&args.paths)?;
    let mut templates = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for f in &files {
        match read(f) {
            Ok(t) => templates.push(t),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        return Err(CliError::usage(problems.join("\n")).with_hint(format!(
            "{n} of {} template files are malformed; nothing was added (schema/json/template.schema.json describes them)",
            files.len()
        )));
    }
    let mut seen = std::collections::HashMap::new();
    for (t, f) in templates.iter().zip(&files) {
        if let Some(other) = seen.insert(t.reference(), f) {
            return Err(CliError::usage(format!(
                "{} is defined twice: in {} and {}",
                t.reference(),
                other.display(),
                f.display()
            )));
        }
    }
    let done = writing(ctx, |reg| Ok(reg.add(&templates)?))?;
    let added = done.iter().filter(|d| d.status == "added").count();
    let value = Added {
        unchanged: done.len() - added,
        templates: done,
        added,
    };
    let done = &value.templates;
    ctx.out.record(&value, |out| {
        // A folder of thousands is summed up after the first few.
        const SHOWN: usize = 20;
        for d in done.iter().take(SHOWN) {
            out.line(&format!("{:9} {}", d.status, d.reference))?;
        }
        if done.len() > SHOWN {
            out.line(&format!(
                "… and {} more (--json lists every one)",
                done.len() - SHOWN
            ))?;
        }
        out.line(&format!("{added} added, {} unchanged", done.len() - added))
    })
}

/// The files named, with each folder replaced by its template files, sorted.
fn template_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| CliError::io(&p.display().to_string(), e))?;
        if !meta.is_dir() {
            files.push(p.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| CliError::io(&p.display().to_string(), e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|f| {
                f.is_file()
                    && matches!(
                        f.extension().and_then(|x| x.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
            })
            .collect();
        if found.is_empty() {
            return Err(CliError::usage(format!(
                "{} holds no *.yaml, *.yml or *.json file",
                p.display()
            )));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// Reads and checks one template file; the error names the file.
fn read(path: &Path) -> Result<Template, String> {
    let what = path.display().to_string();
    let len = std::fs::metadata(path)
        .map_err(|e| format!("{what}: {e}"))?
        .len();
    if len > MAX_TEMPLATE_BYTES as u64 {
        return Err(format!("{what}: larger than {MAX_TEMPLATE_BYTES} bytes"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{what}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{what}: not UTF-8 text"))?;
    Template::parse(&what, &text)
}

/// `pipeline templates add --json`: `schema/json/template-add.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Templates added",
    description = "`pipeline templates add --json`."
)]
pub(crate) struct Added {
    /// What adding each template did.
    templates: Vec<agov_templates::Installed>,
    /// Templates stored now.
    added: usize,
    /// Templates already stored with the same content.
    unchanged: usize,
}
