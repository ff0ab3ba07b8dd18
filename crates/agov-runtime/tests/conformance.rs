//! One set of cases, run against both runtime stores: embedded SQLite and a
//! real redis-server. Each test gets its own namespace, so tests sharing the
//! server never see each other's keys.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agov_core::Secret;
use agov_runtime::{EmbeddedStore, Op, RedisStore, Reply, RuntimeError, RuntimeStore, Ttl};

fn redis() -> Arc<dyn RuntimeStore> {
    let server = agov_testkit::shared_redis();
    Arc::new(RedisStore::connect(&server.url(), None, &agov_testkit::unique("test:")).unwrap())
}

fn embedded() -> Arc<dyn RuntimeStore> {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    Arc::new(EmbeddedStore::open(&dir.path().join("runtime.db"), "agov:").unwrap())
}

fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "{what} did not happen within 5s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

mod cases {
    use super::*;

    pub fn strings_round_trip_binary(s: Arc<dyn RuntimeStore>) {
        let v = [0u8, 255, 10, 13, b'x', 0];
        s.set("k", &v, None).unwrap();
        assert_eq!(s.get("k").unwrap().as_deref(), Some(&v[..]));
        s.set("k", b"new", None).unwrap();
        assert_eq!(s.get("k").unwrap().as_deref(), Some(&b"new"[..]));
        assert!(s.del("k").unwrap());
        assert!(!s.del("k").unwrap());
        assert_eq!(s.get("k").unwrap(), None);
        assert_eq!(s.get("never").unwrap(), None);
    }

    pub fn keys_expire(s: Arc<dyn RuntimeStore>) {
        s.set("short", b"1", Some(Duration::from_millis(150)))
            .unwrap();
        s.set("long", b"1", None).unwrap();
        assert!(
            matches!(s.ttl("short").unwrap(), Ttl::Expires(d) if d <= Duration::from_millis(150))
        );
        assert_eq!(s.ttl("long").unwrap(), Ttl::Persistent);
        assert_eq!(s.ttl("none").unwrap(), Ttl::Missing);
        eventually("expiry", || s.get("short").unwrap().is_none());
        assert_eq!(s.ttl("short").unwrap(), Ttl::Missing);
        assert!(s.expire("long", Duration::from_millis(100)).unwrap());
        assert!(!s.expire("none", Duration::from_secs(1)).unwrap());
        eventually("expire()", || s.get("long").unwrap().is_none());
        assert!(
            s.set_nx("short", b"again", None).unwrap(),
            "an expired key can be taken again"
        );
    }

    pub fn set_nx_only_once(s: Arc<dyn RuntimeStore>) {
        assert!(s.set_nx("once", b"a", None).unwrap());
        assert!(!s.set_nx("once", b"b", None).unwrap());
        assert_eq!(s.get("once").unwrap().as_deref(), Some(&b"a"[..]));
    }

    pub fn counters_are_atomic(s: Arc<dyn RuntimeStore>) {
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        s.incr("n", 1, None).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(s.incr("n", 0, None).unwrap(), 800);
        assert_eq!(s.incr("neg", -5, None).unwrap(), -5);

        assert_eq!(
            s.incr("windowed", 1, Some(Duration::from_secs(30)))
                .unwrap(),
            1
        );
        assert_eq!(
            s.incr("windowed", 1, Some(Duration::from_millis(1)))
                .unwrap(),
            2
        );
        assert!(
            matches!(s.ttl("windowed").unwrap(), Ttl::Expires(d) if d > Duration::from_secs(20)),
            "TTL only on create"
        );

        s.set("text", b"abc", None).unwrap();
        assert!(matches!(
            s.incr("text", 1, None),
            Err(RuntimeError::NotInteger(_))
        ));
    }

    pub fn compare_and_set(s: Arc<dyn RuntimeStore>) {
        assert!(s.compare_and_set("c", None, b"a", None).unwrap());
        assert!(!s.compare_and_set("c", None, b"b", None).unwrap());
        assert!(!s.compare_and_set("c", Some(b"x"), b"b", None).unwrap());
        assert!(
            s.compare_and_set("c", Some(b"a"), b"b", Some(Duration::from_secs(60)))
                .unwrap()
        );
        assert_eq!(s.get("c").unwrap().as_deref(), Some(&b"b"[..]));
        assert!(matches!(s.ttl("c").unwrap(), Ttl::Expires(_)));
    }

