//! The Redis / DragonflyDB runtime store.
//!
//! One blocking connection (re-opened after a network error), 5 s I/O
//! timeouts, and a separate connection for blocking stream reads. Batches are
//! MULTI/EXEC; conditional changes are Lua scripts given all their keys in
//! KEYS, which is what DragonflyDB requires.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use agov_core::Secret;
use redis::{Cmd, Connection, RedisError, Value};

use crate::RuntimeStore;
use crate::error::RuntimeError;
use crate::op::{Op, Reply, StreamEntry, Ttl, parse_stream_id};

const IO_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a subscribed connection waits for a message before it waits again.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(60);

const INCR_LUA: &str = "local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v";

const CAS_LUA: &str = "local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1";

const LOCK_EXTEND_LUA: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0";

const SET_IF_LOCKED_LUA: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0";

const LOCK_RELEASE_LUA: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// The runtime store on a Redis or DragonflyDB server.
pub struct RedisStore {
    client: redis::Client,
    url: String,
    password: Option<Secret>,
    namespace: String,
    conn: Mutex<Option<Connection>>,
}

fn millis(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}

fn eval(script: &str, key: &str) -> Cmd {
    let mut c = redis::cmd("EVAL");
    c.arg(script).arg(1).arg(key);
    c
}

impl RedisStore {
    /// Connects to `url` (`redis://` or `rediss://`), authenticating with
    /// `password` when given (it overrides one in the URL), and checks that the
    /// server answers.
    pub fn connect(
        url: &str,
        password: Option<Secret>,
        namespace: &str,
    ) -> Result<RedisStore, RuntimeError> {
        let redacted = agov_config::redact_url(url);
        let client = redis::Client::open(url).map_err(|e| {
            RuntimeError::BadInput(format!("`{redacted}` is not a usable Redis URL: {e}"))
        })?;
        let store = RedisStore {
            client,
            url: redacted,
            password,
            namespace: namespace.to_string(),
            conn: Mutex::new(None),
        };
        store.with_conn(|c| redis::cmd("PING").query::<String>(c), "", "")?;
        Ok(store)
    }

    fn open(&self, read_timeout: Duration) -> Result<Connection, RuntimeError> {
        let mut c = self
            .client
            .get_connection_with_timeout(CONNECT_TIMEOUT)
            .map_err(|e| self.classify(e, "", ""))?;
        c.set_read_timeout(Some(read_timeout))
            .map_err(|e| self.classify(e, "", ""))?;
        c.set_write_timeout(Some(IO_TIMEOUT))
            .map_err(|e| self.classify(e, "", ""))?;
        if let Some(pw) = &self.password {
            redis::cmd("AUTH")
                .arg(pw.expose())
                .query::<()>(&mut c)
                .map_err(|e| self.classify(e, "", ""))?;
        }
        Ok(c)
    }

    /// Runs `f` on the shared connection; a read interrupted by EINTR is
    /// run again (see [`Self::with_conn_retry`]).
    fn with_conn<T>(
        &self,
        f: impl FnMut(&mut Connection) -> redis::RedisResult<T>,
        key: &str,
        wanted: &'static str,
    ) -> Result<T, RuntimeError> {
        self.with_conn_retry(f, key, wanted, true)
    }

