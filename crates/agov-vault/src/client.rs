//! The blocking Vault client.
//!
//! With AppRole, agov's login token is short-lived (15 min, 1 h at most) and
//! never left behind: with a login cache ([`Vault::with_login_cache`], a
//! 0600 file in the data folder) the next process reuses it while it is
//! valid (checked with one `lookup-self`, the round trip a login would
//! cost), so any number of commands in a row keep one live governor token;
//! without a cache, or when the cache could not take it, the process
//! revokes its own login token when it ends.

use std::future::Future;
use std::sync::{Mutex, OnceLock, PoisonError};

use agov_config::{SecretIdSource, VaultAuth, VaultSettings};
use agov_core::Secret;
pub use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::error::{VaultError, error_chain};

/// A connection to Vault. With AppRole it logs in on its first
/// authenticated call (or at once, through [`Vault::connect`]), so that a
/// command that turns out not to need Vault does not fail while it is down.
pub struct Vault {
    /// The process's one runtime ([`runtime`]).
    pub(crate) rt: &'static tokio::runtime::Runtime,
    /// The HTTP client (its connection pool is shared by every [`Vault`] of
    /// this process for the same address, [`shared_http`]).
    http: reqwest::Client,
    addr: String,
    kv_mount: String,
    pub(crate) namespace: Option<String>,
    pub(crate) login: Login,
    /// The person's token (`VAULT_TOKEN` beside AppRole), for operator checks.
    pub(crate) operator_token: Option<Secret>,
    /// agov's own token and a client presenting it, once logged in.
    session: OnceLock<Session>,
    /// Where AppRole login tokens are kept for the next process.
    login_cache: Option<std::path::PathBuf>,
}

/// How agov obtains its own token.
pub(crate) enum Login {
    Token(Secret),
    AppRole {
        mount: String,
        role_id: String,
        secret_id: Secret,
    },
}

/// agov's own token.
pub(crate) struct Session {
    pub(crate) token: Secret,
    /// A login token this process must revoke when it ends (AppRole, not
    /// handed on through the login cache).
    revoke_at_end: bool,
}

/// The login cache's content.
#[derive(Serialize, Deserialize)]
struct CachedLogin {
    /// Who it is for: address, namespace, mount and role id.
    key: String,
    token: String,
    /// When it expires (µs since the epoch).
    expires_us: i64,
}

/// A cached login is reused only with at least this much life left.
const CACHE_MARGIN_US: i64 = 60_000_000;

/// `GET /v1/sys/health`, as far as agov cares.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Health {
    /// Initialised.
    pub initialized: bool,
    /// Sealed.
    pub sealed: bool,
    /// A standby node.
    #[serde(default)]
    pub standby: bool,
    /// Server version.
    #[serde(default)]
    pub version: String,
}

/// A KV read in flight ([`Vault::kv_read_ahead`]).
pub struct KvReadAhead {
    rt: &'static tokio::runtime::Runtime,
    task: JoinHandle<Result<KvEntry, VaultError>>,
}

impl KvReadAhead {
    /// The secret, or `None` when there is none at that path.
    pub fn wait(self) -> Result<Option<KvEntry>, VaultError> {
        match self.rt.block_on(self.task) {
            Ok(Ok(entry)) => Ok(Some(entry)),
            Ok(Err(VaultError::NotFound { .. })) => Ok(None),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(VaultError::Setup(format!(
                "the Vault read task failed: {e}"
            ))),
        }
    }
}

/// A KV v2 secret and its version.
#[derive(Clone, Debug, PartialEq)]
pub struct KvEntry {
    /// The secret's fields.
    pub data: serde_json::Map<String, Value>,
    /// Its current version (for check-and-set).
    pub version: u64,
}

