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

/// A client generator fails on a `$ref` to a schema the document does not define.
#[test]
fn every_schema_reference_is_defined() {
    let doc = serde_json::to_value(linli_api::openapi::document()).unwrap();
    let defined = doc["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    let dangling: Vec<_> = refs
        .iter()
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .filter(|name| !defined.contains_key(*name))
        .collect();
    assert!(dangling.is_empty(), "undefined schemas: {dangling:?}");
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", serde_json::Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
