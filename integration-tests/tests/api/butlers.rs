//! Butler teams: one per building, members with their kind, duties and public work phone; the
//! card and a resident see them; membership grants and ends the butler role, and its history
//! stays.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{card, create};

on_both_backends!(
    the_demo_has_a_team_for_every_building_and_the_card_lists_it,
    staff_set_up_a_team_and_membership_grants_and_ends_the_role,
);

async fn the_demo_has_a_team_for_every_building_and_the_card_lists_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = card(&app, "DX-01-1").await;
    let butlers = c["butlers"].as_array().unwrap();
    assert_eq!(butlers.len(), 3, "{c:#}");
    assert_eq!(
        butlers[0],
        json!({
            "display_name": "刘兴管家", "contact_phone": "13992900101",
            "kind": "party_member_household_head", "leader": true,
            "duties": ["home_visit", "policy_outreach", "information_collection",
                       "concern_collection", "hazard_inspection", "neighbour_harmony"]
        })
    );
    assert!(butlers[1..].iter().all(|b| b["leader"] == false));
    assert_eq!(butlers[1]["kind"], "property_staff");
    // Names and public phones only: no accounts, ids or usernames.
    let text = c.to_string();
    for secret in ["user_id", "username", "butler-0"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        card(&app, "DX-14-2").await["butlers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // 34 teams, 86 members, spread over the three kinds.
    let community = app.login("community").await;
    let mut teams = Vec::new();
    let mut path = "/api/v1/butler-teams?limit=100".to_owned();
    loop {
        let page = app.get(&path, &community).await.expect(200).clone();
        teams.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/butler-teams?limit=100&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(teams.len(), 34);
    let members: Vec<&Value> = teams
        .iter()
        .flat_map(|t| t["members"].as_array().unwrap())
        .collect();
    assert_eq!(members.len(), 86);
    for kind in [
        "party_member_household_head",
        "property_staff",
        "party_member_volunteer",
    ] {
        assert!(members.iter().any(|m| m["kind"] == kind), "{kind}");
    }
    assert!(members.iter().all(|m| m["work_phone"].is_string()));

    // A butler sees their own building's team only; a resident sees their butlers.
    let butler = app.login("butler-txdsh-1").await;
    let mine = app.get("/api/v1/butler-teams", &butler).await;
    let mine = mine.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["buildings"][0]["code"], "DX-01-1");
    let other = teams
        .iter()
        .find(|t| t["buildings"][0]["code"] == "DX-06-1")
        .unwrap();
    let res = app
        .get(&format!("/api/v1/butler-teams/{}", other["id"]), &butler)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "butler_team.not_found");

    let resident = app.resident("demo-resident-1").await;
    let res = app.get("/api/v1/me/butlers", &resident).await;
    let items = res.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["building_code"], "DX-01-1");
    assert_eq!(items[0]["butlers"][0]["display_name"], "刘兴管家");
    assert_eq!(items[0]["butlers"][0]["contact_phone"], "13992900101");
    // A resident with no household has no butlers yet.
    let newcomer = app.resident("o-new-1").await;
    let res = app.get("/api/v1/me/butlers", &newcomer).await;
    assert_eq!(res.expect(200)["items"], json!([]));
}

async fn roles(app: &TestApp, token: &str, user: i64) -> Vec<(String, i64)> {
    app.get(&format!("/api/v1/users/{user}"), token)
        .await
        .expect(200)["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_owned(),
                r["node_id"].as_i64().unwrap_or_default(),
            )
        })
        .collect()
}

async fn log_visit(app: &TestApp, token: &str, code: &str) -> crate::helpers::Res {
    app.post(
        "/api/v1/work-logs",
        token,
        json!({"kind": "home_visit", "building_code": code, "summary": "走访"}),
    )
    .await
}

