//! Teams, invites and roles end to end over HTTP: people join a team by invite, and each role
//! meets each kind of write route on every surface.

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestTeam, json_of, on_both_databases};

/// A person with a key of their own team whose user has `email` (as `assay keys create
/// --email` makes one).
pub(crate) async fn person(app: &TestApp, team: &str, email: &str) -> TestTeam {
    let person = app.team(team, Plan::Free).await;
    app.store.set_user_email(&person.team.id, &person.owner.id, email).await.expect("email").expect("user");
    person
}

/// Invites `email` into `team` as `role` and has `invitee` accept; the new member's key.
pub(crate) async fn join(app: &TestApp, team: &TestTeam, invitee: &TestTeam, email: &str, role: &str) -> String {
    let (status, invite) = json_of(app.post_json("/v1/invites", &team.key, &json!({"email": email, "team_role": role})).await).await;
    assert_eq!((status, invite["status"].as_str()), (200, Some("PENDING")), "{invite}");
    let path = format!("/v1/invites/{}/accept", invite["invite_id"].as_str().expect("id"));
    let (status, accepted) = json_of(app.client.post(app.url(&path)).bearer_auth(&invitee.key).send().await.expect("send")).await;
    assert_eq!((status, accepted["status"].as_str()), (200, Some("ACCEPTED")), "{accepted}");
    accepted["api_key"].as_str().expect("a key shown once").to_owned()
}

on_both_databases!(
    invites_are_sent_seen_and_answered_by_the_invitee_only,
    each_role_meets_each_kind_of_write_route,
    a_team_made_over_the_api_is_owned_by_its_maker,
);

fn forbidden_v1(status: u16, body: &Value) -> bool {
    status == 403 && body["error"] == "forbidden" && body["message"].as_str().is_some_and(|m| m.contains("role"))
}

