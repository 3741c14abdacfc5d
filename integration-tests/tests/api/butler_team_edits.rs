//! Butler teams after set-up: renamed, buildings added and removed (with the butler roles
//! membership grants on them), dissolved with their history kept; revoking a butler role that a
//! membership granted ends the membership; two teams taking one building at once.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{card, create, demo_ids, second_street};

on_both_backends!(
    team_edit_rename_and_buildings_in_and_out,
    team_edit_dissolve_keeps_history_and_freezes_the_team,
    team_edit_revoking_a_granted_butler_role_ends_the_membership,
    team_edit_two_teams_taking_one_building_at_once,
);

/// New buildings `DX-01-5`, `DX-01-6`… in the compound of `DX-01-1` (no team yet): their ids.
async fn new_buildings(app: &TestApp, token: &str, numbers: &[u32]) -> Vec<i64> {
    let compound = card(app, "DX-01-1").await["compound"]["id"]
        .as_i64()
        .unwrap();
    let mut ids = Vec::new();
    for n in numbers {
        ids.push(
            create(
                app,
                token,
                json!({"parent_id": compound, "kind": "building", "name": format!("{n}号楼"),
                       "code": format!("DX-01-{n}")}),
            )
            .await,
        );
    }
    ids
}

async fn me(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/me", token).await.expect(200)["id"]
        .as_i64()
        .unwrap()
}

/// A staff account with a volunteer role on the demo community; its id.
async fn account(app: &TestApp, token: &str, username: &str) -> i64 {
    let (_, _, community) = demo_ids(app).await;
    let res = app
        .post(
            "/api/v1/users",
            token,
            json!({"username": username, "display_name": username, "password": "member-password-1",
                   "roles": [{"role": "volunteer", "node_id": community}]}),
        )
        .await;
    res.expect(201)["id"].as_i64().unwrap()
}

