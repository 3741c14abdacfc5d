//! What gets printed for a building: its QR code (PNG or SVG) and its notice card
//! (楼栋公示牌, an A5 SVG). Pure rendering, no I/O; the routes fetch what goes on them.

pub mod card;
pub mod fit;
pub mod link;
pub mod markup;
pub mod qr;
pub mod raster;
pub mod vector;
