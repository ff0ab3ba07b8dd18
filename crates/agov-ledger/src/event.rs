//! Events as they are written and as they are read back.

use schemars::JsonSchema;
use serde::Serialize;

/// An event to append. The ledger assigns its sequence number, time and hash.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Tenant.
    pub tenant: String,
    /// Who acted: an OS user (`user:alice`) or an agent id.
    pub actor: String,
    /// What happened, as a dotted name (`ledger.note`, `token.revoke`).
    pub action: String,
    /// The agent concerned.
    pub agent: Option<String>,
    /// The pipeline concerned.
    pub pipeline: Option<String>,
    /// The object acted on.
    pub subject: Option<String>,
    /// Details as a JSON object. Secrets go in only as [`crate::HmacKey::sign`] output.
    pub detail: serde_json::Value,
}

impl NewEvent {
    /// An event with no agent, pipeline or subject and an empty detail object.
    pub fn new(
        tenant: impl Into<String>,
        actor: impl Into<String>,
        action: impl Into<String>,
    ) -> NewEvent {
        NewEvent {
            tenant: tenant.into(),
            actor: actor.into(),
            action: action.into(),
            agent: None,
            pipeline: None,
            subject: None,
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets one detail field.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> NewEvent {
        if let serde_json::Value::Object(map) = &mut self.detail {
            map.insert(key.to_string(), value.into());
        }
        self
    }

    /// Sets the subject.
    pub fn subject(mut self, subject: impl Into<String>) -> NewEvent {
        self.subject = Some(subject.into());
        self
    }
}

/// An event read back from the ledger. Its JSON form is documented in
/// `schema/json/ledger-event.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq, JsonSchema)]
#[schemars(
    title = "A ledger event",
    description = "One event of the audit ledger, as printed by `ledger note|show --json`, as an element of `ledger query --json`, and as one line of `ledger tail --json` and `ledger export`."
)]
pub struct Event {
    /// Sequence number, from 1, with no gaps.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// When, RFC 3339 UTC with microseconds.
    #[schemars(extend("format" = "date-time"))]
    pub ts: String,
    /// Time in microseconds since the epoch.
    #[serde(skip)]
    pub ts_us: i64,
    /// Tenant.
    pub tenant: String,
    /// Who acted: `user:NAME` or an agent id.
    pub actor: String,
    /// Dotted name, e.g. ledger.note, token.revoke.
    pub action: String,
    /// The agent concerned.
    pub agent: Option<String>,
    /// The pipeline concerned.
    pub pipeline: Option<String>,
    /// The object acted on.
    pub subject: Option<String>,
    /// Details; secrets appear only as `hmac-sha256:…`.
    #[schemars(extend(
        "type" = "object",
        "additionalProperties" = true,
        "properties" = {
            "trace": {
                "type": "object",
                "description": "With tracing on (OTEL_EXPORTER_OTLP_ENDPOINT), the OpenTelemetry span the event was written in; covered by the hash like all of detail.",
                "required": ["trace_id", "span_id"],
                "properties": {
                    "trace_id": { "type": "string", "pattern": "^[0-9a-f]{32}$" },
                    "span_id": { "type": "string", "pattern": "^[0-9a-f]{16}$" }
                }
            }
        }
    ))]
    pub detail: serde_json::Value,
    /// SHA-256 chain hash, 64 hex digits.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub hash: String,
}

/// Which events to read. Every filter is optional; they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only this tenant's events.
    pub tenant: Option<String>,
    /// Only events about this agent.
    pub agent: Option<String>,
    /// Only this action; a trailing `*` matches a prefix (`bug.*`).
    pub action: Option<String>,
    /// Only events about this subject (a bug id, …).
    pub subject: Option<String>,
    /// Only events of this pipeline.
    pub pipeline: Option<String>,
    /// Only events at or after this time (µs).
    pub since_us: Option<i64>,
    /// Only events before this time (µs).
    pub until_us: Option<i64>,
    /// Only events after this sequence number.
    pub after_seq: Option<u64>,
    /// At most this many; with `newest_first` they are the newest ones.
    pub limit: Option<u64>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
}
