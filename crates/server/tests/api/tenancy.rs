use assay_core::Plan;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, spawn_app_on};

#[tokio::test]
async fn another_teams_objects_answer_404_never_403() {
    let app = spawn_app().await;
    let a = app.team("team-a", Plan::Free).await;
    let b = app.team("team-b", Plan::Free).await;
    let not_found = json!({"error": "not_found", "message": "Not found."});
    for path in [format!("/v1/teams/{}", b.team.id), format!("/v1/users/{}", b.owner.id), format!("/v1/teams/{}/users", b.team.id)] {
        let (status, body) = json_of(app.get(&path, &a.key).await).await;
        assert_eq!((status, &body), (404, &not_found), "{path}");
    }
    let path = format!("/v1/teams/{}", b.team.id);
    let (status, _) = json_of(app.put_raw(&path, &a.key, "application/json", r#"{"name":"stolen"}"#).await).await;
    assert_eq!(status, 404);
    assert_eq!(app.store.team(&b.team.id).await.expect("get").map(|t| t.name), Some("team-b".to_owned()));
    // The owner sees its own objects.
    let (status, body) = json_of(app.get(&path, &b.key).await).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("team-b")));
}

#[tokio::test]
async fn a_team_is_listed_read_and_renamed_by_its_own_key() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Pro).await;
    app.team("taken", Plan::Free).await;
    let (status, body) = json_of(app.get("/v1/teams", &acme.key).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"id": acme.team.id.as_str(), "name": "acme", "plan": "pro", "description": null, "is_single_user": true, "created_at": acme.team.created_at}])
    );

    let path = format!("/v1/teams/{}", acme.team.id);
    let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", r#"{"name":"acme-labs"}"#).await).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("acme-labs")));
    let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", r#"{"name":"taken"}"#).await).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("conflict")));

    let (status, body) = json_of(app.get(&format!("/v1/teams/{}/users", acme.team.id), &acme.key).await).await;
    assert_eq!(status, 200);
    assert_eq!((body["count"].as_u64(), body["current_page"].as_i64()), (Some(1), Some(1)), "{body}");
    assert_eq!(body["results"][0]["id"], json!(acme.owner.id.as_str()));
    assert_eq!(body["results"][0]["team_role"], "owner");
    let (status, body) = json_of(app.get(&format!("/v1/teams/{}/users?team_role=viewer", acme.team.id), &acme.key).await).await;
    assert_eq!((status, body["count"].as_u64()), (200, Some(0)), "{body}");
    let (status, body) = json_of(app.get(&format!("/v1/teams/{}/users?team_role=chief", acme.team.id), &acme.key).await).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
}

#[tokio::test]
async fn users_are_listed_by_id_within_the_callers_team_only() {
    let app = spawn_app().await;
    let acme = app.team("listing-acme", Plan::Pro).await;
    let other = app.team("listing-other", Plan::Pro).await;

    let (status, body) = json_of(app.get("/v1/users", &acme.key).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 1, "{body}");
    let user = &body["results"][0];
    assert_eq!((user["user_id"].as_str(), user["id"].as_str()), (Some(acme.owner.id.as_str()), Some(acme.owner.id.as_str())));
    assert_eq!((user["status"].as_str(), user["given_name"].as_str()), (Some("ACTIVE"), Some("owner")), "{user}");

    // Named ids: the caller's own user is kept, another team's and unknown ones are left out.
    let path = format!("/v1/users?ids={}&ids={}&ids=ffffffffffffffffffffffff", acme.owner.id, other.owner.id);
    let (status, body) = json_of(app.get(&path, &acme.key).await).await;
    assert_eq!((status, body["count"].as_u64()), (200, Some(1)), "{body}");
    assert_eq!(body["results"][0]["user_id"], json!(acme.owner.id.as_str()));
    let (status, body) = json_of(app.get(&format!("/v1/users?ids={}", other.owner.id), &acme.key).await).await;
    assert_eq!((status, body["count"].as_u64(), body["results"].as_array().map(Vec::len)), (200, Some(0), Some(0)), "{body}");
}

#[tokio::test]
async fn the_server_works_the_same_on_postgres() {
    let Some(store) = assay_store::testing::postgres_store().await.expect("postgres store") else { return };
    let app = spawn_app_on(store).await;
    let a = app.team("pg-a", Plan::Free).await;
    let b = app.team("pg-b", Plan::Free).await;
    let (status, body) = json_of(app.get("/healthz", "").await).await;
    assert_eq!((status, body["database"]["backend"].as_str()), (200, Some("postgres")));
    let (status, body) = json_of(app.get("/v1/users/me", &a.key).await).await;
    assert_eq!((status, body["id"].as_str()), (200, Some(a.owner.id.as_str())));
    let (status, _) = json_of(app.get(&format!("/v1/teams/{}", b.team.id), &a.key).await).await;
    assert_eq!(status, 404);
}
