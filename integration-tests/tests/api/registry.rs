//! The household registry: what each role sees of a household (the privacy matrix), reveals
//! and the access log, care needs and search, a resident's export and erasure.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{building_id, demo_ids};

on_both_backends!(
    each_role_sees_what_it_needs_and_every_plain_read_is_logged,
    care_needs_and_search_are_masked_and_scoped,
    a_resident_exports_their_data_and_is_erased,
);

/// A household of DX-01-1 that the demo leaves out of the registry (index 2: 2单元101).
pub async fn blank_household(app: &TestApp, token: &str, building: &str, index: usize) -> i64 {
    let res = app
        .get(&format!("/api/v1/buildings/{building}/households"), token)
        .await;
    res.expect(200)["items"][index]["id"].as_i64().unwrap()
}

pub async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> crate::helpers::Res {
    app.call(Method::PUT, path, Some(token), Some(body)).await
}

/// Records 王秀英 (head, 1948, 13812345678) with an elderly-living-alone tag on `household`;
/// returns the resident's entry id.
async fn register_wang(app: &TestApp, community: &str, household: i64) -> i64 {
    put(
        app,
        &format!("/api/v1/households/{household}/profile"),
        community,
        json!({"unit": "2", "room": "101", "size": 1, "notes": "子女在外地，每周来电"}),
    )
    .await
    .expect(200);
    let view = app
        .post(
            &format!("/api/v1/households/{household}/residents"),
            community,
            json!({"name": "王秀英", "relation": "head", "birth_year": 1948, "phone": "138 1234 5678"}),
        )
        .await;
    let id = view.expect(201)["residents"][0]["id"].as_i64().unwrap();
    let tag = app
        .post(
            &format!("/api/v1/households/{household}/care-tags"),
            community,
            json!({"tag": "elderly_living_alone", "resident_id": id,
                   "consent": {"method": "verbal", "given_by_resident_id": id}}),
        )
        .await;
    assert_eq!(tag.expect(201)["consent"]["method"], "verbal");
    id
}

fn reg(household: i64) -> String {
    format!("/api/v1/households/{household}/registry")
}

async fn log_count(app: &TestApp, community: &str) -> usize {
    app.get("/api/v1/registry/access-log", community)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn each_role_sees_what_it_needs_and_every_plain_read_is_logged(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let h = blank_household(&app, &community, "DX-01-1", 2).await;
    register_wang(&app, &community, h).await;

    // The matrix: (account, name, phone, birth year, notes shown, care tags shown).
    let masked = (Some("王*英"), Some("138****5678"), Some(1948));
    let hidden = (None, None, None);
    for (who, (name, phone, year), notes, tags) in [
        ("community", masked, true, true),
        ("butler-txdsh-1", masked, false, true),
        ("grid1", masked, false, true),
        ("street", hidden, false, true),
        ("admin", hidden, false, true),
    ] {
        let token = app.login(who).await;
        let v = app.get(&reg(h), &token).await.expect(200).clone();
        let r = &v["residents"][0];
        assert_eq!(r["name"].as_str(), name, "{who}: {v:#}");
        assert_eq!(r["phone"].as_str(), phone, "{who}");
        assert_eq!(r["birth_year"].as_i64(), year.map(i64::from), "{who}");
        assert_eq!(r["relation"], "head", "{who}");
        assert_eq!(v["profile"]["notes"].is_string(), notes, "{who}");
        assert_eq!(
            v["care_tags"].as_array().unwrap().len(),
            usize::from(tags),
            "{who}"
        );
        assert_eq!(v["revealed"], false, "{who}");
    }
    // Not theirs to see: volunteers, property staff, another building's butler, another grid.
    for who in ["volunteer-1", "wy-tianxing", "butler-wtf-1", "grid2"] {
        let token = app.login(who).await;
        let res = app.get(&reg(h), &token).await;
        res.expect(404);
        assert_eq!(res.code(), "registry.household_not_found", "{who}");
    }
    // Masked reads are not logged.
    assert_eq!(log_count(&app, &community).await, 0);

    // Revealing: community staff only, with a purpose; logged in the same request.
    let res = app
        .get(&format!("{}?reveal=true", reg(h)), &community)
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "purpose");
    let butler = app.login("butler-txdsh-1").await;
    let res = app
        .get(&format!("{}?reveal=true&purpose=visit", reg(h)), &butler)
        .await;
    res.expect(403);
    assert_eq!(res.code(), "registry.reveal_forbidden");
    let v = app
        .get(
            &format!(
                "{}?reveal=true&purpose=%E7%94%B5%E8%AF%9D%E5%9B%9E%E8%AE%BF",
                reg(h)
            ),
            &community,
        )
        .await;
    let v = v.expect(200);
    assert_eq!(v["revealed"], true);
    assert_eq!(v["residents"][0]["name"], "王秀英");
    assert_eq!(v["residents"][0]["phone"], "13812345678");
    assert_eq!(v["residents"][0]["name_masked"], false);
    let log = app.get("/api/v1/registry/access-log", &community).await;
    let items = log.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["household_id"], h);
    assert_eq!(items[0]["fields"], json!(["name", "phone"]));
    assert_eq!(items[0]["purpose"], "电话回访");
    assert_eq!(items[0]["capacity"], "community_staff");
    // Only community staff read the log.
    let res = app.get("/api/v1/registry/access-log", &butler).await;
    res.expect(403);

    // The household's own resident sees it whole, and that read is logged too.
    let me = app.resident("o-registry-own").await;
    let asked = app
        .post("/api/v1/me/households", &me, json!({"household_id": h}))
        .await;
    let bid = asked.expect(201)["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/household-bindings/{bid}/approve"),
        &butler,
        json!({}),
    )
    .await
    .expect(200);
    let v = app.get(&reg(h), &me).await;
    let v = v.expect(200);
    assert_eq!(v["capacity"], "own_household");
    assert_eq!(v["residents"][0]["name"], "王秀英");
    assert_eq!(log_count(&app, &community).await, 2);
    // Editing is the community's.
    let res = put(
        &app,
        &format!("/api/v1/households/{h}/profile"),
        &me,
        json!({"unit": "2", "room": "101", "size": 2}),
    )
    .await;
    res.expect(403);
    assert_eq!(res.code(), "registry.not_allowed");

    // At rest: neither name nor phone in the clear.
    let stored = app
        .state
        .db
        .read(move |conn| {
            Ok(linli_persistence::registry::households::residents_of(
                conn,
                linli_domain::OrgNodeId(h),
            )?)
        })
        .await
        .unwrap();
    assert!(!stored[0].name_enc.contains("王秀英"));
    assert!(stored[0].name_enc.starts_with("v1:"));
    assert!(
        !stored[0]
            .phone_enc
            .as_deref()
            .unwrap()
            .contains("13812345678")
    );
}

