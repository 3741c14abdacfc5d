//! Red Collar Home activities: drafts, edits at a version, publishing, sign-up with a waiting
//! list under real concurrency, withdrawal promoting the first waiting, rotating check-in codes
//! and their refusals, attendance corrections, and finishing that awards once per attendee.

use chrono::{DateTime, Duration, Utc};
use linli_domain::UserId;
use linli_domain::volunteer::{Skill, Skills, VolunteerId, VolunteerKind, VolunteerStatus};
use linli_persistence::{org, volunteers};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, ClockExt, START, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    staff_draft_edit_and_publish_what_volunteers_then_see,
    sign_up_refusals_have_their_codes,
    twenty_at_once_fill_five_places_and_a_withdrawal_promotes_the_first_waiting,
    check_in_codes_rotate_and_every_refusal_is_a_clear_4xx,
    finishing_twice_at_once_awards_each_attendee_once,
    a_retried_create_with_the_same_key_answers_the_first_activity,
    one_who_never_checked_out_is_signed_out_at_the_end,
);

/// A volunteer made straight in storage (the lead's `/volunteers` routes approve them for
/// real): a fresh resident account with a volunteer profile in the demo community.
struct Vol {
    token: String,
    id: i64,
    openid: String,
}

impl Vol {
    /// Logs in again: access tokens last 15 minutes of the test clock.
    async fn relogin(&mut self, app: &TestApp) {
        self.token = app.resident(&self.openid).await;
    }
}

async fn make_volunteer(
    app: &TestApp,
    openid: &str,
    skills: &[Skill],
    status: VolunteerStatus,
) -> Vol {
    let token = app.resident(openid).await;
    let user = app.get("/api/v1/me", &token).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let now = app.clock.now_utc();
    let skills = Skills::new(skills.iter().copied());
    let id = app
        .state
        .db
        .write(move |conn| {
            let building = org::find_building(conn, "DX-01-1")?;
            let community = org::get_node(conn, building.community_id.expect("in a community"))?;
            let id = volunteers::create(
                conn,
                &volunteers::NewVolunteer {
                    user_id: UserId(user),
                    community_id: community.id,
                    community_path: community.path.clone(),
                    kind: VolunteerKind::RetiredPartyMember,
                    skills,
                    intro: None,
                },
                now,
            )?;
            if status != VolunteerStatus::Pending {
                volunteers::set_status(conn, id, status, None, UserId(user), now)?;
            }
            Ok(id)
        })
        .await
        .unwrap();
    Vol {
        token,
        id: id.0,
        openid: openid.to_owned(),
    }
}

fn at(minutes: i64) -> DateTime<Utc> {
    *START + Duration::minutes(minutes)
}