/// The account's roles as (role id, role, node id), in a stable order.
async fn roles(app: &TestApp, token: &str, user: i64) -> Vec<(i64, String, i64)> {
    let mut v: Vec<(i64, String, i64)> = app
        .get(&format!("/api/v1/users/{user}"), token)
        .await
        .expect(200)["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["role"].as_str().unwrap().to_owned(),
                r["node_id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The nodes the account holds the butler role on, sorted.
async fn butler_on(app: &TestApp, token: &str, user: i64) -> Vec<i64> {
    let mut v: Vec<i64> = roles(app, token, user)
        .await
        .into_iter()
        .filter(|(_, r, _)| r == "butler")
        .map(|(_, _, n)| n)
        .collect();
    v.sort_unstable();
    v
}

async fn card_names(app: &TestApp, code: &str) -> Vec<String> {
    let mut v: Vec<String> = card(app, code).await["butlers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["display_name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn codes(team: &Value) -> Vec<&str> {
    team["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect()
}

async fn new_team(app: &TestApp, token: &str, name: &str, codes: &[&str]) -> i64 {
    let res = app
        .post(
            "/api/v1/butler-teams",
            token,
            json!({"name": name, "building_codes": codes}),
        )
        .await;
    res.expect(201)["id"].as_i64().unwrap()
}

async fn join(app: &TestApp, token: &str, team: i64, user: i64) -> i64 {
    let res = app
        .post(
            &format!("/api/v1/butler-teams/{team}/members"),
            token,
            json!({"user_id": user, "kind": "party_member_volunteer", "duties": ["home_visit"]}),
        )
        .await;
    res.expect(201)["id"].as_i64().unwrap()
}

async fn delete(app: &TestApp, token: &str, path: &str) -> crate::helpers::Res {
    app.call(Method::DELETE, path, Some(token), None).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> crate::helpers::Res {
    app.call(Method::PATCH, path, Some(token), Some(body)).await
}

/// The ids of the teams in a list page.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let res = app
        .get(&format!("/api/v1/butler-teams?limit=100{query}"), token)
        .await;
    res.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

async fn team_edit_rename_and_buildings_in_and_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let staff = me(&app, &community).await;
    let b = new_buildings(&app, &community, &[5, 6]).await;
    let (b5, b6) = (b[0], b[1]);
    let id = new_team(&app, &community, "5号楼兴管家", &["DX-01-5"]).await;
    let team = format!("/api/v1/butler-teams/{id}");

    // Renamed, checked as on create.
    let res = patch(
        &app,
        &community,
        &team,
        json!({"name": "5、6号楼兴管家服务团"}),
    )
    .await;
    assert_eq!(res.expect(200)["name"], "5、6号楼兴管家服务团");
    assert_eq!(
        app.get(&team, &community).await.expect(200)["name"],
        "5、6号楼兴管家服务团"
    );
    for bad in ["", "  ", "两行\n名称", &"长".repeat(101)] {
        let res = patch(&app, &community, &team, json!({"name": bad})).await;
        res.expect(422);
        assert_eq!(res.body["error"]["details"][0]["field"], "name", "{bad:?}");
    }
    assert_eq!(
        app.get(&team, &community).await.expect(200)["name"],
        "5、6号楼兴管家服务团"
    );
    // A butler of another building does not see it; a grid worker sees it but may not edit.
    let butler = app.login("butler-txdsh-1").await;
    let res = patch(&app, &butler, &team, json!({"name": "x"})).await;
    res.expect(404);
    assert_eq!(res.code(), "butler_team.not_found");
    let grid = app.login("grid1").await;
    let res = patch(&app, &grid, &team, json!({"name": "x"})).await;
    res.expect(403);
    assert_eq!(res.code(), "butler_team.forbidden");

    // qian joins (butler on 5); zhao held the butler role on 6 before joining.
    let qian = account(&app, &community, "qian-1").await;
    let zhao = account(&app, &community, "zhao-1").await;
    app.post(
        &format!("/api/v1/users/{zhao}/roles"),
        &community,
        json!({"role": "butler", "node_id": b6}),
    )
    .await
    .expect(201);
    join(&app, &community, id, qian).await;
    join(&app, &community, id, zhao).await;
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5]);
    assert_eq!(butler_on(&app, &community, zhao).await, vec![b5, b6]);
    assert_eq!(card_names(&app, "DX-01-6").await, Vec::<String>::new());

    // Adding building 6: qian is given the role there, zhao keeps the one he had (not twice).
    let buildings = format!("{team}/buildings");
    let res = app
        .post(&buildings, &community, json!({"building_id": b6}))
        .await;
    let added = res.expect(201).clone();
    assert_eq!(codes(&added), ["DX-01-5", "DX-01-6"]);
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5, b6]);
    assert_eq!(butler_on(&app, &community, zhao).await, vec![b5, b6]);
    assert_eq!(card_names(&app, "DX-01-6").await, ["qian-1", "zhao-1"]);

    // Again, another team's building, not a building, another community, unknown.
    let res = app
        .post(&buildings, &community, json!({"building_id": b6}))
        .await;
    res.expect(409);
    assert_eq!(res.code(), "butler_team.building_on_team");
    let admin = app.login("admin").await;
    let demo_building = crate::org::building_id(&app, &admin, "DX-01-1").await;
    let res = app
        .post(
            &buildings,
            &community,
            json!({"building_id": demo_building}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "butler_team.building_taken");
    let compound = card(&app, "DX-01-1").await["compound"]["id"]
        .as_i64()
        .unwrap();
    let (_, _, _, _, elsewhere) = second_street(&app).await;
    for (building, code) in [
        (compound, "not_a_building"),
        (elsewhere, "other_community"),
        (999_999, "not_found"),
    ] {
        let res = app
            .post(&buildings, &community, json!({"building_id": building}))
            .await;
        res.expect(422);
        assert_eq!(res.body["error"]["details"][0]["field"], "building_id");
        assert_eq!(res.body["error"]["details"][0]["code"], code);
    }
    let res = app
        .post(&buildings, &grid, json!({"building_id": b6}))
        .await;
    res.expect(403);
    let shown = app.get(&team, &community).await.expect(200).clone();
    assert_eq!(codes(&shown), ["DX-01-5", "DX-01-6"]);

    // Removing 6 takes away only what membership granted there: qian's, not zhao's own.
    let res = delete(&app, &community, &format!("{buildings}/{b6}")).await;
    let after = res.expect(200).clone();
    assert_eq!(codes(&after), ["DX-01-5"]);
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5]);
    assert_eq!(butler_on(&app, &community, zhao).await, vec![b5, b6]);
    assert_eq!(card_names(&app, "DX-01-6").await, Vec::<String>::new());
    let stint = after["building_history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["building"]["id"] == b6)
        .unwrap()
        .clone();
    assert!(stint["added_at"].is_string());
    assert_eq!(stint["added_by"], staff);
    assert!(stint["removed_at"].is_string());
    assert_eq!(stint["removed_by"], staff);
    let res = delete(&app, &community, &format!("{buildings}/{b6}")).await;
    res.expect(404);
    assert_eq!(res.code(), "butler_team.building_not_found");

    // In again (a new stint, the role granted anew), out again.
    app.post(&buildings, &community, json!({"building_id": b6}))
        .await
        .expect(201);
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5, b6]);
    delete(&app, &community, &format!("{buildings}/{b6}"))
        .await
        .expect(200);
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5]);

    // The last building may go: the team stays, empty, and staff still see it.
    let res = delete(&app, &community, &format!("{buildings}/{b5}")).await;
    let empty = res.expect(200).clone();
    assert_eq!(empty["buildings"], json!([]));
    assert_eq!(empty["members"].as_array().unwrap().len(), 2);
    assert_eq!(empty["dissolved_at"], Value::Null);
    assert_eq!(butler_on(&app, &community, qian).await, Vec::<i64>::new());
    assert_eq!(butler_on(&app, &community, zhao).await, vec![b6]);
    assert_eq!(card_names(&app, "DX-01-5").await, Vec::<String>::new());
    let history: Vec<(i64, bool)> = empty["building_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["building"]["id"].as_i64().unwrap(),
                s["removed_at"].is_string(),
            )
        })
        .collect();
    assert_eq!(history, vec![(b5, true), (b6, true), (b6, true)]);
    assert!(listed(&app, &community, "").await.contains(&id));
    app.get(&team, &community).await.expect(200);
    // A building back on the empty team gives its members the role again.
    app.post(&buildings, &community, json!({"building_id": b5}))
        .await
        .expect(201);
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5]);
}