impl Vault {
    /// Prepares a connection without calling Vault yet: AppRole logs in
    /// on the first call that needs a token. Missing credentials and an
    /// unreadable secret-id file are reported now.
    pub fn new(s: &VaultSettings) -> Result<Vault, VaultError> {
        let addr = s.addr.value.trim_end_matches('/').to_string();
        let login = match &s.auth {
            VaultAuth::Token(t) => Login::Token(t.clone()),
            VaultAuth::AppRole {
                mount,
                role_id,
                secret_id,
            } => Login::AppRole {
                mount: mount.clone(),
                role_id: role_id.clone(),
                secret_id: match secret_id {
                    SecretIdSource::Value(v) => v.clone(),
                    SecretIdSource::File(p) => Secret::new(
                        std::fs::read_to_string(p)
                            .map_err(|e| {
                                VaultError::Setup(format!(
                                    "cannot read the AppRole secret id from {}: {e}",
                                    p.display()
                                ))
                            })?
                            .trim()
                            .to_string(),
                    ),
                },
            },
            VaultAuth::Missing => return Err(VaultError::NoCredentials { addr }),
        };
        let rt = runtime()?;
        Ok(Vault {
            rt,
            http: shared_http(s, &addr)?,
            addr,
            kv_mount: s.kv_mount.clone(),
            namespace: s.namespace.clone(),
            login,
            operator_token: s.operator_token.clone(),
            session: OnceLock::new(),
            login_cache: None,
        })
    }

    /// Keeps AppRole login tokens in `path` (a 0600 file; its folder is
    /// created private) for the next process to reuse while valid, instead
    /// of logging in again.
    pub fn with_login_cache(mut self, path: std::path::PathBuf) -> Vault {
        self.login_cache = Some(path);
        self
    }

    /// Who a cached login is for.
    fn cache_key(&self, mount: &str, role_id: &str) -> String {
        format!(
            "{}|{}|{mount}|{role_id}",
            self.addr,
            self.namespace.as_deref().unwrap_or("")
        )
    }

    /// A cached login token for this identity that Vault still honours.
    fn cached_login(&self, key: &str) -> Option<Secret> {
        let path = self.login_cache.as_ref()?;
        let text = std::fs::read_to_string(path).ok()?;
        let cached: CachedLogin = serde_json::from_str(&text).ok()?;
        let token = Secret::new(cached.token);
        if cached.key != key || cached.expires_us < agov_core::time::now_us() + CACHE_MARGIN_US {
            return None;
        }
        let check = self.request(Method::GET, "auth/token/lookup-self", None, Some(&token));
        match self.rt.block_on(check) {
            Ok((_, me))
                if me.pointer("/data/ttl").and_then(Value::as_i64).unwrap_or(0) * 1_000_000
                    > CACHE_MARGIN_US =>
            {
                Some(token)
            }
            _ => None,
        }
    }

    /// Hands a fresh login token on to the next process; false if it could not.
    fn cache_login(&self, key: &str, token: &Secret, ttl_secs: u64) -> bool {
        let Some(path) = &self.login_cache else {
            return false;
        };
        let cached = CachedLogin {
            key: key.to_string(),
            token: token.expose().to_string(),
            expires_us: agov_core::time::now_us() + (ttl_secs as i64) * 1_000_000,
        };
        let bytes = serde_json::to_vec(&cached).unwrap_or_default();
        let written = path
            .parent()
            .map_or(Ok(()), agov_core::fsutil::create_private_dir)
            .and_then(|()| agov_core::fsutil::write_atomic(path, &bytes, 0o600));
        if let Err(e) = &written {
            tracing::debug!(error = %e, path = %path.display(), "cannot keep the Vault login for the next command");
        }
        written.is_ok()
    }

    /// Connects and logs in now (AppRole), so bad credentials fail here.
    pub fn connect(s: &VaultSettings) -> Result<Vault, VaultError> {
        let vault = Vault::new(s)?;
        vault.session()?;
        Ok(vault)
    }