    pub fn hashes(s: Arc<dyn RuntimeStore>) {
        s.hset("h", "a", b"1").unwrap();
        s.hset("h", "b", b"2").unwrap();
        assert_eq!(s.hget("h", "a").unwrap().as_deref(), Some(&b"1"[..]));
        assert_eq!(s.hget("h", "zz").unwrap(), None);
        assert_eq!(s.hincr("h", "n", 5).unwrap(), 5);
        assert_eq!(s.hincr("h", "n", -2).unwrap(), 3);
        let all = s.hgetall("h").unwrap();
        assert_eq!(all.keys().collect::<Vec<_>>(), vec!["a", "b", "n"]);
        assert!(s.hdel("h", "a").unwrap());
        assert!(!s.hdel("h", "a").unwrap());
        s.hdel("h", "b").unwrap();
        s.hdel("h", "n").unwrap();
        assert_eq!(s.ttl("h").unwrap(), Ttl::Missing, "an emptied hash is gone");
        assert!(s.hgetall("nohash").unwrap().is_empty());
    }

    pub fn lists(s: Arc<dyn RuntimeStore>) {
        for i in 0..5u8 {
            assert_eq!(s.rpush("l", &[b'0' + i]).unwrap(), u64::from(i) + 1);
        }
        let b = |v: &[&str]| v.iter().map(|x| x.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(s.lrange("l", 0, -1).unwrap(), b(&["0", "1", "2", "3", "4"]));
        assert_eq!(s.lrange("l", -2, -1).unwrap(), b(&["3", "4"]));
        assert_eq!(s.lrange("l", 1, 2).unwrap(), b(&["1", "2"]));
        assert_eq!(s.lrange("l", 3, 100).unwrap(), b(&["3", "4"]));
        assert!(s.lrange("l", 10, 20).unwrap().is_empty());
        assert_eq!(s.llen("l").unwrap(), 5);
        assert_eq!(s.llen("nolist").unwrap(), 0);
    }

    pub fn locks_belong_to_their_owner(s: Arc<dyn RuntimeStore>) {
        let ttl = Duration::from_secs(30);
        assert!(s.lock_acquire("lock", "alpha", ttl).unwrap());
        assert!(!s.lock_acquire("lock", "beta", ttl).unwrap());
        assert_eq!(s.lock_owner("lock").unwrap().as_deref(), Some("alpha"));
        assert!(!s.lock_extend("lock", "beta", ttl).unwrap());
        assert!(!s.lock_release("lock", "beta").unwrap());
        assert!(s.lock_extend("lock", "alpha", ttl).unwrap());
        assert!(s.lock_release("lock", "alpha").unwrap());
        assert!(
            !s.lock_extend("lock", "alpha", ttl).unwrap(),
            "a released lock cannot be extended"
        );
        assert!(s.lock_acquire("lock", "beta", ttl).unwrap());

        assert!(
            s.lock_acquire("brief", "crashed", Duration::from_millis(100))
                .unwrap()
        );
        eventually("lock expiry", || {
            s.lock_acquire("brief", "successor", ttl).unwrap()
        });
        assert_eq!(s.lock_owner("brief").unwrap().as_deref(), Some("successor"));
        assert!(
            !s.lock_release("brief", "crashed").unwrap(),
            "the old owner cannot release it"
        );
    }

    pub fn only_the_lock_holder_writes_guarded_keys(s: Arc<dyn RuntimeStore>) {
        let ttl = Duration::from_secs(30);
        let guarded = |value: &str, owner: &str| {
            s.apply(Op::SetIfLocked {
                key: "state".into(),
                value: value.as_bytes().to_vec(),
                lock: "lease".into(),
                owner: owner.into(),
            })
            .unwrap()
            .bool()
            .unwrap()
        };
        assert!(!guarded("nobody", "alpha"), "no lease, no write");
        assert_eq!(s.get("state").unwrap(), None);
        assert!(s.lock_acquire("lease", "alpha", ttl).unwrap());
        assert!(guarded("one", "alpha"));
        assert!(!guarded("two", "beta"), "another owner cannot write");
        assert_eq!(s.get("state").unwrap().as_deref(), Some(&b"one"[..]));
        assert!(s.lock_release("lease", "alpha").unwrap());
        assert!(!guarded("three", "alpha"), "a released lease cannot write");
        assert_eq!(s.get("state").unwrap().as_deref(), Some(&b"one"[..]));
    }

    pub fn one_lock_many_contenders(s: Arc<dyn RuntimeStore>) {
        let winners: usize = (0..8)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    s.lock_acquire("race", &format!("agent-{i}"), Duration::from_secs(30))
                        .unwrap()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(winners, 1);
    }

    pub fn streams(s: Arc<dyn RuntimeStore>) {
        let f = |n: &str| {
            vec![
                ("n".to_string(), n.as_bytes().to_vec()),
                ("bin".to_string(), vec![0, 1, 2]),
            ]
        };
        let a = s.xadd("st", f("1"), None).unwrap();
        let b = s.xadd("st", f("2"), None).unwrap();
        let c = s.xadd("st", f("3"), None).unwrap();
        assert!(a < b || a.len() < b.len(), "ids increase: {a} {b}");
        let all = s.xread("st", "0", 100, None).unwrap();
        assert_eq!(
            all.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
            vec![a.clone(), b.clone(), c.clone()]
        );
        assert_eq!(all[1].fields, f("2"));
        let after_b = s.xread("st", &b, 100, None).unwrap();
        assert_eq!(after_b.len(), 1);
        assert_eq!(after_b[0].id, c);
        assert_eq!(s.xread("st", "0", 2, None).unwrap().len(), 2);
        s.xadd("st", f("4"), Some(2)).unwrap();
        assert_eq!(
            s.xread("st", "0", 100, None).unwrap().len(),
            2,
            "MAXLEN trims the oldest"
        );
        assert!(s.xread("nostream", "0", 10, None).unwrap().is_empty());
        assert!(matches!(
            s.xread("st", "not-an-id", 10, None),
            Err(RuntimeError::BadInput(_))
        ));
    }

    pub fn blocking_stream_read_wakes_up(s: Arc<dyn RuntimeStore>) {
        let last = s
            .xadd("ev", vec![("k".into(), b"first".to_vec())], None)
            .unwrap();
        let quiet = Instant::now();
        assert!(
            s.xread("ev", &last, 10, Some(Duration::from_millis(100)))
                .unwrap()
                .is_empty()
        );
        assert!(
            quiet.elapsed() >= Duration::from_millis(90),
            "the read waited"
        );
        let writer = {
            let s = s.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(150));
                s.xadd("ev", vec![("k".into(), b"second".to_vec())], None)
                    .unwrap();
            })
        };
        let got = s
            .xread("ev", &last, 10, Some(Duration::from_secs(10)))
            .unwrap();
        writer.join().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].fields[0].1, b"second");
    }

    pub fn wrong_types_are_refused(s: Arc<dyn RuntimeStore>) {
        s.set("str", b"x", None).unwrap();
        s.hset("hash", "f", b"v").unwrap();
        assert!(matches!(
            s.hset("str", "f", b"v"),
            Err(RuntimeError::WrongType { .. })
        ));
        assert!(matches!(s.get("hash"), Err(RuntimeError::WrongType { .. })));
        assert!(matches!(
            s.rpush("hash", b"v"),
            Err(RuntimeError::WrongType { .. })
        ));
        assert!(matches!(
            s.lock_extend("hash", "o", Duration::from_secs(1)),
            Err(RuntimeError::WrongType { .. })
        ));
        s.set("hash", b"replaced", None).unwrap();
        assert_eq!(
            s.get("hash").unwrap().as_deref(),
            Some(&b"replaced"[..]),
            "SET replaces any type"
        );
    }

    pub fn batches_apply_every_op(s: Arc<dyn RuntimeStore>) {
        s.lock_acquire("b:lock", "me", Duration::from_secs(10))
            .unwrap();
        let replies = s
            .batch(vec![
                Op::Set {
                    key: "b:hb".into(),
                    value: b"now".to_vec(),
                    ttl: Some(Duration::from_secs(60)),
                },
                Op::LockExtend {
                    key: "b:lock".into(),
                    owner: "me".into(),
                    ttl: Duration::from_secs(60),
                },
                Op::Incr {
                    key: "b:errors".into(),
                    by: 1,
                    ttl_on_create: Some(Duration::from_secs(60)),
                },
                Op::HSet {
                    key: "b:state".into(),
                    field: "phase".into(),
                    value: b"PLAN".to_vec(),
                },
                Op::RPush {
                    key: "b:log".into(),
                    value: b"entered PLAN".to_vec(),
                },
                Op::XAdd {
                    key: "b:events".into(),
                    fields: vec![("phase".into(), b"PLAN".to_vec())],
                    max_len: Some(100),
                },
                Op::CompareAndSet {
                    key: "b:cas".into(),
                    expected: None,
                    value: b"1".to_vec(),
                    ttl: None,
                },
            ])
            .unwrap();
        assert_eq!(replies[0], Reply::Ok);
        assert_eq!(replies[1], Reply::Bool(true));
        assert_eq!(replies[2], Reply::Int(1));
        assert_eq!(replies[3], Reply::Ok);
        assert_eq!(replies[4], Reply::Int(1));
        assert!(matches!(replies[5], Reply::Id(_)));
        assert_eq!(replies[6], Reply::Bool(true));
        assert_eq!(
            s.hget("b:state", "phase").unwrap().as_deref(),
            Some(&b"PLAN"[..])
        );
        assert!(matches!(s.ttl("b:lock").unwrap(), Ttl::Expires(d) if d > Duration::from_secs(30)));
        assert!(s.batch(Vec::new()).unwrap().is_empty());
    }

    pub fn scan_lists_live_keys_by_prefix(s: Arc<dyn RuntimeStore>) {
        s.set("p1:a", b"", None).unwrap();
        s.hset("p1:b", "f", b"").unwrap();
        s.set("p1:gone", b"", Some(Duration::from_millis(50)))
            .unwrap();
        s.set("p2:c", b"", None).unwrap();
        s.set("p1*x", b"", None).unwrap();
        eventually("expiry", || s.get("p1:gone").unwrap().is_none());
        assert_eq!(
            s.scan("p1:").unwrap(),
            vec!["p1:a".to_string(), "p1:b".to_string()]
        );
        assert_eq!(
            s.scan("p1*").unwrap(),
            vec!["p1*x".to_string()],
            "glob characters match literally"
        );
    }
}

