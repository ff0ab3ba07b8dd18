//! One line an agent writes on stdout. Any line may be refused; none may
//! panic.
#![no_main]

use agov_governance::protocol::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = std::str::from_utf8(data) {
        let _ = Message::parse(line);
    }
});
