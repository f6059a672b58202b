//! Prints the engine's contract as JSON (what `pg.strategies`, `pg.limits` and
//! `pg.spanKinds` come from), so tests that run without a browser can check JS against it:
//! `cargo run --example contract`.

fn main() {
    let contract = playground::contract::contract();
    println!(
        "{}",
        serde_json::to_string_pretty(&contract).expect("the contract serializes")
    );
}