async fn invites_are_sent_seen_and_answered_by_the_invitee_only(app: TestApp) {
    let acme = app.team("inv-acme", Plan::Pro).await;
    let ana = person(&app, "inv-ana", "Ana@Example.com").await;
    let bob = person(&app, "inv-bob", "bob@example.com").await;

    // Bad input is refused, nothing is stored.
    for (body, code) in [
        (json!({"email": "not an address"}), 400),
        (json!({"email": "ana@example.com", "team_role": "root"}), 400),
        (json!({"email": "ana@example.com", "team_id": bob.team.id.as_str()}), 404),
    ] {
        let (status, answer) = json_of(app.post_json("/v1/invites", &acme.key, &body).await).await;
        assert_eq!(status, code, "{body}: {answer}");
        assert!(answer["error"].is_string() && answer["message"].is_string(), "{answer}");
    }
    let team_invites = format!("/v1/invites/team/{}", acme.team.id);
    let (_, listed) = json_of(app.get(&team_invites, &acme.key).await).await;
    assert_eq!(listed["count"], 0, "{listed}");

    let (status, invite) =
        json_of(app.post_json("/v1/invites", &acme.key, &json!({"email": "ana@example.com", "team_role": "user"})).await).await;
    assert_eq!(status, 200, "{invite}");
    assert_eq!((invite["team_role"].as_str(), invite["user_id"].as_str()), (Some("member"), Some("")), "`user` is the API's member");
    assert_eq!(invite["created_by"], json!(acme.owner.id.as_str()));
    let id = invite["invite_id"].as_str().expect("id").to_owned();
    // The same address again, in any case, while pending: 409.
    let (status, answer) = json_of(app.post_json("/v1/invites", &acme.key, &json!({"email": "ANA@example.com"})).await).await;
    assert_eq!((status, answer["error"].as_str()), (409, Some("conflict")), "{answer}");

    // Seen by its team and its invitee, as a one-item list; a 404 to anyone else.
    for key in [&acme.key, &ana.key] {
        let (status, one) = json_of(app.get(&format!("/v1/invites/{id}"), key).await).await;
        assert_eq!((status, one["count"].as_u64(), one["results"][0]["invite_id"].as_str()), (200, Some(1), Some(id.as_str())), "{one}");
    }
    assert_eq!(app.get(&format!("/v1/invites/{id}"), &bob.key).await.status(), 404);
    assert_eq!(app.get(&team_invites, &ana.key).await.status(), 404, "only the team lists its invites");
    let (status, pending) = json_of(app.get("/v1/invites/status/pending", &ana.key).await).await;
    assert_eq!((status, pending["count"].as_u64()), (200, Some(1)), "the invitee sees invites addressed to her: {pending}");
    let (status, pending) = json_of(app.get("/v1/invites/status/PENDING", &bob.key).await).await;
    assert_eq!((status, pending["count"].as_u64()), (200, Some(0)), "{pending}");
    assert_eq!(app.get("/v1/invites/status/maybe", &acme.key).await.status(), 400);

    // Only the invitee answers it: not another person, not the inviting team.
    let accept = format!("/v1/invites/{id}/accept");
    for key in [&bob.key, &acme.key] {
        assert_eq!(app.client.post(app.url(&accept)).bearer_auth(key).send().await.expect("send").status(), 404);
    }
    let (status, accepted) = json_of(app.client.post(app.url(&accept)).bearer_auth(&ana.key).send().await.expect("send")).await;
    assert_eq!((status, accepted["status"].as_str()), (200, Some("ACCEPTED")), "{accepted}");
    assert_eq!(accepted["updated_by"], json!(ana.owner.id.as_str()));
    let member_key = accepted["api_key"].as_str().expect("key").to_owned();
    let (status, me) = json_of(app.get("/v1/users/me", &member_key).await).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!((me["team_id"].as_str(), me["team_role"].as_str()), (Some(acme.team.id.as_str()), Some("member")), "{me}");
    assert_eq!((me["user_id"].as_str(), me["name"].as_str()), (accepted["user_id"].as_str(), Some("Ana")), "{me}");
    // Answered once: accepting or declining again is 409, and she cannot be invited again.
    let (status, again) = json_of(app.client.post(app.url(&accept)).bearer_auth(&ana.key).send().await.expect("send")).await;
    assert_eq!((status, again["error"].as_str()), (409, Some("conflict")), "{again}");
    let decline = format!("/v1/invites/{id}/decline");
    assert_eq!(app.client.post(app.url(&decline)).bearer_auth(&ana.key).send().await.expect("send").status(), 409);
    let (status, _) = json_of(app.post_json("/v1/invites", &acme.key, &json!({"email": "ana@example.com"})).await).await;
    assert_eq!(status, 409, "already a member");

    // Bob declines his; the team sees it declined, then withdraws it.
    let (_, invite) =
        json_of(app.post_json("/v1/invites", &acme.key, &json!({"email": "bob@example.com", "team_role": "viewer"})).await).await;
    let bob_invite = invite["invite_id"].as_str().expect("id").to_owned();
    let (status, declined) =
        json_of(app.client.post(app.url(&format!("/v1/invites/{bob_invite}/decline"))).bearer_auth(&bob.key).send().await.expect("send"))
            .await;
    assert_eq!((status, declined["status"].as_str(), declined["user_id"].as_str()), (200, Some("DECLINED"), Some("")), "{declined}");
    let (_, by_status) = json_of(app.get("/v1/invites/status/declined", &acme.key).await).await;
    assert_eq!(by_status["results"][0]["invite_id"], json!(bob_invite), "{by_status}");
    let (_, listed) = json_of(app.get(&team_invites, &acme.key).await).await;
    assert_eq!(listed["count"], 2, "{listed}");
    assert_eq!(app.delete(&format!("/v1/invites/{bob_invite}"), &bob.key).await.status(), 404, "the invitee cannot delete it");
    let (status, deleted) = json_of(app.delete(&format!("/v1/invites/{bob_invite}"), &acme.key).await).await;
    assert_eq!((status, deleted["deleted"].as_bool()), (200, Some(true)), "{deleted}");
    assert_eq!(app.get(&format!("/v1/invites/{bob_invite}"), &acme.key).await.status(), 404);
    let (_, users) = json_of(app.get(&format!("/v1/teams/{}/users", acme.team.id), &acme.key).await).await;
    assert_eq!(users["count"], 2, "the owner and Ana: {users}");
}

