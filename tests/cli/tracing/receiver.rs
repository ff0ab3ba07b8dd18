//! A real OTLP/HTTP trace receiver on a loopback port: it accepts
//! `POST /v1/traces` with `application/x-protobuf`, decodes each
//! `ExportTraceServiceRequest` with the `opentelemetry-proto` types and
//! keeps the spans, for tests to look at.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use prost::Message;

/// One received span.
#[derive(Clone, Debug)]
pub struct Span {
    /// Trace id, hex.
    pub trace_id: String,
    /// Span id, hex.
    pub span_id: String,
    /// Parent span id, hex (empty for a root).
    pub parent: String,
    /// Name.
    pub name: String,
    /// Attributes, as text.
    pub attrs: BTreeMap<String, String>,
    /// The resource's `service.name`.
    pub service: String,
}

impl Span {
    /// An attribute, or "".
    pub fn attr(&self, key: &str) -> &str {
        self.attrs.get(key).map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Seen {
    requests: usize,
    spans: Vec<Span>,
    bad: Vec<String>,
}

/// The receiver; it stops with the test process.
pub struct Receiver {
    /// `http://127.0.0.1:PORT`, for `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: String,
    seen: Arc<Mutex<Seen>>,
}

impl Receiver {
    /// Starts one on a free loopback port.
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let s = Arc::clone(&seen);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let s = Arc::clone(&s);
                std::thread::spawn(move || serve(conn, &s));
            }
        });
        Receiver { endpoint, seen }
    }

    /// How many export requests arrived.
    pub fn requests(&self) -> usize {
        self.seen.lock().unwrap().requests
    }

    /// Every span received so far; panics on a request it could not read.
    pub fn spans(&self) -> Vec<Span> {
        let seen = self.seen.lock().unwrap();
        assert!(seen.bad.is_empty(), "bad OTLP requests: {:?}", seen.bad);
        seen.spans.clone()
    }

    /// The spans, once `done` holds for them (or after `within`).
    pub fn wait(&self, within: Duration, done: impl Fn(&[Span]) -> bool) -> Vec<Span> {
        let start = Instant::now();
        loop {
            let spans = self.spans();
            if done(&spans) || start.elapsed() > within {
                return spans;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn serve(conn: TcpStream, seen: &Mutex<Seen>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let mut out = match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    };
    let mut r = BufReader::new(conn);
    // One request after another on a kept-alive connection.
    while let Some((head, body)) = read_request(&mut r) {
        let problem = if !head.starts_with("POST /v1/traces ") {
            Some(format!(
                "unexpected request: {}",
                head.lines().next().unwrap_or("")
            ))
        } else if !head
            .to_ascii_lowercase()
            .contains("content-type: application/x-protobuf")
        {
            Some(format!("not protobuf: {head}"))
        } else {
            match ExportTraceServiceRequest::decode(body.as_slice()) {
                Ok(req) => {
                    let mut s = seen.lock().unwrap();
                    s.requests += 1;
                    s.spans.extend(spans_of(req));
                    None
                }
                Err(e) => Some(format!("undecodable ExportTraceServiceRequest: {e}")),
            }
        };
        let status = match &problem {
            None => "200 OK",
            Some(_) => "400 Bad Request",
        };
        if let Some(p) = problem {
            seen.lock().unwrap().bad.push(p);
        }
        let answer = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n"
        );
        if out.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// The request's head (request line and headers) and body; `None` at the
/// end of the connection.
fn read_request(r: &mut impl BufRead) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let lower = head.to_ascii_lowercase();
    let header = |name: &str| {
        lower
            .lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
    };
    let mut body = Vec::new();
    if header("transfer-encoding:").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let n: usize = header("content-length:")?.parse().ok()?;
        body.resize(n, 0);
        r.read_exact(&mut body).ok()?;
    }
    Some((head, body))
}

fn text(v: Option<&opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match v.and_then(|v| v.value.as_ref()) {
        Some(Any::StringValue(s)) => s.clone(),
        Some(Any::IntValue(i)) => i.to_string(),
        Some(Any::BoolValue(b)) => b.to_string(),
        Some(Any::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn spans_of(req: ExportTraceServiceRequest) -> Vec<Span> {
    let mut out = Vec::new();
    for rs in req.resource_spans {
        let service = rs
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .map(|a| text(a.value.as_ref()))
            .unwrap_or_default();
        for ss in rs.scope_spans {
            for s in ss.spans {
                out.push(Span {
                    trace_id: hex(&s.trace_id),
                    span_id: hex(&s.span_id),
                    parent: hex(&s.parent_span_id),
                    name: s.name,
                    attrs: s
                        .attributes
                        .iter()
                        .map(|a| (a.key.clone(), text(a.value.as_ref())))
                        .collect(),
                    service: service.clone(),
                });
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
