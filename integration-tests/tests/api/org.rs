//! Tests: org (being written).
