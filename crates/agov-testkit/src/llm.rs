//! An OpenAI-compatible chat-completions server for tests: it answers
//! `POST /v1/chat/completions` on a free loopback port from a script of
//! replies (status, body, delay), then with a default that echoes the last
//! user message, and records every request it got.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body (JSON text).
    pub body: String,
    /// Wait this long before answering.
    pub delay: Duration,
}

impl Reply {
    /// A 200 with a chat completion saying `content`.
    pub fn content(content: &str) -> Reply {
        Reply {
            status: 200,
            body: completion(content),
            delay: Duration::ZERO,
        }
    }

    /// An error status with an OpenAI-style error body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: format!(r#"{{"error":{{"message":"scripted {status}"}}}}"#),
            delay: Duration::ZERO,
        }
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Request path.
    pub path: String,
    /// The Authorization header.
    pub authorization: String,
    /// The JSON body.
    pub body: String,
}

/// The running fake.
pub struct FakeLlm {
    port: u16,
    script: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn completion(content: &str) -> String {
    let content = content
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!(
        r#"{{"id":"x","object":"chat.completion","choices":[{{"index":0,"message":{{"role":"assistant","content":"{content}"}},"finish_reason":"stop"}}],"usage":{{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}}}"#
    )
}

fn handle(mut stream: TcpStream, script: &Mutex<VecDeque<Reply>>, seen: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
    let (mut length, mut authorization) = (0usize, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("authorization:") {
            authorization = line["authorization:".len()..].trim().to_string();
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    let last_user = serde_like_last_user(&body);
    seen.lock().expect("lock").push(Seen {
        path,
        authorization,
        body,
    });
    let reply = script
        .lock()
        .expect("lock")
        .pop_front()
        .unwrap_or_else(|| Reply::content(&default_answer(&last_user)));
    std::thread::sleep(reply.delay);
    let _ = write!(
        stream,
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
}

/// What the fake answers when nothing is queued: it follows the governed
/// drivers' instructions (a verdict for VERIFY, a vote for VOTE) and echoes
/// the rest.
fn default_answer(last_user: &str) -> String {
    if last_user.starts_with("VERIFY") {
        "PASS: the deliverables meet the criteria".into()
    } else if last_user.starts_with("VOTE") {
        "ACCEPT the deliverables meet the objective".into()
    } else {
        format!("ok: {last_user}")
    }
}

/// The text of the last `"content":"…"` in a request body (enough for echoing).
fn serde_like_last_user(body: &str) -> String {
    body.rsplit("\"content\":\"")
        .next()
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .chars()
        .take(60)
        .collect()
}

impl FakeLlm {
    /// Starts the server on a free loopback port.
    pub fn start() -> FakeLlm {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let script: Arc<Mutex<VecDeque<Reply>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (s, r) = (Arc::clone(&script), Arc::clone(&seen));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, r) = (Arc::clone(&s), Arc::clone(&r));
                std::thread::spawn(move || handle(stream, &s, &r));
            }
        });
        FakeLlm { port, script, seen }
    }

    /// The base URL to configure (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Queues replies, answered in order before the default.
    pub fn push(&self, replies: impl IntoIterator<Item = Reply>) {
        self.script.lock().expect("lock").extend(replies);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}
