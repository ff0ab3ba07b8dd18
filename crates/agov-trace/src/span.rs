//! Spans: each an `Option`, empty when tracing is off, ended when dropped.

use std::borrow::Cow;

use opentelemetry::trace::{Status, TraceContextExt, Tracer};
use opentelemetry::{Context, ContextGuard, KeyValue, Value};

use crate::setup::{remote_parent, tracer};

/// A span in progress, ended when dropped; empty (and free) when tracing is off.
#[derive(Debug, Default)]
pub struct Span(Option<Context>);

/// The span made current on this thread by [`Span::enter`], until dropped.
#[must_use = "the span stays current only while this is kept"]
#[derive(Debug)]
pub struct Entered {
    _guard: Option<ContextGuard>,
}

impl Span {
    /// A span that records nothing.
    pub const fn none() -> Span {
        Span(None)
    }

    /// Starts a span under this thread's current span; without one, under
    /// the `TRACEPARENT` this process was started with, else as a new trace.
    pub fn start(name: impl Into<Cow<'static, str>>) -> Span {
        let Some(t) = tracer() else {
            return Span(None);
        };
        let current = Context::current();
        let parent = if current.has_active_span() {
            &current
        } else {
            remote_parent().unwrap_or(&current)
        };
        Span(Some(parent.with_span(t.start_with_context(name, parent))))
    }

    /// [`Span::start`] with a name made only when tracing is on.
    #[inline]
    pub fn start_with<N: Into<Cow<'static, str>>>(name: impl FnOnce() -> N) -> Span {
        if crate::enabled() {
            Span::start(name())
        } else {
            Span(None)
        }
    }

    /// Starts a span under this one (none under an empty span): for work on
    /// another thread, whose current span is not this one.
    pub fn child(&self, name: impl Into<Cow<'static, str>>) -> Span {
        match (&self.0, tracer()) {
            (Some(parent), Some(t)) => {
                Span(Some(parent.with_span(t.start_with_context(name, parent))))
            }
            _ => Span(None),
        }
    }

    /// [`Span::child`] with a name made only when this span records.
    #[inline]
    pub fn child_with<N: Into<Cow<'static, str>>>(&self, name: impl FnOnce() -> N) -> Span {
        if self.0.is_some() {
            self.child(name())
        } else {
            Span(None)
        }
    }

    /// Whether this span records anything.
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.0.is_some()
    }

    /// Sets an attribute (nothing on an empty span).
    #[inline]
    pub fn set(&self, key: &'static str, value: impl Into<Value>) {
        if let Some(cx) = &self.0 {
            cx.span().set_attribute(KeyValue::new(key, value));
        }
    }

    /// Sets an attribute computed only when the span records.
    #[inline]
    pub fn set_with<V: Into<Value>>(&self, key: &'static str, value: impl FnOnce() -> V) {
        if let Some(cx) = &self.0 {
            cx.span().set_attribute(KeyValue::new(key, value()));
        }
    }

    /// Marks the span failed, with why.
    pub fn fail(&self, why: &dyn std::fmt::Display) {
        if let Some(cx) = &self.0 {
            cx.span().set_status(Status::error(why.to_string()));
        }
    }

    /// Makes this span the thread's current one until the guard is dropped
    /// (guards must be dropped in the reverse order of entering).
    pub fn enter(&self) -> Entered {
        Entered {
            _guard: self.0.as_ref().map(|cx| cx.clone().attach()),
        }
    }

    /// Its `traceparent` text, for a process started in it.
    pub fn traceparent(&self) -> Option<String> {
        let cx = self.0.as_ref()?;
        crate::w3c::traceparent(cx.span().span_context())
    }

    /// Its trace id and span id, hex.
    pub fn ids(&self) -> Option<(String, String)> {
        let cx = self.0.as_ref()?;
        ids_of(cx)
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(cx) = &self.0 {
            cx.span().end();
        }
    }
}

fn ids_of(cx: &Context) -> Option<(String, String)> {
    let sc = cx.span().span_context().clone();
    sc.is_valid()
        .then(|| (sc.trace_id().to_string(), sc.span_id().to_string()))
}

/// The trace id and span id of this thread's current span, hex; `None`
/// when tracing is off or no span is current.
pub fn current_ids() -> Option<(String, String)> {
    tracer()?;
    Context::map_current(|cx| {
        if cx.has_active_span() {
            ids_of(cx)
        } else {
            None
        }
    })
}

/// The `traceparent` of this thread's current span, for a process started
/// in it; `None` when tracing is off or no span is current.
pub fn current_traceparent() -> Option<String> {
    tracer()?;
    Context::map_current(|cx| {
        cx.has_active_span()
            .then(|| crate::w3c::traceparent(cx.span().span_context()))
            .flatten()
    })
}