    /// agov's own session: logs in with AppRole the first time.
    pub(crate) fn session(&self) -> Result<&Session, VaultError> {
        if let Some(s) = self.session.get() {
            return Ok(s);
        }
        let (token, revoke_at_end) = match &self.login {
            Login::Token(t) => (t.clone(), false),
            Login::AppRole {
                mount,
                role_id,
                secret_id,
            } => {
                let key = self.cache_key(mount, role_id);
                match self.cached_login(&key) {
                    Some(t) => (t, false),
                    None => {
                        let started = std::time::Instant::now();
                        let login = || {
                            let call = self.request(
                                Method::POST,
                                &format!("auth/{mount}/login"),
                                Some(json!({
                                    "role_id": role_id,
                                    "secret_id": secret_id.expose(),
                                })),
                                None,
                            );
                            self.rt
                                .block_on(call)
                                .map_err(|e| rename(e, "AppRole login"))
                        };
                        // A login is safe to try again, and OpenBao answers
                        // 500 ("transaction commit failed") when logins of one
                        // bounded-use secret id race.
                        let mut auth = login();
                        for attempt in 1..=3 {
                            match &auth {
                                Err(VaultError::Api { code, .. }) if *code >= 500 => {
                                    std::thread::sleep(std::time::Duration::from_millis(
                                        20 * attempt,
                                    ));
                                    auth = login();
                                }
                                _ => break,
                            }
                        }
                        let (_, answer) = logged("AppRole login", started, auth)?;
                        let auth = Auth::of("AppRole login", &answer)?;
                        let handed_on = self.cache_login(&key, &auth.token, auth.lease_secs);
                        (auth.token, !handed_on)
                    }
                }
            }
        };
        let session = Session {
            token,
            revoke_at_end,
        };
        // Two threads may log in at once: the first session stays.
        let _ = self.session.set(session);
        Ok(self.session.get().expect("the session was just set"))
    }

    /// The address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The KV v2 mount agov uses.
    pub fn kv_mount(&self) -> &str {
        &self.kv_mount
    }

