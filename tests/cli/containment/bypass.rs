//! The bypass families of the action checks, as real agents at T0, T1 and
//! T2 on both backends: never allowed below the tier that may run them, and
//! what a hostile agent runs anyway cannot write outside its roots.

use super::*;

/// One bypass family of the action checks (issue 16, item 5): the action a
/// real agent asks for, and the shell code a hostile agent runs anyway
/// (`{out}` is a folder outside every root, `{n}` the row's number).
struct Bypass {
    action: &'static str,
    anyway: &'static str,
    /// The rules may allow it from this tier on (a `write:*` at T2, say):
    /// then only the sandbox stands between the agent and `{out}`.
    allowed_from: u8,
}

const BYPASSES: &[Bypass] = &[
    Bypass {
        action: "cmd:find . -maxdepth 0 -exec sh -c 'touch {out}/pwned-{n}' \\;",
        anyway: "find . -maxdepth 0 -exec sh -c 'touch {out}/pwned-{n}' \\;",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:find . -maxdepth 0 -fprint {out}/pwned-{n}",
        anyway: "find . -maxdepth 0 -fprint {out}/pwned-{n}",
        allowed_from: 2,
    },
    Bypass {
        action: "cmd:env sh -c 'touch {out}/pwned-{n}'",
        anyway: "env sh -c 'touch {out}/pwned-{n}'",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:nice -n 5 sh -c 'touch {out}/pwned-{n}'",
        anyway: "nice -n 5 sh -c 'touch {out}/pwned-{n}'",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:timeout 5 bash -c 'touch {out}/pwned-{n}'",
        anyway: "timeout 5 bash -c 'touch {out}/pwned-{n}'",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:xargs sh -c",
        anyway: "echo 'touch {out}/pwned-{n}' | xargs -I{} sh -c {}",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:./ls",
        anyway: "./ls {out}/pwned-{n}",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:git -c alias.x='!touch {out}/pwned-{n}' x",
        anyway: "git -c alias.x='!touch {out}/pwned-{n}' x",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:git diff --output={out}/pwned-{n}",
        anyway: "git diff --output={out}/pwned-{n}",
        allowed_from: 2,
    },
    Bypass {
        action: "cmd:python3 -c 'open(\"{out}/pwned-{n}\", \"w\")'",
        anyway: "python3 -c 'open(\"{out}/pwned-{n}\", \"w\")'",
        allowed_from: 4,
    },
    Bypass {
        action: "cmd:sudo touch {out}/pwned-{n}",
        anyway: "touch {out}/pwned-{n}",
        allowed_from: 4,
    },
    // Paths: `..` and a link out of the sandbox folder are where they lead.
    Bypass {
        action: "write:sandbox/../../{rel}/pwned-{n}",
        anyway: "echo x > sandbox/../../{rel}/pwned-{n}",
        allowed_from: 2,
    },
    Bypass {
        action: "write:sandbox/out/pwned-{n}",
        anyway: "echo x > sandbox/out/pwned-{n}",
        allowed_from: 2,
    },
    Bypass {
        action: "cmd:cp README sandbox/out/pwned-{n}",
        anyway: "cp README sandbox/out/pwned-{n}",
        allowed_from: 2,
    },
];

#[test]
fn bypass_families_are_not_allowed_to_real_agents_and_the_sandbox_stops_them_anyway() {
    for (name, env) in both() {
        require_landlock(&env);
        let dir = env.dir.path();
        // `{out}` is a sibling of the working tree, so `sandbox/../../NAME`
        // reaches it.
        let outside = tempfile::tempdir_in(dir.parent().unwrap()).unwrap();
        let out = outside.path().canonicalize().unwrap();
        let rel = out.file_name().unwrap().to_string_lossy().to_string();
        std::fs::create_dir_all(dir.join("sandbox")).unwrap();
        std::os::unix::fs::symlink(&out, dir.join("sandbox/out")).unwrap();
        std::fs::write(dir.join("README"), "a file to copy\n").unwrap();
        let fake = dir.join("ls");
        std::fs::write(&fake, "#!/bin/sh\ntouch \"$1\"\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        env.sh(
            "git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m init",
        )
        .expect(0);
        let fill = |s: &str, n: usize| {
            s.replace("{out}", &out.display().to_string())
                .replace("{rel}", &rel)
                .replace("{n}", &n.to_string())
        };
        // The action requests as protocol lines, and the code run anyway.
        let mut lines = String::new();
        for (n, b) in BYPASSES.iter().enumerate() {
            let msg = serde_json::json!({"type": "action", "id": format!("r{n}"), "action": fill(b.action, n)});
            lines.push_str(&format!("{msg}\n"));
            std::fs::write(dir.join(format!("anyway-{n}.sh")), fill(b.anyway, n)).unwrap();
        }
        std::fs::write(dir.join("actions.jsonl"), lines).unwrap();
        let script = format!(
            r#"{PHASES_IN}
n=0
while IFS= read -r line <&3; do
  say "$line"
  IFS= read -r answer
  echo "ANSWER r$n $answer" >&2
  bash anyway-$n.sh </dev/null >/dev/null 2>&1
  n=$((n + 1))
done 3<actions.jsonl
say '{{"type":"artifact","name":"deliverable"}}'
touch "$AGOV_OUTPUT_DIR/deliverable"
{PHASES_OUT}"#
        );
        for tier in [0u8, 1, 2] {
            let agent = format!("bypass-t{tier}");
            promote(&env, &agent, tier);
            std::fs::write(
                dir.join(format!("{agent}.json")),
                format!(
                    r#"{{"agent_id":"{agent}","task_id":"task-{agent}","objective":"bypass","deliverables":["deliverable"]}}"#
                ),
            )
            .unwrap();
            std::fs::write(dir.join(format!("{agent}.sh")), &script).unwrap();
            let r = env.sh(&format!(
                "\"$PIPELINE\" agent run --packet {agent}.json --json -- bash {agent}.sh"
            ));
            assert_eq!(r.code, 0, "{name} T{tier}: {}", r.stderr);
            let events: Vec<serde_json::Value> = env
                .run(
                    "ledger",
                    &[
                        "query",
                        "--action",
                        "agent.action",
                        "--agent",
                        &agent,
                        "--json",
                    ],
                )
                .expect(0)
                .json()
                .as_array()
                .unwrap()
                .clone();
            assert_eq!(events.len(), BYPASSES.len(), "{name} T{tier}: {events:?}");
            for (n, b) in BYPASSES.iter().enumerate() {
                let answer = r
                    .stderr
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("ANSWER r{n} ")))
                    .unwrap_or_else(|| panic!("{name} T{tier} row {n}: no answer\n{}", r.stderr));
                let answer: serde_json::Value = serde_json::from_str(answer).unwrap();
                let e = &events[n]["detail"];
                assert_eq!(e["action"], fill(b.action, n), "{name} T{tier} row {n}");
                assert_eq!(e["decision"], answer["decision"], "{name} T{tier} row {n}");
                assert_eq!(e["tier"], u64::from(tier), "{name} T{tier} row {n}: {e}");
                if tier < b.allowed_from {
                    assert_ne!(
                        answer["decision"], "allow",
                        "{name} T{tier} row {n} `{}` was allowed: {e}",
                        b.action
                    );
                }
            }
            // Whatever the rules said, nothing reached the folder outside.
            let written = crate::common::files_under(&out);
            assert!(
                written.is_empty(),
                "{name} T{tier}: the sandbox let through {written:?}"
            );
        }
    }
}
