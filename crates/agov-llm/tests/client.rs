//! The chat client against a local OpenAI-compatible server.

use std::time::{Duration, Instant};

use agov_core::Secret;
use agov_llm::{ChatClient, LlmError, LlmSettings, Message};
use agov_testkit::llm::{FakeLlm, Reply};

fn client(fake: &FakeLlm, retries: u32, timeout: Duration) -> ChatClient {
    let mut s = LlmSettings::new(Secret::new("sk-test-secret-key"));
    s.base_url = fake.base_url();
    s.model = "test/model".into();
    s.retries = retries;
    s.timeout = timeout;
    s.backoff = Duration::from_millis(20);
    ChatClient::new(s).unwrap()
}

#[test]
fn a_completion_sends_the_model_messages_and_key() {
    let fake = FakeLlm::start();
    fake.push([Reply::content("the plan: one, two")]);
    let c = client(&fake, 0, Duration::from_secs(5));
    let out = c
        .complete(&[Message::system("be brief"), Message::user("plan it")])
        .unwrap();
    assert_eq!(out.content, "the plan: one, two");
    assert_eq!(
        (out.total_tokens, out.attempts, c.calls()),
        (Some(15), 1, 1)
    );
    let seen = fake.seen();
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].authorization, "Bearer sk-test-secret-key");
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["model"], "test/model");
    assert_eq!(body["messages"][1]["content"], "plan it");
}

#[test]
fn server_errors_and_rate_limits_are_retried_with_backoff() {
    let fake = FakeLlm::start();
    fake.push([
        Reply::status(503),
        Reply::status(429),
        Reply::content("finally"),
    ]);
    let c = client(&fake, 3, Duration::from_secs(5));
    let started = Instant::now();
    let out = c.complete(&[Message::user("x")]).unwrap();
    assert_eq!(
        (out.content.as_str(), out.attempts, c.calls()),
        ("finally", 3, 3)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "20 ms then 40 ms of backoff"
    );
}

#[test]
fn retries_run_out_and_client_errors_are_not_retried() {
    let fake = FakeLlm::start();
    fake.push([Reply::status(500), Reply::status(502), Reply::status(503)]);
    let c = client(&fake, 2, Duration::from_secs(5));
    let e = c.complete(&[Message::user("x")]).unwrap_err();
    assert!(
        matches!(e, LlmError::Unavailable { attempts: 3, .. }),
        "{e}"
    );
    assert_eq!(e.budget_key(), "llm-unavailable");
    fake.push([Reply::status(401)]);
    let e = c.complete(&[Message::user("x")]).unwrap_err();
    assert!(matches!(e, LlmError::Refused { status: 401, .. }), "{e}");
    assert_eq!(c.calls(), 4, "the 401 was tried once");
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(
            !text.contains("sk-test-secret-key"),
            "the key leaked: {text}"
        );
    }
}

#[test]
fn a_slow_server_times_out_and_an_unreachable_one_is_unavailable() {
    let fake = FakeLlm::start();
    fake.push([Reply {
        delay: Duration::from_millis(800),
        ..Reply::content("late")
    }]);
    let c = client(&fake, 0, Duration::from_millis(200));
    let e = c.complete(&[Message::user("x")]).unwrap_err();
    assert!(e.to_string().contains("no answer within"), "{e}");
    let mut s = LlmSettings::new(Secret::new("k"));
    s.base_url = "http://127.0.0.1:9/v1".into();
    s.retries = 1;
    s.backoff = Duration::from_millis(1);
    let e = ChatClient::new(s)
        .unwrap()
        .complete(&[Message::user("x")])
        .unwrap_err();
    assert!(
        matches!(e, LlmError::Unavailable { attempts: 2, .. }),
        "{e}"
    );
}

#[test]
fn an_answer_that_is_not_a_completion_is_an_error() {
    let fake = FakeLlm::start();
    fake.push([Reply {
        status: 200,
        body: r#"{"choices":[]}"#.into(),
        delay: Duration::ZERO,
    }]);
    let e = client(&fake, 0, Duration::from_secs(5))
        .complete(&[Message::user("x")])
        .unwrap_err();
    assert!(matches!(e, LlmError::BadAnswer { .. }), "{e}");
}