    /// Runs `f` on the shared connection, (re)connecting as needed. With
    /// `retry`, for commands that may safely run twice, a call that failed
    /// with EINTR is run once more on a fresh connection.
    fn with_conn_retry<T>(
        &self,
        mut f: impl FnMut(&mut Connection) -> redis::RedisResult<T>,
        key: &str,
        wanted: &'static str,
        retry: bool,
    ) -> Result<T, RuntimeError> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.open(IO_TIMEOUT)?);
        }
        let conn = guard.as_mut().expect("connected above");
        let mut result = f(conn);
        // A socket read with a timeout is not restarted after the process was
        // stopped and continued (or a signal handler ran): it fails with
        // EINTR although Redis answered. Once, on a fresh connection, again.
        if retry && result.as_ref().err().is_some_and(interrupted) {
            *guard = Some(self.open(IO_TIMEOUT)?);
            result = f(guard.as_mut().expect("connected above"));
        }
        result.map_err(|e| {
            if e.is_io_error()
                || e.is_connection_dropped()
                || e.is_timeout()
                || e.is_connection_refusal()
            {
                *guard = None;
            }
            self.classify(e, key, wanted)
        })
    }

    fn classify(&self, e: RedisError, key: &str, wanted: &'static str) -> RuntimeError {
        let code = e.code().unwrap_or_default();
        let text = e.to_string();
        if matches!(code, "NOAUTH" | "WRONGPASS")
            || e.kind() == redis::ErrorKind::AuthenticationFailed
            || text.contains("NOAUTH")
        {
            return RuntimeError::Auth {
                url: self.url.clone(),
                detail: text,
            };
        }
        if code == "WRONGTYPE" {
            return RuntimeError::WrongType {
                key: self.strip(key),
                found: "value of another type".into(),
                wanted,
            };
        }
        if text.contains("not an integer") {
            return RuntimeError::NotInteger(self.strip(key));
        }
        if e.is_io_error()
            || e.is_connection_dropped()
            || e.is_timeout()
            || e.is_connection_refusal()
        {
            return RuntimeError::Unavailable {
                url: self.url.clone(),
                detail: text,
            };
        }
        RuntimeError::Protocol(text)
    }

    fn k(&self, key: &str) -> String {
        format!("{}{key}", self.namespace)
    }

    fn strip(&self, key: &str) -> String {
        key.strip_prefix(&self.namespace).unwrap_or(key).to_string()
    }

    fn to_cmd(&self, op: &Op) -> Cmd {
        let k = self.k(op.key());
        match op {
            Op::Set { value, ttl, .. } => {
                let mut c = redis::cmd("SET");
                c.arg(&k).arg(value.as_slice());
                if let Some(t) = ttl {
                    c.arg("PX").arg(millis(*t));
                }
                c
            }
            Op::SetNx { value, ttl, .. } => {
                let mut c = redis::cmd("SET");
                c.arg(&k).arg(value.as_slice()).arg("NX");
                if let Some(t) = ttl {
                    c.arg("PX").arg(millis(*t));
                }
                c
            }
            Op::LockAcquire { owner, ttl, .. } => {
                let mut c = redis::cmd("SET");
                c.arg(&k).arg(owner).arg("NX").arg("PX").arg(millis(*ttl));
                c
            }
            Op::Del { .. } => redis::cmd("DEL").arg(&k).clone(),
            Op::Expire { ttl, .. } => redis::cmd("PEXPIRE").arg(&k).arg(millis(*ttl)).clone(),
            Op::Incr {
                by, ttl_on_create, ..
            } => eval(INCR_LUA, &k)
                .arg(*by)
                .arg(ttl_on_create.map_or(0, millis))
                .clone(),
            Op::CompareAndSet {
                expected,
                value,
                ttl,
                ..
            } => eval(CAS_LUA, &k)
                .arg(if expected.is_some() { "1" } else { "0" })
                .arg(expected.as_deref().unwrap_or_default())
                .arg(value.as_slice())
                .arg(ttl.map_or(0, millis))
                .clone(),
            Op::HSet { field, value, .. } => redis::cmd("HSET")
                .arg(&k)
                .arg(field)
                .arg(value.as_slice())
                .clone(),
            Op::HDel { field, .. } => redis::cmd("HDEL").arg(&k).arg(field).clone(),
            Op::HIncr { field, by, .. } => {
                redis::cmd("HINCRBY").arg(&k).arg(field).arg(*by).clone()
            }
            Op::RPush { value, .. } => redis::cmd("RPUSH").arg(&k).arg(value.as_slice()).clone(),
            Op::LockExtend { owner, ttl, .. } => eval(LOCK_EXTEND_LUA, &k)
                .arg(owner)
                .arg(millis(*ttl))
                .clone(),
            Op::LockRelease { owner, .. } => eval(LOCK_RELEASE_LUA, &k).arg(owner).clone(),
            Op::SetIfLocked {
                value, lock, owner, ..
            } => redis::cmd("EVAL")
                .arg(SET_IF_LOCKED_LUA)
                .arg(2)
                .arg(self.k(lock))
                .arg(&k)
                .arg(owner)
                .arg(value.as_slice())
                .clone(),
            Op::XAdd {
                fields, max_len, ..
            } => {
                let mut c = redis::cmd("XADD");
                c.arg(&k);
                if let Some(n) = max_len {
                    c.arg("MAXLEN").arg(*n);
                }
                c.arg("*");
                for (f, v) in fields {
                    c.arg(f).arg(v.as_slice());
                }
                c
            }
        }
    }
}

fn wanted(op: &Op) -> &'static str {
    match op {
        Op::HSet { .. } | Op::HDel { .. } | Op::HIncr { .. } => "hash",
        Op::RPush { .. } => "list",
        Op::XAdd { .. } => "stream",
        _ => "string",
    }
}

