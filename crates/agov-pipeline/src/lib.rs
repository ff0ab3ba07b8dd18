//! Multi-agent pipelines without a server.
//!
//! A pipeline runs a [`plan::Plan`]: ALPHA (research) and BETA (synthesis)
//! in parallel as governed agents, GAMMA (the mediator) when a trigger fires,
//! all coordinating through the [`board`] (blackboard sections, direct
//! messages, conflicts, votes) in the runtime store. It finishes only by a
//! recorded [`consensus`]. The [`orchestrator`] is whichever `pipeline`
//! process holds the pipeline's lease; any other can take over when it
//! lapses. [`control`] revokes pipelines and applies the fallbacks after a
//! consensus failure; [`dossier`] gathers everything recorded about one.
//! The pipeline's token is [`sealed`] at rest. Plans can be
//! kept in the governance database ([`plans`]) and run by id. A plan may
//! instead be a DAG of stages (scheduled by the orchestrator), some of them
//! human [`gates`] that wait for `pipeline approve`. What the agents left
//! (their deliverables and every other file) is listed by [`artifacts`]. An
//! ended pipeline's keys expire after a [`retention`].

pub mod activity;
pub mod artifacts;
pub mod board;
pub mod consensus;
pub mod control;
pub mod dossier;
pub mod driver;
mod error;
pub mod gates;
pub mod orchestrator;
pub mod plans;
pub mod retention;
pub mod sealed;
pub mod state;

pub use agov_plan::{plan, stage, validate, yaml};

pub use error::PipelineError;
pub use orchestrator::{Env, Progress, create, drive};
pub use plan::{Plan, Role};
pub use state::{PipelineState, Status};