/// A published activity from START+2h to START+4h, sign-up until START+1h.
async fn published(app: &TestApp, staff: &str, capacity: i64, extra: Value) -> i64 {
    let mut body = json!({
        "title": "重阳节走访慰问老人",
        "description": "走访独居老人，送上重阳糕",
        "partners": [{"name": "莲湖区人民医院", "kind": "hospital"}],
        "place": "大兴东路社区党群服务中心",
        "starts_at": at(120),
        "ends_at": at(240),
        "signup_deadline": at(60),
        "capacity": capacity,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let id = app
        .post("/api/v1/activities", staff, body)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/activities/{id}/publish"),
        staff,
        json!({}),
    )
    .await
    .expect(200);
    id
}

async fn sign_up(app: &TestApp, id: i64, token: &str) -> crate::helpers::Res {
    app.post(
        &format!("/api/v1/activities/{id}/signups"),
        token,
        json!({}),
    )
    .await
}

async fn code(app: &TestApp, id: i64, staff: &str, purpose: &str) -> String {
    let res = app
        .get(
            &format!("/api/v1/activities/{id}/checkin-code?purpose={purpose}"),
            staff,
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["purpose"], json!(purpose));
    body["code"].as_str().unwrap().to_owned()
}

async fn scan(app: &TestApp, id: i64, token: &str, what: &str, code: &str) -> crate::helpers::Res {
    app.post(
        &format!("/api/v1/activities/{id}/{what}"),
        token,
        json!({ "code": code }),
    )
    .await
}

async fn staff_draft_edit_and_publish_what_volunteers_then_see(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let vol = make_volunteer(&app, "vol-a", &[], VolunteerStatus::Active).await;

    // Bad input: every bad field at once.
    let res = app
        .post(
            "/api/v1/activities",
            &staff,
            json!({
                "title": " ",
                "place": "社区",
                "starts_at": at(120),
                "ends_at": at(60),
                "capacity": 0,
                "required_skills": ["juggling"],
                "points_per_hour": -1,
            }),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "validation.failed");
    let mut fields: Vec<(String, String)> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("capacity".into(), "activity.capacity_out_of_range".into()),
            ("ends_at".into(), "activity.ends_before_start".into()),
            ("points_per_hour".into(), "out_of_range".into()),
            ("required_skills".into(), "unknown_skill".into()),
            ("title".into(), "required".into()),
        ]
    );

    let created = app
        .post(
            "/api/v1/activities",
            &staff,
            json!({
                "title": "义诊进社区",
                "place": "社区卫生站",
                "partners": [{"name": "莲湖区人民医院", "kind": "hospital"}],
                "starts_at": at(120),
                "ends_at": at(240),
                "capacity": 2,
                "required_skills": ["medical"],
                "points_per_hour": 20,
            }),
        )
        .await;
    let a = created.expect(201).clone();
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["status"], json!("draft"));
    assert_eq!(a["version"], json!(1));
    assert_eq!(a["organiser"], json!("大兴东路社区"));
    assert_eq!(a["signup_deadline"], a["starts_at"]);
    assert_eq!(a["partners"][0]["kind"], json!("hospital"));
    assert_eq!(a["required_skills"], json!(["medical"]));
    assert_eq!(a["points_per_hour"], json!(20));
    assert_eq!(a["manageable"], json!(true));

    // A grid worker does not manage activities, not even in their own community.
    let grid = app.login("grid1").await;
    let res = app
        .post(
            "/api/v1/activities",
            &grid,
            json!({"community_id": a["community_id"], "title": "x", "place": "y", "starts_at": at(120), "ends_at": at(180), "capacity": 3}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "activity.forbidden");
    let res = app
        .post(
            "/api/v1/activities",
            &grid,
            json!({"title": "x", "place": "y", "starts_at": at(120), "ends_at": at(180), "capacity": 3}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "activity.community_required");

    // A volunteer does not see a draft.
    let list = app.get("/api/v1/activities", &vol.token).await;
    assert_eq!(list.expect(200)["items"], json!([]));
    let res = app
        .get(&format!("/api/v1/activities/{id}"), &vol.token)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "activity.not_found");

    // Edits name the version they read.
    let stale = app
        .call(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&staff),
            Some(json!({"version": 7, "title": "别的"})),
        )
        .await;
    stale.expect(409);
    assert_eq!(stale.code(), "activity.version_conflict");
    assert_eq!(stale.body["error"]["details"]["current"], json!(1));
    let edited = app
        .call(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&staff),
            Some(json!({"version": 1, "title": "义诊进社区（第二期）", "required_skills": []})),
        )
        .await;
    let e = edited.expect(200);
    assert_eq!(e["version"], json!(2));
    assert_eq!(e["title"], json!("义诊进社区（第二期）"));
    assert_eq!(e["required_skills"], json!([]));
    assert_eq!(e["place"], json!("社区卫生站"));

    let p = app
        .post(
            &format!("/api/v1/activities/{id}/publish"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(p.expect(200)["status"], json!("published"));
    assert_eq!(p.body["version"], json!(3));
    let again = app
        .post(
            &format!("/api/v1/activities/{id}/publish"),
            &staff,
            json!({}),
        )
        .await;
    again.expect(409);
    assert_eq!(again.code(), "activity.invalid_transition");

    // Now the volunteer sees it, signs up and sees their place.
    let list = app
        .get("/api/v1/activities?status=published", &vol.token)
        .await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], json!(id));
    assert_eq!(items[0]["manageable"], json!(false));
    let none = app
        .get("/api/v1/activities?status=finished", &vol.token)
        .await;
    assert_eq!(none.expect(200)["items"], json!([]));
    let later = app
        .get(
            &format!("/api/v1/activities?from={}", (at(600)).to_rfc3339()).replace('+', "%2B"),
            &vol.token,
        )
        .await;
    assert_eq!(later.expect(200)["items"], json!([]));

    let s = sign_up(&app, id, &vol.token).await;
    assert_eq!(s.expect(201)["status"], json!("confirmed"));
    assert_eq!(s.body["volunteer_id"], json!(vol.id));
    assert_eq!(s.body["position"], Value::Null);
    let v = app
        .get(&format!("/api/v1/activities/{id}"), &vol.token)
        .await;
    let v = v.expect(200);
    assert_eq!(v["confirmed_count"], json!(1));
    assert_eq!(v["waiting_count"], json!(0));
    assert_eq!(v["my_signup"]["status"], json!("confirmed"));

    // The volunteer cannot manage it.
    let res = app
        .get(&format!("/api/v1/activities/{id}/signups"), &vol.token)
        .await;
    res.expect(403);
    assert_eq!(res.code(), "activity.forbidden");

    // As few places as confirmed is fine; cancelling needs a reason.
    let shrink = app
        .call(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&staff),
            Some(json!({"version": 3, "capacity": 1})),
        )
        .await;
    shrink.expect(200);
    let cancel = app
        .post(
            &format!("/api/v1/activities/{id}/cancel"),
            &staff,
            json!({"reason": " "}),
        )
        .await;
    cancel.expect(422);
    let cancel = app
        .post(
            &format!("/api/v1/activities/{id}/cancel"),
            &staff,
            json!({"reason": "医院临时有任务，改期举行"}),
        )
        .await;
    let c = cancel.expect(200);
    assert_eq!(c["status"], json!("cancelled"));
    assert_eq!(c["cancel_reason"], json!("医院临时有任务，改期举行"));
}