async fn team_edit_dissolve_keeps_history_and_freezes_the_team(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let staff = me(&app, &community).await;
    let b = new_buildings(&app, &community, &[5, 6]).await;
    let id = new_team(&app, &community, "5、6号楼兴管家", &["DX-01-5", "DX-01-6"]).await;
    let team = format!("/api/v1/butler-teams/{id}");
    let qian = account(&app, &community, "qian-1").await;
    join(&app, &community, id, qian).await;
    app.post(
        &format!("{team}/members"),
        &community,
        json!({"display_name": "孙楼长", "kind": "party_member_household_head", "leader": true}),
    )
    .await
    .expect(201);
    assert_eq!(butler_on(&app, &community, qian).await, b);
    assert_eq!(card_names(&app, "DX-01-5").await, ["qian-1", "孙楼长"]);
    let before = listed(&app, &community, "").await;
    assert!(before.contains(&id));

    // Only staff of its community dissolve it.
    let grid = app.login("grid1").await;
    delete(&app, &grid, &team).await.expect(403);

    let res = delete(&app, &community, &team).await;
    let gone = res.expect(200).clone();
    assert!(gone["dissolved_at"].is_string());
    assert_eq!(gone["dissolved_by"], staff);
    assert_eq!(gone["buildings"], json!([]));
    let members = gone["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    for m in members {
        assert_eq!(m["active"], false, "{m}");
        assert!(m["left_at"].is_string());
        assert_eq!(m["left_by"], staff);
    }
    let stints = gone["building_history"].as_array().unwrap();
    assert_eq!(stints.len(), 2);
    for s in stints {
        assert!(s["removed_at"].is_string());
        assert_eq!(s["removed_by"], staff);
    }
    assert_eq!(butler_on(&app, &community, qian).await, Vec::<i64>::new());
    assert_eq!(card_names(&app, "DX-01-5").await, Vec::<String>::new());
    assert_eq!(card_names(&app, "DX-01-6").await, Vec::<String>::new());

    // Still shown, with its history; left out of the list unless asked for.
    let shown = app.get(&team, &community).await.expect(200).clone();
    assert_eq!(shown["dissolved_at"], gone["dissolved_at"]);
    assert_eq!(shown["members"], json!([]));
    assert_eq!(shown["building_history"].as_array().unwrap().len(), 2);
    let past = app
        .get(&format!("{team}?include_past=true"), &community)
        .await;
    assert_eq!(past.expect(200)["members"].as_array().unwrap().len(), 2);
    let history = app
        .get(&format!("{team}/members?include_past=true"), &community)
        .await;
    assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 2);
    let listed_now = listed(&app, &community, "").await;
    assert!(!listed_now.contains(&id));
    assert_eq!(listed_now.len(), before.len() - 1);
    let all = listed(&app, &community, "&include_dissolved=true").await;
    assert!(all.contains(&id));
    assert_eq!(all.len(), before.len());

    // Frozen.
    for res in [
        patch(&app, &community, &team, json!({"name": "复活"})).await,
        app.post(
            &format!("{team}/members"),
            &community,
            json!({"display_name": "新人", "kind": "property_staff"}),
        )
        .await,
        app.post(
            &format!("{team}/buildings"),
            &community,
            json!({"building_id": b[0]}),
        )
        .await,
        delete(&app, &community, &team).await,
    ] {
        res.expect(409);
        assert_eq!(res.code(), "butler_team.dissolved");
    }
    assert_eq!(
        app.get(&team, &community).await.expect(200)["name"],
        "5、6号楼兴管家"
    );

    // Its buildings are free for another team.
    let next = new_team(&app, &community, "5号楼新服务团", &["DX-01-5"]).await;
    assert_ne!(next, id);
}

