//! The stdio transport: any byte stream, cut into reads at places the input chooses, splits
//! into frames and checked messages without panicking, and the message after it arrives whole
//! (the property lives in `tests/support/framing_property.rs`, which `cargo test` replays on
//! past failures).
#![no_main]

#[path = "../../tests/support/framing_property.rs"]
mod framing_property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| framing_property::check(data));