async fn sign_up_refusals_have_their_codes(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut medic = make_volunteer(
        &app,
        "vol-medic",
        &[Skill::Medical],
        VolunteerStatus::Active,
    )
    .await;
    let mut plain = make_volunteer(&app, "vol-plain", &[], VolunteerStatus::Active).await;
    let pending = make_volunteer(&app, "vol-pending", &[], VolunteerStatus::Pending).await;
    let stranger = app.resident("not-a-volunteer").await;
    let id = published(&app, &staff, 1, json!({"required_skills": ["medical"]})).await;

    let res = sign_up(&app, id, &plain.token).await;
    res.expect(422);
    assert_eq!(res.code(), "signup.missing_skills");
    assert_eq!(res.body["error"]["details"]["missing"], json!(["medical"]));
    assert!(
        res.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("医疗")
    );

    let res = sign_up(&app, id, &pending.token).await;
    res.expect(403);
    assert_eq!(res.code(), "signup.volunteer_not_active");

    let res = sign_up(&app, id, &stranger).await;
    res.expect(404);
    assert_eq!(res.code(), "activity.not_found");

    sign_up(&app, id, &medic.token).await.expect(201);
    let res = sign_up(&app, id, &medic.token).await;
    res.expect(409);
    assert_eq!(res.code(), "signup.already_signed_up");

    // Withdraw and sign up again: a new sign-up, at the end of the list.
    let w = app
        .call(
            Method::DELETE,
            &format!("/api/v1/activities/{id}/signups/me"),
            Some(&medic.token),
            None,
        )
        .await;
    assert_eq!(w.expect(200)["was"], json!("confirmed"));
    assert_eq!(w.body["promoted"], json!([]));
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/activities/{id}/signups/me"),
            Some(&medic.token),
            None,
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "signup.not_signed_up");
    sign_up(&app, id, &medic.token).await.expect(201);

    // Past the deadline.
    app.clock.set(at(61));
    let staff = app.login("community").await;
    medic.relogin(&app).await;
    plain.relogin(&app).await;
    let other = published(&app, &staff, 5, json!({"signup_deadline": at(90)})).await;
    let res = sign_up(&app, id, &plain.token).await;
    res.expect(409);
    assert_eq!(res.code(), "signup.deadline_passed");
    sign_up(&app, other, &plain.token).await.expect(201);

    // A draft is not open (and not visible to volunteers).
    let draft = app
        .post(
            "/api/v1/activities",
            &staff,
            json!({"title": "法律咨询日", "place": "社区", "starts_at": at(300), "ends_at": at(360), "capacity": 3}),
        )
        .await;
    let draft = draft.expect(201)["id"].as_i64().unwrap();
    let res = sign_up(&app, draft, &plain.token).await;
    res.expect(404);

    // /me/activities lists what the volunteer signed up for.
    let mine = app.get("/api/v1/me/activities", &medic.token).await;
    let mine = mine.expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["activity_id"], json!(id));
    assert_eq!(mine["items"][0]["signup_status"], json!("confirmed"));
    assert_eq!(mine["total_points"], json!(0));
}

