//! What a community worker prints for a building: its QR code and its notice card. Every code
//! is read back as a phone would: the PNG decoded, the SVG's modules drawn, and the QR code
//! in either decoded.

use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{Backend, Spawn, TestApp, spawn_app, spawn_with};
use crate::on_both_backends;
use crate::org::{building_id, card};

on_both_backends!(
    the_qr_code_opens_the_report_page_for_the_building,
    the_report_page_may_have_a_query_of_its_own,
    unknown_buildings_kinds_and_formats_are_refused,
    the_card_is_an_a5_svg_with_the_team_and_the_code,
    names_on_the_card_are_escaped_and_kept_inside,
);

/// The link the default settings print for a building.
fn link(code: &str) -> String {
    format!("http://127.0.0.1:8080/h5/report?b={code}")
}

/// A public GET: status, headers and raw body.
async fn fetch(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn header(headers: &reqwest::header::HeaderMap, name: impl reqwest::header::AsHeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Finds and reads the one QR code in a greyscale image (0 black, 255 white).
fn read_qr(width: usize, height: usize, pixel: impl FnMut(usize, usize) -> u8) -> String {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (meta, text) = grids[0].decode().expect("the QR code decodes");
    // Level Q (rqrr numbers the levels M=0, L=1, H=2, Q=3), or H: codes get weathered.
    assert!(
        matches!(meta.ecc_level, 2 | 3),
        "error correction {}",
        meta.ecc_level
    );
    text
}

/// The QR code in a PNG.
fn read_png(bytes: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    let (w, h, line) = (frame.width as usize, frame.height as usize, frame.line_size);
    read_qr(w, h, |x, y| buf[y * line + x])
}

/// The QR code drawn in an SVG element holding a `rect` (the quiet zone's square, `n` modules
/// wide) and a `path` of unit rectangles, in module units.
fn read_svg_code(group: roxmltree::Node<'_, '_>) -> String {
    let rect = group
        .children()
        .find(|n| n.has_tag_name("rect"))
        .expect("the code's background");
    let n: usize = rect.attribute("width").unwrap().parse().unwrap();
    let d = group
        .children()
        .find(|n| n.has_tag_name("path"))
        .and_then(|p| p.attribute("d"))
        .expect("the code's modules");
    let mut dark = vec![false; n * n];
    // Runs drawn as `M{x} {y}h{len}v1h-{len}z`.
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
        assert!(rest.ends_with(&format!("v1h-{len}z")), "{run}");
        for i in x..x + len {
            dark[y * n + i] = true;
        }
    }
    const PX: usize = 4;
    read_qr(n * PX, n * PX, |x, y| {
        if dark[(y / PX) * n + x / PX] { 0 } else { 255 }
    })
}

/// The `svg` root of a document, checked to be well-formed XML.
fn svg_doc(bytes: &[u8]) -> roxmltree::Document<'_> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    doc
}

/// The texts of an SVG, in order.
fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_owned())
        .collect()
}

/// The group that draws the QR code.
fn code_group<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.has_tag_name("g") && n.children().any(|c| c.has_tag_name("path")))
        .expect("the QR code's group")
}

