//! A QR matrix as a PNG: black on white, one bit a pixel, with its print resolution recorded.

use super::qr::QrMatrix;

/// Pixels per module. At the 300 dpi recorded in the file a module prints about 1 mm wide
/// (like the SVG's), and a building's code (version 4: 41 modules with the quiet zone) 42 mm
/// square: scannable at arm's length, small enough for a door or a notice board. Whole pixels
/// per module keep the edges sharp.
pub const MODULE_PX: u32 = 12;

/// 300 dots per inch, in the pixels per metre of PNG's `pHYs` chunk, so that printing at
/// "actual size" gives the size above.
const PRINT_PIXELS_PER_METRE: u32 = 11_811;

/// The matrix as a PNG, `module_px` pixels per module.
pub fn png(matrix: &QrMatrix, module_px: u32) -> Result<Vec<u8>, png::EncodingError> {
    let modules = u32::try_from(matrix.size()).expect("a QR code has at most 185 modules a side");
    let side = modules * module_px;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: PRINT_PIXELS_PER_METRE,
        yppu: PRINT_PIXELS_PER_METRE,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels(matrix, module_px as usize))?;
    writer.finish()?;
    Ok(out)
}

/// The image's rows, eight pixels a byte, first pixel in the high bit; 1 is white.
fn pixels(matrix: &QrMatrix, module_px: usize) -> Vec<u8> {
    let side = matrix.size() * module_px;
    let row_bytes = side.div_ceil(8);
    let mut data = Vec::with_capacity(row_bytes * side);
    for y in 0..matrix.size() {
        let mut row = vec![0u8; row_bytes];
        for px in 0..side {
            if !matrix.is_dark(px / module_px, y) {
                row[px / 8] |= 0x80 >> (px % 8);
            }
        }
        for _ in 0..module_px {
            data.extend_from_slice(&row);
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pixel_shows_its_module() {
        let m = QrMatrix::encode("https://example.cn/h5/report?b=DX-01-1").unwrap();
        let bytes = png(&m, 3).unwrap();
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes.as_slice()));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.size(), (m.size() as u32 * 3, m.size() as u32 * 3));
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::One);
        assert_eq!(info.pixel_dims.unwrap().xppu, PRINT_PIXELS_PER_METRE);
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        let side = frame.width as usize;
        for y in 0..side {
            for x in 0..side {
                let black = buf[y * frame.line_size + x] == 0;
                assert_eq!(black, m.is_dark(x / 3, y / 3), "pixel ({x}, {y})");
            }
        }
    }
}
