//! Vocabulary shared by every agov crate.
//!
//! Nothing here talks to a backend: it names how failures are classified
//! ([`FailureClass`]), how secrets are carried ([`Secret`]), the trust tiers
//! ([`Tier`]), how time is read and written ([`time`]), and how files are
//! written so that a crash never leaves half of one behind ([`fsutil`]).

pub mod failure;
pub mod fsutil;
pub mod ids;
pub mod role;
pub mod secret;
pub mod tags;
pub mod tier;
pub mod time;

pub use failure::{Classify, FailureClass};
pub use role::{Driver, Role};
pub use secret::Secret;
pub use tier::Tier;