async fn each_role_meets_each_kind_of_write_route(app: TestApp) {
    let acme = app.team("roles-acme", Plan::Pro).await;
    let admin = join(&app, &acme, &person(&app, "roles-ana", "ana@example.com").await, "ana@example.com", "admin").await;
    let member = join(&app, &acme, &person(&app, "roles-bob", "bob@example.com").await, "bob@example.com", "member").await;
    let viewer = join(&app, &acme, &person(&app, "roles-vic", "vic@example.com").await, "vic@example.com", "viewer").await;

    // One write of each surface, each with a body that a member may send.
    let writes = [
        ("/v1/api-keys", json!({"name": "k", "hub": "custom", "value": "sk-test", "url": "http://127.0.0.1:9/v1"})),
        ("/api/targets", json!({"name": "roles-bot", "settings": {"kind": "mock"}})),
        ("/api/v1/prompts", json!({"prompt": "You are a support agent.", "name": "Roles", "mode": "none"})),
        ("/api/projects", json!({"slug": "roles-project", "name": "Roles"})),
    ];
    for (path, body) in &writes {
        let response = app.post_json(path, &viewer, body).await;
        let (status, answer) = json_of(response).await;
        assert_eq!(status, 403, "a viewer cannot write {path}: {answer}");
        let code = answer["error"].as_str().or(answer["code"].as_str()).unwrap_or_default().to_ascii_lowercase();
        assert_eq!(code, "forbidden", "{path}: the surface's own error shape: {answer}");
        assert!(answer.to_string().contains("viewer"), "{path}: the refusal says why: {answer}");
        let (status, answer) = json_of(app.post_json(path, &member, body).await).await;
        assert!((200..300).contains(&status), "a member writes {path}: {status} {answer}");
    }
    // The ingest surface: a viewer's batch is refused before it is read.
    let (status, answer) = json_of(app.post_json("/api/ingest", &viewer, &json!({})).await).await;
    assert_eq!((status, answer["code"].as_str()), (403, Some("FORBIDDEN")), "{answer}");
    // Reads stay open to a viewer, and so do calculations sent as POST.
    for path in ["/v1/evaluations", "/api/targets", "/api/v1/prompts", "/v1/users/me", "/v1/teams"] {
        assert_eq!(app.get(path, &viewer).await.status(), 200, "{path}");
    }
    let (status, answer) = json_of(app.post_json("/v1/hubs/cost", &viewer, &json!({})).await).await;
    assert_ne!(status, 403, "{answer}");

    // Team management: admins and owners, not members or viewers.
    let team_path = format!("/v1/teams/{}", acme.team.id);
    for key in [&member, &viewer] {
        let (status, body) = json_of(app.put_json(&team_path, key, &json!({"description": "ours"})).await).await;
        assert!(forbidden_v1(status, &body), "{status} {body}");
        let (status, body) = json_of(app.post_json("/v1/invites", key, &json!({"email": "eve@example.com"})).await).await;
        assert!(forbidden_v1(status, &body), "{status} {body}");
    }
    let (status, team) = json_of(app.put_json(&team_path, &admin, &json!({"description": "the acme team"})).await).await;
    assert_eq!((status, team["description"].as_str(), team["name"].as_str()), (200, Some("the acme team"), Some("roles-acme")), "{team}");
    assert_eq!(team["is_single_user"], false);

    // Roles change at once: the admin makes the member a viewer, whose next write is refused.
    let (_, me) = json_of(app.get("/v1/users/me", &member).await).await;
    let member_id = me["user_id"].as_str().expect("id").to_owned();
    let set_role = format!("/v1/users/{member_id}/set-role");
    let (status, body) = json_of(app.post_json(&set_role, &member, &json!({"team_role": "admin"})).await).await;
    assert!(forbidden_v1(status, &body), "a member cannot promote themself: {status} {body}");
    let (status, user) = json_of(app.post_json(&set_role, &admin, &json!({"team_role": "viewer"})).await).await;
    assert_eq!((status, user["team_role"].as_str()), (200, Some("viewer")), "{user}");
    let (status, _) =
        json_of(app.post_json("/api/targets", &member, &json!({"name": "late-bot", "settings": {"kind": "mock"}})).await).await;
    assert_eq!(status, 403);
    let (status, body) = json_of(app.post_json(&set_role, &admin, &json!({"team_role": "overlord"})).await).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
    // Only an owner makes an owner, or deletes the team.
    let (status, body) = json_of(app.post_json(&set_role, &admin, &json!({"team_role": "owner"})).await).await;
    assert!(forbidden_v1(status, &body), "{status} {body}");
    let (status, body) = json_of(app.delete(&team_path, &admin).await).await;
    assert!(forbidden_v1(status, &body), "{status} {body}");
    // The last owner cannot step down until there is another.
    let owner_role = format!("/v1/users/{}/set-role", acme.owner.id);
    let (status, body) = json_of(app.post_json(&owner_role, &acme.key, &json!({"team_role": "admin"})).await).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("conflict")), "{body}");
    let (status, _) =
        json_of(app.post_json(&set_role, &acme.key, &json!({"team_role": "owner", "team_id": acme.team.id.as_str()})).await).await;
    assert_eq!(status, 200);
    let (status, body) = json_of(app.post_json(&owner_role, &acme.key, &json!({"team_role": "admin"})).await).await;
    assert_eq!((status, body["team_role"].as_str()), (200, Some("admin")), "{body}");

    // The new owner deletes the team: every key of it stops working.
    let (status, deleted) = json_of(app.delete(&team_path, &member).await).await;
    assert_eq!((status, deleted["name"].as_str()), (200, Some("roles-acme")), "{deleted}");
    for key in [&acme.key, &admin, &member, &viewer] {
        assert_eq!(app.get("/v1/users/me", key).await.status(), 401);
    }
    assert!(app.store.team(&acme.team.id).await.expect("read").is_none());
}

