//! The plan reader end to end: YAML tree with positions, shape and meaning
//! checks, and the serde parse `spawn` uses. Any input may be refused; none
//! may panic, hang or exhaust memory.
#![no_main]

use agov_plan::validate::{Context, validate};
use libfuzzer_sys::fuzz_target;

const MEDIATOR: &str = "name: mediator\nversion: 1.0.0\ndescription: mediates\nrole: gamma\ncommand: [sh, m.sh]\ntier: 1\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut known = |r: &str| {
        Ok(match r {
            "mediator" | "mediator@1.0.0" => agov_templates::Template::parse("t", MEDIATOR).ok(),
            _ => None,
        })
    };
    let checked = validate(
        text,
        &mut Context {
            tier: None,
            lookup: &mut known,
            vars: &[],
        },
    );
    if let Ok(Ok(plan)) = checked {
        // What validate accepts, the plain parser accepts too.
        let _ = plan.digest();
    }
    let _ = agov_plan::Plan::parse("fuzz", text);
});
