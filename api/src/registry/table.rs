//! Reading an uploaded register into rows of cells: CSV in UTF-8 (Excel's "CSV UTF-8"; a GBK
//! file is refused as unreadable rather than guessed at) or the first sheet of an XLSX.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// The formats an import accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/csv`
    Csv,
    /// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`
    Xlsx,
}

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Format {
    /// The format a `Content-Type` names, if one we read.
    pub fn from_content_type(ct: &str) -> Option<Format> {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" | "application/csv" => Some(Format::Csv),
            XLSX => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// Not UTF-8 CSV, or a broken CSV.
    #[error("not a readable CSV file (save it as CSV UTF-8)")]
    Csv,
    /// Not an XLSX workbook, or no sheet.
    #[error("not a readable XLSX workbook")]
    Xlsx,
}

/// The rows of the file, the header first.
pub fn read(format: Format, bytes: &[u8]) -> Result<Vec<Vec<String>>, TableError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, TableError> {
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::Csv)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(str::to_owned).collect())
                .map_err(|_| TableError::Csv)
        })
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, TableError> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| TableError::Xlsx)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(TableError::Xlsx)?
        .map_err(|_| TableError::Xlsx)?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell).collect())
        .collect())
}

/// A cell as text: whole numbers without a decimal point (a phone or a year typed as a number).
fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_bom_quotes_and_ragged_rows() {
        let rows = read(
            Format::Csv,
            "\u{feff}楼栋,姓名\nDX-01-1,\"王,秀英\"\nDX-01-2\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(rows[0], vec!["楼栋", "姓名"]);
        assert_eq!(rows[1], vec!["DX-01-1", "王,秀英"]);
        assert_eq!(rows[2], vec!["DX-01-2"]);
        assert!(read(Format::Csv, &[0xff, 0xfe, 0x00]).is_err());
        assert!(read(Format::Xlsx, b"not a zip").is_err());
    }

    #[test]
    fn content_types() {
        assert_eq!(
            Format::from_content_type("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(Format::from_content_type(XLSX), Some(Format::Xlsx));
        assert_eq!(Format::from_content_type("application/json"), None);
    }
}
