//! The organisation tree, property companies and the public building card.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    everyone_sees_their_roots_subtree_and_breadcrumb_only,
    admins_create_nodes_only_in_their_subtree,
    node_bodies_are_checked_field_by_field,
    admins_edit_nodes_in_their_subtree,
    the_building_card_is_public_and_names_the_team,
    property_companies_are_registered_and_listed_by_scope,
);

/// A node as `GET /org/nodes/{id}` shows it to `token`.
pub async fn node(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/org/nodes/{id}"), token)
        .await
        .expect(200)
        .clone()
}

/// The id of the child of `parent` named `name`, as `token` sees it.
pub async fn child_named(app: &TestApp, token: &str, parent: i64, name: &str) -> i64 {
    let n = node(app, token, parent).await;
    n["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} under {parent}: {n:#}"))["id"]
        .as_i64()
        .unwrap()
}

/// The public card of a building.
pub async fn card(app: &TestApp, code: &str) -> Value {
    app.call(
        Method::GET,
        &format!("/api/v1/buildings/{code}/card"),
        None,
        None,
    )
    .await
    .expect(200)
    .clone()
}

/// The id of a demo building by its code.
pub async fn building_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let c = card(app, code).await;
    let compound = c["compound"]["id"].as_i64().unwrap();
    let name = c["building"]["name"].as_str().unwrap().to_owned();
    child_named(app, token, compound, &name).await
}

/// The ids of the demo district, street and community.
pub async fn demo_ids(app: &TestApp) -> (i64, i64, i64) {
    let c = card(app, "DX-01-1").await;
    let community = c["community"]["id"].as_i64().unwrap();
    let admin = app.login("admin").await;
    let n = node(app, &admin, community).await;
    let path = n["path"].as_array().unwrap();
    (
        path[0]["id"].as_i64().unwrap(),
        path[1]["id"].as_i64().unwrap(),
        community,
    )
}

/// Creates a node as `token`; returns its id.
pub async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    app.post("/api/v1/org/nodes", token, body).await.expect(201)["id"]
        .as_i64()
        .unwrap()
}

/// A second street with one community, grid, compound and building (code `QN-01-1`), created
/// by the district admin: (street, community, grid, compound, building).
pub async fn second_street(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    let (district, _, _) = demo_ids(app).await;
    let admin = app.login("admin").await;
    let street = create(
        app,
        &admin,
        json!({"parent_id": district, "kind": "street", "name": "青年路街道"}),
    )
    .await;
    let community = create(
        app,
        &admin,
        json!({"parent_id": street, "kind": "community", "name": "青年路社区"}),
    )
    .await;
    let grid = create(
        app,
        &admin,
        json!({"parent_id": community, "kind": "grid", "name": "第一网格"}),
    )
    .await;
    let compound = create(
        app,
        &admin,
        json!({"parent_id": grid, "kind": "compound", "name": "青年小区"}),
    )
    .await;
    let building = create(
        app,
        &admin,
        json!({"parent_id": compound, "kind": "building", "name": "1号楼", "code": "QN-01-1"}),
    )
    .await;
    (street, community, grid, compound, building)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect()
}

/// Names in byte order (the backends' collations may order Chinese names differently).
fn sorted_names(list: &Value) -> Vec<&str> {
    let mut v = names(list);
    v.sort_unstable();
    v
}

