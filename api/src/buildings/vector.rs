//! A QR matrix as SVG: the dark modules as one path in module units, so that the code prints
//! sharp at any size.

use std::fmt::Write as _;

use super::markup::num;
use super::qr::QrMatrix;

/// The dark modules as SVG path data in module units, the quiet zone's outer corner at the
/// origin: one rectangle per horizontal run.
pub fn path_data(matrix: &QrMatrix) -> String {
    let mut d = String::new();
    for (x, y, len) in matrix.dark_runs() {
        let _ = write!(d, "M{x} {y}h{len}v1h-{len}z");
    }
    d
}

/// The code, quiet zone included, as an SVG group: a `side`-wide square with its top left
/// corner at (`x`, `y`), in the user units of the document it goes in.
pub fn group(matrix: &QrMatrix, x: f64, y: f64, side: f64) -> String {
    let n = matrix.size();
    // crispEdges: no anti-aliased seams between the rows on screen.
    format!(
        r##"<g transform="translate({} {}) scale({})" shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/><path d="{}" fill="#000"/></g>"##,
        num(x),
        num(y),
        num(side / n as f64),
        path_data(matrix),
    )
}

/// A standalone SVG document of the code: 1 mm a module when printed at its size, like the PNG.
pub fn document(matrix: &QrMatrix) -> String {
    let n = matrix.size();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{n}mm" height="{n}mm" viewBox="0 0 {n} {n}">{}</svg>
"#,
        group(matrix, 0.0, 0.0, n as f64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rectangle_per_run() {
        let m = QrMatrix::encode("DX-01-1").unwrap();
        let d = path_data(&m);
        assert_eq!(d.matches('M').count(), m.dark_runs().len());
        // The finder pattern's top edge: a run of seven at the quiet zone's inner corner.
        assert!(d.starts_with("M4 4h7v1h-7z"), "{d}");
        let doc = document(&m);
        let n = m.size();
        assert!(doc.contains(&format!(r#"viewBox="0 0 {n} {n}""#)), "{doc}");
        assert!(doc.contains("scale(1)"), "{doc}");
    }
}