async fn care_needs_and_search_are_masked_and_scoped(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    let h = blank_household(&app, &community, "DX-01-1", 2).await;
    register_wang(&app, &community, h).await;
    let needs = |node: i64| format!("/api/v1/org/nodes/{node}/care-needs?tag=elderly_living_alone");

    let list = app.get(&needs(community_id), &community).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    let ours: Vec<&Value> = items.iter().filter(|i| i["household"]["id"] == h).collect();
    assert_eq!(ours.len(), 1, "{items:?}");
    assert_eq!(ours[0]["residents"][0]["name"], "王*英");
    assert_eq!(ours[0]["revealed"], false);

    // The butler asks about their building; another building's butler is refused its node.
    let building = building_id(&app, &community, "DX-01-1").await;
    let butler = app.login("butler-txdsh-1").await;
    let list = app.get(&needs(building), &butler).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|i| i["household"]["id"] == h));
    let other = app.login("butler-wtf-1").await;
    app.get(&needs(building), &other).await.expect(404);
    // The street sees who needs care, without names.
    let street = app.login("street").await;
    let list = app.get(&needs(community_id), &street).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    let ours = items.iter().find(|i| i["household"]["id"] == h).unwrap();
    assert!(ours["residents"][0]["name"].is_null());
    assert!(ours["residents"][0]["phone"].is_null());

    // Search by phone or name: community staff, through the keyed hash, masked.
    for body in [json!({"phone": "13812345678"}), json!({"name": " 王秀英 "})] {
        let found = app.post("/api/v1/registry/search", &community, body).await;
        let items = found.expect(200)["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0]["household"]["id"], h);
        assert_eq!(items[0]["residents"][0]["phone"], "138****5678");
    }
    let none = app
        .post(
            "/api/v1/registry/search",
            &community,
            json!({"phone": "13900000000"}),
        )
        .await;
    assert_eq!(none.expect(200)["items"], json!([]));
    app.post(
        "/api/v1/registry/search",
        &butler,
        json!({"phone": "13812345678"}),
    )
    .await
    .expect(403);

    // Removing the tag (consent withdrawn) takes the household off the list.
    let v = app.get(&reg(h), &community).await.expect(200).clone();
    let tag = v["care_tags"][0]["id"].as_i64().unwrap();
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/households/{h}/care-tags/{tag}"),
            Some(&butler),
            None,
        )
        .await;
    res.expect(204);
    let list = app.get(&needs(community_id), &community).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert!(
        !items.iter().any(|i| i["household"]["id"] == h),
        "{items:?}"
    );
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/households/{h}/care-tags/{tag}"),
            Some(&butler),
            None,
        )
        .await;
    again.expect(404);
    // A tag needs consent, and a consenting resident of this household.
    let res = app
        .post(
            &format!("/api/v1/households/{h}/care-tags"),
            &community,
            json!({"tag": "hardship_family", "consent": {"method": "written", "given_by_resident_id": 999999}}),
        )
        .await;
    res.expect(422);
    assert_eq!(
        res.body["error"]["details"][0]["field"],
        "consent.given_by_resident_id"
    );
    let res = app
        .post(
            &format!("/api/v1/households/{h}/care-tags"),
            &community,
            json!({"tag": "hardship_family"}),
        )
        .await;
    res.expect(422);
}

