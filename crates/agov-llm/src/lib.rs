//! A chat-completions client for any OpenAI-compatible endpoint.
//!
//! [`ChatClient::complete`] sends one conversation and returns the model's
//! answer. Each attempt has a timeout; connection failures, timeouts, 429 and
//! 5xx answers are retried with exponential backoff (honouring
//! `Retry-After`), other 4xx are not. Every attempt is counted
//! ([`ChatClient::calls`]) for the governor's rate triggers. The API key is
//! only ever put in the `Authorization` header: errors name the endpoint and
//! the status, never the key.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use agov_core::failure::error_chain;
use agov_core::{Classify, FailureClass, Secret};
use serde::{Deserialize, Serialize};

/// OpenRouter's API, the default endpoint.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
/// The default model.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o-mini";

/// Where and how to call.
#[derive(Clone, Debug)]
pub struct LlmSettings {
    /// Base URL, up to `/v1` (the client adds `/chat/completions`).
    pub base_url: String,
    /// Model name.
    pub model: String,
    /// API key (from the environment or Vault KV).
    pub api_key: Secret,
    /// Per attempt.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled each retry.
    pub backoff: Duration,
}

impl LlmSettings {
    /// OpenRouter with the default model, 60 s timeout, 3 retries from 500 ms.
    pub fn new(api_key: Secret) -> LlmSettings {
        LlmSettings {
            base_url: DEFAULT_BASE_URL.into(),
            model: DEFAULT_MODEL.into(),
            api_key,
            timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// One message of a conversation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A system message.
    pub fn system(text: impl Into<String>) -> Message {
        Message {
            role: "system".into(),
            content: text.into(),
        }
    }

    /// A user message.
    pub fn user(text: impl Into<String>) -> Message {
        Message {
            role: "user".into(),
            content: text.into(),
        }
    }
}

/// The model's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The text.
    pub content: String,
    /// Tokens used, when the server says.
    pub total_tokens: Option<u64>,
    /// Attempts it took (1 when the first succeeded).
    pub attempts: u32,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The server could not be reached or did not answer in time, after every retry.
    #[error("the model endpoint {url} is unavailable after {attempts} attempt(s): {detail}")]
    Unavailable {
        /// The endpoint.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        detail: String,
    },
    /// The server refused the request (4xx other than 429).
    #[error("the model endpoint {url} refused the request ({status}): {detail}")]
    Refused {
        /// The endpoint.
        url: String,
        /// HTTP status.
        status: u16,
        /// The server's message.
        detail: String,
    },
    /// The answer was not a chat completion.
    #[error("the model endpoint {url} answered something that is not a chat completion: {detail}")]
    BadAnswer {
        /// The endpoint.
        url: String,
        /// What was wrong.
        detail: String,
    },
}

impl LlmError {
    /// A short key saying which errors are "the same" for an error budget.
    pub fn budget_key(&self) -> String {
        match self {
            LlmError::Unavailable { .. } => "llm-unavailable".into(),
            LlmError::Refused { status, .. } => format!("llm-refused-{status}"),
            LlmError::BadAnswer { .. } => "llm-bad-answer".into(),
        }
    }
}

impl Classify for LlmError {
    fn class(&self) -> FailureClass {
        match self {
            LlmError::Unavailable { .. } => FailureClass::Unavailable,
            LlmError::Refused {
                status: 401 | 403, ..
            } => FailureClass::Denied,
            _ => FailureClass::Failed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            LlmError::Refused {
                status: 401 | 403, ..
            } => Some(
                "check the API key (AGOV_LLM_API_KEY, or llm.api_key_secret in Vault KV)".into(),
            ),
            LlmError::Unavailable { .. } => Some("check AGOV_LLM_BASE_URL and the network".into()),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    messages: &'a [Message],
}

#[derive(Deserialize)]
struct Response {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Usage {
    total_tokens: Option<u64>,
}

/// The client.
pub struct ChatClient {
    settings: LlmSettings,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
    calls: AtomicU64,
}

/// Why one attempt failed, and whether to try again.
enum Attempt {
    Retry {
        detail: String,
        wait: Option<Duration>,
    },
    Stop(LlmError),
}

impl ChatClient {
    /// A client for `settings`.
    pub fn new(settings: LlmSettings) -> Result<ChatClient, LlmError> {
        let url = settings.base_url.clone();
        let unavailable = |detail: String| LlmError::Unavailable {
            url: url.clone(),
            attempts: 0,
            detail,
        };
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(|e| unavailable(error_chain(&e)))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unavailable(e.to_string()))?;
        Ok(ChatClient {
            settings,
            http,
            rt,
            calls: AtomicU64::new(0),
        })
    }

    /// Attempts made so far (retries included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The model in use.
    pub fn model(&self) -> &str {
        &self.settings.model
    }

    fn url(&self) -> String {
        format!(
            "{}/chat/completions",
            self.settings.base_url.trim_end_matches('/')
        )
    }

    /// Sends `messages`; returns the first choice's text.
    pub fn complete(&self, messages: &[Message]) -> Result<Completion, LlmError> {
        let url = self.url();
        let mut wait = self.settings.backoff;
        let mut last = String::new();
        for attempt in 1..=self.settings.retries + 1 {
            self.calls.fetch_add(1, Ordering::Relaxed);
            match self.attempt(&url, messages) {
                Ok(mut c) => {
                    c.attempts = attempt;
                    return Ok(c);
                }
                Err(Attempt::Stop(e)) => return Err(e),
                Err(Attempt::Retry {
                    detail,
                    wait: asked,
                }) => {
                    last = detail;
                    if attempt <= self.settings.retries {
                        let pause = asked.unwrap_or(wait).min(Duration::from_secs(30));
                        std::thread::sleep(pause);
                        wait = wait.saturating_mul(2);
                    }
                }
            }
        }
        Err(LlmError::Unavailable {
            url,
            attempts: self.settings.retries + 1,
            detail: last,
        })
    }

    fn attempt(&self, url: &str, messages: &[Message]) -> Result<Completion, Attempt> {
        let body = Request {
            model: &self.settings.model,
            messages,
        };
        let req = self
            .http
            .post(url)
            .bearer_auth(self.settings.api_key.expose())
            .json(&body);
        self.rt.block_on(async {
            let resp = req.send().await.map_err(|e| Attempt::Retry {
                detail: if e.is_timeout() {
                    format!("no answer within {:?}", self.settings.timeout)
                } else {
                    error_chain(&e).replace(url, "the endpoint")
                },
                wait: None,
            })?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let text = resp.text().await.map_err(|e| Attempt::Retry {
                detail: error_chain(&e),
                wait: None,
            })?;
            if status == 429 || status >= 500 {
                return Err(Attempt::Retry {
                    detail: format!("HTTP {status}"),
                    wait: retry_after,
                });
            }
            if !(200..300).contains(&status) {
                let detail = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                    .unwrap_or_else(|| text.chars().take(200).collect());
                return Err(Attempt::Stop(LlmError::Refused {
                    url: url.to_string(),
                    status,
                    detail,
                }));
            }
            let parsed: Response = serde_json::from_str(&text).map_err(|e| {
                Attempt::Stop(LlmError::BadAnswer {
                    url: url.to_string(),
                    detail: e.to_string(),
                })
            })?;
            let content = parsed
                .choices
                .into_iter()
                .next()
                .map(|c| c.message.content)
                .ok_or_else(|| {
                    Attempt::Stop(LlmError::BadAnswer {
                        url: url.to_string(),
                        detail: "no choices".into(),
                    })
                })?;
            Ok(Completion {
                content,
                total_tokens: parsed.usage.and_then(|u| u.total_tokens),
                attempts: 1,
            })
        })
    }
}
