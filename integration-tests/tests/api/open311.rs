//! Open311 GeoReport v2 at /open311/v2: every path in JSON and XML, errors in the
//! specification's shape, requests submitted natively and read back with filters, and the
//! form POST's checks before it stores.

use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app, submit};
use crate::on_both_backends;

on_both_backends!(
    discovery_and_services_in_both_formats,
    errors_take_the_specifications_shape,
    requests_read_back_with_filters_and_no_personal_data,
    posting_checks_the_form_before_storing,
);

/// A raw answer: status, content type and body.
struct Raw {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Raw {
    #[track_caller]
    fn json(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert!(
            self.content_type.starts_with("application/json"),
            "{}",
            self.content_type
        );
        serde_json::from_str(&self.body).unwrap()
    }

    #[track_caller]
    fn xml(&self, status: u16) -> roxmltree::Document<'_> {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert!(
            self.content_type.starts_with("text/xml"),
            "{}",
            self.content_type
        );
        assert!(
            self.body
                .starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#),
            "the declaration comes first"
        );
        roxmltree::Document::parse(&self.body).unwrap()
    }
}

async fn raw(app: &TestApp, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Raw {
    let mut req = app
        .client
        .request(method, app.url(&format!("/open311/v2/{path}")));
    if let Some(form) = form {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        req = req
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Raw {
        status,
        content_type,
        body: res.text().await.unwrap(),
    }
}

async fn get(app: &TestApp, path: &str) -> Raw {
    raw(app, Method::GET, path, None).await
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Raw {
    raw(app, Method::POST, path, Some(form)).await
}

/// The element names of a node's element children, in order.
fn names<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    node.children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    node.children()
        .find(|n| n.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

/// Checks an error document in both formats: a list of one `{code, description}`.
#[track_caller]
fn assert_error(json: &Raw, xml: &Raw, status: u16) -> String {
    let body = json.json(status);
    let list = body.as_array().expect("errors are a list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["code"], status);
    let description = list[0]["description"].as_str().unwrap().to_owned();
    assert!(!description.is_empty());
    let doc = xml.xml(status);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "errors");
    assert_eq!(names(root), ["error"]);
    let error = child(root, "error");
    assert_eq!(names(error), ["code", "description"]);
    assert_eq!(
        child(error, "code").text(),
        Some(status.to_string().as_str())
    );
    description
}

async fn both(app: &TestApp, path: &str) -> (Raw, Raw) {
    (
        get(app, &format!("{path}.json")).await,
        get(app, &format!("{path}.xml")).await,
    )
}

/// The demo's district, street and community ids.
async fn tree(app: &TestApp, admin: &str) -> (i64, i64, i64) {
    let roots = app.get("/api/v1/org/roots", admin).await;
    let district = roots.expect(200)["items"][0]["id"].as_i64().unwrap();
    let first_child = |id: i64| {
        let path = format!("/api/v1/org/nodes/{id}");
        async move {
            app.get(&path, admin).await.expect(200)["children"][0]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let street = first_child(district).await;
    let community = first_child(street).await;
    (district, street, community)
}

async fn discovery_and_services_in_both_formats(backend: Backend) {
    let app = spawn_app(backend).await;

    let (json, xml) = both(&app, "discovery").await;
    let d = json.json(200);
    let endpoint = &d["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(endpoint["type"], "production");
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    assert!(d["changeset"].as_str().unwrap().ends_with('Z'));
    let doc = xml.xml(200);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "discovery");
    assert_eq!(
        names(root),
        ["changeset", "contact", "key_service", "endpoints"]
    );
    let endpoint = child(child(root, "endpoints"), "endpoint");
    assert_eq!(
        names(endpoint),
        ["specification", "url", "changeset", "type", "formats"]
    );
    assert_eq!(names(child(endpoint, "formats")), ["format", "format"]);

    let (json, xml) = both(&app, "services").await;
    let services = json.json(200);
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), 6, "the six default categories");
    let property = services
        .iter()
        .find(|s| s["service_code"] == "property")
        .unwrap();
    assert_eq!(property["metadata"], false);
    assert_eq!(property["type"], "realtime");
    assert!(property["service_name"].as_str().unwrap().contains("物业"));
    let doc = xml.xml(200);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "services");
    assert_eq!(names(root), vec!["service"; 6]);
    let first = child(root, "service");
    assert_eq!(
        names(first),
        [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group"
        ]
    );
    assert_eq!(child(first, "metadata").text(), Some("false"));

    let (json, xml) = both(&app, "services/property").await;
    assert_eq!(
        json.json(200),
        json!({"service_code": "property", "attributes": []})
    );
    let doc = xml.xml(200);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_definition");
    assert_eq!(names(root), ["service_code", "attributes"]);
    assert!(names(child(root, "attributes")).is_empty());

    // jurisdiction_id: empty is absent; the district, street or community is known.
    let admin = app.login("admin").await;
    let (district, street, community) = tree(&app, &admin).await;
    for j in [
        String::new(),
        district.to_string(),
        street.to_string(),
        community.to_string(),
    ] {
        get(&app, &format!("services.json?jurisdiction_id={j}"))
            .await
            .json(200);
    }
}

async fn errors_take_the_specifications_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let (_, _, community) = tree(&app, &admin).await;
    let grid = app
        .get(&format!("/api/v1/org/nodes/{community}"), &admin)
        .await
        .expect(200)["children"][0]["id"]
        .as_i64()
        .unwrap();

    // Unknown service, request, token, jurisdiction (a grid is none): 404.
    for path in [
        "services/nothing".to_owned(),
        "requests/999999".to_owned(),
        "requests/abc".to_owned(),
        "tokens/999999".to_owned(),
        "services?jurisdiction_id=999999".to_owned(),
        format!("requests?jurisdiction_id={grid}"),
    ] {
        let (json, xml) = if let Some((p, q)) = path.split_once('?') {
            (
                get(&app, &format!("{p}.json?{q}")).await,
                get(&app, &format!("{p}.xml?{q}")).await,
            )
        } else {
            both(&app, &path).await
        };
        assert_error(&json, &xml, 404);
    }

    // Wrong filters: 400.
    for q in [
        "status=pending",
        "start_date=yesterday",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "service_request_id=1,x",
    ] {
        let json = get(&app, &format!("requests.json?{q}")).await;
        let xml = get(&app, &format!("requests.xml?{q}")).await;
        assert_error(&json, &xml, 400);
    }

    // Chinese by default, English when preferred.
    let zh = get(&app, "services/nothing.json").await.json(404);
    assert_eq!(zh[0]["description"], "service_code 不存在");
    let en = app
        .client
        .get(app.url("/open311/v2/services/nothing.xml"))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(en.status(), 404);
    let text = en.text().await.unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        child(child(doc.root_element(), "error"), "description").text(),
        Some("Unknown service_code")
    );

    // An unsupported format or a path without one: 404, in XML (the required format).
    for path in ["services.csv", "services", "nowhere.json"] {
        let res = get(&app, path).await;
        assert_eq!(res.status, 404, "{path}");
        if path.ends_with(".json") {
            assert_eq!(res.json(404)[0]["code"], 404);
        } else {
            assert_eq!(res.xml(404).root_element().tag_name().name(), "errors");
        }
    }
    // A known path under another method: 405 with Allow, still in Open311's shape.
    let res = raw(&app, Method::DELETE, "requests.json", None).await;
    assert_eq!(res.status, 405);
    assert_eq!(res.json(405)[0]["code"], 405);
}

async fn requests_read_back_with_filters_and_no_personal_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let property = app.login("wy-tianxing").await;
    let admin = app.login("admin").await;
    let (district, _, community_id) = tree(&app, &admin).await;

    let leak = submit(&app, &resident, "property", "DX-01-1").await;
    let dispute = submit(&app, &resident, "mediation", "DX-03-1").await;
    let done = submit(&app, &resident, "property", "DX-01-2").await;

    // Dispatched with a note; another resolved (waiting for its rating: closed to Open311).
    let base = format!("/api/v1/requests/{leak}");
    app.post(
        &format!("{base}/dispatch"),
        &community,
        json!({"note": "请尽快处理 <今天> & 明天"}),
    )
    .await
    .expect(200);
    let base = format!("/api/v1/requests/{done}");
    app.post(&format!("{base}/dispatch"), &community, json!({}))
        .await
        .expect(200);
    app.post(&format!("{base}/claim"), &property, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{base}/resolve"),
        &property,
        json!({"outcome": "已更换水管"}),
    )
    .await
    .expect(200);
    let native = app
        .get(&format!("/api/v1/requests/{leak}"), &community)
        .await;
    let native = native.expect(200).clone();

    // Everything, newest first.
    let all = get(&app, "requests.json").await.json(200);
    let ids: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [done, dispute, leak]);
    let text = all.to_string();
    for private in [
        "13812345678",
        "138****5678",
        "submitted_by",
        "contact_phone",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }

    // One request is still a list; its fields map ours.
    let one = get(&app, &format!("requests/{leak}.json")).await.json(200);
    let r = &one.as_array().unwrap()[..];
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(r["service_request_id"], leak);
    assert_eq!(r["status"], "open");
    assert_eq!(r["status_notes"], "请尽快处理 <今天> & 明天");
    assert_eq!(r["service_code"], "property");
    assert_eq!(r["agency_responsible"], "天兴物业服务有限公司");
    assert_eq!(r["address_id"], "DX-01-1");
    assert!(r["address"].as_str().unwrap().contains("1号楼"));
    assert!(r["lat"].as_f64().is_some() && r["long"].as_f64().is_some());
    assert!(r["description"].as_str().unwrap().contains("property"));
    let expected: chrono::DateTime<chrono::Utc> =
        r["expected_datetime"].as_str().unwrap().parse().unwrap();
    let due: chrono::DateTime<chrono::Utc> =
        native["resolution_due"].as_str().unwrap().parse().unwrap();
    assert_eq!(expected, due);
    for key in [
        "requested_datetime",
        "updated_datetime",
        "media_url",
        "zipcode",
    ] {
        assert!(r.get(key).is_some(), "{key} present (maybe null)");
    }

    // The same in XML, escaped and in the specification's order.
    let xml = get(&app, &format!("requests/{leak}.xml")).await;
    assert!(xml.body.contains("&lt;今天&gt; &amp; 明天"));
    let doc = xml.xml(200);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_requests");
    assert_eq!(names(root), ["request"]);
    let request = child(root, "request");
    assert_eq!(
        names(request),
        [
            "service_request_id",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url"
        ]
    );
    assert_eq!(
        child(request, "status_notes").text(),
        Some("请尽快处理 <今天> & 明天")
    );

    // Filters: status, service_code, ids, dates, jurisdiction.
    let ids_of = |v: Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_i64().unwrap())
            .collect()
    };
    let closed = get(&app, "requests.json?status=closed").await.json(200);
    assert_eq!(ids_of(closed.clone()), [done]);
    assert_eq!(closed[0]["status_notes"], "已更换水管");
    let open = get(&app, "requests.json?status=open").await.json(200);
    assert_eq!(ids_of(open), [dispute, leak]);
    let both_statuses = get(&app, "requests.json?status=open,closed")
        .await
        .json(200);
    assert_eq!(ids_of(both_statuses).len(), 3);
    let property_only = get(&app, "requests.json?service_code=property")
        .await
        .json(200);
    assert_eq!(ids_of(property_only), [done, leak]);
    let unknown_code = get(&app, "requests.json?service_code=nope").await.json(200);
    assert_eq!(unknown_code, json!([]));
    // Ids override every other filter.
    let by_id = get(
        &app,
        &format!("requests.json?service_request_id={leak},{dispute}&status=closed"),
    )
    .await
    .json(200);
    assert_eq!(ids_of(by_id), [dispute, leak]);
    let past = get(
        &app,
        "requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-03-01T00:00:00%2B08:00",
    )
    .await
    .json(200);
    assert_eq!(past, json!([]));
    let around_now = get(
        &app,
        "requests.json?start_date=2026-11-29T00:00:00Z&end_date=2026-12-01T00:00:00Z",
    )
    .await
    .json(200);
    assert_eq!(ids_of(around_now).len(), 3);
    for j in [district, community_id] {
        let within = get(&app, &format!("requests.json?jurisdiction_id={j}"))
            .await
            .json(200);
        assert_eq!(ids_of(within).len(), 3);
    }

    // The list in XML.
    let doc_text = get(&app, "requests.xml?status=open").await;
    let doc = doc_text.xml(200);
    assert_eq!(names(doc.root_element()), ["request", "request"]);

    // A token is the request's id.
    let (json, xml) = both(&app, &format!("tokens/{leak}")).await;
    assert_eq!(
        json.json(200),
        json!([{"service_request_id": leak, "token": leak.to_string()}])
    );
    let doc = xml.xml(200);
    let request = child(doc.root_element(), "request");
    assert_eq!(names(request), ["service_request_id", "token"]);
}

