//! schema/json/ is generated from the Rust types (`schemars`), like the man
//! pages from the clap definitions: `agov_commands::schemas` lists every
//! schema derived from a type and every one still written by hand (with
//! why); these tests write the former and fail when a file is stale,
//! missing, or neither.
//! Refresh them with: `UPDATE_ASSETS=1 cargo test -p agov --test cli schemas::generated`

use agov_commands::schemas::{HAND_WRITTEN, REGENERATE, generated, text};

use super::dir;

#[test]
fn schemas_are_generated_from_the_types_and_current() {
    let update = std::env::var("UPDATE_ASSETS").is_ok_and(|v| v == "1");
    let generated = generated();
    let mut problems = Vec::new();
    for (name, why) in HAND_WRITTEN {
        assert!(!why.is_empty(), "{name}: say why it is written by hand");
        if generated.iter().any(|(g, _)| g == name) {
            problems.push(format!("{name} is generated: take it off HAND_WRITTEN"));
        }
        if !dir().join(name).exists() {
            problems.push(format!("{name} is on HAND_WRITTEN but not in schema/json/"));
        }
    }
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = generated.iter().any(|(g, _)| *g == name)
            || HAND_WRITTEN.iter().any(|(h, _)| *h == name);
        if !known {
            problems.push(format!(
                "schema/json/{name} is neither generated nor on HAND_WRITTEN (crates/agov-commands/src/schemas.rs)"
            ));
        }
    }
    let mut stale = Vec::new();
    for (name, schema) in &generated {
        let path = dir().join(name);
        let content = text(schema);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if update {
            std::fs::write(&path, content).unwrap();
        } else {
            stale.push(format!("schema/json/{name}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        stale.is_empty(),
        "stale or missing generated schemas: {stale:?}\nhint: run `{REGENERATE}` and commit the result"
    );
}

/// The comparison above sees a change to a type: its schema differs from
/// the committed file.
#[test]
fn a_changed_type_makes_its_schema_stale() {
    let (name, mut schema) = generated().swap_remove(0);
    let committed = std::fs::read_to_string(dir().join(name)).unwrap();
    // (While the test above rewrites the files, the committed one may be
    // the stale one.)
    if std::env::var("UPDATE_ASSETS").is_err() {
        assert_eq!(committed, text(&schema), "{name}: run `{REGENERATE}`");
    }
    schema["properties"]["surprise"] = serde_json::json!({"type": "string"});
    assert_ne!(committed, text(&schema));
}

/// A type with a flattened enum (a check and its outcome) refuses a key
/// neither knows, and each outcome keeps its own keys.
#[test]
fn a_flattened_enum_is_closed_too() {
    let schema = super::load("validate-phases.schema.json");
    let report = |check: serde_json::Value| {
        serde_json::json!({"applied": [], "scratch_tenant": "t", "scratch_events": 0,
            "passed": 1, "failed": 0, "not_checked": 0, "checks": [check]})
    };
    let passed = serde_json::json!({"phase": 1, "name": "n", "outcome": "passed"});
    assert!(super::check(&schema, &report(passed.clone())).is_ok());
    let mut extra = passed.clone();
    extra["surprise"] = true.into();
    assert!(super::check(&schema, &report(extra)).is_err());
    let failed = serde_json::json!({"phase": 1, "name": "n", "outcome": "failed"});
    assert!(
        super::check(&schema, &report(failed.clone())).is_err(),
        "detail is required"
    );
    let mut failed = failed;
    failed["detail"] = "why".into();
    assert!(super::check(&schema, &report(failed)).is_ok());
}
