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
use std::sync::OnceLock;

use agov_config::{SecretIdSource, VaultAuth, VaultSettings};
use agov_core::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vaultrs::client::{VaultClient, VaultClientSettingsBuilder};
use vaultrs::error::ClientError;

use crate::error::{VaultError, error_chain};

/// A connection to Vault. With AppRole it logs in on its first
/// authenticated call (or at once, through [`Vault::connect`]), so that a
/// command that turns out not to need Vault does not fail while it is down.
pub struct Vault {
    /// The process's one runtime ([`runtime`]).
    pub(crate) rt: &'static tokio::runtime::Runtime,
    /// The unauthenticated client (its HTTP connection pool is shared by
    /// every client of this process for the same address, [`shared_http`]).
    client: VaultClient,
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

/// agov's own token, and a client presenting it.
pub(crate) struct Session {
    client: VaultClient,
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
    task: tokio::task::JoinHandle<Result<KvEntry, VaultError>>,
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
            client: build_client(s, &addr, "")?,
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
        let check = self.request(
            reqwest::Method::GET,
            "auth/token/lookup-self",
            None,
            Some(&token),
        );
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
                            self.rt
                                .block_on(vaultrs::auth::approle::login(
                                    &self.client,
                                    mount,
                                    role_id,
                                    secret_id.expose(),
                                ))
                                .map_err(|e| {
                                    VaultError::from_client(&self.addr, "AppRole login", e)
                                })
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
                        let auth = logged("AppRole login", started, auth)?;
                        let token = Secret::new(auth.client_token);
                        let handed_on = self.cache_login(&key, &token, auth.lease_duration);
                        (token, !handed_on)
                    }
                }
            }
        };
        let session = Session {
            client: self.client_presenting(&token),
            token,
            revoke_at_end,
        };
        // Two threads may log in at once: the first session stays.
        let _ = self.session.set(session);
        Ok(self.session.get().expect("the session was just set"))
    }

    /// A client like agov's own that presents `token`.
    fn client_presenting(&self, token: &Secret) -> VaultClient {
        let mut middle = self.client.middle.clone();
        middle.token = token.expose().to_string();
        let mut settings = self.client.settings.clone();
        settings.token = token.expose().to_string();
        VaultClient {
            http: rustify::clients::reqwest::Client::new(
                &self.client.http.base,
                self.client.http.http.clone(),
            ),
            middle,
            settings,
        }
    }

    /// The address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The KV v2 mount agov uses.
    pub fn kv_mount(&self) -> &str {
        &self.kv_mount
    }

    /// Runs `f` with agov's own client and classifies its error.
    pub fn call<'a, T, F, Fut>(&'a self, what: &str, f: F) -> Result<T, VaultError>
    where
        F: FnOnce(&'a VaultClient) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let session = self.session()?;
        let started = std::time::Instant::now();
        let result = self
            .rt
            .block_on(f(&session.client))
            .map_err(|e| VaultError::from_client(&self.addr, what, e));
        logged(what, started, result)
    }

    /// Runs `f` with a client that presents `token` instead of agov's own
    /// (e.g. a pipeline token issuing its children).
    pub fn call_as<T, F, Fut>(&self, token: &Secret, what: &str, f: F) -> Result<T, VaultError>
    where
        F: FnOnce(VaultClient) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let other = self.client_presenting(token);
        let started = std::time::Instant::now();
        let result = self
            .rt
            .block_on(f(other))
            .map_err(|e| VaultError::from_client(&self.addr, what, e));
        logged(what, started, result)
    }

    /// A token from the token role `role`, asked for with the token agov
    /// acts with (a probe of what Vault allows that token).
    pub fn create_from_role(&self, role: &str) -> Result<Secret, VaultError> {
        self.call(
            &format!("creating a token from role {role}"),
            |c| async move { vaultrs::token::new_role(c, role, None).await },
        )
        .map(|auth| Secret::new(auth.client_token))
    }

    /// Health, without a token. A sealed Vault is an error here.
    pub fn health(&self) -> Result<Health, VaultError> {
        let (code, body) = self.raw(
            reqwest::Method::GET,
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
            reqwest::Method::GET,
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
                reqwest::Method::GET,
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
                reqwest::Method::POST,
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
        method: reqwest::Method,
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
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&Secret>,
    ) -> impl Future<Output = Result<(u16, Value), VaultError>> + use<> {
        let url = format!("{}/v1/{path}", self.addr);
        let mut req = self.client.http.http.request(method.clone(), &url);
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

impl Drop for Vault {
    /// Revokes a login token nobody will reuse, so none outlives its process.
    fn drop(&mut self) {
        if let Some(s) = self.session.get()
            && s.revoke_at_end
        {
            let revoke = self.request(
                reqwest::Method::POST,
                "auth/token/revoke-self",
                None,
                Some(&s.token),
            );
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

fn build_client(s: &VaultSettings, addr: &str, token: &str) -> Result<VaultClient, VaultError> {
    let mut b = VaultClientSettingsBuilder::default();
    b.address(addr)
        .token(token)
        .timeout(Some(s.timeout))
        .verify(true)
        .namespace(s.namespace.clone());
    b.ca_certs(s.cacert.iter().map(|p| p.display().to_string()).collect());
    let settings = b
        .build()
        .map_err(|e| VaultError::Setup(format!("{addr}: {e}")))?;
    let http = shared_http(&settings)?;
    Ok(VaultClient {
        http: rustify::clients::reqwest::Client::new(settings.address.as_str(), http),
        middle: vaultrs::api::EndpointMiddleware {
            token: settings.token.clone(),
            version: format!("v{}", settings.version),
            wrap: None,
            namespace: settings.namespace.clone(),
        },
        settings,
    })
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
fn shared_http(
    settings: &vaultrs::client::VaultClientSettings,
) -> Result<reqwest::Client, VaultError> {
    static CLIENTS: std::sync::Mutex<Vec<(String, reqwest::Client)>> =
        std::sync::Mutex::new(Vec::new());
    let key = format!(
        "{}|{:?}|{}|{:?}",
        settings.address, settings.timeout, settings.verify, settings.ca_certs
    );
    let mut clients = CLIENTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, c)) = clients.iter().find(|(k, _)| *k == key) {
        return Ok(c.clone());
    }
    let http = VaultClient::new(settings.clone())
        .map_err(|e| VaultError::Setup(error_chain(&e)))?
        .http
        .http;
    clients.push((key, http.clone()));
    Ok(http)
}
