//! A store whose every call is a span (`store get`, `store batch`, …),
//! put around the real one only when tracing is on.

use std::collections::BTreeMap;
use std::time::Duration;

use agov_trace::Span;

use crate::{Op, Reply, RuntimeError, RuntimeStore, StreamEntry, Ttl};

/// `store` with a span around each call when tracing is on; `store` itself
/// (no wrapper, no cost) when it is off.
pub fn traced(store: Box<dyn RuntimeStore>) -> Box<dyn RuntimeStore> {
    if agov_trace::enabled() {
        Box::new(Traced(store))
    } else {
        store
    }
}

struct Traced(Box<dyn RuntimeStore>);

impl Traced {
    /// A span for operation `op` on `key` (every write of the provided
    /// methods is an [`Op`], so `apply` and `batch` cover them all).
    fn span(&self, op: &'static str, key: Option<&str>) -> Span {
        let span = Span::start(format!("store {op}"));
        span.set(
            "db.system.name",
            match self.0.backend() {
                "redis" => "redis",
                _ => "sqlite",
            },
        );
        span.set("db.operation.name", op);
        span.set("agov.store", self.0.backend());
        if let Some(k) = key {
            span.set("agov.store.key", k.to_string());
        }
        span
    }
}

fn done<T>(span: &Span, r: Result<T, RuntimeError>) -> Result<T, RuntimeError> {
    if let Err(e) = &r {
        span.fail(e);
    }
    r
}

impl RuntimeStore for Traced {
    fn backend(&self) -> &'static str {
        self.0.backend()
    }

    fn data_version(&self) -> Result<Option<i64>, RuntimeError> {
        self.0.data_version()
    }

    fn publish(&self, channel: &str, message: &[u8]) -> Result<(), RuntimeError> {
        let span = self.span("publish", Some(channel));
        done(&span, self.0.publish(channel, message))
    }

    fn listen(
        &self,
        channel: &str,
        key_prefix: &str,
        heard: &mut dyn FnMut() -> bool,
    ) -> Result<bool, RuntimeError> {
        // A wait, not a call: no span.
        self.0.listen(channel, key_prefix, heard)
    }

    fn apply(&self, op: Op) -> Result<Reply, RuntimeError> {
        let span = self.span(op.name(), Some(op.key()));
        done(&span, self.0.apply(op))
    }

    fn batch(&self, ops: Vec<Op>) -> Result<Vec<Reply>, RuntimeError> {
        let span = self.span("batch", None);
        span.set("agov.store.ops", ops.len() as i64);
        span.set_with("agov.store.op_names", || {
            ops.iter().map(Op::name).collect::<Vec<_>>().join(",")
        });
        done(&span, self.0.batch(ops))
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let span = self.span("get", Some(key));
        done(&span, self.0.get(key))
    }

    fn ttl(&self, key: &str) -> Result<Ttl, RuntimeError> {
        let span = self.span("ttl", Some(key));
        done(&span, self.0.ttl(key))
    }

    fn hget(&self, key: &str, field: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let span = self.span("hget", Some(key));
        done(&span, self.0.hget(key, field))
    }

    fn hgetall(&self, key: &str) -> Result<BTreeMap<String, Vec<u8>>, RuntimeError> {
        let span = self.span("hgetall", Some(key));
        done(&span, self.0.hgetall(key))
    }

    fn lrange(&self, key: &str, start: i64, stop: i64) -> Result<Vec<Vec<u8>>, RuntimeError> {
        let span = self.span("lrange", Some(key));
        done(&span, self.0.lrange(key, start, stop))
    }

    fn llen(&self, key: &str) -> Result<u64, RuntimeError> {
        let span = self.span("llen", Some(key));
        done(&span, self.0.llen(key))
    }

    fn xread(
        &self,
        key: &str,
        after: &str,
        count: usize,
        block: Option<Duration>,
    ) -> Result<Vec<StreamEntry>, RuntimeError> {
        let span = self.span("xread", Some(key));
        done(&span, self.0.xread(key, after, count, block))
    }

    fn scan(&self, prefix: &str) -> Result<Vec<String>, RuntimeError> {
        let span = self.span("scan", Some(prefix));
        done(&span, self.0.scan(prefix))
    }
}