async fn team_edit_revoking_a_granted_butler_role_ends_the_membership(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let staff = me(&app, &community).await;
    let b = new_buildings(&app, &community, &[5, 6]).await;
    let (b5, b6) = (b[0], b[1]);
    let id = new_team(&app, &community, "5、6号楼兴管家", &["DX-01-5", "DX-01-6"]).await;
    let qian = account(&app, &community, "qian-1").await;
    let zhao = account(&app, &community, "zhao-1").await;
    // zhao holds the butler role on 5 on his own.
    let own = app
        .post(
            &format!("/api/v1/users/{zhao}/roles"),
            &community,
            json!({"role": "butler", "node_id": b5}),
        )
        .await;
    let own = own.expect(201)["id"].as_i64().unwrap();
    let qian_member = join(&app, &community, id, qian).await;
    let zhao_member = join(&app, &community, id, zhao).await;
    assert_eq!(butler_on(&app, &community, qian).await, vec![b5, b6]);

    // Revoking qian's granted role on 5 ends his membership and takes the one on 6 too.
    let granted = roles(&app, &community, qian)
        .await
        .into_iter()
        .find(|(_, r, n)| r == "butler" && *n == b5)
        .unwrap()
        .0;
    delete(
        &app,
        &community,
        &format!("/api/v1/users/{qian}/roles/{granted}"),
    )
    .await
    .expect(204);
    let left: Vec<(String, i64)> = roles(&app, &community, qian)
        .await
        .into_iter()
        .map(|(_, r, n)| (r, n))
        .collect();
    let (_, _, community_id) = demo_ids(&app).await;
    assert_eq!(left, vec![("volunteer".to_owned(), community_id)]);
    let history = app
        .get(
            &format!("/api/v1/butler-teams/{id}/members?include_past=true"),
            &community,
        )
        .await;
    let history = history.expect(200)["items"].as_array().unwrap().clone();
    let q = history.iter().find(|m| m["id"] == qian_member).unwrap();
    assert_eq!(q["active"], false);
    assert_eq!(q["left_by"], staff);
    assert_eq!(card_names(&app, "DX-01-6").await, ["zhao-1"]);

    // zhao's own role on 5 is not the team's: revoking it leaves his membership alone.
    delete(
        &app,
        &community,
        &format!("/api/v1/users/{zhao}/roles/{own}"),
    )
    .await
    .expect(204);
    assert_eq!(butler_on(&app, &community, zhao).await, vec![b6]);
    let active = app
        .get(&format!("/api/v1/butler-teams/{id}/members"), &community)
        .await;
    let active = active.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["id"], zhao_member);
    assert_eq!(card_names(&app, "DX-01-5").await, ["zhao-1"]);
}

async fn team_edit_two_teams_taking_one_building_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let community2 = app.login("community").await;
    let b = new_buildings(&app, &community, &[5, 6, 7, 8, 9, 10]).await;
    let t1 = new_team(&app, &community, "5号楼兴管家", &["DX-01-5"]).await;
    let t2 = new_team(&app, &community, "6号楼兴管家", &["DX-01-6"]).await;
    let qian = account(&app, &community, "qian-1").await;
    let zhao = account(&app, &community, "zhao-1").await;
    join(&app, &community, t1, qian).await;
    join(&app, &community, t2, zhao).await;

    for building in &b[2..] {
        let body = json!({"building_id": building});
        let p1 = format!("/api/v1/butler-teams/{t1}/buildings");
        let p2 = format!("/api/v1/butler-teams/{t2}/buildings");
        let results = join_all([
            app.post(&p1, &community, body.clone()),
            app.post(&p2, &community2, body.clone()),
        ])
        .await;
        let won: Vec<usize> = (0..2).filter(|i| results[*i].status == 201).collect();
        assert_eq!(won.len(), 1, "{results:?}");
        let lost = &results[1 - won[0]];
        assert_eq!(lost.status, 409, "{lost:?}");
        assert_eq!(lost.code(), "butler_team.building_taken");
        // The building is on the winner only, with the winner's member as its butler.
        let (winner, loser, butler) = if won[0] == 0 {
            (t1, t2, "qian-1")
        } else {
            (t2, t1, "zhao-1")
        };
        let shown = app
            .get(&format!("/api/v1/butler-teams/{winner}"), &community)
            .await;
        let shown = shown.expect(200).clone();
        assert!(
            shown["buildings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == *building)
        );
        let other = app
            .get(&format!("/api/v1/butler-teams/{loser}"), &community)
            .await;
        let other = other.expect(200).clone();
        for key in ["buildings", "building_history"] {
            assert!(
                !other[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["id"] == *building || x["building"]["id"] == *building),
                "{other:#}"
            );
        }
        let code = shown["buildings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == *building)
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(card_names(&app, &code).await, [butler]);
    }
}