async fn the_qr_code_opens_the_report_page_for_the_building(backend: Backend) {
    let app = spawn_app(backend).await;
    for code in ["DX-01-1", "DX-14-2"] {
        let (status, headers, png) = fetch(&app, &format!("/api/v1/buildings/{code}/qrcode")).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, CONTENT_TYPE), "image/png");
        assert_eq!(header(&headers, CACHE_CONTROL), "public, max-age=86400");
        assert_eq!(
            header(&headers, "content-disposition"),
            format!("inline; filename=\"{code}-qr.png\"")
        );
        assert_eq!(read_png(&png), link(code));
    }
    // The same code, with the defaults named.
    let (_, _, default) = fetch(&app, "/api/v1/buildings/DX-01-1/qrcode").await;
    let (status, _, named) =
        fetch(&app, "/api/v1/buildings/DX-01-1/qrcode?kind=qr&format=png").await;
    assert_eq!(status, 200);
    assert_eq!(named, default);

    // As SVG: well-formed, and its modules read back to the same link.
    let (status, headers, svg) = fetch(&app, "/api/v1/buildings/DX-01-1/qrcode?format=svg").await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, CONTENT_TYPE),
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(header(&headers, CACHE_CONTROL), "public, max-age=86400");
    let doc = svg_doc(&svg);
    let n = doc.root_element().attribute("viewBox").unwrap();
    assert!(n.starts_with("0 0 "), "{n}");
    assert_eq!(read_svg_code(code_group(&doc)), link("DX-01-1"));

    // A building added over the API has its code at once; a renamed code follows.
    let community = app.login("community").await;
    let b = building_id(&app, &community, "DX-01-2").await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/org/nodes/{b}"),
        Some(&community),
        Some(json!({"code": "DX-01-2E"})),
    )
    .await
    .expect(200);
    let (status, _, png) = fetch(&app, "/api/v1/buildings/DX-01-2E/qrcode").await;
    assert_eq!(status, 200);
    assert_eq!(read_png(&png), link("DX-01-2E"));
    let (status, _, _) = fetch(&app, "/api/v1/buildings/DX-01-2/qrcode").await;
    assert_eq!(status, 404);
}

async fn the_report_page_may_have_a_query_of_its_own(backend: Backend) {
    let base = "https://h5.example.cn/linli/report?from=qr&v=2";
    let app = spawn_with(
        backend,
        Spawn {
            env: vec![("LINLI_H5_REPORT_URL", base.to_owned())],
            ..Spawn::default()
        },
    )
    .await;
    let (status, _, png) = fetch(&app, "/api/v1/buildings/DX-06-1/qrcode").await;
    assert_eq!(status, 200);
    assert_eq!(read_png(&png), format!("{base}&b=DX-06-1"));
    let (_, _, svg) = fetch(&app, "/api/v1/buildings/DX-06-1/card.svg").await;
    let doc = svg_doc(&svg);
    assert_eq!(read_svg_code(code_group(&doc)), format!("{base}&b=DX-06-1"));
}

async fn unknown_buildings_kinds_and_formats_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/api/v1/buildings/XX-99-9/qrcode",
        "/api/v1/buildings/%E6%A5%BC1/qrcode",
        "/api/v1/buildings/XX-99-9/qrcode?format=svg",
        "/api/v1/buildings/XX-99-9/card.svg",
        "/api/v1/buildings/%E6%A5%BC1/card.svg",
    ] {
        let res = app.call(Method::GET, path, None, None).await;
        res.expect(404);
        assert_eq!(res.code(), "building.not_found", "{path}");
    }
    for (query, field) in [
        ("format=jpeg", "format"),
        ("format=", "format"),
        ("format=PNG", "format"),
        ("kind=wxacode", "kind"),
        ("kind=barcode&format=svg", "kind"),
    ] {
        let path = format!("/api/v1/buildings/DX-01-1/qrcode?{query}");
        let res = app.call(Method::GET, &path, None, None).await;
        res.expect(422);
        assert_eq!(res.code(), "validation.failed", "{query}");
        assert_eq!(res.body["error"]["details"][0]["field"], field, "{query}");
        assert_eq!(
            res.body["error"]["details"][0]["code"], "invalid_value",
            "{query}"
        );
    }
    // In English when asked.
    let res = app
        .client
        .get(app.url("/api/v1/buildings/DX-01-1/qrcode?format=gif"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let message = body["error"]["details"][0]["message"].as_str().unwrap();
    assert!(message.contains("unknown variant `gif`"), "{message}");
}

async fn the_card_is_an_a5_svg_with_the_team_and_the_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, headers, svg) = fetch(&app, "/api/v1/buildings/DX-01-1/card.svg").await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, CONTENT_TYPE),
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(header(&headers, CACHE_CONTROL), "public, max-age=300");
    let doc = svg_doc(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("viewBox"), Some("0 0 148 210"));
    assert_eq!(root.attribute("width"), Some("148mm"));
    assert_eq!(root.attribute("height"), Some("210mm"));
    let shown = texts(&doc);
    for expected in [
        "大兴东路社区",
        "天兴都市花园 · 1号楼",
        "有事就找兴管家",
        "楼栋兴管家",
        "刘兴管家",
        "13992900101",
        "网格员 · 第一网格",
        "王网格员",
        "13892900001",
        "微信扫码，随时反映问题",
    ] {
        assert!(
            shown.iter().any(|t| t == expected),
            "{expected} in {shown:?}"
        );
    }
    // The code on the card is the building's, drawn as vector paths.
    assert_eq!(read_svg_code(code_group(&doc)), link("DX-01-1"));

    // A member added to the building's team, with their work phone, is on the card too; a
    // building with no team yet says so.
    let community = app.login("community").await;
    let team = app.get("/api/v1/butler-teams?limit=100", &community).await;
    let team = team.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["buildings"][0]["code"] == "DX-01-1")
        .unwrap()["id"]
        .clone();
    app.post(
        &format!("/api/v1/butler-teams/{team}/members"),
        &community,
        json!({"display_name": "钱兴管家", "kind": "party_member_volunteer",
               "work_phone": "029-8861 2345"}),
    )
    .await
    .expect(201);
    let (_, _, svg) = fetch(&app, "/api/v1/buildings/DX-01-1/card.svg").await;
    let shown = texts(&svg_doc(&svg));
    assert!(shown.contains(&"钱兴管家".to_owned()), "{shown:?}");
    assert!(shown.contains(&"029-88612345".to_owned()), "{shown:?}");
    let compound = card(&app, "DX-01-1").await["compound"]["id"].clone();
    app.post(
        "/api/v1/org/nodes",
        &community,
        json!({"parent_id": compound, "kind": "building", "name": "5号楼", "code": "DX-01-5"}),
    )
    .await
    .expect(201);
    let (_, _, svg) = fetch(&app, "/api/v1/buildings/DX-01-5/card.svg").await;
    let shown = texts(&svg_doc(&svg));
    assert!(
        shown.contains(&"暂未设置，请联系社区".to_owned()),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|t| t.contains("刘兴管家")), "{shown:?}");
}