    /// One call to `/v1/{path}` with agov's own token; returns Vault's
    /// answer (JSON, `null` when empty). Errors name the call as `what`.
    pub fn send(
        &self,
        what: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, VaultError> {
        let token = self.session()?.token.clone();
        self.send_as(&token, what, method, path, body)
    }

    /// [`Vault::send`] presenting `token` instead of agov's own (e.g. a
    /// pipeline token issuing its children).
    pub fn send_as(
        &self,
        token: &Secret,
        what: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, VaultError> {
        let span = agov_trace::Span::start_with(|| format!("vault {what}"));
        span.set_with("http.request.method", || method.to_string());
        span.set_with("url.path", || format!("/v1/{path}"));
        span.set("agov.vault.call", what.to_string());
        let call = self.request(method, path, body, Some(token));
        let result = self
            .rt
            .block_on(call)
            .map(|(_, answer)| answer)
            .map_err(|e| rename(e, what));
        if let Err(e) = &result {
            span.fail(e);
        }
        result
    }

    /// Starts a read that this process will make later (the same method,
    /// path and body, with agov's own token), so that its round trip
    /// overlaps whatever comes first: the later call takes its answer
    /// instead of asking again. For reads only: a call started here may be
    /// dropped unused, e.g. when a check the command makes first fails.
    /// Nothing is started when agov would first have to log in.
    pub fn read_ahead(&self, method: Method, path: &str, body: Option<Value>) {
        if !self.session_is_free() {
            return;
        }
        let Ok(session) = self.session() else {
            return;
        };
        let token = session.token.clone();
        let key = self.call_key(&method, path, body.as_ref(), Some(&token));
        let call = self.request(method, path, body, Some(&token));
        let task = self.rt.spawn(call);
        ahead()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((key, task));
    }

    /// A token created from the token role `role` with the token agov acts
    /// with (a probe of what Vault allows that token).
    pub fn create_from_role(&self, role: &str) -> Result<Secret, VaultError> {
        let what = format!("creating a token from role {role}");
        let answer = self.send(
            &what,
            Method::POST,
            &format!("auth/token/create/{role}"),
            Some(json!({})),
        )?;
        Ok(Auth::of(&what, &answer)?.token)
    }

    /// Health, without a token. A sealed Vault is an error here.
    pub fn health(&self) -> Result<Health, VaultError> {
        let (code, body) = self.raw(
            Method::GET,
            "sys/health?standbyok=true&perfstandbyok=true",
            None,
            false,
        )?;
        let health: Health = serde_json::from_value(body).map_err(|e| VaultError::Api {
            what: "health".into(),
            code,
            detail: format!("unexpected answer: {e}"),
        })?;
        if health.sealed {
            return Err(VaultError::Sealed {
                addr: self.addr.clone(),
            });
        }
        Ok(health)
    }

    /// Reads a KV v2 secret at `path` (relative to the mount), or `None`.
    pub fn kv_read(&self, path: &str) -> Result<Option<KvEntry>, VaultError> {
        self.kv_read_ahead(path)?.wait()
    }

    /// True when calls need no login round trip first (a token given, or
    /// already logged in), so starting one early costs nothing when it
    /// turns out not to be needed.
    pub fn session_is_free(&self) -> bool {
        matches!(self.login, Login::Token(_)) || self.session.get().is_some()
    }

    /// Starts reading a KV v2 secret at `path`; it proceeds while this
    /// process waits on any other Vault call, and [`KvReadAhead::wait`]
    /// finishes it. A command that will need a secret later (the ledger's
    /// HMAC key) asks for it early, so that its round trip overlaps others.
    pub fn kv_read_ahead(&self, path: &str) -> Result<KvReadAhead, VaultError> {
        let token = self.session()?.token.clone(); // a failed login is reported as such
        let what = format!("reading {}/{path}", self.kv_mount);
        let call = self.request(
            Method::GET,
            &format!("{}/data/{path}", self.kv_mount),
            None,
            Some(&token),
        );
        let task = self.rt.spawn(async move {
            call.await
                .map_err(|e| rename(e, &what))
                .and_then(|(_, body)| parse_kv(&what, body))
        });
        Ok(KvReadAhead { rt: self.rt, task })
    }

    /// The keys in the KV v2 folder `path` (relative to the mount; sub-folders
    /// end in `/`), or none when the folder does not exist.
    pub fn kv_list(&self, path: &str) -> Result<Vec<String>, VaultError> {
        self.session()?; // a failed login is reported as such, not renamed
        let what = format!("listing {}/{path}", self.kv_mount);
        let listed = self
            .raw(
                Method::GET,
                &format!("{}/metadata/{path}?list=true", self.kv_mount),
                None,
                true,
            )
            .map_err(|e| rename(e, &what));
        match listed {
            Ok((_, body)) => Ok(body
                .pointer("/data/keys")
                .and_then(Value::as_array)
                .map(|keys| {
                    keys.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()),
            Err(VaultError::NotFound { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Writes a KV v2 secret; with `cas`, only if its current version is `cas`
    /// (0: only if it does not exist). Returns the new version.
    pub fn kv_write(&self, path: &str, data: &Value, cas: Option<u64>) -> Result<u64, VaultError> {
        let mut body = json!({ "data": data });
        if let Some(cas) = cas {
            body["options"] = json!({ "cas": cas });
        }
        self.session()?; // a failed login is reported as such, not renamed
        let what = format!("writing {}/{path}", self.kv_mount);
        let (code, resp) = self
            .raw(
                Method::POST,
                &format!("{}/data/{path}", self.kv_mount),
                Some(body),
                true,
            )
            .map_err(|e| rename(e, &what))?;
        resp.pointer("/data/version")
            .and_then(Value::as_u64)
            .ok_or_else(|| VaultError::Api {
                what,
                code,
                detail: "no version in the answer".into(),
            })
    }

    /// One HTTP call to `/v1/{path}`; returns the status and the JSON body.
    /// Non-2xx statuses become classified errors.
    pub(crate) fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        auth: bool,
    ) -> Result<(u16, Value), VaultError> {
        let token = if auth {
            Some(self.session()?.token.clone())
        } else {
            None
        };
        let call = self.request(method, path, body, token.as_ref());
        self.rt.block_on(call)
    }

    /// The HTTP call [`Vault::raw`] makes, ready to await (so that two can
    /// be in flight at once).
    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&Secret>,
    ) -> impl Future<Output = Result<(u16, Value), VaultError>> + use<> {
        // A read started earlier ([`Vault::read_ahead`]) answers this call.
        let key = self.call_key(&method, path, body.as_ref(), token);
        let started_early = {
            let mut ahead = ahead().lock().unwrap_or_else(PoisonError::into_inner);
            ahead
                .iter()
                .position(|(k, _)| *k == key)
                .map(|i| ahead.swap_remove(i).1)
        };
        let url = format!("{}/v1/{path}", self.addr);
        let mut req = self.http.request(method.clone(), &url);
        if let Some(t) = token {
            req = req.header("X-Vault-Token", t.expose());
        }
        if let Some(ns) = &self.namespace {
            req = req.header("X-Vault-Namespace", ns);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let addr = self.addr.clone();
        let what = path.split('?').next().unwrap_or(path).to_string();
        let call = format!("{method} {what}");
        async move {
            if let Some(task) = started_early {
                return task.await.unwrap_or_else(|e| {
                    Err(VaultError::Setup(format!(
                        "a Vault read started early failed: {e}"
                    )))
                });
            }
            let started = std::time::Instant::now();
            let result = async {
                let resp = req.send().await.map_err(|e| VaultError::Unreachable {
                    addr: addr.clone(),
                    detail: error_chain(&e),
                })?;
                let code = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                let body: Value = if text.trim().is_empty() {
                    Value::Null
                } else {
                    serde_json::from_str(&text).unwrap_or(Value::String(text))
                };
                if (200..300).contains(&code)
                    || (what == "sys/health"
                        && matches!(code, 429 | 472 | 473 | 501 | 503)
                        && body.is_object())
                {
                    return Ok((code, body));
                }
                let errors = body
                    .get("errors")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                Err(VaultError::from_status(&addr, &what, code, &errors))
            }
            .await;
            logged(&call, started, result)
        }
    }
}

impl Vault {
    /// What identifies a call for [`Vault::read_ahead`]: where it goes, what
    /// it asks and who asks (kept in this process's memory only).
    fn call_key(
        &self,
        method: &Method,
        path: &str,
        body: Option<&Value>,
        token: Option<&Secret>,
    ) -> String {
        format!(
            "{}|{}|{}|{method}|{path}|{}",
            self.addr,
            self.namespace.as_deref().unwrap_or(""),
            token.map_or("", Secret::expose),
            body.map(Value::to_string).unwrap_or_default()
        )
    }
}

/// The reads started early and not yet taken ([`Vault::read_ahead`]).
type Ahead = Mutex<Vec<(String, JoinHandle<Result<(u16, Value), VaultError>>)>>;

fn ahead() -> &'static Ahead {
    static AHEAD: Ahead = Mutex::new(Vec::new());
    &AHEAD
}

/// The `auth` part of Vault's answer to a login or a token creation.
pub struct Auth {
    /// The token.
    pub token: Secret,
    /// Its accessor.
    pub accessor: String,
    /// Its life in seconds.
    pub lease_secs: u64,
    /// Its metadata.
    pub metadata: std::collections::BTreeMap<String, String>,
}

impl Auth {
    /// Reads the `auth` object of `answer` (the answer to `what`).
    pub fn of(what: &str, answer: &Value) -> Result<Auth, VaultError> {
        let auth = answer.get("auth").filter(|a| a.is_object());
        let token = auth.and_then(|a| a["client_token"].as_str());
        match (auth, token) {
            (Some(a), Some(t)) => Ok(Auth {
                token: Secret::new(t),
                accessor: a["accessor"].as_str().unwrap_or_default().to_string(),
                lease_secs: a["lease_duration"].as_u64().unwrap_or(0),
                metadata: strings(&a["metadata"]),
            }),
            _ => Err(VaultError::Api {
                what: what.to_string(),
                code: 200,
                detail: "the answer has no token".into(),
            }),
        }
    }
}

/// A JSON object of strings (Vault's token metadata), as a map; anything
/// else is empty.
pub fn strings(v: &Value) -> std::collections::BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for Vault {
    /// Revokes a login token nobody will reuse, so none outlives its process.
    fn drop(&mut self) {
        if let Some(s) = self.session.get()
            && s.revoke_at_end
        {
            let revoke = self.request(Method::POST, "auth/token/revoke-self", None, Some(&s.token));
            let _ = self.rt.block_on(revoke);
        }
    }
}

/// Logs a finished Vault call at debug level: what, how long, and the error
/// (never a token: they are neither in `what` nor in Vault's error texts).
fn logged<T>(
    what: &str,
    started: std::time::Instant,
    result: Result<T, VaultError>,
) -> Result<T, VaultError> {
    let ms = started.elapsed().as_secs_f64() * 1e3;
    match &result {
        Ok(_) => tracing::debug!(call = what, ms, "vault call"),
        Err(e) => tracing::debug!(call = what, ms, error = %e, "vault call failed"),
    }
    result
}

fn rename(e: VaultError, what: &str) -> VaultError {
    match e {
        VaultError::Denied { detail, .. } => VaultError::Denied {
            what: what.to_string(),
            detail,
        },
        VaultError::NotFound { .. } => VaultError::NotFound {
            what: what.to_string(),
        },
        VaultError::Api { code, detail, .. } => VaultError::Api {
            what: what.to_string(),
            code,
            detail,
        },
        other => other,
    }
}

fn parse_kv(what: &str, body: Value) -> Result<KvEntry, VaultError> {
    let data = body
        .pointer("/data/data")
        .and_then(Value::as_object)
        .cloned();
    let version = body
        .pointer("/data/metadata/version")
        .and_then(Value::as_u64);
    match (data, version) {
        (Some(data), Some(version)) => Ok(KvEntry { data, version }),
        // A deleted version reads as data: null.
        (None, Some(_)) => Err(VaultError::NotFound {
            what: what.to_string(),
        }),
        _ => Err(VaultError::Api {
            what: what.to_string(),
            code: 200,
            detail: "not a KV v2 answer: is the mount KV version 2?".into(),
        }),
    }
}

/// The process's async runtime, started once: every [`Vault`] of a process
/// (a command may hold several: its tenant check, its token authority, its
/// ledger's HMAC key) runs on it, so their connections can be shared.
fn runtime() -> Result<&'static tokio::runtime::Runtime, VaultError> {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RT.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| VaultError::Setup(format!("cannot start the async runtime: {e}")))?;
    Ok(RT.get_or_init(|| rt))
}

/// One HTTP client (TLS set-up and connection pool) per address and TLS
/// settings for the whole process, so that a command's Vault calls reuse
/// one kept-alive connection instead of each opening its own.
fn shared_http(s: &VaultSettings, addr: &str) -> Result<reqwest::Client, VaultError> {
    static CLIENTS: Mutex<Vec<(String, reqwest::Client)>> = Mutex::new(Vec::new());
    let key = format!("{addr}|{:?}|{:?}", s.timeout, s.cacert);
    let mut clients = CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, c)) = clients.iter().find(|(k, _)| *k == key) {
        return Ok(c.clone());
    }
    let setup = |e: &dyn std::fmt::Display| VaultError::Setup(format!("{addr}: {e}"));
    let mut b = reqwest::Client::builder()
        .tls_backend_rustls()
        .timeout(s.timeout);
    if addr.starts_with("http://") {
        // No TLS: loading the system's roots would only cost time.
        b = b.tls_certs_only(Vec::new());
    } else if let Some(path) = &s.cacert {
        let pem = std::fs::read(path).map_err(|e| {
            VaultError::Setup(format!("cannot read the CA file {}: {e}", path.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            VaultError::Setup(format!(
                "{} holds no usable certificate: {}",
                path.display(),
                error_chain(&e)
            ))
        })?;
        b = b.tls_certs_merge(certs);
    }
    let http = b.build().map_err(|e| setup(&error_chain(&e)))?;
    clients.push((key, http.clone()));
    Ok(http)
}
