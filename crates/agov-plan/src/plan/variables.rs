//! Plan variables: `--var NAME=VALUE` overrides and `${NAME}` expanded in
//! the plan's text fields.

use super::*;

impl Plan {
    /// Takes `overrides` (`--var NAME=VALUE`, each of a declared variable)
    /// and replaces every `${NAME}` with its value (`$${` is a literal
    /// `${`); returns the problems, as (dotted path, message).
    pub fn expand_variables(&mut self, overrides: &[(String, String)]) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (k, v) in overrides {
            if let Some(slot) = self.variables.get_mut(k) {
                *slot = v.clone();
            } else {
                let known: Vec<&str> = self.variables.keys().map(String::as_str).collect();
                problems.push((
                    "variables".to_string(),
                    format!(
                        "--var {k}: the plan declares no variable `{k}`{}",
                        if known.is_empty() {
                            String::new()
                        } else {
                            format!(" (it declares {})", known.join(", "))
                        }
                    ),
                ));
            }
        }
        let vars = self.variables.clone();
        let mut sub = |path: String, text: &mut String| {
            match expand(text, &vars) {
            Ok(done) => *text = done,
            Err(name) => problems.push((
                path,
                format!("unknown variable `{name}`: declare it under `variables` (`$${{` writes a literal `${{`)"),
            )),
        }
        };
        sub("objective".into(), &mut self.objective);
        let agents = self
            .agents
            .iter_mut()
            .map(|(r, a)| (format!("agents.{r}"), a));
        let stages = self
            .stages
            .iter_mut()
            .enumerate()
            .map(|(i, s)| (format!("stages.{i}"), &mut s.agent));
        for (at, a) in agents.chain(stages) {
            if let Some(o) = a.objective.as_mut() {
                sub(format!("{at}.objective"), o);
            }
            for (field, list) in [
                ("command", &mut a.command),
                ("deliverables", &mut a.deliverables),
                ("required_steps", &mut a.required_steps),
                ("success_criteria", &mut a.success_criteria),
            ] {
                for (i, item) in list.iter_mut().enumerate() {
                    sub(format!("{at}.{field}.{i}"), item);
                }
            }
        }
        problems
    }
}

/// `text` with each `${NAME}` replaced by its value in `vars` and `$${` by
/// `${`; the error is the first unknown name.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    if !text.contains("${") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            out.push_str(&rest[..at - 1]);
            out.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('}') else {
            return Err(rest[at + 2..].to_string());
        };
        let name = &rest[at + 2..at + end];
        out.push_str(vars.get(name).ok_or_else(|| name.to_string())?);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_expand_and_unknown_ones_are_named() {
        let mut vars = BTreeMap::new();
        vars.insert("env".to_string(), "staging".to_string());
        assert_eq!(
            expand("deploy to ${env}", &vars).unwrap(),
            "deploy to staging"
        );
        assert_eq!(
            expand("cost $${env} ${env}", &vars).unwrap(),
            "cost ${env} staging"
        );
        assert_eq!(expand("${nope} here", &vars).unwrap_err(), "nope");
        let mut p = Plan::parse(
            "plan",
            "name: x\nobjective: ship ${env}\nvariables: {env: dev}\nagents: {alpha: {command: [make, '${env}']}, beta: {command: ['${where}']}}",
        )
        .unwrap();
        let problems =
            p.expand_variables(&[("env".into(), "prod".into()), ("typo".into(), "1".into())]);
        assert_eq!(p.objective, "ship prod");
        assert_eq!(p.agents[&Role::Alpha].command, vec!["make", "prod"]);
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec!["variables", "agents.beta.command.0"],
            "{problems:?}"
        );
    }
}