async fn names_on_the_card_are_escaped_and_kept_inside(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let building = building_id(&app, &community, "DX-01-1").await;
    let compound = card(&app, "DX-01-1").await["compound"]["id"]
        .as_i64()
        .unwrap();
    let rename = |id: i64, name: String| {
        let (app, community) = (&app, &community);
        async move {
            app.call(
                Method::PATCH,
                &format!("/api/v1/org/nodes/{id}"),
                Some(community),
                Some(json!({ "name": name })),
            )
            .await
            .expect(200);
        }
    };
    rename(building, "1号楼 <东> & \"西\"".to_owned()).await;
    let (status, _, svg) = fetch(&app, "/api/v1/buildings/DX-01-1/card.svg").await;
    assert_eq!(status, 200);
    let raw = String::from_utf8(svg.clone()).unwrap();
    assert!(
        raw.contains("1号楼 &lt;东&gt; &amp; &quot;西&quot;"),
        "escaped in the markup"
    );
    let doc = svg_doc(&svg);
    assert!(
        texts(&doc).contains(&"天兴都市花园 · 1号楼 <东> & \"西\"".to_owned()),
        "{:?}",
        texts(&doc)
    );

    // A compound name of the longest kind is cut short, and the card stays well-formed.
    let long = "天兴都市花园".repeat(16) + "&<";
    rename(compound, long.clone()).await;
    let (_, _, svg) = fetch(&app, "/api/v1/buildings/DX-01-1/card.svg").await;
    let doc = svg_doc(&svg);
    let place = texts(&doc)
        .into_iter()
        .find(|t| t.starts_with("天兴都市花园天兴"))
        .expect("the place line");
    assert!(
        place.ends_with('…') && place.chars().count() < 40,
        "{place}"
    );
    let line = doc
        .descendants()
        .find(|n| n.text() == Some(place.as_str()))
        .unwrap();
    let width: f64 = line.attribute("textLength").unwrap().parse().unwrap();
    assert!(width <= 128.0, "{width}");
    assert_eq!(read_svg_code(code_group(&doc)), link("DX-01-1"));
}
