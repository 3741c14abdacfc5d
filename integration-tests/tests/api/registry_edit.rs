//! Changing the register after the fact: editing a resident's entry (sealed anew, so searches
//! follow), removing one (personal data erased, the record kept), an idempotent add, and the
//! import sent as a multipart form.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, Res, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::demo_ids;
use crate::registry::{blank_household, put};

on_both_backends!(
    an_edited_resident_is_sealed_anew_and_searches_follow,
    a_removed_resident_leaves_the_household_searches_and_care_lists,
    a_retried_add_stores_one_resident,
    the_import_takes_a_multipart_form,
);

fn residents(h: i64) -> String {
    format!("/api/v1/households/{h}/residents")
}

async fn patch(app: &TestApp, h: i64, r: i64, token: &str, body: Value) -> Res {
    app.call(
        Method::PATCH,
        &format!("/api/v1/households/{h}/residents/{r}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn delete(app: &TestApp, h: i64, r: i64, token: &str) -> Res {
    app.call(
        Method::DELETE,
        &format!("/api/v1/households/{h}/residents/{r}"),
        Some(token),
        None,
    )
    .await
}

/// A household with a profile and one resident; returns the resident's id.
async fn household_with(app: &TestApp, token: &str, h: i64, resident: Value) -> i64 {
    put(
        app,
        &format!("/api/v1/households/{h}/profile"),
        token,
        json!({"unit": "2", "room": "101", "size": 2}),
    )
    .await
    .expect(200);
    let v = app.post(&residents(h), token, resident).await;
    let v = v.expect(201);
    v["residents"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// The household ids a staff search finds.
async fn search(app: &TestApp, token: &str, body: Value) -> Vec<i64> {
    let res = app.post("/api/v1/registry/search", token, body).await;
    res.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["household"]["id"].as_i64().unwrap())
        .collect()
}

fn fields(res: &Res) -> Vec<String> {
    let mut f: Vec<String> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect();
    f.sort();
    f
}

async fn an_edited_resident_is_sealed_anew_and_searches_follow(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let h = blank_household(&app, &community, "DX-01-1", 2).await;
    let other = blank_household(&app, &community, "DX-01-1", 3).await;
    let wang = household_with(
        &app,
        &community,
        h,
        json!({"name": "王秀英", "relation": "head", "birth_year": 1948, "phone": "13812345678"}),
    )
    .await;
    let li = household_with(
        &app,
        &community,
        other,
        json!({"name": "李建国", "relation": "head", "phone": "13987654321"}),
    )
    .await;

    // A new name and phone: answered masked, sealed anew.
    let res = patch(
        &app,
        h,
        wang,
        &community,
        json!({"name": "王秀兰", "phone": "139 0000 1111"}),
    )
    .await;
    let v = res.expect(200).clone();
    assert_eq!(v["revealed"], false);
    let r = &v["residents"][0];
    assert_eq!(r["id"], wang);
    assert_eq!(r["name"], "王*兰");
    assert_eq!(r["phone"], "139****1111");
    assert_eq!(r["birth_year"], 1948, "untouched fields stay");
    assert_eq!(r["relation"], "head");
    assert_eq!(
        search(&app, &community, json!({"phone": "13900001111"})).await,
        vec![h]
    );
    assert_eq!(
        search(&app, &community, json!({"name": "王秀兰"})).await,
        vec![h]
    );
    assert!(
        search(&app, &community, json!({"phone": "13812345678"}))
            .await
            .is_empty()
    );
    assert!(
        search(&app, &community, json!({"name": "王秀英"}))
            .await
            .is_empty()
    );
    let plain = app
        .get(
            &format!("/api/v1/households/{h}/registry?reveal=true&purpose=check"),
            &community,
        )
        .await;
    let plain = plain.expect(200);
    assert_eq!(plain["residents"][0]["name"], "王秀兰");
    assert_eq!(plain["residents"][0]["phone"], "13900001111");

    // null clears; a field left out stays.
    let res = patch(
        &app,
        h,
        wang,
        &community,
        json!({"phone": null, "birth_year": null, "relation": "parent"}),
    )
    .await;
    let r = res.expect(200)["residents"][0].clone();
    assert!(r["phone"].is_null() && r["birth_year"].is_null(), "{r:#}");
    assert_eq!(r["phone_masked"], false);
    assert_eq!(r["relation"], "parent");
    assert_eq!(r["name"], "王*兰");
    assert!(
        search(&app, &community, json!({"phone": "13900001111"}))
            .await
            .is_empty()
    );
    // An account linked and unlinked.
    let me = app.resident("o-registry-edit").await;
    let my_id = app.get("/api/v1/me", &me).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let res = patch(&app, h, wang, &community, json!({"user_id": my_id})).await;
    assert_eq!(res.expect(200)["residents"][0]["has_account"], true);
    let res = patch(&app, h, wang, &community, json!({"user_id": null})).await;
    assert_eq!(res.expect(200)["residents"][0]["has_account"], false);

    // Every bad field listed; nothing changed.
    let res = patch(
        &app,
        h,
        wang,
        &community,
        json!({"name": "", "birth_year": 1700, "phone": "12345"}),
    )
    .await;
    res.expect(422);
    assert_eq!(fields(&res), vec!["birth_year", "name", "phone"]);
    let res = patch(&app, h, wang, &community, json!({"user_id": 99_999_999})).await;
    res.expect(422);
    assert_eq!(fields(&res), vec!["user_id"]);
    let res = patch(&app, h, wang, &community, json!({"relation": "cousin"})).await;
    res.expect(422);
    let v = app
        .get(&format!("/api/v1/households/{h}/registry"), &community)
        .await;
    assert_eq!(v.expect(200)["residents"][0]["name"], "王*兰");

    // Another household's resident, or none: 404. Not the community's: 403 / 404.
    let res = patch(&app, h, li, &community, json!({"relation": "child"})).await;
    res.expect(404);
    assert_eq!(res.code(), "registry.resident_not_found");
    let v = app
        .get(&format!("/api/v1/households/{other}/registry"), &community)
        .await;
    assert_eq!(v.expect(200)["residents"][0]["relation"], "head");
    patch(&app, h, 99_999_999, &community, json!({}))
        .await
        .expect(404);
    let butler = app.login("butler-txdsh-1").await;
    let res = patch(&app, h, wang, &butler, json!({"relation": "child"})).await;
    res.expect(403);
    assert_eq!(res.code(), "registry.not_allowed");
    let grid2 = app.login("grid2").await;
    let res = patch(&app, h, wang, &grid2, json!({"relation": "child"})).await;
    res.expect(404);
    assert_eq!(res.code(), "registry.household_not_found");
}

async fn a_removed_resident_leaves_the_household_searches_and_care_lists(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    let h = blank_household(&app, &community, "DX-01-1", 2).await;
    let wang = household_with(
        &app,
        &community,
        h,
        json!({"name": "王秀英", "relation": "head", "birth_year": 1948, "phone": "13812345678"}),
    )
    .await;
    let v = app
        .post(
            &residents(h),
            &community,
            json!({"name": "张伟", "relation": "child", "phone": "13700001111"}),
        )
        .await;
    let zhang = v.expect(201)["residents"][1]["id"].as_i64().unwrap();
    // A care need about her, with her consent; a household need she consented to.
    let about_her = app
        .post(
            &format!("/api/v1/households/{h}/care-tags"),
            &community,
            json!({"tag": "elderly_living_alone", "resident_id": wang,
                   "consent": {"method": "verbal", "given_by_resident_id": wang}}),
        )
        .await;
    let about_her = about_her.expect(201)["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/households/{h}/care-tags"),
        &community,
        json!({"tag": "hardship_family", "consent": {"method": "written", "given_by_resident_id": wang}}),
    )
    .await
    .expect(201);
    app.get(
        &format!("/api/v1/households/{h}/registry?reveal=true&purpose=callback"),
        &community,
    )
    .await
    .expect(200);
    let needs = |tag: &str| format!("/api/v1/org/nodes/{community_id}/care-needs?tag={tag}");
    let listed = |res: Res| {
        res.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["household"]["id"] == h)
    };
    assert!(listed(
        app.get(&needs("elderly_living_alone"), &community).await
    ));

    // Only the community removes.
    let butler = app.login("butler-txdsh-1").await;
    let res = delete(&app, h, wang, &butler).await;
    res.expect(403);
    assert_eq!(res.code(), "registry.not_allowed");

    let res = delete(&app, h, wang, &community).await;
    res.expect(204);
    let v = app
        .get(
            &format!("/api/v1/households/{h}/registry?reveal=true&purpose=audit"),
            &community,
        )
        .await;
    let v = v.expect(200).clone();
    let ids: Vec<i64> = v["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![zhang]);
    let tags: Vec<&str> = v["care_tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, vec!["hardship_family"], "her own need is closed");
    assert!(!listed(
        app.get(&needs("elderly_living_alone"), &community).await
    ));
    assert!(listed(app.get(&needs("hardship_family"), &community).await));
    assert!(
        search(&app, &community, json!({"phone": "13812345678"}))
            .await
            .is_empty()
    );
    assert!(
        search(&app, &community, json!({"name": "王秀英"}))
            .await
            .is_empty()
    );
    assert!(
        search(&app, &community, json!({"name": "已移除居民"}))
            .await
            .is_empty()
    );
    assert_eq!(
        search(&app, &community, json!({"phone": "13700001111"})).await,
        vec![h]
    );

    // Gone once: again, or edited, it is not there.
    let res = delete(&app, h, wang, &community).await;
    res.expect(404);
    assert_eq!(res.code(), "registry.resident_not_found");
    patch(&app, h, wang, &community, json!({"relation": "other"}))
        .await
        .expect(404);
    delete(&app, h, 99_999_999, &community).await.expect(404);

    // The record stays: the row (its personal fields erased), the closed tag, the access log.
    let (row, tag) = app
        .state
        .db
        .read(move |conn| {
            Ok((
                linli_persistence::registry::households::resident(conn, wang)?,
                linli_persistence::registry::care::get(conn, about_her)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(row.household_id.0, h);
    assert!(row.phone_enc.is_none() && row.phone_masked.is_none());
    assert!(row.birth_year.is_none() && row.user_id.is_none());
    assert_eq!(row.name_masked, "已***民");
    let name = app.state.cipher.decrypt(&row.name_enc).unwrap();
    assert_eq!(name, "已移除居民");
    assert!(tag.removed_at.is_some());
    assert_eq!(tag.consent_by_resident_id, Some(wang));
    let log = app.get("/api/v1/registry/access-log", &community).await;
    let items = log.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(|e| e["household_id"] == h));
}

async fn a_retried_add_stores_one_resident(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let h = blank_household(&app, &community, "DX-01-1", 2).await;
    let other = blank_household(&app, &community, "DX-01-1", 3).await;
    let body =
        json!({"name": "王秀英", "relation": "head", "birth_year": 1948, "phone": "13812345678"});
    let send = |household: i64, key: &'static str, body: Value| {
        let (app, community) = (&app, &community);
        async move {
            let res = app
                .client
                .post(app.url(&residents(household)))
                .bearer_auth(community)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            let replayed = res.headers().contains_key("idempotent-replayed");
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, replayed, body)
        }
    };
    let answers = join_all((0..5).map(|_| send(h, "add-wang-1", body.clone()))).await;
    let fresh = answers.iter().filter(|a| !a.1).count();
    assert_eq!(fresh, 1, "one answer added, the others replayed it");
    for (status, _, view) in &answers {
        assert_eq!(*status, 201, "{view:#}");
        assert_eq!(
            view, &answers[0].2,
            "every answer is the same household view"
        );
    }
    assert_eq!(answers[0].2["residents"].as_array().unwrap().len(), 1);
    let (status, replayed, view) = send(h, "add-wang-1", body.clone()).await;
    assert_eq!((status, replayed), (201, true));
    assert_eq!(view, answers[0].2);

    // The same key with another body, or for another household: refused, nothing stored.
    let mut changed = body.clone();
    changed["phone"] = json!("13812345679");
    let (status, _, err) = send(h, "add-wang-1", changed).await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["code"], "idempotency.key_reused");
    let (status, _, err) = send(other, "add-wang-1", body.clone()).await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["code"], "idempotency.key_reused");
    let v = app
        .get(&format!("/api/v1/households/{other}/registry"), &community)
        .await;
    assert_eq!(v.expect(200)["residents"], json!([]));
    // Another key is another entry.
    let (status, replayed, view) = send(h, "add-wang-2", body.clone()).await;
    assert_eq!((status, replayed), (201, false));
    assert_eq!(view["residents"].as_array().unwrap().len(), 2);

    // The key is kept with a keyed hash of the body, not a plain digest of it.
    let user = app.get("/api/v1/me", &community).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let kept = app
        .state
        .db
        .read(move |conn| {
            Ok(linli_persistence::registry::households::resident_key(
                conn,
                linli_domain::UserId(user),
                "add-wang-1",
            )?)
        })
        .await
        .unwrap()
        .expect("the key is kept");
    let hash = kept.body_hash.expect("a hash");
    assert_eq!(hash.len(), 64);
    assert_eq!(kept.household_id.0, h);
    let plain = {
        use sha2::Digest as _;
        let d = sha2::Sha256::digest(body.to_string().as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert_ne!(hash, plain);

    // Removing the entry erases the hash: the old key no longer replays its body.
    let res = delete(&app, h, kept.resident_id, &community).await;
    res.expect(204);
    let (status, _, err) = send(h, "add-wang-1", body).await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["code"], "idempotency.key_reused");
    // A bad key is refused before anything else.
    let (status, _, _) = send(h, "has space", json!({})).await;
    assert_eq!(status, 422);
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A form part: name, file name, content type, bytes.
type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body and its Content-Type.
fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----linli-test-7d1e0c";
    let mut body = Vec::new();
    for (name, filename, ct, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = ct {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, node: i64, content_type: &str, body: Vec<u8>) -> Res {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/org/nodes/{node}/households/import")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .header("accept-language", "en")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = res.status();
    let text = res.text().await.unwrap();
    Res {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

fn row_codes(res: &Res) -> Vec<String> {
    res.body["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_import_takes_a_multipart_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;

    // The workbook fixture as wx.uploadFile sends it: octet-stream, known by its name, after
    // another form field.
    let workbook = include_bytes!("../../fixtures/households.xlsx");
    let (ct, body) = form(&[
        ("note", None, None, "二〇二六年台账".as_bytes()),
        (
            "file",
            Some("households.xlsx"),
            Some("application/octet-stream"),
            workbook,
        ),
    ]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    let report = res.expect(201).clone();
    assert_eq!(report["households"], 2);
    assert_eq!(report["residents"], 3);
    assert_eq!(report["care_tags"], 1);
    // The same households as the raw body: sent raw now, every row is already registered.
    let res = upload(&app, &community, community_id, XLSX, workbook.to_vec()).await;
    res.expect(422);
    assert_eq!(row_codes(&res), vec!["already_registered"; 3]);
    let found = search(&app, &community, json!({"phone": "13822223333"})).await;
    assert_eq!(found.len(), 1);
    let plain = app
        .get(
            &format!(
                "/api/v1/households/{}/registry?reveal=true&purpose=import-check",
                found[0]
            ),
            &community,
        )
        .await;
    let plain = plain.expect(200).clone();
    let head = plain["residents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "郑桂芳")
        .cloned()
        .expect("the head of the household");
    assert_eq!(head["birth_year"], 1938);

    // A CSV known by the part's own Content-Type, its name saying nothing.
    let csv = "楼栋,单元,房号,人数,姓名,关系,出生年份,电话,关爱标签,同意方式\n\
               DX-03-1,6,601,2,冯玉珍,户主,1944,13655554444,独居老人,书面\n\
               DX-03-1,6,601,2,冯强,子女,1972,,,\n";
    let (ct, body) = form(&[("file", Some("upload"), Some("text/csv"), csv.as_bytes())]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    let report = res.expect(201).clone();
    assert_eq!(
        (
            &report["households"],
            &report["residents"],
            &report["care_tags"]
        ),
        (&json!(1), &json!(2), &json!(1))
    );
    let res = upload(
        &app,
        &community,
        community_id,
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await;
    res.expect(422);
    assert_eq!(row_codes(&res), vec!["already_registered"; 2]);
    let found = search(&app, &community, json!({"phone": "13655554444"})).await;
    assert_eq!(found.len(), 1);

    // Bad rows in a form: all or nothing, the same report.
    let bad = "楼栋,单元,房号,人数,姓名,关系\nDX-03-1,7,701,1,,户主\n";
    let (ct, body) = form(&[("file", Some("bad.csv"), None, bad.as_bytes())]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    res.expect(422);
    assert_eq!(res.code(), "import.invalid");
    assert_eq!(res.body["error"]["details"]["rows"][0]["column"], "name");

    // No `file` part: 422 naming it. A file of another kind: 415. Too big: 413.
    let (ct, body) = form(&[("upload", Some("a.csv"), Some("text/csv"), csv.as_bytes())]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "file");
    let (ct, body) = form(&[("file", Some("register.xls"), None, b"old excel")]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    res.expect(415);
    assert_eq!(res.code(), "import.unsupported_type");
    let huge = vec![b'a'; 5 * 1024 * 1024 + 1];
    let (ct, body) = form(&[("file", Some("big.csv"), Some("text/csv"), &huge)]);
    let res = upload(&app, &community, community_id, &ct, body).await;
    res.expect(413);
    assert_eq!(res.code(), "import.too_large");
    // Who: the same as the raw body.
    let grid = app.login("grid1").await;
    let (ct, body) = form(&[("file", Some("a.csv"), Some("text/csv"), csv.as_bytes())]);
    upload(&app, &grid, community_id, &ct, body)
        .await
        .expect(404);
}