async fn a_team_made_over_the_api_is_owned_by_its_maker(app: TestApp) {
    let ana = person(&app, "made-ana", "ana@example.com").await;
    for body in [json!({}), json!({"name": "no spaces allowed"})] {
        let (status, answer) = json_of(app.post_json("/v1/teams", &ana.key, &body).await).await;
        assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_request")), "{answer}");
    }
    let (status, made) = json_of(app.post_json("/v1/teams", &ana.key, &json!({"name": "made-lab", "description": "a lab"})).await).await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(
        (made["name"].as_str(), made["description"].as_str(), made["is_single_user"].as_bool()),
        (Some("made-lab"), Some("a lab"), Some(true))
    );
    let (status, taken) = json_of(app.post_json("/v1/teams", &ana.key, &json!({"name": "made-lab"})).await).await;
    assert_eq!((status, taken["error"].as_str()), (409, Some("conflict")), "{taken}");

    let key = made["api_key"].as_str().expect("a key shown once");
    let (status, me) = json_of(app.get("/v1/users/me", key).await).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        (me["team_id"].clone(), me["team_role"].as_str(), me["email"].as_str()),
        (made["id"].clone(), Some("owner"), Some("ana@example.com"))
    );
    // The old key still acts in the old team only.
    assert_eq!(app.get(&format!("/v1/teams/{}", made["id"].as_str().expect("id")), &ana.key).await.status(), 404);
}
