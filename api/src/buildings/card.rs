//! The printable notice card (楼栋公示牌): an A5 portrait sheet (148 × 210 mm) in SVG, drawn
//! in millimetres, that a community worker prints and posts in the building's entrance.
//!
//! From the top: the community, the compound and building; "有事就找兴管家"; the butler team
//! with their phones; the grid's workers; the QR code, as vector paths so it prints sharp; how
//! to use it. Places are fixed, so every building's card looks alike; names too long for their
//! place are set smaller or cut (see [`super::fit`]).

use std::fmt::Write as _;

use super::fit::{Anchor, Line, fit};
use super::markup::{escape, num};
use super::qr::QrMatrix;
use super::vector;

/// A person on the card.
#[derive(Debug, Clone, Copy)]
pub struct Contact<'a> {
    /// Their name.
    pub name: &'a str,
    /// Their public phone, if they gave one.
    pub phone: Option<&'a str>,
}

/// What a card shows.
#[derive(Debug, Clone, Copy)]
pub struct NoticeCard<'a> {
    /// The community (社区).
    pub community: &'a str,
    /// The compound (小区).
    pub compound: &'a str,
    /// The building's name.
    pub building: &'a str,
    /// The building's public code.
    pub code: &'a str,
    /// The butler team (楼栋兴管家).
    pub butlers: &'a [Contact<'a>],
    /// The grid's name.
    pub grid: &'a str,
    /// The grid's workers (网格员).
    pub grid_workers: &'a [Contact<'a>],
    /// The building's QR code.
    pub qr: &'a QrMatrix,
}

const WIDTH: f64 = 148.0;
const HEIGHT: f64 = 210.0;
const MIDDLE: f64 = WIDTH / 2.0;
/// The content's left and right edges.
const LEFT: f64 = 14.0;
const RIGHT: f64 = WIDTH - LEFT;
/// Party red, as on the community's own notices.
const RED: &str = "#c8161d";
const INK: &str = "#222";
const GREY: &str = "#666";
/// Chinese fonts the common viewers and printers have, then whatever sans-serif there is.
const FONTS: &str =
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','SimHei',sans-serif";

/// Lines a list of people may take; past that, the last line says how many more there are.
const BUTLER_LINES: usize = 4;
const WORKER_LINES: usize = 2;
/// Where the QR code sits, and its side (quiet zone included): about 1.3 mm a module for a
/// typical code, easy for any phone from a step away.
const QR_TOP: f64 = 132.0;
const QR_SIDE: f64 = 52.0;

