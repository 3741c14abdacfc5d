//! The committed `openapi.yaml` is what the front-end team builds from: it must be exactly what
//! the code generates.

#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = linli_api::openapi::yaml();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi.yaml is out of date (first difference at line {}).\n\
             Regenerate it: cargo run --bin linli -- openapi > openapi.yaml",
            first + 1
        );
    }
}