async fn everyone_sees_their_roots_subtree_and_breadcrumb_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let c1 = card(&app, "DX-01-1").await;
    let c2 = card(&app, "DX-06-1").await;
    let (grid_1, grid_2) = (
        c1["grid"]["id"].as_i64().unwrap(),
        c2["grid"]["id"].as_i64().unwrap(),
    );
    let community_id = c1["community"]["id"].as_i64().unwrap();

    // Community staff enter at their community, below the district and street.
    let community = app.login("community").await;
    let roots = app.get("/api/v1/org/roots", &community).await;
    let items = roots.expect(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "大兴东路社区");
    assert_eq!(items[0]["kind"], "community");
    assert_eq!(names(&items[0]["path"]), ["莲湖区", "红庙坡街道"]);
    let n = node(&app, &community, community_id).await;
    assert_eq!(
        sorted_names(&n["children"]),
        ["第一网格", "第三网格", "第二网格"]
    );

    // A grid worker sees their grid and what is in it...
    let grid1 = app.login("grid1").await;
    let roots = app.get("/api/v1/org/roots", &grid1).await;
    assert_eq!(names(&roots.expect(200)["items"]), ["第一网格"]);
    let g = node(&app, &grid1, grid_1).await;
    assert_eq!(g["kind"], "grid");
    assert_eq!(
        sorted_names(&g["children"]),
        [
            "丰禾苑",
            "大兴东路1号院",
            "天兴都市花园",
            "梧桐坊",
            "莲湖佳苑"
        ]
    );
    let compound = c1["compound"]["id"].as_i64().unwrap();
    let tx = node(&app, &grid1, compound).await;
    assert_eq!(tx["property_company"]["name"], "天兴物业服务有限公司");
    assert_eq!(
        names(&tx["path"]),
        ["莲湖区", "红庙坡街道", "大兴东路社区", "第一网格"]
    );
    let b = tx["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "1号楼")
        .unwrap();
    assert_eq!(b["kind"], "building");
    assert_eq!(b["code"], "DX-01-1");
    assert!(b["latitude"].is_f64() && b["longitude"].is_f64());
    assert_eq!(b["path"].as_array().unwrap().len(), 5);
    // ...its breadcrumb, but not its neighbours: the community lists only their own grid.
    let up = node(&app, &grid1, community_id).await;
    assert_eq!(names(&up["children"]), ["第一网格"]);
    // Grid 2 and everything in it does not exist for them, like a node that does not exist.
    for id in [grid_2, c2["compound"]["id"].as_i64().unwrap(), 999_999] {
        let res = app.get(&format!("/api/v1/org/nodes/{id}"), &grid1).await;
        res.expect(404);
        assert_eq!(res.code(), "org.node_not_found");
    }

    // Property staff enter at the compounds their company manages.
    let staff = app.login("wy-tianxing").await;
    let roots = app.get("/api/v1/org/roots", &staff).await;
    assert_eq!(names(&roots.expect(200)["items"]), ["天兴都市花园"]);
    let res = app
        .get(&format!("/api/v1/org/nodes/{grid_2}"), &staff)
        .await;
    res.expect(404);

    // A resident enters at their household and sees its breadcrumb.
    let resident = app.resident("demo-resident-1").await;
    let roots = app.get("/api/v1/org/roots", &resident).await;
    let items = roots.expect(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "household");
    assert_eq!(items[0]["path"].as_array().unwrap().len(), 6);

    let res = app.call(Method::GET, "/api/v1/org/roots", None, None).await;
    res.expect(401);

    // The 404 speaks English when asked.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/org/nodes/{grid_2}")))
        .bearer_auth(&grid1)
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "org.node_not_found");
    assert_eq!(body["error"]["message"], "No such org node");
}