fn reply(op: &Op, v: Value) -> Result<Reply, RuntimeError> {
    let bad = |v: &Value| RuntimeError::Protocol(format!("{v:?} for {op:?}"));
    Ok(match (op, v) {
        (Op::Set { .. } | Op::HSet { .. }, _) => Reply::Ok,
        (Op::SetNx { .. } | Op::LockAcquire { .. }, Value::Okay) => Reply::Bool(true),
        (Op::SetNx { .. } | Op::LockAcquire { .. }, Value::Nil) => Reply::Bool(false),
        (Op::SetNx { .. } | Op::LockAcquire { .. }, Value::SimpleString(s)) if s == "OK" => {
            Reply::Bool(true)
        }
        (
            Op::Del { .. }
            | Op::Expire { .. }
            | Op::CompareAndSet { .. }
            | Op::HDel { .. }
            | Op::LockExtend { .. }
            | Op::LockRelease { .. }
            | Op::SetIfLocked { .. },
            Value::Int(n),
        ) => Reply::Bool(n > 0),
        (Op::Incr { .. } | Op::HIncr { .. } | Op::RPush { .. }, Value::Int(n)) => Reply::Int(n),
        (Op::XAdd { .. }, Value::BulkString(b)) => {
            Reply::Id(String::from_utf8_lossy(&b).into_owned())
        }
        (Op::XAdd { .. }, Value::SimpleString(s)) => Reply::Id(s),
        (_, other) => return Err(bad(&other)),
    })
}

fn bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::BulkString(b) => Some(b.clone()),
        Value::SimpleString(s) => Some(s.as_bytes().to_vec()),
        Value::Int(n) => Some(n.to_string().into_bytes()),
        _ => None,
    }
}