async fn staff_set_up_a_team_and_membership_grants_and_ends_the_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let compound = card(&app, "DX-01-1").await["compound"]["id"]
        .as_i64()
        .unwrap();
    let building = create(
        &app,
        &community,
        json!({"parent_id": compound, "kind": "building", "name": "5号楼", "code": "DX-01-5"}),
    )
    .await;
    assert_eq!(card(&app, "DX-01-5").await["butlers"], json!([]));

    // Only those who administer the building set up its team; a building has one team.
    let grid1 = app.login("grid1").await;
    let body = json!({"name": "5号楼兴管家服务团", "building_codes": ["DX-01-5"]});
    let res = app.post("/api/v1/butler-teams", &grid1, body.clone()).await;
    res.expect(422);
    let team = app.post("/api/v1/butler-teams", &community, body).await;
    let team = team.expect(201).clone();
    assert_eq!(team["buildings"][0]["id"], building);
    let id = team["id"].as_i64().unwrap();
    let res = app
        .post(
            "/api/v1/butler-teams",
            &community,
            json!({"name": "又一个", "building_codes": ["DX-01-5"]}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "butler_team.building_taken");

    // A volunteer account joins as a member: it now holds the butler role there and logs work.
    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let user = app
        .post(
            "/api/v1/users",
            &community,
            json!({
                "username": "qian-1", "display_name": "钱志愿者", "password": "qian-password-1",
                "contact_phone": "13992900555", "roles": [{"role": "volunteer", "node_id": community_id}]
            }),
        )
        .await;
    let user = user.expect(201)["id"].as_i64().unwrap();
    let login = || async {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "qian-1", "password": "qian-password-1"})),
        )
        .await
        .expect(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let qian = login().await;
    log_visit(&app, &qian, "DX-01-5").await.expect(403);

    let members = format!("/api/v1/butler-teams/{id}/members");
    let m = app
        .post(
            &members,
            &community,
            json!({"user_id": user, "kind": "party_member_volunteer",
                   "duties": ["home_visit", "neighbour_harmony"]}),
        )
        .await;
    let m = m.expect(201).clone();
    assert_eq!(m["display_name"], "钱志愿者");
    assert_eq!(m["work_phone"], "13992900555");
    assert_eq!(m["active"], true);
    let member = m["id"].as_i64().unwrap();
    assert!(
        roles(&app, &community, user)
            .await
            .contains(&("butler".to_owned(), building))
    );
    let res = app
        .post(
            &members,
            &community,
            json!({"user_id": user, "kind": "property_staff"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "butler_member.duplicate");
    // A member without an account, the leader.
    let leader = app
        .post(
            &members,
            &community,
            json!({"display_name": "孙楼长", "kind": "party_member_household_head",
                   "leader": true, "work_phone": "029-8861 0099"}),
        )
        .await;
    assert_eq!(leader.expect(201)["user_id"], Value::Null);
    let names: Vec<Value> = card(&app, "DX-01-5").await["butlers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!([b["display_name"], b["contact_phone"], b["leader"]]))
        .collect();
    assert_eq!(
        names,
        vec![
            json!(["孙楼长", "029-88610099", true]),
            json!(["钱志愿者", "13992900555", false])
        ]
    );
    let qian = login().await;
    log_visit(&app, &qian, "DX-01-5").await.expect(201);
    // Another building's butler may not change this team.
    let butler = app.login("butler-txdsh-1").await;
    let res = app
        .call(
            Method::DELETE,
            &format!("{members}/{member}"),
            Some(&butler),
            None,
        )
        .await;
    assert_eq!(res.status.as_u16(), 404, "{:#}", res.body);

    // Ending the membership ends the role; the row stays in the history.
    let res = app
        .call(
            Method::DELETE,
            &format!("{members}/{member}"),
            Some(&community),
            None,
        )
        .await;
    let ended = res.expect(200).clone();
    assert_eq!(ended["active"], false);
    assert!(ended["left_at"].is_string());
    let res = app
        .call(
            Method::DELETE,
            &format!("{members}/{member}"),
            Some(&community),
            None,
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "butler_member.already_left");
    assert!(
        !roles(&app, &community, user)
            .await
            .iter()
            .any(|(r, _)| r == "butler")
    );
    let qian = login().await;
    log_visit(&app, &qian, "DX-01-5").await.expect(403);
    let shown = card(&app, "DX-01-5").await["butlers"].clone();
    assert_eq!(shown.as_array().unwrap().len(), 1);
    assert_eq!(shown[0]["display_name"], "孙楼长");

    let active = app.get(&members, &community).await;
    assert_eq!(active.expect(200)["items"].as_array().unwrap().len(), 1);
    let history = app
        .get(&format!("{members}?include_past=true"), &community)
        .await;
    let history = history.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["display_name"], "钱志愿者");
    assert_eq!(history[0]["active"], false);
    assert!(history[0]["left_by"].is_i64());
    assert!(history[0]["joined_by"].is_i64());
    assert_eq!(history[1]["active"], true);

    // Joining again is a new stint.
    app.post(
        &members,
        &community,
        json!({"user_id": user, "kind": "property_staff"}),
    )
    .await
    .expect(201);
    let history = app
        .get(&format!("{members}?include_past=true"), &community)
        .await;
    assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 3);
}
