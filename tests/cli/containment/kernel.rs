//! A kernel without Landlock: agents refuse to start (exit 69) unless the
//! operator accepts less for their tier.

use super::*;

/// Runs a command on a kernel without Landlock, as far as it can tell: a
/// seccomp filter (installed with `prctl`, inherited by everything it
/// starts) answers the three Landlock system calls ENOSYS.
const NO_LANDLOCK: &str = r#"import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
def ins(code, jt, jf, k): return struct.pack("HBBI", code, jt, jf, k)
prog = b"".join([
    ins(0x20, 0, 0, 0),                # load the system call's number
    ins(0x35, 0, 3, 444),              # below landlock_create_ruleset: allow
    ins(0x35, 2, 0, 447),              # above landlock_restrict_self: allow
    ins(0x06, 0, 0, 0x00050000 | 38),  # ENOSYS
    ins(0x06, 0, 0, 0x7FFF0000),
    ins(0x06, 0, 0, 0x7FFF0000),
])
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
assert libc.prctl(38, 1, 0, 0, 0) == 0                                   # no_new_privs
assert libc.prctl(22, 2, ctypes.byref(Fprog(len(prog) // 8, prog)), 0, 0) == 0  # the filter
os.execvp(sys.argv[1], sys.argv[1:])
"#;

#[test]
fn without_landlock_agents_do_not_start_unless_the_operator_accepts_less_for_their_tier() {
    for (name, mut env) in both() {
        let dir = env.dir.path().to_path_buf();
        std::fs::write(dir.join("no_landlock.py"), NO_LANDLOCK).unwrap();
        std::fs::write(
            dir.join("plain.sh"),
            format!("{PHASES_IN}touch ran-$AGOV_AGENT_ID\n{PHASES_OUT}"),
        )
        .unwrap();
        promote(&env, "plain-t1", 1);
        let run = |env: &TestEnv, agent: &str| {
            std::fs::write(
                dir.join(format!("{agent}.json")),
                format!(r#"{{"agent_id":"{agent}","task_id":"t-{agent}","objective":"x"}}"#),
            )
            .unwrap();
            env.sh(&format!(
                "python3 no_landlock.py \"$PIPELINE\" agent run --packet {agent}.json -- bash plain.sh"
            ))
        };
        // Enforced (the default): refused with 69, naming what is missing;
        // the agent never ran (nothing would have stopped its `touch`).
        let r = run(&env, "plain-t0");
        assert_eq!(r.code, 69, "{name}: {r:?}");
        assert!(
            r.stderr.contains("cannot enforce the tier 0 sandbox")
                && r.stderr.contains("Landlock")
                && r.stderr.contains("hint:"),
            "{name}: {}",
            r.stderr
        );
        assert!(!dir.join("ran-plain-t0").exists(), "{name}: the agent ran");
        // Best effort for T0 only: T0 runs, and the run says so; T1 does not.
        env.set("AGOV_SANDBOX_BEST_EFFORT", "0");
        run(&env, "plain-t0").expect(0);
        assert!(dir.join("ran-plain-t0").exists(), "{name}");
        assert_eq!(run(&env, "plain-t1").code, 69, "{name}");
        assert!(!dir.join("ran-plain-t1").exists(), "{name}");
        let recorded = env
            .run("ledger", &["query", "--action", "agent.sandbox", "--json"])
            .expect(0)
            .json();
        let recorded = recorded.as_array().unwrap();
        assert_eq!(recorded.len(), 1, "{name}: {recorded:?}");
        assert_eq!(recorded[0]["detail"]["mode"], "best-effort", "{name}");
        assert_eq!(recorded[0]["detail"]["tier"], 0, "{name}");
        let briefing = env.run("checkpoint", &["load", "--json"]).expect(0).json();
        assert!(
            briefing["warnings"]
                .to_string()
                .contains("agents at T0 run with sandbox_best_effort"),
            "{name}: {briefing}"
        );
        // Not a tier: a usage error before anything runs.
        env.set("AGOV_SANDBOX_BEST_EFFORT", "5");
        let r = run(&env, "plain-t1");
        assert_eq!(r.code, 64, "{name}: {r:?}");
        assert!(r.stderr.contains("5 is not a tier"), "{name}: {}", r.stderr);
        // Best effort everywhere: T1 runs too.
        env.set("AGOV_SANDBOX_BEST_EFFORT", "");
        env.set("AGOV_SANDBOX", "best-effort");
        run(&env, "plain-t1").expect(0);
        assert!(dir.join("ran-plain-t1").exists(), "{name}");
    }
}