async fn admins_create_nodes_only_in_their_subtree(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = card(&app, "DX-01-1").await;
    let compound = c["compound"]["id"].as_i64().unwrap();
    let community_id = c["community"]["id"].as_i64().unwrap();
    let community = app.login("community").await;

    // Community staff add a building to a compound of their community.
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({
                "parent_id": compound, "kind": "building", "name": " 5号楼 ", "code": "DX-01-5",
                "latitude": 34.2712, "longitude": 108.9236
            }),
        )
        .await;
    let b = res.expect(201).clone();
    assert_eq!(b["name"], "5号楼");
    assert_eq!(b["kind"], "building");
    assert_eq!(b["parent_id"], compound);
    assert_eq!(b["code"], "DX-01-5");
    assert_eq!(b["latitude"], 34.2712);
    assert_eq!(
        names(&b["path"]),
        [
            "莲湖区",
            "红庙坡街道",
            "大兴东路社区",
            "第一网格",
            "天兴都市花园"
        ]
    );
    let n = node(&app, &community, compound).await;
    assert!(names(&n["children"]).contains(&"5号楼"));
    assert_eq!(
        card(&app, "DX-01-5").await["compound"]["name"],
        "天兴都市花园"
    );

    // ...and a grid, with a compound managed by a company they may use.
    let grid = create(
        &app,
        &community,
        json!({"parent_id": community_id, "kind": "grid", "name": "第四网格"}),
    )
    .await;
    let companies = app.get("/api/v1/property-companies", &community).await;
    let company = companies.expect(200)["items"][0].clone();
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": grid, "kind": "compound", "name": "新苑", "property_company_id": company["id"]}),
        )
        .await;
    assert_eq!(res.expect(201)["property_company"]["name"], company["name"]);

    // The kind must be the one below the parent's.
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": community_id, "kind": "building", "name": "6号楼", "code": "DX-X-6"}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "org.invalid_kind");
    assert_eq!(res.body["error"]["details"]["expected"], "grid");

    // Names are unique among siblings, building codes everywhere.
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": compound, "kind": "building", "name": "1号楼", "code": "DX-01-99"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "conflict.duplicate");
    assert_eq!(res.body["error"]["details"]["field"], "name");
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": compound, "kind": "building", "name": "9号楼", "code": "DX-06-1"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.body["error"]["details"]["field"], "code");

    // A grid worker sees the compound but administers nothing.
    let grid1 = app.login("grid1").await;
    let res = app
        .post(
            "/api/v1/org/nodes",
            &grid1,
            json!({"parent_id": compound, "kind": "building", "name": "7号楼", "code": "DX-01-7"}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "org.forbidden");

    // Staff of another street do not even see this street's compounds; in their own, they build.
    let (street2, _, _, compound2, _) = second_street(&app).await;
    let admin = app.login("admin").await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            json!({
                "username": "qn-street", "display_name": "青年路街道工作人员",
                "password": "qn-street-password",
                "roles": [{"role": "street_staff", "node_id": street2}]
            }),
        )
        .await;
    res.expect(201);
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "qn-street", "password": "qn-street-password"})),
        )
        .await;
    let other = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .post(
            "/api/v1/org/nodes",
            &other,
            json!({"parent_id": compound, "kind": "building", "name": "8号楼", "code": "DX-01-8"}),
        )
        .await;
    res.expect(404);
    assert_eq!(res.code(), "org.node_not_found");
    let res = app
        .post(
            "/api/v1/org/nodes",
            &other,
            json!({"parent_id": compound2, "kind": "building", "name": "2号楼", "code": "QN-01-2"}),
        )
        .await;
    res.expect(201);
    // ... nor can the demo street's staff build there.
    let street = app.login("street").await;
    let res = app
        .post(
            "/api/v1/org/nodes",
            &street,
            json!({"parent_id": compound2, "kind": "building", "name": "3号楼", "code": "QN-01-3"}),
        )
        .await;
    res.expect(404);
}

async fn node_bodies_are_checked_field_by_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = card(&app, "DX-01-1").await;
    let compound = c["compound"]["id"].as_i64().unwrap();
    let grid = c["grid"]["id"].as_i64().unwrap();
    let community = app.login("community").await;
    let before = node(&app, &community, compound).await["children"]
        .as_array()
        .unwrap()
        .len();

    // Every bad field of the body at once.
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({
                "parent_id": compound, "kind": "building", "name": "  ",
                "latitude": 91.0, "property_company_id": 1
            }),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "validation.failed");
    let details = res.body["error"]["details"].as_array().unwrap();
    let got: Vec<(&str, &str)> = details
        .iter()
        .map(|d| (d["field"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    for want in [
        ("name", "empty"),
        ("code", "required"),
        ("longitude", "required"),
        ("latitude", "out_of_range"),
        ("property_company_id", "not_allowed"),
    ] {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }
    assert_eq!(got.len(), 5, "{got:?}");

    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"kind": "village", "name": "x".repeat(101), "code": "A B"}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["parent_id", "kind", "name"]);

    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": grid, "kind": "compound", "name": "某小区", "code": "X-1", "longitude": 1.0}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "longitude"]);

    // Nothing was stored.
    let after = node(&app, &community, compound).await;
    assert_eq!(after["children"].as_array().unwrap().len(), before);
    assert!(!names(&node(&app, &community, grid).await["children"]).contains(&"某小区"));
}

