//! Tracing with OpenTelemetry, and nothing at all without it.
//!
//! When `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
//! is set and `OTEL_SDK_DISABLED` is not `true`, [`init`] installs a tracer
//! provider that exports spans over OTLP/HTTP (protobuf) in the background;
//! the [`Flush`] it returns sends what is left when the process ends. When it
//! is not set, [`init`] reads those variables and returns: no provider, no
//! thread, and every [`Span`] is an empty `Option` that costs a branch.
//!
//! A process started with `TRACEPARENT` (W3C trace context) continues that
//! trace: its first spans are children of the remote parent. [`Span::enter`]
//! makes a span the thread's current one, which [`current_ids`] and
//! [`current_traceparent`] read (ledger events, agents' environment).

mod setup;
mod span;
mod w3c;

pub use setup::{Flush, enabled, init};
pub use span::{Entered, Span, current_ids, current_traceparent};
pub use w3c::{parse_traceparent, traceparent};
