//! Importing an office's household register: all or nothing with a row-by-row report, no
//! duplicates on a second import, and thousands of rows in one call.

use serde_json::Value;

use crate::helpers::{Backend, Res, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{building_id, demo_ids};

on_both_backends!(
    a_file_with_bad_rows_stores_nothing_and_names_each_bad_row,
    a_register_of_thousands_imports_in_one_call,
    an_excel_workbook_imports_like_a_csv,
);

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

async fn household_count(app: &TestApp, token: &str, code: &str) -> usize {
    app.get(&format!("/api/v1/buildings/{code}/households"), token)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

const HEADER: &str = "楼栋,单元,房号,人数,姓名,关系,出生年份,电话,关爱标签,同意方式\n";

async fn a_file_with_bad_rows_stores_nothing_and_names_each_bad_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    let before = household_count(&app, &community, "DX-02-1").await;
    let good_rows = "DX-02-1,3,301,2,周桂兰,户主,1941,13811112222,独居老人,书面\n\
                     DX-02-1,3,301,2,周明,子女,1970,,,\n\
                     DX-02-2,2,101,1,孙丽,户主,1985,029-87654321,困难家庭,口头\n";
    let bad = format!(
        "{HEADER}{good_rows}DX-99-9,1,101,1,钱多,户主,,,,\n\
         DX-02-1,4,401,1,吴用,朋友,1990,12345,,\n\
         DX-02-1,4,402,1,,户主,,,独居老人,\n"
    );
    let res = upload(&app, &community, community_id, "text/csv", bad.into_bytes()).await;
    res.expect(422);
    assert_eq!(res.code(), "import.invalid");
    let rows: Vec<(i64, String, String)> = res.body["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()));
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap_or("").to_owned(),
                r["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(i64, String, String)> = [
        (5, "building", "unknown_building"),
        (6, "relation", "invalid"),
        (6, "phone", "invalid"),
        (7, "name", "required"),
        (7, "consent", "consent_required"),
    ]
    .into_iter()
    .map(|(r, c, k)| (r, c.to_owned(), k.to_owned()))
    .collect();
    assert_eq!(rows, expected);
    // Nothing stored: no household node, no registry.
    assert_eq!(household_count(&app, &community, "DX-02-1").await, before);
    let needs = app
        .get(
            &format!("/api/v1/org/nodes/{community_id}/care-needs?tag=elderly_living_alone"),
            &community,
        )
        .await;
    assert!(
        !needs.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["household"]["name"] == "3单元301")
    );

    // The good rows alone import: one household per building+unit+room.
    let good = format!("{HEADER}{good_rows}");
    let res = upload(
        &app,
        &community,
        community_id,
        "text/csv",
        good.clone().into_bytes(),
    )
    .await;
    let report = res.expect(201).clone();
    assert_eq!(report["households"], 2);
    // DX-02-2's 2单元101 is a demo household node already: given a profile, not duplicated.
    assert_eq!(report["households_created"], 1);
    assert_eq!(report["residents"], 3);
    assert_eq!(report["care_tags"], 2);
    assert_eq!(
        household_count(&app, &community, "DX-02-1").await,
        before + 1
    );
    let needs = app
        .get(
            &format!("/api/v1/org/nodes/{community_id}/care-needs?tag=hardship_family"),
            &community,
        )
        .await;
    let items = needs.expect(200)["items"].as_array().unwrap().clone();
    let sun = items
        .iter()
        .find(|i| {
            i["household"]["name"] == "2单元101" && i["household"]["building_code"] == "DX-02-2"
        })
        .expect("the imported hardship family");
    assert_eq!(sun["residents"][0]["name"], "孙*");
    assert_eq!(sun["residents"][0]["phone"], "029-******21");
    assert_eq!(sun["care_tags"][0]["consent"]["method"], "verbal");

    // The same file again stores nothing twice.
    let res = upload(
        &app,
        &community,
        community_id,
        "text/csv",
        good.into_bytes(),
    )
    .await;
    res.expect(422);
    let codes: Vec<&str> = res.body["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    // Every row of a registered household is named.
    assert_eq!(codes, vec!["already_registered"; 3]);
    assert_eq!(
        household_count(&app, &community, "DX-02-1").await,
        before + 1
    );

    // Into one building the building column may be left out; one outside it is refused.
    let building = building_id(&app, &community, "DX-02-1").await;
    let res = upload(
        &app,
        &community,
        building,
        "text/csv",
        "单元,房号,人数,姓名,关系\n5,501,1,郑和,户主\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(res.expect(201)["households"], 1);
    let res = upload(
        &app,
        &community,
        building,
        "text/csv",
        "楼栋,单元,房号,人数,姓名,关系\nDX-02-2,5,501,1,郑和,户主\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    res.expect(422);
    assert_eq!(
        res.body["error"]["details"]["rows"][0]["code"],
        "outside_scope"
    );

    // Who, what and how much.
    let grid = app.login("grid1").await;
    let res = upload(
        &app,
        &grid,
        community_id,
        "text/csv",
        HEADER.as_bytes().to_vec(),
    )
    .await;
    res.expect(404);
    let res = upload(
        &app,
        &community,
        community_id,
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    res.expect(415);
    assert_eq!(res.code(), "import.unsupported_type");
    let res = upload(
        &app,
        &community,
        community_id,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"not a workbook".to_vec(),
    )
    .await;
    res.expect(422);
    assert_eq!(res.code(), "import.unreadable");
    let huge = vec![b'a'; 5 * 1024 * 1024 + 1];
    let res = upload(&app, &community, community_id, "text/csv", huge).await;
    res.expect(413);
    assert_eq!(res.code(), "import.too_large");
}

async fn a_register_of_thousands_imports_in_one_call(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    // 1,000 households of 3 across ten buildings: 3,000 resident rows.
    let mut csv =
        String::from("building,unit,room,size,name,relation,birth_year,phone,care_tags,consent\n");
    let codes = [
        "DX-01-1", "DX-01-2", "DX-02-1", "DX-03-1", "DX-04-1", "DX-05-1", "DX-06-1", "DX-07-1",
        "DX-08-1", "DX-09-1",
    ];
    for h in 0..1000 {
        let code = codes[h % codes.len()];
        let (unit, room) = (10 + h / 100, 1000 + h % 100);
        for (i, relation) in ["head", "spouse", "child"].iter().enumerate() {
            let tag = if i == 0 && h % 50 == 0 {
                "elderly_living_alone,written"
            } else {
                ","
            };
            csv.push_str(&format!(
                "{code},{unit},{room},3,居民{h}号{i},{relation},{},139{:08},{tag}\n",
                1950 + (h % 50),
                h * 3 + i
            ));
        }
    }
    let res = upload(&app, &community, community_id, "text/csv", csv.into_bytes()).await;
    let report = res.expect(201).clone();
    assert_eq!(report["households"], 1000);
    assert_eq!(report["households_created"], 1000);
    assert_eq!(report["residents"], 3000);
    assert_eq!(report["care_tags"], 20);
    let needs = app
        .get(
            &format!(
                "/api/v1/org/nodes/{community_id}/care-needs?tag=elderly_living_alone&limit=100"
            ),
            &community,
        )
        .await;
    let items = needs.expect(200)["items"].as_array().unwrap().clone();
    assert!(items.len() >= 20, "{}", items.len());
    // A phone from the middle of the file finds its household.
    let found = app
        .post(
            "/api/v1/registry/search",
            &community,
            serde_json::json!({"phone": "13900001500"}),
        )
        .await;
    let items = found.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["residents"][0]["name"], "居*****0");
}

/// `fixtures/households.xlsx` is written by `fixtures/make_xlsx.py` the way Excel saves a
/// register: shared strings, years, rooms and a mobile number typed as numbers, an empty cell
/// here and there, and a second sheet that is not the register.
async fn an_excel_workbook_imports_like_a_csv(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    let workbook = include_bytes!("../../fixtures/households.xlsx").to_vec();
    let res = upload(
        &app,
        &community,
        community_id,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        workbook,
    )
    .await;
    let report = res.expect(201).clone();
    assert_eq!(report["households"], 2);
    assert_eq!(report["residents"], 3);
    assert_eq!(report["care_tags"], 1);

    let needs = app
        .get(
            &format!("/api/v1/org/nodes/{community_id}/care-needs?tag=elderly_living_alone"),
            &community,
        )
        .await;
    let items = needs.expect(200)["items"].as_array().unwrap().clone();
    let zheng = items
        .iter()
        .find(|i| {
            i["household"]["name"] == "7单元701" && i["household"]["building_code"] == "DX-14-1"
        })
        .expect("the imported elderly resident living alone");
    let household = zheng["household"]["id"].as_i64().unwrap();
    // Numbers typed into cells come back as the digits the office typed, not as 1.38e10.
    let plain = app
        .get(
            &format!("/api/v1/households/{household}/registry?reveal=true&purpose=import-check"),
            &community,
        )
        .await;
    let plain = plain.expect(200).clone();
    let residents = plain["residents"].as_array().unwrap();
    let head = residents
        .iter()
        .find(|r| r["name"] == "郑桂芳")
        .expect("the head of the household");
    assert_eq!(head["phone"], "13822223333");
    assert_eq!(head["birth_year"], 1938);
    assert!(
        residents
            .iter()
            .any(|r| r["name"] == "郑小军" && r["phone"].is_null())
    );
}
