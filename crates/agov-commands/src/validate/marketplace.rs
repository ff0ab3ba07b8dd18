//! Phase 11, Marketplace search: templates are stored per tenant, found by
//! full-text search best match first, pinned by version (a changed version
//! is refused), invisible to another tenant, and a plan naming one resolves
//! through the same checks `pipeline spawn` runs. Scratch templates are
//! removed again.

use agov_config::Settings;
use agov_pipeline::validate::{Context, validate};
use agov_templates::{Template, TemplateError, Templates};

use super::Phase;

const ACTOR: &str = "agov:validate-phases";

fn template(name: &str, description: &str, tags: &str) -> Result<Template, String> {
    Template::parse(
        name,
        &format!(
            "name: {name}\nversion: 1.0.0\ndescription: {description}\nrole: alpha\ncommand: [sh, probe.sh]\ntier: 0\ntags: [{tags}]\n"
        ),
    )
}

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(mut ledger) = super::existing_ledger(settings, phase) else {
        return;
    };
    let probes = match (
        template(
            "probe-terraform",
            "reviews a terraform plan for drift",
            "terraform, iac",
        ),
        template("probe-ansible", "runs ansible in check mode", "ansible"),
    ) {
        (Ok(a), Ok(b)) => vec![a, b],
        (Err(e), _) | (_, Err(e)) => {
            phase.check("templates parse", Err(e));
            return;
        }
    };
    let added = Templates::new(&mut ledger, scratch, ACTOR)
        .add(&probes)
        .map_err(|e| e.to_string());
    let ok = added.is_ok();
    phase.check("templates are added (ledgered)", added.map(|_| ()));
    if !ok {
        return;
    }
    let found = Templates::new(&mut ledger, scratch, ACTOR)
        .search("terraform drift", 10)
        .map_err(|e| e.to_string())
        .and_then(|hits| match hits.first() {
            Some(h) if h.stored.template.name == "probe-terraform" && hits.len() == 1 => Ok(()),
            _ => Err(format!(
                "searching `terraform drift` found {:?}",
                hits.iter().map(|h| &h.stored.reference).collect::<Vec<_>>()
            )),
        });
    phase.check("search finds the template, best match first", found);
    let changed = template("probe-ansible", "changed behind the plan's back", "ansible");
    let refused = match changed.map(|t| Templates::new(&mut ledger, scratch, ACTOR).add(&[t])) {
        Ok(Err(TemplateError::Conflict(_))) => Ok(()),
        Ok(Ok(_)) => Err("a changed version was stored".to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e),
    };
    phase.check("a stored version cannot change", refused);
    let other = format!("{scratch}-other");
    let hidden = Templates::new(&mut ledger, &other, ACTOR)
        .search("terraform", 10)
        .map_err(|e| e.to_string())
        .and_then(|hits| match hits.is_empty() {
            true => Ok(()),
            false => Err(format!("another tenant finds {} template(s)", hits.len())),
        });
    phase.check("another tenant finds none of them", hidden);
    let plan = "name: probe\nobjective: probe\nagents:\n  alpha: {template: probe-terraform@1.0.0}\n  beta: {command: [sh, b.sh]}\n";
    let mut lookup = |r: &str| -> Result<Option<Template>, agov_plan::PlanError> {
        Ok(agov_templates::store::find(&ledger, scratch, r)?)
    };
    let resolved = validate(
        plan,
        &mut Context {
            tier: None,
            lookup: &mut lookup,
            vars: &[],
        },
    )
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|problems| format!("{problems:?}")))
    .and_then(
        |p| match p.agents.values().next().map(|a| a.command.clone()) {
            Some(c) if c == ["sh", "probe.sh"] => Ok(()),
            other => Err(format!("the template did not fill the agent in: {other:?}")),
        },
    );
    phase.check("a plan naming a template resolves it", resolved);
    let mut reg = Templates::new(&mut ledger, scratch, ACTOR);
    let removed = ["probe-terraform", "probe-ansible"]
        .iter()
        .try_for_each(|n| {
            reg.remove(&n.parse().map_err(TemplateError::BadInput)?)
                .map(|_| ())
        })
        .map_err(|e| e.to_string());
    phase.check("templates are removed (ledgered)", removed);
}
