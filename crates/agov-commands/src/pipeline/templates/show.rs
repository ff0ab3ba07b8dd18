//! `pipeline templates show`: one template in full.

use agov_cli::{CliError, Ctx, Output};
use agov_templates::{Reference, Stored, TemplateError};

use super::{reading, reference};

/// Show one template in full: NAME for the newest version, NAME@VERSION for one
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// NAME or NAME@VERSION
    #[arg(value_parser = reference, value_name = "TEMPLATE")]
    template: Reference,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let stored = reading(ctx, |reg| Ok(reg.get(&args.template)?))?
        .ok_or_else(|| TemplateError::NotFound(args.template.to_string()))?;
    ctx.out.record(&stored, |out| human(out, &stored))
}

fn human(out: &mut Output, s: &Stored) -> Result<(), CliError> {
    let t = &s.template;
    out.line(&format!(
        "{}  {}",
        s.reference,
        t.description.lines().next().unwrap_or_default()
    ))?;
    out.line(&format!(
        "role: {}   driver: {}   tier: {}   tags: {}",
        t.role,
        t.driver.as_str(),
        t.tier,
        if t.tags.is_empty() {
            "-".to_string()
        } else {
            t.tags.join(", ")
        }
    ))?;
    if !t.command.is_empty() {
        out.line(&format!("command: {}", t.command.join(" ")))?;
    }
    for (label, list) in [
        ("deliverables", &t.deliverables),
        ("required steps", &t.required_steps),
        ("forbidden", &t.forbidden),
    ] {
        if !list.is_empty() {
            out.line(&format!("{label}: {}", list.join(", ")))?;
        }
    }
    out.line(&format!(
        "added by {} at {}   digest {}",
        s.added_by,
        s.added,
        &s.digest[..16]
    ))?;
    if t.description.lines().count() > 1 {
        out.line("")?;
        out.line(t.description.trim_end())?;
    }
    if let Some(p) = &t.prompt {
        out.line("")?;
        out.line("prompt:")?;
        for l in p.trim_end().lines() {
            out.line(&format!("  {l}"))?;
        }
    }
    Ok(())
}