async fn posting_checks_the_form_before_storing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let (_, _, community) = tree(&app, &admin).await;
    let res = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "云家园", "scope_node_id": community}),
        )
        .await;
    let body = res.expect(201).clone();
    let key = body["key"]["api_key"].as_str().unwrap().to_owned();
    let partner = body["partner"]["id"].as_i64().unwrap();
    let good = |extra: &[(&'static str, &'static str)]| {
        let mut form: Vec<(&str, String)> = vec![
            ("api_key", key.clone()),
            ("service_code", "property".into()),
            ("description", "楼道灯不亮".into()),
            ("address_id", "DX-01-1".into()),
        ];
        for (k, v) in extra {
            form.retain(|(name, _)| name != k);
            if !v.is_empty() {
                form.push((k, (*v).to_owned()));
            }
        }
        form
    };
    async fn post_both(app: &TestApp, form: &[(&str, String)]) -> (Raw, Raw) {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        (
            post(app, "requests.json", &form).await,
            post(app, "requests.xml", &form).await,
        )
    }

    // No key, a wrong key: 403.
    for k in ["", "lk_nope_nope"] {
        let (json, xml) = post_both(&app, &good(&[("api_key", k)])).await;
        assert_error(&json, &xml, 403);
    }

    // Wrong fields: 400, with a description naming the problem.
    for (extra, mentions) in [
        (&[("service_code", "")][..], "service_code"),
        (&[("service_code", "nope")][..], "service_code"),
        (&[("description", "")][..], "description"),
        (&[("phone", "12")][..], "phone"),
        (&[("address_id", "")][..], "address_id"),
        (&[("address_id", "ZZ-99-9")][..], "范围"),
        (
            &[("address_id", ""), ("address_string", "不存在的楼")][..],
            "范围",
        ),
        (
            &[("address_id", ""), ("lat", "35.5"), ("long", "108.92")][..],
            "范围",
        ),
        (
            &[("address_id", ""), ("lat", "95"), ("long", "108.92")][..],
            "lat",
        ),
    ] {
        let (json, xml) = post_both(&app, &good(extra)).await;
        let description = assert_error(&json, &xml, 400);
        assert!(description.contains(mentions), "{extra:?}: {description}");
    }

    // An unknown jurisdiction: 404.
    let (json, xml) = post_both(&app, &good(&[("jurisdiction_id", "999999")])).await;
    assert_error(&json, &xml, 404);

    // A valid form by code, by name or by position files a request on the `partner` channel,
    // which the native API shows like any other; in JSON and in XML alike.
    let community_staff = app.login("community").await;
    for extra in [
        &[][..],
        &[("address_id", ""), ("address_string", "天兴都市花园 1号楼")][..],
        &[
            ("address_id", ""),
            ("lat", "34.27001"),
            ("long", "108.9206"),
        ][..],
    ] {
        let (json, xml) = post_both(&app, &good(extra)).await;
        let created = json.json(200);
        let id = created[0]["service_request_id"].as_i64().unwrap();
        assert!(
            created[0]["service_notice"]
                .as_str()
                .unwrap()
                .contains("天内办结")
        );
        let doc = xml.xml(200);
        assert_eq!(doc.root_element().tag_name().name(), "service_requests");
        let request = child(doc.root_element(), "request");
        let xml_id: i64 = child(request, "service_request_id")
            .text()
            .unwrap()
            .parse()
            .unwrap();
        assert_ne!(xml_id, id, "two posts, two requests");
        for id in [id, xml_id] {
            let native = app
                .get(&format!("/api/v1/requests/{id}"), &community_staff)
                .await;
            let native = native.expect(200);
            assert_eq!(native["channel"], "partner", "{extra:?}");
            assert_eq!(native["building"]["code"], "DX-01-1", "{extra:?}");
            assert_eq!(native["category"]["code"], "property");
            assert_eq!(native["timeline"][0]["type"], "request.submitted");
            // And Open311 reads it back.
            let (back, _) = both(&app, &format!("requests/{id}")).await;
            assert_eq!(back.json(200)[0]["service_request_id"], id);
        }
    }
    // A phone given is kept for staff, masked for others; a photo is the request's photo.
    let (json, _) = post_both(
        &app,
        &good(&[
            ("phone", "13812345678"),
            ("media_url", "https://img.example.cn/a.jpg"),
        ]),
    )
    .await;
    let id = json.json(200)[0]["service_request_id"].as_i64().unwrap();
    let native = app
        .get(&format!("/api/v1/requests/{id}"), &community_staff)
        .await;
    let native = native.expect(200);
    assert_eq!(native["contact_phone"], "13812345678");
    assert_eq!(
        native["photo_urls"],
        json!(["https://img.example.cn/a.jpg"])
    );

    // A suspended partner's key is refused like a wrong one.
    app.post(
        &format!("/api/v1/partners/{partner}/suspend"),
        &admin,
        json!({}),
    )
    .await
    .expect(200);
    let (json, xml) = post_both(&app, &good(&[])).await;
    assert_error(&json, &xml, 403);
}