/// Parses XREAD's answer for one stream: `[[key, [[id, [f, v, …]], …]]]`.
fn parse_xread(v: Value) -> Result<Vec<StreamEntry>, RuntimeError> {
    let bad = || RuntimeError::Protocol("unexpected XREAD answer".into());
    let streams = match v {
        Value::Nil => return Ok(Vec::new()),
        Value::Array(a) => a
            .into_iter()
            .map(|s| match s {
                Value::Array(mut kv) if kv.len() == 2 => Ok(kv.remove(1)),
                _ => Err(bad()),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Value::Map(m) => m.into_iter().map(|(_, v)| v).collect(),
        _ => return Err(bad()),
    };
    let mut out = Vec::new();
    for entries in streams {
        let Value::Array(entries) = entries else {
            return Err(bad());
        };
        for e in entries {
            let Value::Array(parts) = e else {
                return Err(bad());
            };
            let [id, Value::Array(flat)] = <[Value; 2]>::try_from(parts).map_err(|_| bad())? else {
                return Err(bad());
            };
            let id = bytes(&id)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .ok_or_else(bad)?;
            let fields = flat
                .chunks(2)
                .map(|pair| match pair {
                    [f, v] => Ok((
                        String::from_utf8_lossy(&bytes(f).ok_or_else(bad)?).into_owned(),
                        bytes(v).ok_or_else(bad)?,
                    )),
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?;
            out.push(StreamEntry { id, fields });
        }
    }
    Ok(out)
}

/// Escapes Redis glob characters so a prefix matches literally.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl RuntimeStore for RedisStore {
    fn backend(&self) -> &'static str {
        "redis"
    }

    fn publish(&self, channel: &str, message: &[u8]) -> Result<(), RuntimeError> {
        let k = self.k(channel);
        self.with_conn(
            |c| redis::cmd("PUBLISH").arg(&k).arg(message).query::<i64>(c),
            &k,
            "channel",
        )
        .map(|_| ())
    }

    fn listen(
        &self,
        channel: &str,
        key_prefix: &str,
        heard: &mut dyn FnMut() -> bool,
    ) -> Result<bool, RuntimeError> {
        let k = self.k(channel);
        // Keyspace notifications, when the server sends them (nothing
        // otherwise: subscribing to them needs no configuration change).
        let pattern = format!("__keyspace@*__:{}*", glob_escape(&self.k(key_prefix)));
        let mut c = self.open(LISTEN_TIMEOUT)?;
        let mut sub = c.as_pubsub();
        sub.subscribe(&k)
            .and_then(|()| sub.psubscribe(&pattern))
            .map_err(|e| self.classify(e, &k, "channel"))?;
        // Subscribed: what changed before now (while a lost subscription
        // was taken up again, say) is worth a look.
        if !heard() {
            return Ok(true);
        }
        loop {
            match sub.get_message() {
                Ok(_) => {
                    if !heard() {
                        return Ok(true);
                    }
                }
                // Quiet for a while: still subscribed.
                Err(e) if e.is_timeout() => {}
                Err(e) => return Err(self.classify(e, &k, "channel")),
            }
        }
    }

    fn apply(&self, op: Op) -> Result<Reply, RuntimeError> {
        let cmd = self.to_cmd(&op);
        let v: Value = self.with_conn_retry(
            |c| cmd.query(c),
            &self.k(op.key()),
            wanted(&op),
            repeatable(&op),
        )?;
        reply(&op, v)
    }

    fn batch(&self, ops: Vec<Op>) -> Result<Vec<Reply>, RuntimeError> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for op in &ops {
            pipe.add_command(self.to_cmd(op));
        }
        let first = self.k(ops[0].key());
        let values: Vec<Value> = self.with_conn_retry(
            |c| pipe.query(c),
            &first,
            wanted(&ops[0]),
            ops.iter().all(repeatable),
        )?;
        if values.len() != ops.len() {
            return Err(RuntimeError::Protocol(format!(
                "{} answers for {} commands",
                values.len(),
                ops.len()
            )));
        }
        ops.iter().zip(values).map(|(op, v)| reply(op, v)).collect()
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let k = self.k(key);
        self.with_conn(|c| redis::cmd("GET").arg(&k).query(c), &k, "string")
    }

    fn ttl(&self, key: &str) -> Result<Ttl, RuntimeError> {
        let k = self.k(key);
        let ms: i64 = self.with_conn(|c| redis::cmd("PTTL").arg(&k).query(c), &k, "string")?;
        Ok(match ms {
            -2 => Ttl::Missing,
            -1 => Ttl::Persistent,
            n => Ttl::Expires(Duration::from_millis(n.max(0) as u64)),
        })
    }

    fn hget(&self, key: &str, field: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let k = self.k(key);
        self.with_conn(
            |c| redis::cmd("HGET").arg(&k).arg(field).query(c),
            &k,
            "hash",
        )
    }

    fn hgetall(&self, key: &str) -> Result<BTreeMap<String, Vec<u8>>, RuntimeError> {
        let k = self.k(key);
        let m: std::collections::HashMap<String, Vec<u8>> =
            self.with_conn(|c| redis::cmd("HGETALL").arg(&k).query(c), &k, "hash")?;
        Ok(m.into_iter().collect())
    }

    fn lrange(&self, key: &str, start: i64, stop: i64) -> Result<Vec<Vec<u8>>, RuntimeError> {
        let k = self.k(key);
        self.with_conn(
            |c| redis::cmd("LRANGE").arg(&k).arg(start).arg(stop).query(c),
            &k,
            "list",
        )
    }

    fn llen(&self, key: &str) -> Result<u64, RuntimeError> {
        let k = self.k(key);
        self.with_conn(|c| redis::cmd("LLEN").arg(&k).query(c), &k, "list")
    }

    fn xread(
        &self,
        key: &str,
        after: &str,
        count: usize,
        block: Option<Duration>,
    ) -> Result<Vec<StreamEntry>, RuntimeError> {
        parse_stream_id(after)?;
        let k = self.k(key);
        let mut cmd = redis::cmd("XREAD");
        cmd.arg("COUNT").arg(count.max(1));
        if let Some(b) = block {
            cmd.arg("BLOCK").arg(millis(b));
        }
        cmd.arg("STREAMS").arg(&k).arg(after);
        let v: Value = match block {
            // A blocking read gets its own connection, so it neither holds the
            // shared one nor trips its read timeout.
            Some(b) => {
                let mut c = self.open(b + IO_TIMEOUT)?;
                cmd.query(&mut c)
                    .map_err(|e| self.classify(e, &k, "stream"))?
            }
            None => self.with_conn(|c| cmd.query(c), &k, "stream")?,
        };
        parse_xread(v)
    }

    fn scan(&self, prefix: &str) -> Result<Vec<String>, RuntimeError> {
        let pattern = format!("{}*", glob_escape(&self.k(prefix)));
        let mut keys = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, batch): (u64, Vec<String>) = self.with_conn(
                |c| {
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1000)
                        .query(c)
                },
                "",
                "string",
            )?;
            keys.extend(batch.into_iter().map(|k| self.strip(&k)));
            if next == 0 {
                break;
            }
            cursor = next;
        }
        keys.sort();
        keys.dedup();
        Ok(keys)
    }
}

/// True when a call failed only because a system call was interrupted (EINTR).
fn interrupted(e: &RedisError) -> bool {
    use std::error::Error as _;
    e.is_io_error()
        && e.source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .is_some_and(|io| io.kind() == std::io::ErrorKind::Interrupted)
        || e.to_string().contains("(os error 4)")
}

/// True for the writes that leave the same state and answer when run twice
/// (so one interrupted by EINTR may be sent again): not deletes (they count),
/// counters, pushes, stream appends, set-if-absent, compare-and-set or lock
/// acquire/release.
fn repeatable(op: &Op) -> bool {
    matches!(
        op,
        Op::Set { .. } | Op::Expire { .. } | Op::SetIfLocked { .. } | Op::LockExtend { .. }
    )
}