macro_rules! conformance {
    ($backend:ident: $($case:ident),* $(,)?) => {
        mod $backend {
            $(
                #[test]
                fn $case() {
                    super::cases::$case(super::$backend());
                }
            )*
        }
    };
}

conformance!(embedded: strings_round_trip_binary, keys_expire, set_nx_only_once, counters_are_atomic, compare_and_set, hashes, lists,
    locks_belong_to_their_owner, only_the_lock_holder_writes_guarded_keys, one_lock_many_contenders, streams, blocking_stream_read_wakes_up, wrong_types_are_refused,
    batches_apply_every_op, scan_lists_live_keys_by_prefix);
conformance!(redis: strings_round_trip_binary, keys_expire, set_nx_only_once, counters_are_atomic, compare_and_set, hashes, lists,
    locks_belong_to_their_owner, only_the_lock_holder_writes_guarded_keys, one_lock_many_contenders, streams, blocking_stream_read_wakes_up, wrong_types_are_refused,
    batches_apply_every_op, scan_lists_live_keys_by_prefix);

/// Redis pushes what is published on a channel to a listener on a
/// connection of its own; the embedded store says at once it cannot push.
#[test]
fn redis_pushes_published_changes_to_a_listener_and_embedded_cannot() {
    let s = embedded();
    let mut never = || panic!("the embedded store heard something");
    assert!(!s.listen("changes:pipelines", "t:x:", &mut never).unwrap());
    s.publish("changes:pipelines", b"1").unwrap();

    let s = redis();
    let heard = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = {
        let (s, heard) = (s.clone(), heard.clone());
        std::thread::spawn(move || {
            s.listen("changes:pipelines", "t:x:", &mut || {
                heard.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2
            })
        })
    };
    // Published until heard three times: once subscribed, then at each
    // message (the listener may subscribe late).
    eventually("the listener hearing three times", || {
        s.publish("changes:pipelines", b"1").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        listener.is_finished()
    });
    assert!(listener.join().unwrap().unwrap(), "it stopped when told to");
    assert_eq!(heard.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[test]
fn namespaces_keep_stores_apart() {
    let url = agov_testkit::shared_redis().url();
    let a = RedisStore::connect(&url, None, &agov_testkit::unique("ns-a:")).unwrap();
    let b = RedisStore::connect(&url, None, &agov_testkit::unique("ns-b:")).unwrap();
    a.set("same", b"a", None).unwrap();
    assert_eq!(b.get("same").unwrap(), None);
    assert!(b.scan("").unwrap().is_empty());
}

#[test]
fn redis_that_refuses_auth_is_reported_with_a_hint() {
    use agov_core::Classify;
    let server = agov_testkit::Redis::start_with_password("s3cret-pw");
    let no_pw = format!("redis://127.0.0.1:{}/0", server.port);
    let err = RedisStore::connect(&no_pw, None, "x:")
        .err()
        .expect("refused");
    assert!(matches!(err, RuntimeError::Auth { .. }), "{err:?}");
    assert_eq!(err.class(), agov_core::FailureClass::Unavailable);
    assert!(err.hint().unwrap().contains("password"));
    let wrong = RedisStore::connect(&no_pw, Some(Secret::new("nope")), "x:")
        .err()
        .expect("refused");
    assert!(matches!(wrong, RuntimeError::Auth { .. }), "{wrong:?}");
    assert!(
        !wrong.to_string().contains("nope"),
        "the password is not echoed"
    );

    let with_pw = RedisStore::connect(&no_pw, Some(Secret::new("s3cret-pw")), "x:").unwrap();
    with_pw.set("k", b"v", None).unwrap();
    let in_url = RedisStore::connect(&server.url(), None, "x:").unwrap();
    assert_eq!(in_url.get("k").unwrap().as_deref(), Some(&b"v"[..]));
    let shown = RedisStore::connect(
        &format!("redis://:bad-pw@127.0.0.1:{}/0", server.port),
        None,
        "x:",
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        !shown.contains("bad-pw"),
        "URL passwords are redacted in errors: {shown}"
    );
}

#[test]
fn unreachable_redis_is_unavailable_and_the_store_reconnects_after_a_restart() {
    use agov_core::Classify;
    let mut server = agov_testkit::Redis::start();
    let store = RedisStore::connect(&server.url(), None, "x:").unwrap();
    store.set("k", b"v", None).unwrap();
    server.stop();
    let err = store.get("k").unwrap_err();
    assert_eq!(err.class(), agov_core::FailureClass::Unavailable, "{err:?}");
    server.restart();
    eventually("reconnect", || store.set("k", b"again", None).is_ok());
    assert_eq!(store.get("k").unwrap().as_deref(), Some(&b"again"[..]));

    let dead = RedisStore::connect("redis://127.0.0.1:9/0", None, "x:")
        .err()
        .unwrap();
    assert_eq!(dead.class(), agov_core::FailureClass::Unavailable);
}

/// Rows of expired keys do not pile up in runtime.db: the first write of
/// each process (each store opened) deletes every one, members included.
#[test]
fn the_embedded_store_purges_expired_rows_on_its_first_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runtime.db");
    let store = EmbeddedStore::open(&path, "agov:").unwrap();
    let short = Some(Duration::from_millis(1));
    store.set("gone", b"x", short).unwrap();
    store.hset("board", "f", b"v").unwrap();
    store.rpush("msgs", b"m").unwrap();
    store.expire("board", Duration::from_millis(1)).unwrap();
    store.expire("msgs", Duration::from_millis(1)).unwrap();
    store.set("kept", b"y", None).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let rows = |table: &str| -> i64 {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(rows("entries"), 4, "expired rows stay until a purge");
    let next = EmbeddedStore::open(&path, "agov:").unwrap();
    assert_eq!(next.get("kept").unwrap().as_deref(), Some(&b"y"[..]));
    next.set("other", b"z", None).unwrap();
    assert_eq!(rows("entries"), 2);
    assert_eq!(rows("hash_fields"), 0);
    assert_eq!(rows("list_items"), 0);
}