async fn admins_edit_nodes_in_their_subtree(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let building = building_id(&app, &community, "DX-01-2").await;
    let path = format!("/api/v1/org/nodes/{building}");

    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"name": "2号楼(东)", "code": "DX-01-2E", "latitude": 34.3, "longitude": 108.9})),
        )
        .await;
    let b = res.expect(200);
    assert_eq!(b["name"], "2号楼(东)");
    assert_eq!(b["code"], "DX-01-2E");
    assert_eq!(b["latitude"], 34.3);
    assert_eq!(
        card(&app, "DX-01-2E").await["building"]["name"],
        "2号楼(东)"
    );
    let res = app
        .call(Method::GET, "/api/v1/buildings/DX-01-2/card", None, None)
        .await;
    res.expect(404);

    // Fields the kind does not have, a taken name, a bad value.
    let compound = card(&app, "DX-01-1").await["compound"]["id"]
        .as_i64()
        .unwrap();
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/org/nodes/{compound}"),
            Some(&community),
            Some(json!({"code": "X-1", "property_company_id": 999_999})),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "property_company_id"]);
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"name": "1号楼"})),
        )
        .await;
    res.expect(409);
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"parent_id": compound})),
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["code"], "unknown_field");

    // Seen but not administered; not seen at all.
    let grid1 = app.login("grid1").await;
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&grid1),
            Some(json!({"name": "x"})),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "org.forbidden");
    let grid2 = app.login("grid2").await;
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&grid2),
            Some(json!({"name": "x"})),
        )
        .await;
    res.expect(404);
    assert_eq!(node(&app, &community, building).await["name"], "2号楼(东)");
}

