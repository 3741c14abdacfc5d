//! A QR code as a matrix of dark and light modules, quiet zone included, for the renderers.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the symbol on every side: the standard's minimum (ISO/IEC 18004), so
/// that scanners find the code next to text and frames.
pub const QUIET_ZONE: usize = 4;

/// Error correction Q restores up to 25% of the symbol: printed codes hang in stairwells for
/// years and get scratched, faded and dirty. (H, 30%, would make the codes denser for little.)
pub const EC_LEVEL: EcLevel = EcLevel::Q;

/// A QR code's modules, row by row, with the quiet zone around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side, quiet zone included.
    size: usize,
    /// Row-major, `true` for dark.
    dark: Vec<bool>,
    /// The symbol's version (1–40): its size without the quiet zone is 17 + 4 × version.
    version: i16,
}

impl QrMatrix {
    /// Encodes text (bytes as UTF-8) at [`EC_LEVEL`], in the smallest version that holds it.
    pub fn encode(text: &str) -> Result<Self, qrcode::types::QrError> {
        let code = QrCode::with_error_correction_level(text, EC_LEVEL)?;
        let inner = code.width();
        let size = inner + 2 * QUIET_ZONE;
        let mut dark = vec![false; size * size];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (x, y) = (i % inner, i / inner);
            dark[(y + QUIET_ZONE) * size + x + QUIET_ZONE] = color == Color::Dark;
        }
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        Ok(QrMatrix {
            size,
            dark,
            version,
        })
    }

    /// Modules per side, quiet zone included.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The symbol's version (1–40).
    pub fn version(&self) -> i16 {
        self.version
    }

    /// Whether the module in column `x`, row `y` is dark (quiet zone included: it is light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }

    /// The horizontal runs of dark modules as `(x, y, length)`, row by row: a renderer draws
    /// one rectangle per run instead of one per module.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.size && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use linli_domain::org::BuildingCode;

    use super::*;
    use crate::buildings::link::ReportLink;

    #[test]
    fn the_symbol_sits_inside_its_quiet_zone() {
        let m = QrMatrix::encode("http://127.0.0.1:8080/h5/report?b=DX-01-1").unwrap();
        let inner = m.size() - 2 * QUIET_ZONE;
        assert_eq!(inner, 17 + 4 * m.version() as usize);
        for i in 0..m.size() {
            for q in (0..QUIET_ZONE).chain(m.size() - QUIET_ZONE..m.size()) {
                assert!(!m.is_dark(i, q) && !m.is_dark(q, i), "({i}, {q})");
            }
        }
        // The finder pattern's corner, top left, is dark.
        assert!(m.is_dark(QUIET_ZONE, QUIET_ZONE));
        // Runs cover exactly the dark modules.
        let dark = (0..m.size())
            .flat_map(|y| (0..m.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| m.is_dark(x, y))
            .count();
        assert_eq!(m.dark_runs().iter().map(|r| r.2).sum::<usize>(), dark);
    }

    #[test]
    fn the_longest_report_link_still_makes_a_version_10_code() {
        let base = format!("https://h.cn/{}", "p".repeat(ReportLink::MAX_CHARS - 13));
        let link = ReportLink::parse(&base).unwrap();
        assert_eq!(link.as_str().len(), ReportLink::MAX_CHARS);
        let code = BuildingCode::parse("ABCDEFGH-1234567").unwrap();
        let m = QrMatrix::encode(&link.for_building(&code)).unwrap();
        assert!(m.version() <= 10, "version {}", m.version());
    }
}