async fn twenty_at_once_fill_five_places_and_a_withdrawal_promotes_the_first_waiting(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut vols = Vec::new();
    for i in 0..20 {
        vols.push(make_volunteer(&app, &format!("vol-{i}"), &[], VolunteerStatus::Active).await);
    }
    let id = published(&app, &staff, 5, json!({})).await;

    let results =
        futures_util::future::join_all(vols.iter().map(|v| sign_up(&app, id, &v.token))).await;
    let mut confirmed = Vec::new();
    let mut waiting = Vec::new();
    for (v, r) in vols.iter().zip(&results) {
        let body = r.expect(201);
        match body["status"].as_str().unwrap() {
            "confirmed" => {
                assert_eq!(body["position"], Value::Null);
                confirmed.push(v.id);
            }
            "waiting" => waiting.push((body["position"].as_u64().unwrap(), v.id)),
            other => panic!("{other}"),
        }
    }
    assert_eq!(confirmed.len(), 5);
    waiting.sort();
    assert_eq!(
        waiting.iter().map(|w| w.0).collect::<Vec<_>>(),
        (1..=15).collect::<Vec<u64>>()
    );

    // The managers' list agrees: the same places, the same positions.
    let list = app
        .get(&format!("/api/v1/activities/{id}/signups"), &staff)
        .await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 20);
    let mut listed_waiting: Vec<(u64, i64)> = items
        .iter()
        .filter(|s| s["status"] == json!("waiting"))
        .map(|s| {
            (
                s["position"].as_u64().unwrap(),
                s["volunteer_id"].as_i64().unwrap(),
            )
        })
        .collect();
    listed_waiting.sort();
    assert_eq!(listed_waiting, waiting);
    let view = app.get(&format!("/api/v1/activities/{id}"), &staff).await;
    assert_eq!(view.expect(200)["confirmed_count"], json!(5));
    assert_eq!(view.body["waiting_count"], json!(15));

    // A confirmed volunteer withdraws: position 1 takes the place, everyone moves up one.
    let leaver = vols.iter().find(|v| v.id == confirmed[2]).unwrap();
    let w = app
        .call(
            Method::DELETE,
            &format!("/api/v1/activities/{id}/signups/me"),
            Some(&leaver.token),
            None,
        )
        .await;
    assert_eq!(w.expect(200)["was"], json!("confirmed"));
    assert_eq!(w.body["promoted"], json!([waiting[0].1]));
    let first = vols.iter().find(|v| v.id == waiting[0].1).unwrap();
    let mine = app
        .get(&format!("/api/v1/activities/{id}"), &first.token)
        .await;
    assert_eq!(mine.expect(200)["my_signup"]["status"], json!("confirmed"));
    let second = vols.iter().find(|v| v.id == waiting[1].1).unwrap();
    let theirs = app
        .get(&format!("/api/v1/activities/{id}"), &second.token)
        .await;
    assert_eq!(theirs.expect(200)["my_signup"]["position"], json!(1));
    let gone = app
        .get(&format!("/api/v1/activities/{id}"), &leaver.token)
        .await;
    assert_eq!(gone.expect(200)["my_signup"]["status"], json!("withdrawn"));
    assert_eq!(gone.body["confirmed_count"], json!(5));
    assert_eq!(gone.body["waiting_count"], json!(14));

    // A waiting volunteer withdrawing promotes nobody.
    let w = app
        .call(
            Method::DELETE,
            &format!("/api/v1/activities/{id}/signups/me"),
            Some(&second.token),
            None,
        )
        .await;
    assert_eq!(w.expect(200)["was"], json!("waiting"));
    assert_eq!(w.body["promoted"], json!([]));

    // More places promote the next ones in order, in the same edit.
    let version = app
        .get(&format!("/api/v1/activities/{id}"), &staff)
        .await
        .body["version"]
        .as_i64()
        .unwrap();
    let grown = app
        .call(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&staff),
            Some(json!({"version": version, "capacity": 7})),
        )
        .await;
    assert_eq!(grown.expect(200)["confirmed_count"], json!(7));
    assert_eq!(grown.body["waiting_count"], json!(11));
    let third = vols.iter().find(|v| v.id == waiting[2].1).unwrap();
    let t = app
        .get(&format!("/api/v1/activities/{id}"), &third.token)
        .await;
    assert_eq!(t.expect(200)["my_signup"]["status"], json!("confirmed"));
    let shrink = app
        .call(
            Method::PATCH,
            &format!("/api/v1/activities/{id}"),
            Some(&staff),
            Some(json!({"version": version + 1, "capacity": 6})),
        )
        .await;
    shrink.expect(409);
    assert_eq!(shrink.code(), "activity.capacity_below_confirmed");
}

