//! `wildling`: runs Wildling scenarios headless.

fn main() {
    println!("wildling {} (model {})", env!("CARGO_PKG_VERSION"), wildling_core::VERSION);
}
