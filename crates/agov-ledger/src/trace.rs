//! Trace ids in events: an event appended while a span is current (tracing
//! on, see `agov-trace`) gets `detail.trace = {"trace_id", "span_id"}`.
//! It is part of the detail, so the chain hash covers it and a ledger is
//! verified the same way with or without it; events of older ledgers, and
//! every event appended with tracing off, simply have none.

use serde_json::{Value, json};

/// The detail field holding the trace context.
pub const FIELD: &str = "trace";

/// `detail` with the current trace context added, or `None` when there is
/// none to add (tracing off, no current span, a detail that is not an
/// object or already names a trace).
pub(crate) fn stamp(detail: &Value) -> Option<Value> {
    let (trace_id, span_id) = agov_trace::current_ids()?;
    let Value::Object(map) = detail else {
        return None;
    };
    if map.contains_key(FIELD) {
        return None;
    }
    let mut map = map.clone();
    map.insert(
        FIELD.into(),
        json!({ "trace_id": trace_id, "span_id": span_id }),
    );
    Some(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_stamped_without_a_current_span() {
        assert_eq!(stamp(&json!({"a": 1})), None);
    }
}