async fn check_in_codes_rotate_and_every_refusal_is_a_clear_4xx(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut v1 = make_volunteer(&app, "vol-1", &[], VolunteerStatus::Active).await;
    let mut v2 = make_volunteer(&app, "vol-2", &[], VolunteerStatus::Active).await;
    let mut v3 = make_volunteer(&app, "vol-3", &[], VolunteerStatus::Active).await;
    let mut waiter = make_volunteer(&app, "vol-4", &[], VolunteerStatus::Active).await;
    let id = published(&app, &staff, 3, json!({})).await;
    let other = published(&app, &staff, 3, json!({})).await;
    for v in [&v1, &v2, &v3, &waiter] {
        sign_up(&app, id, &v.token).await.expect(201);
    }

    // Only managers get the code.
    let res = app
        .get(&format!("/api/v1/activities/{id}/checkin-code"), &v1.token)
        .await;
    res.expect(403);
    assert_eq!(res.code(), "activity.forbidden");
    let svg = app
        .client
        .get(app.url(&format!("/api/v1/activities/{id}/checkin-code.svg")))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status().as_u16(), 200);
    assert!(
        svg.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(svg.text().await.unwrap().contains("<svg"));

    // Too early: check-in opens 30 minutes before the start.
    let c = code(&app, id, &staff, "in").await;
    let res = scan(&app, id, &v1.token, "check-in", &c).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.too_early");

    app.clock.set(at(100));
    let staff = app.login("community").await;
    for v in [&mut v1, &mut v2, &mut v3, &mut waiter] {
        v.relogin(&app).await;
    }
    let stranger = app.resident("not-a-volunteer").await;
    let c = code(&app, id, &staff, "in").await;
    // Forged: one character of the signature changed (not the last, whose low bits base64
    // leaves unused).
    let mut chars: Vec<char> = c.chars().collect();
    let i = chars.len() - 5;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    let forged: String = chars.into_iter().collect();
    let res = scan(&app, id, &v1.token, "check-in", &forged).await;
    res.expect(422);
    assert_eq!(res.code(), "checkin_code.forged");
    let res = scan(&app, id, &v1.token, "check-in", "not a code").await;
    res.expect(422);
    assert_eq!(res.code(), "checkin_code.malformed");
    // Another activity's code.
    let elsewhere = code(&app, other, &staff, "in").await;
    let res = scan(&app, id, &v1.token, "check-in", &elsewhere).await;
    res.expect(422);
    assert_eq!(res.code(), "checkin_code.wrong_activity");
    // The check-out code to check in.
    let out = code(&app, id, &staff, "out").await;
    let res = scan(&app, id, &v1.token, "check-in", &out).await;
    res.expect(422);
    assert_eq!(res.code(), "checkin_code.wrong_purpose");
    // Waiting, not a volunteer.
    let res = scan(&app, id, &waiter.token, "check-in", &c).await;
    res.expect(403);
    assert_eq!(res.code(), "attendance.not_confirmed");
    let res = scan(&app, id, &stranger, "check-in", &c).await;
    res.expect(404);
    // Check-out before anyone checked in.
    let res = scan(&app, id, &v1.token, "check-out", &out).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.not_checked_in");

    // The real thing; the first check-in starts the activity.
    let ok = scan(&app, id, &v1.token, "check-in", &c).await;
    assert_eq!(ok.expect(200)["checked_in_at"], json!(at(100)));
    let a = app
        .get(&format!("/api/v1/activities/{id}"), &v1.token)
        .await;
    assert_eq!(a.expect(200)["status"], json!("ongoing"));
    assert_eq!(a.body["my_signup"]["checked_in_at"], json!(at(100)));
    let res = scan(&app, id, &v1.token, "check-in", &c).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.already_checked_in");

    // A code is good for its minute and the next, then expired.
    app.clock.advance(Duration::seconds(61));
    scan(&app, id, &v2.token, "check-in", &c).await.expect(200);
    app.clock.advance(Duration::minutes(2));
    let res = scan(&app, id, &v3.token, "check-in", &c).await;
    res.expect(422);
    assert_eq!(res.code(), "checkin_code.expired");
    // Check-out without check-in (the activity is under way now).
    let out = code(&app, id, &staff, "out").await;
    let res = scan(&app, id, &v3.token, "check-out", &out).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.not_checked_in");

    // After the end nobody checks in any more; check-out stays open a while.
    app.clock.set(at(241));
    let staff = app.login("community").await;
    for v in [&mut v1, &mut v2, &mut v3] {
        v.relogin(&app).await;
    }
    let c = code(&app, id, &staff, "in").await;
    let res = scan(&app, id, &v3.token, "check-in", &c).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.window_closed");
    let out = code(&app, id, &staff, "out").await;
    let res = scan(&app, id, &v1.token, "check-out", &out).await;
    assert_eq!(res.expect(200)["checked_out_at"], json!(at(241)));
    let res = scan(&app, id, &v1.token, "check-out", &out).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.already_checked_out");
    app.clock.set(at(240 + 121));
    let staff = app.login("community").await;
    v2.relogin(&app).await;
    let out = code(&app, id, &staff, "out").await;
    let res = scan(&app, id, &v2.token, "check-out", &out).await;
    res.expect(409);
    assert_eq!(res.code(), "attendance.window_closed");
}