/// The card as an SVG document.
pub fn render(card: &NoticeCard<'_>) -> String {
    let mut svg = String::with_capacity(32 * 1024);
    let _ = write!(
        svg,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{FONTS}">
<title>{title}</title>
<rect width="{w}" height="{h}" fill="#fff"/>
<rect x="4" y="4" width="140" height="202" rx="3" fill="none" stroke="{RED}" stroke-width="0.8"/>
<path d="M4 7a3 3 0 0 1 3-3h134a3 3 0 0 1 3 3v35h-140z" fill="{RED}"/>
"##,
        w = WIDTH,
        h = HEIGHT,
        title = escape(&format!(
            "{} {} {} 楼栋公示牌",
            card.community, card.compound, card.building
        )),
    );
    let header = RIGHT - LEFT + 8.0;
    centred(
        &mut svg,
        &fit(card.community, header, 5.5, 4.0),
        17.0,
        r##"fill="#fff""##,
    );
    let place = format!("{} · {}", card.compound.trim(), card.building.trim());
    centred(
        &mut svg,
        &fit(&place, header, 9.0, 5.5),
        32.0,
        r##"fill="#fff" font-weight="bold""##,
    );
    centred(
        &mut svg,
        &fit("有事就找兴管家", RIGHT - LEFT, 10.0, 10.0),
        56.0,
        &format!(r#"fill="{RED}" font-weight="bold""#),
    );

    heading(&mut svg, "楼栋兴管家", 64.0);
    people(&mut svg, card.butlers, 79.0, BUTLER_LINES, "兴管家");
    heading(&mut svg, &format!("网格员 · {}", card.grid.trim()), 106.5);
    people(&mut svg, card.grid_workers, 121.5, WORKER_LINES, "网格员");

    svg.push_str(&vector::group(
        card.qr,
        MIDDLE - QR_SIDE / 2.0,
        QR_TOP,
        QR_SIDE,
    ));
    svg.push('\n');
    centred(
        &mut svg,
        &fit("微信扫码，随时反映问题", RIGHT - LEFT, 5.5, 5.5),
        192.0,
        &format!(r#"fill="{INK}" font-weight="bold""#),
    );
    centred(
        &mut svg,
        &fit(
            &format!("楼栋编码 {} · 事事有回音", card.code),
            RIGHT - LEFT,
            3.2,
            3.2,
        ),
        199.0,
        &format!(r#"fill="{GREY}""#),
    );
    svg.push_str("</svg>\n");
    svg
}

/// A centred line.
fn centred(svg: &mut String, line: &Line, y: f64, attributes: &str) {
    svg.push_str(&line.svg(MIDDLE, y, Anchor::Middle, attributes));
    svg.push('\n');
}

/// A section heading whose box starts at `top`: a red bar, the title, a rule under it.
fn heading(svg: &mut String, title: &str, top: f64) {
    let _ = writeln!(
        svg,
        r#"<rect x="{}" y="{}" width="1.6" height="5" fill="{RED}"/>"#,
        num(LEFT),
        num(top)
    );
    let title = fit(title, RIGHT - LEFT - 4.0, 5.0, 3.5);
    svg.push_str(&title.svg(
        LEFT + 4.0,
        top + 4.5,
        Anchor::Start,
        &format!(r#"fill="{INK}" font-weight="bold""#),
    ));
    let _ = writeln!(
        svg,
        "\n<line x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\" stroke=\"#ddd\" stroke-width=\"0.3\"/>",
        l = num(LEFT),
        r = num(RIGHT),
        y = num(top + 7.0),
    );
}

/// People with their phones, one a line from baseline `first`, in at most `lines` lines; `who`
/// names them in the line that says how many more there are.
fn people(svg: &mut String, list: &[Contact<'_>], first: f64, lines: usize, who: &str) {
    const STEP: f64 = 7.5;
    let grey = format!(r#"fill="{GREY}""#);
    let ink = format!(r#"fill="{INK}""#);
    if list.is_empty() {
        let none = fit("暂未设置，请联系社区", RIGHT - LEFT - 4.0, 4.5, 4.5);
        svg.push_str(&none.svg(LEFT + 4.0, first, Anchor::Start, &grey));
        svg.push('\n');
        return;
    }
    let shown = if list.len() > lines {
        lines - 1
    } else {
        list.len()
    };
    for (i, person) in list.iter().take(shown).enumerate() {
        let y = first + i as f64 * STEP;
        let name = fit(person.name, 62.0, 5.0, 3.5);
        svg.push_str(&name.svg(LEFT + 4.0, y, Anchor::Start, &ink));
        let phone = match person.phone {
            Some(p) => fit(p, 46.0, 5.0, 3.5).svg(RIGHT, y, Anchor::End, &ink),
            None => fit("—", 46.0, 5.0, 5.0).svg(RIGHT, y, Anchor::End, &grey),
        };
        svg.push_str(&phone);
        svg.push('\n');
    }
    if shown < list.len() {
        let more = format!("另有 {} 位{who}，请联系社区", list.len() - shown);
        let y = first + shown as f64 * STEP;
        svg.push_str(&fit(&more, RIGHT - LEFT - 4.0, 4.5, 3.5).svg(
            LEFT + 4.0,
            y,
            Anchor::Start,
            &grey,
        ));
        svg.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card<'a>(butlers: &'a [Contact<'a>], qr: &'a QrMatrix) -> NoticeCard<'a> {
        NoticeCard {
            community: "大兴东路社区",
            compound: "天兴都市花园",
            building: "1号楼",
            code: "DX-01-1",
            butlers,
            grid: "第一网格",
            grid_workers: &[Contact {
                name: "王网格员",
                phone: Some("13892900001"),
            }],
            qr,
        }
    }

    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn an_a5_sheet_in_millimetres_with_everyone_on_it() {
        let qr = QrMatrix::encode("http://127.0.0.1:8080/h5/report?b=DX-01-1").unwrap();
        let butlers = [
            Contact {
                name: "刘兴管家",
                phone: Some("13992900101"),
            },
            Contact {
                name: "钱兴管家",
                phone: None,
            },
        ];
        let svg = render(&card(&butlers, &qr));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("viewBox"), Some("0 0 148 210"));
        assert_eq!(root.attribute("width"), Some("148mm"));
        assert_eq!(root.attribute("height"), Some("210mm"));
        let texts = texts(&svg);
        for expected in [
            "大兴东路社区",
            "天兴都市花园 · 1号楼",
            "有事就找兴管家",
            "楼栋兴管家",
            "刘兴管家",
            "13992900101",
            "钱兴管家",
            "—",
            "网格员 · 第一网格",
            "王网格员",
            "13892900001",
            "微信扫码，随时反映问题",
        ] {
            assert!(texts.iter().any(|t| t == expected), "{expected}: {texts:?}");
        }
        assert!(svg.contains(&vector::path_data(&qr)));
    }

    #[test]
    fn long_lists_say_how_many_more_and_empty_ones_say_so() {
        let qr = QrMatrix::encode("x").unwrap();
        let names: Vec<String> = (1..=6).map(|i| format!("兴管家{i}")).collect();
        let butlers: Vec<Contact<'_>> = names
            .iter()
            .map(|n| Contact {
                name: n,
                phone: Some("13992900101"),
            })
            .collect();
        let shown = texts(&render(&card(&butlers, &qr)));
        assert!(shown.contains(&"兴管家3".to_owned()), "{shown:?}");
        assert!(!shown.contains(&"兴管家4".to_owned()), "{shown:?}");
        let more = "另有 3 位兴管家，请联系社区".to_owned();
        assert!(shown.contains(&more), "{shown:?}");
        let shown = texts(&render(&card(&[], &qr)));
        assert!(
            shown.contains(&"暂未设置，请联系社区".to_owned()),
            "{shown:?}"
        );
    }

    #[test]
    fn long_names_stay_inside_their_place_and_markup_is_escaped() {
        let qr = QrMatrix::encode("x").unwrap();
        let long = "非常非常非常长的小区名字&<楼>".repeat(4);
        let butlers = [Contact {
            name: &long,
            phone: Some("0755-12345678"),
        }];
        let mut c = card(&butlers, &qr);
        c.compound = &long;
        let svg = render(&c);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = t.attribute("x").unwrap().parse().unwrap();
            let size: f64 = t.attribute("font-size").unwrap().parse().unwrap();
            let width = match t.attribute("textLength") {
                Some(w) => w.parse().unwrap(),
                // Unpinned lines are short: at most 70% of their place, a full em a character.
                None => size * t.text().unwrap().chars().count() as f64,
            };
            let (from, to) = match t.attribute("text-anchor") {
                Some("middle") => (x - width / 2.0, x + width / 2.0),
                Some("end") => (x - width, x),
                _ => (x, x + width),
            };
            assert!(from >= 4.0 && to <= 144.0, "{:?} runs over", t.text());
        }
        let names: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .filter(|t| t.contains("非常"))
            .collect();
        assert!(names.iter().all(|t| t.ends_with('…')), "{names:?}");
        assert!(names.iter().any(|t| t.contains("&<楼>")), "{names:?}");
    }
}