async fn a_resident_exports_their_data_and_is_erased(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let butler = app.login("butler-txdsh-1").await;
    let h = blank_household(&app, &community, "DX-01-1", 3).await;
    let me = app.resident("o-registry-erase").await;
    let my_id = app.get("/api/v1/me", &me).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let asked = app
        .post("/api/v1/me/households", &me, json!({"household_id": h}))
        .await;
    let bid = asked.expect(201)["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/household-bindings/{bid}/approve"),
        &butler,
        json!({}),
    )
    .await
    .expect(200);
    put(
        &app,
        &format!("/api/v1/households/{h}/profile"),
        &community,
        json!({"unit": "2", "room": "202", "size": 2}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/households/{h}/residents"),
        &community,
        json!({"name": "李建国", "relation": "head", "birth_year": 1960, "phone": "13987654321", "user_id": my_id}),
    )
    .await
    .expect(201);
    let request = app
        .post(
            "/api/v1/requests",
            &me,
            json!({"category": "home_life", "description": "厨房水管漏水", "household_id": h,
                   "contact_phone": "13987654321"}),
        )
        .await;
    let rid = request.expect(201)["id"].as_i64().unwrap();

    // The export: everything, whole.
    let data = app.get("/api/v1/me/data", &me).await;
    let data = data.expect(200).clone();
    assert_eq!(data["account"]["id"], my_id);
    assert_eq!(data["account"]["wechat_linked"], true);
    assert_eq!(data["registry_entries"][0]["name"], "李建国");
    assert_eq!(data["registry_entries"][0]["phone"], "13987654321");
    assert_eq!(data["bindings"][0]["status"], "approved");
    assert!(
        data["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "resident")
    );
    assert_eq!(data["requests"][0]["id"], rid);
    assert_eq!(data["requests"][0]["contact_phone"], "13987654321");
    assert!(!data["requests"][0]["events"].as_array().unwrap().is_empty());
    // Reading the registry entry whole for the export is logged.
    let log = app.get("/api/v1/registry/access-log", &community).await;
    let items = log.expect(200)["items"].as_array().unwrap().clone();
    assert!(
        items
            .iter()
            .any(|e| e["purpose"] == "data_export" && e["capacity"] == "self")
    );

    // Erasure.
    let done = app.post("/api/v1/me/deletion", &me, json!({})).await;
    let done = done.expect(200).clone();
    assert_eq!(done["registry_entries_anonymised"], 1);
    assert_eq!(done["requests_kept"], 1);
    // The account cannot act or sign in again: the openid starts a new, empty account.
    let gone = app.get("/api/v1/me", &me).await;
    gone.expect(403);
    assert_eq!(gone.code(), "auth.account_disabled");
    let again = app.resident("o-registry-erase").await;
    let again_id = app.get("/api/v1/me", &again).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    assert_ne!(again_id, my_id);
    let fresh = app.get("/api/v1/me/data", &again).await.expect(200).clone();
    assert_eq!(fresh["requests"], json!([]));
    assert_eq!(fresh["registry_entries"], json!([]));
    // The registry keeps the entry, anonymised; the request and its timeline stay, its contact
    // phone gone.
    let v = app
        .get(&format!("{}?reveal=true&purpose=audit", reg(h)), &community)
        .await;
    let v = v.expect(200).clone();
    let r = &v["residents"][0];
    assert_eq!(r["name"], "已注销居民");
    assert!(r["phone"].is_null() && r["birth_year"].is_null());
    assert_eq!(r["anonymised"], true);
    assert_eq!(r["has_account"], false);
    let req = app
        .get(&format!("/api/v1/requests/{rid}"), &community)
        .await;
    let req = req.expect(200);
    assert!(req["contact_phone"].is_null(), "{req:#}");
    assert!(!req["timeline"].as_array().unwrap().is_empty());
    let text = req.to_string();
    assert!(!text.contains("13987654321"));
    // Staff may not write personal data back onto the erased entry.
    let erased = r["id"].as_i64().unwrap();
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/households/{h}/residents/{erased}"),
            Some(&community),
            Some(json!({"name": "张三", "phone": "13987654321"})),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "registry.resident_anonymised");
    let v = app.get(&reg(h), &community).await;
    assert_eq!(v.expect(200)["residents"][0]["anonymised"], true);
}