async fn finishing_twice_at_once_awards_each_attendee_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut v1 = make_volunteer(&app, "vol-1", &[], VolunteerStatus::Active).await;
    let mut v2 = make_volunteer(&app, "vol-2", &[], VolunteerStatus::Active).await;
    let mut v3 = make_volunteer(&app, "vol-3", &[], VolunteerStatus::Active).await;
    let id = published(&app, &staff, 3, json!({})).await;
    // An activity with its own points: 30 an hour, nothing for taking part.
    let own = published(
        &app,
        &staff,
        3,
        json!({"points_per_hour": 30, "points_per_activity": 0}),
    )
    .await;
    for v in [&v1, &v2, &v3] {
        sign_up(&app, id, &v.token).await.expect(201);
    }
    sign_up(&app, own, &v1.token).await.expect(201);

    // Finishing before it is under way is refused.
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/finish"),
            &staff,
            json!({}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "activity.invalid_transition");

    app.clock.set(at(120));
    let staff = app.login("community").await;
    for v in [&mut v1, &mut v2, &mut v3] {
        v.relogin(&app).await;
    }
    for a in [id, own] {
        let s = app
            .post(&format!("/api/v1/activities/{a}/start"), &staff, json!({}))
            .await;
        assert_eq!(s.expect(200)["status"], json!("ongoing"));
    }
    let correct = |a: i64, v: i64, body: Value| {
        let app = &app;
        let staff = staff.clone();
        async move {
            app.call(
                Method::PUT,
                &format!("/api/v1/activities/{a}/attendance/{v}"),
                Some(&staff),
                Some(body),
            )
            .await
        }
    };
    // Corrections need a reason and sensible times.
    let res = correct(
        id,
        v1.id,
        json!({"checked_in_at": at(120), "checked_out_at": at(240), "reason": ""}),
    )
    .await;
    res.expect(422);
    assert_eq!(res.code(), "attendance.reason_required");
    let res = correct(
        id,
        v1.id,
        json!({"checked_out_at": at(240), "reason": "忘记签到"}),
    )
    .await;
    res.expect(422);
    assert_eq!(res.code(), "attendance.out_without_in");
    let res = correct(
        id,
        v1.id,
        json!({"checked_in_at": at(200), "checked_out_at": at(130), "reason": "忘记签到"}),
    )
    .await;
    res.expect(422);
    assert_eq!(res.code(), "attendance.reversed");
    let res = correct(
        id,
        v1.id,
        json!({"checked_in_at": at(0), "checked_out_at": at(130), "reason": "忘记签到"}),
    )
    .await;
    res.expect(422);
    assert_eq!(res.code(), "attendance.outside_window");
    // The volunteer cannot correct their own.
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/activities/{id}/attendance/{}", v1.id),
            Some(&v1.token),
            Some(json!({"checked_in_at": at(120), "checked_out_at": at(240), "reason": "我自己"})),
        )
        .await;
    res.expect(403);

    // v1 served the whole two hours (arriving early earns nothing extra), v2 one hour, v3
    // never came.
    let res = correct(id, v1.id, json!({"checked_in_at": at(100), "checked_out_at": at(240), "reason": "手机没电，现场登记"})).await;
    assert_eq!(
        res.expect(200)["correction_reason"],
        json!("手机没电，现场登记")
    );
    correct(
        id,
        v2.id,
        json!({"checked_in_at": at(150), "checked_out_at": at(210), "reason": "现场登记"}),
    )
    .await
    .expect(200);
    correct(
        own,
        v1.id,
        json!({"checked_in_at": at(120), "checked_out_at": at(210), "reason": "现场登记"}),
    )
    .await
    .expect(200);

    // Two finishes at once: one wins, the other is refused; each attendee is awarded once.
    let finish_path = format!("/api/v1/activities/{id}/finish");
    let (a, b) = tokio::join!(
        app.post(&finish_path, &staff, json!({})),
        app.post(&finish_path, &staff, json!({})),
    );
    let mut statuses = vec![a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, vec![200, 409], "{:#} {:#}", a.body, b.body);
    let won = if a.status.as_u16() == 200 { &a } else { &b };
    let lost = if a.status.as_u16() == 200 { &b } else { &a };
    assert_eq!(lost.code(), "activity.invalid_transition");
    assert_eq!(won.body["activity"]["status"], json!("finished"));
    // Default rule: 5 for taking part + 10 an hour.
    let mut awards: Vec<(i64, i64, i64)> = won.body["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["volunteer_id"].as_i64().unwrap(),
                w["minutes"].as_i64().unwrap(),
                w["points"].as_i64().unwrap(),
            )
        })
        .collect();
    awards.sort();
    assert_eq!(
        awards,
        vec![(v1.id, 120, 25), (v2.id, 60, 15), (v3.id, 0, 0)]
    );
    let res = app
        .post(
            &format!("/api/v1/activities/{id}/finish"),
            &staff,
            json!({}),
        )
        .await;
    res.expect(409);

    let f = app
        .post(
            &format!("/api/v1/activities/{own}/finish"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(f.expect(200)["awards"][0]["points"], json!(45));

    // The ledger: one award per activity and attendee, balances equal to their sums.
    let (entries, checks) = app
        .state
        .db
        .read(move |conn| {
            let mut out = Vec::new();
            for v in [v1.id, v2.id, v3.id] {
                let e = volunteers::entries_of(conn, VolunteerId(v), None, 100)?;
                out.push(
                    e.iter()
                        .map(|r| {
                            (
                                r.entry.key().unwrap_or("").to_owned(),
                                r.entry.amount().get(),
                            )
                        })
                        .collect::<Vec<_>>(),
                );
            }
            Ok((out, volunteers::balance_checks(conn)?))
        })
        .await
        .unwrap();
    assert_eq!(
        entries[0],
        vec![
            (format!("activity:{own}:volunteer:{}", v1.id), 45),
            (format!("activity:{id}:volunteer:{}", v1.id), 25),
        ]
    );
    assert_eq!(
        entries[1],
        vec![(format!("activity:{id}:volunteer:{}", v2.id), 15)]
    );
    assert!(entries[2].is_empty());
    for c in &checks {
        assert_eq!(c.cached, c.summed, "{c:?}");
    }
    let ours: Vec<i64> = [v1.id, v2.id, v3.id]
        .iter()
        .map(|v| {
            checks
                .iter()
                .find(|c| c.volunteer == VolunteerId(*v))
                .unwrap()
                .cached
                .get()
        })
        .collect();
    assert_eq!(ours, vec![70, 15, 0]);

    // The volunteer's hours and points.
    let mine = app.get("/api/v1/me/activities", &v1.token).await;
    let mine = mine.expect(200);
    assert_eq!(mine["total_minutes"], json!(120 + 90));
    assert_eq!(mine["total_points"], json!(70));
    let row = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activity_id"] == json!(id))
        .unwrap();
    assert_eq!(row["minutes"], json!(120));
    assert_eq!(row["points"], json!(25));
    assert_eq!(row["activity_status"], json!("finished"));
    let mine = app.get("/api/v1/me/activities", &v3.token).await;
    assert_eq!(mine.expect(200)["total_points"], json!(0));

    // A finished activity takes no more corrections, codes or sign-ups.
    let res = correct(
        id,
        v3.id,
        json!({"checked_in_at": at(120), "checked_out_at": at(240), "reason": "补登"}),
    )
    .await;
    res.expect(409);
    let res = app
        .get(&format!("/api/v1/activities/{id}/checkin-code"), &staff)
        .await;
    res.expect(409);
}

async fn a_retried_create_with_the_same_key_answers_the_first_activity(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let body = json!({
        "title": "朗诵小组进独居老人家",
        "place": "天兴都市花园",
        "starts_at": at(120),
        "ends_at": at(180),
        "capacity": 6,
        "required_skills": ["recitation"],
    });
    let send = |key: &'static str, body: Value| {
        let req = app
            .client
            .post(app.url("/api/v1/activities"))
            .bearer_auth(&staff)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    // Two at once with one key: one activity, both answered with it.
    let (a, b) = tokio::join!(send("act-1", body.clone()), send("act-1", body.clone()));
    let replays: Vec<bool> = [&a, &b]
        .iter()
        .map(|r| r.headers().get("Idempotent-Replayed").is_some())
        .collect();
    assert_eq!(a.status().as_u16(), 201);
    assert_eq!(b.status().as_u16(), 201);
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    assert_eq!(replays.iter().filter(|r| **r).count(), 1, "{replays:?}");
    // Later, once more: the same activity again.
    let again = send("act-1", body.clone()).await;
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], a["id"]);
    // The key with another body is refused.
    let mut other = body.clone();
    other["capacity"] = json!(7);
    let res = send("act-1", other).await;
    assert_eq!(res.status().as_u16(), 422);
    let res: Value = res.json().await.unwrap();
    assert_eq!(res["error"]["code"], json!("idempotency.key_reused"));
    // Another key makes another activity; only two exist.
    let fresh = send("act-2", body).await;
    assert_eq!(fresh.status().as_u16(), 201);
    let list = app.get("/api/v1/activities", &staff).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 2);
}