async fn the_building_card_is_public_and_names_the_team(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = card(&app, "DX-01-1").await;
    assert_eq!(c["building"]["code"], "DX-01-1");
    assert_eq!(c["building"]["name"], "1号楼");
    assert!(c["building"]["latitude"].is_f64());
    assert_eq!(c["compound"]["name"], "天兴都市花园");
    assert_eq!(c["property_company"]["name"], "天兴物业服务有限公司");
    assert_eq!(c["property_company"]["contact_phone"], "029-88610001");
    assert_eq!(c["grid"]["name"], "第一网格");
    assert_eq!(
        c["grid"]["grid_workers"],
        json!([{"display_name": "王网格员", "contact_phone": "13892900001"}])
    );
    assert_eq!(c["community"]["name"], "大兴东路社区");
    // The building's butler team, its leader first.
    assert_eq!(c["butlers"][0]["display_name"], "刘兴管家");
    assert_eq!(c["butlers"][0]["contact_phone"], "13992900101");
    assert_eq!(c["butlers"][0]["leader"], true);
    // Names and public contacts only: nothing of households or residents (a member's kind,
    // `party_member_household_head`, is no household's data).
    let text = c.to_string();
    for secret in [
        "单元",
        "居民",
        "household_id",
        "households",
        "resident",
        "username",
        "openid",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    let other = card(&app, "DX-06-1").await;
    assert_eq!(other["compound"]["name"], "天朗蔚蓝馨城");
    assert_eq!(other["grid"]["grid_workers"][0]["display_name"], "李网格员");
    assert_eq!(other["butlers"][0]["display_name"], "赵兴管家");
    // A compound without a company; a building nobody has been given yet, with no team.
    let (_, _, _, _, _) = second_street(&app).await;
    let c = card(&app, "QN-01-1").await;
    assert_eq!(c["butlers"], json!([]));
    assert_eq!(c["property_company"], Value::Null);
    assert_eq!(c["grid"]["grid_workers"], json!([]));

    for code in ["XX-99-9", "楼1"] {
        let res = app
            .call(
                Method::GET,
                &format!("/api/v1/buildings/{code}/card"),
                None,
                None,
            )
            .await;
        res.expect(404);
        assert_eq!(res.code(), "building.not_found");
    }
}

async fn property_companies_are_registered_and_listed_by_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, street_id, community_id) = demo_ids(&app).await;
    let grid = card(&app, "DX-01-1").await["grid"]["id"].as_i64().unwrap();
    let community = app.login("community").await;

    // The street's five companies are above the community, so its staff may use them.
    let list = app.get("/api/v1/property-companies", &community).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["name"], "天兴物业服务有限公司");
    assert_eq!(items[0]["registered_under"]["name"], "红庙坡街道");

    let res = app
        .post(
            "/api/v1/property-companies",
            &community,
            json!({"name": "大兴物业", "registered_under_id": community_id, "contact_phone": "+86 138 1234 5678"}),
        )
        .await;
    let created = res.expect(201).clone();
    assert_eq!(created["contact_phone"], "13812345678");
    assert_eq!(created["registered_under"]["id"], community_id);
    let res = app
        .post(
            "/api/v1/property-companies",
            &community,
            json!({"name": "大兴物业", "registered_under_id": community_id}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "conflict.duplicate");

    // Not on a grid; not on the street above them; every bad field at once.
    let res = app
        .post(
            "/api/v1/property-companies",
            &community,
            json!({"name": "网格物业", "registered_under_id": grid}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "org.invalid_kind");
    let res = app
        .post(
            "/api/v1/property-companies",
            &community,
            json!({"name": "街道物业", "registered_under_id": street_id}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "org.forbidden");
    let res = app
        .post(
            "/api/v1/property-companies",
            &community,
            json!({"name": "", "contact_phone": "12345"}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "registered_under_id", "contact_phone"]);

    let list = app.get("/api/v1/property-companies", &community).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 6);

    // A company of another street is beyond them, as if it did not exist.
    let (street2, _, _, compound2, _) = second_street(&app).await;
    let admin = app.login("admin").await;
    let res = app
        .post(
            "/api/v1/property-companies",
            &admin,
            json!({"name": "青年物业", "registered_under_id": street2}),
        )
        .await;
    let elsewhere = res.expect(201)["id"].clone();
    let res = app
        .post(
            "/api/v1/org/nodes",
            &community,
            json!({"parent_id": grid, "kind": "compound", "name": "新苑", "property_company_id": elsewhere}),
        )
        .await;
    res.expect(422);
    assert_eq!(
        res.body["error"]["details"][0]["field"],
        "property_company_id"
    );
    assert_eq!(res.body["error"]["details"][0]["code"], "not_found");
    let list = app.get("/api/v1/property-companies", &community).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 6);
    let list = app.get("/api/v1/property-companies", &admin).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 7);
    // ... and the admin attaches it to that street's compound.
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/org/nodes/{compound2}"),
            Some(&admin),
            Some(json!({"property_company_id": elsewhere})),
        )
        .await;
    assert_eq!(res.expect(200)["property_company"]["name"], "青年物业");
    assert_eq!(
        card(&app, "QN-01-1").await["property_company"]["name"],
        "青年物业"
    );

    // Field roles administer nothing.
    let grid1 = app.login("grid1").await;
    let res = app.get("/api/v1/property-companies", &grid1).await;
    res.expect(403);
    assert_eq!(res.code(), "org.forbidden");
}
