//! Installing the exporter (only when the standard variables ask for it)
//! and flushing it before the process exits.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::{Protocol, RetryPolicy, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};

/// How long an export may take when no `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`
/// (milliseconds) says otherwise: a receiver that does not answer costs a
/// process at most this at its end (the SDK's own default is 10 s, and its
/// shutdown waits up to 5 s).
const EXPORT_TIMEOUT: Duration = Duration::from_secs(2);

/// One retry, soon: a process exporting its last spans as it ends should
/// not sit out the SDK's three backed-off retries (about 0.8 s) when the
/// receiver is down.
fn retry() -> RetryPolicy {
    RetryPolicy::recommended()
        .with_max_retries(1)
        .with_initial_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_millis(100))
}

static ENABLED: AtomicBool = AtomicBool::new(false);
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();
static TRACER: OnceLock<SdkTracer> = OnceLock::new();
/// The export timeout, which is also the most a process waits at its end.
static TIMEOUT: OnceLock<Duration> = OnceLock::new();
/// The parent from `TRACEPARENT`, when this process was started in a trace.
static REMOTE: OnceLock<Context> = OnceLock::new();

/// True once [`init`] installed an exporter in this process.
#[inline]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub(crate) fn tracer() -> Option<&'static SdkTracer> {
    if enabled() { TRACER.get() } else { None }
}

pub(crate) fn remote_parent() -> Option<&'static Context> {
    REMOTE.get()
}

/// Sends the spans not yet exported when dropped (and stops the exporter);
/// nothing when tracing is off.
#[must_use = "spans are flushed when the Flush is dropped"]
#[derive(Debug, Default)]
pub struct Flush(bool);

impl Drop for Flush {
    fn drop(&mut self) {
        if self.0
            && let Some(p) = PROVIDER.get()
        {
            ENABLED.store(false, Ordering::Relaxed);
            // Exports what is left, waiting at most the export timeout.
            let _ = p.shutdown_with_timeout(TIMEOUT.get().copied().unwrap_or(EXPORT_TIMEOUT));
        }
    }
}

fn set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty())
}

fn is(var: &str, value: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v.trim().eq_ignore_ascii_case(value))
}

/// Whether the standard variables ask for traces to be exported.
fn wanted() -> bool {
    (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
        && !is("OTEL_SDK_DISABLED", "true")
        && !is("OTEL_TRACES_EXPORTER", "none")
}

/// Whether the receiver is reached over plain HTTP (no TLS).
fn plain_http() -> bool {
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .find_map(|v| std::env::var(v).ok().filter(|e| !e.is_empty()))
    .is_some_and(|e| e.trim().to_ascii_lowercase().starts_with("http://"))
}

/// A client for a plain-HTTP receiver. The SDK's own loads every CA
/// certificate of the system for TLS when it is built (most of what
/// tracing costs a short command); a receiver on `http://` needs none.
/// Built on this thread, before any async runtime, as reqwest's blocking
/// client requires.
fn plain_client(timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .tls_certs_only([])
        .build()
        .map_err(|e| format!("cannot build the OTLP HTTP client: {e}"))
}

/// Installs the OTLP/HTTP exporter when the standard variables ask for it,
/// with `service()` as `service.name` unless `OTEL_SERVICE_NAME` (or
/// `OTEL_RESOURCE_ATTRIBUTES`) names one. Returns what flushes it at the
/// end, or why it could not start (tracing then stays off).
pub fn init(service: impl FnOnce() -> String) -> Result<Flush, String> {
    if !wanted() || PROVIDER.get().is_some() {
        return Ok(Flush(false));
    }
    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_retry_policy(retry());
    let timeout = [
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "OTEL_EXPORTER_OTLP_TIMEOUT",
    ]
    .iter()
    .find_map(|v| std::env::var(v).ok()?.trim().parse().ok())
    .map_or(EXPORT_TIMEOUT, Duration::from_millis);
    exporter = exporter.with_timeout(timeout);
    let _ = TIMEOUT.set(timeout);
    if plain_http() {
        exporter = exporter.with_http_client(plain_client(timeout)?);
    }
    let exporter = exporter
        .build()
        .map_err(|e| format!("cannot start the OTLP exporter: {e}"))?;
    let mut resource = Resource::builder();
    let named = set("OTEL_SERVICE_NAME")
        || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|a| a.contains("service.name="));
    if !named {
        resource = resource.with_service_name(service());
    }
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build();
    let tracer = provider.tracer("agov");
    if let Some(parent) = std::env::var("TRACEPARENT")
        .ok()
        .and_then(|t| crate::w3c::parse_traceparent(&t))
    {
        let _ = REMOTE.set(Context::new().with_remote_span_context(parent));
    }
    let _ = TRACER.set(tracer);
    if PROVIDER.set(provider).is_err() {
        return Ok(Flush(false));
    }
    ENABLED.store(true, Ordering::Relaxed);
    Ok(Flush(true))
}
