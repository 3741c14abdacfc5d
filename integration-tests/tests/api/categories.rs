//! Tests: categories (being written).
