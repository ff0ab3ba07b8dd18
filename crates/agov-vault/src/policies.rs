//! The Vault policies agov installs, compiled in from `policies/*.hcl`.

use agov_core::Tier;

/// One policy: its name in Vault and its HCL.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Name in Vault, e.g. `agov-t0-observer`.
    pub name: &'static str,
    /// The HCL text.
    pub hcl: &'static str,
}

/// Policy of agov's own AppRole identity.
pub const GOVERNOR: Policy = Policy {
    name: "agov-governor",
    hcl: include_str!("../../../policies/governor.hcl"),
};

/// Policy of the people who decide for agov (promote, approve, revoke,
/// reveal …): `update` on `agov/operator/<act>`, which agov asks Vault about.
pub const OPERATOR: Policy = Policy {
    name: "agov-operator",
    hcl: include_str!("../../../policies/operator.hcl"),
};

/// The template of a tenant's policy (`TENANT` stands for its name): `update`
/// on `agov/tenant/TENANT`, which agov asks Vault about before it acts for a
/// tenant other than the installation's own. See [`tenant_policy`].
pub const TENANT_TEMPLATE: &str = include_str!("../../../policies/tenant.hcl");

/// The policy that grants acting for `tenant`: its name in Vault
/// (`agov-tenant-<tenant>`) and its HCL, from [`TENANT_TEMPLATE`].
pub fn tenant_policy(tenant: &str) -> (String, String) {
    (
        format!("agov-tenant-{tenant}"),
        TENANT_TEMPLATE.replace("TENANT", tenant),
    )
}

/// The policies of pipeline tokens, T0 first: a tier-N pipeline's token may
/// issue children from the child roles of tiers 0..=N only.
pub const PIPELINES: [Policy; 5] = [
    Policy {
        name: "agov-pipeline-t0",
        hcl: include_str!("../../../policies/pipeline-t0.hcl"),
    },
    Policy {
        name: "agov-pipeline-t1",
        hcl: include_str!("../../../policies/pipeline-t1.hcl"),
    },
    Policy {
        name: "agov-pipeline-t2",
        hcl: include_str!("../../../policies/pipeline-t2.hcl"),
    },
    Policy {
        name: "agov-pipeline-t3",
        hcl: include_str!("../../../policies/pipeline-t3.hcl"),
    },
    Policy {
        name: "agov-pipeline-t4",
        hcl: include_str!("../../../policies/pipeline-t4.hcl"),
    },
];

/// The tier policies, T0 first.
pub const TIERS: [Policy; 5] = [
    Policy {
        name: "agov-t0-observer",
        hcl: include_str!("../../../policies/t0-observer.hcl"),
    },
    Policy {
        name: "agov-t1-operator",
        hcl: include_str!("../../../policies/t1-operator.hcl"),
    },
    Policy {
        name: "agov-t2-builder",
        hcl: include_str!("../../../policies/t2-builder.hcl"),
    },
    Policy {
        name: "agov-t3-executor",
        hcl: include_str!("../../../policies/t3-executor.hcl"),
    },
    Policy {
        name: "agov-t4-architect",
        hcl: include_str!("../../../policies/t4-architect.hcl"),
    },
];

/// Every policy agov installs.
pub fn all() -> Vec<Policy> {
    let mut v = TIERS.to_vec();
    v.extend(PIPELINES);
    v.push(OPERATOR);
    v.push(GOVERNOR);
    v
}

/// The policy of a tier.
pub fn tier_policy(tier: Tier) -> Policy {
    TIERS[usize::from(tier.number())]
}

/// The policy of a tier-`tier` pipeline's token.
pub fn pipeline_policy(tier: Tier) -> Policy {
    PIPELINES[usize::from(tier.number())]
}

/// Token role for a pipeline's own (orphan, delegating) token: `agov-pipeline-tN`.
pub fn pipeline_role(tier: Tier) -> String {
    format!("agov-pipeline-t{}", tier.number())
}

/// Token role for top-level (orphan) tokens of a tier: `agov-tN`.
pub fn tier_role(tier: Tier) -> String {
    format!("agov-t{}", tier.number())
}

/// Token role for child tokens of a tier, issued by a pipeline token: `agov-child-tN`.
pub fn child_role(tier: Tier) -> String {
    format!("agov-child-t{}", tier.number())
}

/// The HCL with the KV mount `secret/` replaced by `mount/` when agov is
/// configured with another KV mount.
pub fn for_mount(hcl: &str, mount: &str) -> String {
    if mount == "secret" {
        hcl.to_string()
    } else {
        hcl.replace("\"secret/", &format!("\"{mount}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_tiers_and_files() {
        for tier in Tier::ALL {
            assert_eq!(
                tier_policy(tier).name,
                format!("agov-{}", tier.policy_stem())
            );
            assert!(tier_policy(tier).hcl.contains("auth/token/lookup-self"));
        }
        assert!(!tier_policy(Tier::Observer).hcl.contains("agov/sandbox"));
        assert!(tier_policy(Tier::Operator).hcl.contains("agov/sandbox"));
        for tier in Tier::ALL {
            let hcl = pipeline_policy(tier).hcl;
            for child in Tier::ALL {
                let path = format!("\"auth/token/create/{}\"", child_role(child));
                assert_eq!(hcl.contains(&path), child <= tier, "{tier:?} {child:?}");
            }
            assert!(
                !hcl.contains('*'),
                "no wildcard in {}",
                pipeline_policy(tier).name
            );
        }
        let (name, hcl) = tenant_policy("acme");
        assert_eq!(name, "agov-tenant-acme");
        assert!(hcl.contains("path \"agov/tenant/acme\""), "{hcl}");
        assert!(!hcl.contains("TENANT") && !hcl.contains("agov/tenant/*"));
        assert!(for_mount(GOVERNOR.hcl, "kv").contains("\"kv/data/agov/ledger/hmac-key\""));
    }
}