/// A volunteer scans in and forgets to scan out: the finish signs them out at the end of the
/// activity, as a correction the attendance shows, and they earn their hours.
async fn one_who_never_checked_out_is_signed_out_at_the_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut v = make_volunteer(&app, "vol-forgetful", &[], VolunteerStatus::Active).await;
    let id = published(&app, &staff, 2, json!({})).await;
    sign_up(&app, id, &v.token).await.expect(201);
    app.clock.set(at(125));
    let staff = app.login("community").await;
    v.relogin(&app).await;
    let c = code(&app, id, &staff, "in").await;
    scan(&app, id, &v.token, "check-in", &c).await.expect(200);
    // The organiser finishes after the end; the volunteer never scanned out.
    app.clock.set(at(300));
    let staff = app.login("community").await;
    v.relogin(&app).await;
    let done = app
        .post(
            &format!("/api/v1/activities/{id}/finish"),
            &staff,
            json!({}),
        )
        .await;
    let done = done.expect(200).clone();
    // 125 → 240: 115 minutes; 5 for taking part + 10 an hour, rounded down.
    assert_eq!(done["awards"][0]["minutes"], json!(115), "{done:#}");
    assert_eq!(done["awards"][0]["points"], json!(24));
    let mine = app.get("/api/v1/me/activities", &v.token).await;
    let row = mine.expect(200)["items"][0].clone();
    assert_eq!(row["minutes"], json!(115), "{row:#}");
    let signups = app
        .get(&format!("/api/v1/activities/{id}/signups"), &staff)
        .await;
    let text = signups.expect(200).to_string();
    assert!(text.contains("未签退"), "{text}");
}
