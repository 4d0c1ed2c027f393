use assay_core::Plan;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_key_is_accepted_as_bearer_basic_and_x_api_key() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let forms = [
        app.client.get(app.url("/v1/users/me")).bearer_auth(&acme.key),
        app.client.get(app.url("/v1/users/me")).basic_auth(&acme.key, Some("")),
        app.client.get(app.url("/v1/users/me")).basic_auth(&acme.key, None::<&str>),
        app.client.get(app.url("/v1/users/me")).header("X-API-Key", &acme.key),
    ];
    for request in forms {
        let (status, body) = json_of(request.send().await.expect("request")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["id"], json!(acme.owner.id.as_str()));
        assert_eq!(body["team_id"], json!(acme.team.id.as_str()));
    }
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_401_in_each_surfaces_shape() {
    let app = spawn_app().await;
    app.team("acme", Plan::Free).await;
    let plain = json!({"error": "unauthorized", "message": "Invalid or missing API key."});
    let workbench = json!({"status": "err", "message": "Invalid or missing API key.", "code": "unauthorized"});
    let ingest = json!({"code": "UNAUTHORIZED", "message": "Invalid or missing API key."});
    let cases = [
        ("GET", "/v1/users/me", &plain),
        ("GET", "/v1/teams", &plain),
        ("GET", "/api/v1/prompts", &workbench),
        ("POST", "/api/ingest", &ingest),
    ];
    for (method, path, expected) in cases {
        let method: reqwest::Method = method.parse().expect("method");
        for key in [None, Some("assay_not_a_real_key"), Some("")] {
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let (status, body) = json_of(request.send().await.expect("request")).await;
            assert_eq!((status, &body), (401, expected), "{method} {path} with {key:?}");
        }
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    assert_eq!(app.get("/v1/users/me", &acme.key).await.status(), 200);
    let key = app.store.list_api_keys(Some(&acme.team.id)).await.expect("list").remove(0);
    assert!(app.store.revoke_api_key(&key.id).await.expect("revoke"));
    assert_eq!(app.get("/v1/users/me", &acme.key).await.status(), 401);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_in_the_surfaces_shape() {
    let app = spawn_app_with(|config| config.rate_limit_free_per_hour = 3).await;
    let acme = app.team("acme", Plan::Free).await;
    let other = app.team("other", Plan::Free).await;
    for remaining in ["2", "1", "0"] {
        let response = app.get("/v1/users/me", &acme.key).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        assert_eq!(response.headers()["x-ratelimit-remaining"], remaining);
    }
    let limited = app.get("/api/v1/prompts", &acme.key).await;
    assert_eq!(limited.status(), 429);
    // 3 per hour: the next request is allowed 1200 s after the burst.
    let retry_after: u64 = limited.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1190..=1200).contains(&retry_after), "{retry_after}");
    let (_, body) = json_of(limited).await;
    assert_eq!(body["status"], "err");
    assert_eq!(body["code"], "rate_limited");
    // Another key has its own allowance.
    assert_eq!(app.get("/v1/users/me", &other.key).await.status(), 200);
}

#[tokio::test]
async fn a_pro_team_gets_the_pro_limit() {
    let app = spawn_app_with(|config| {
        config.rate_limit_free_per_hour = 1;
        config.rate_limit_pro_per_hour = 5;
    })
    .await;
    let pro = app.team("pro-team", Plan::Pro).await;
    let response = app.get("/v1/users/me", &pro.key).await;
    assert_eq!(response.headers()["x-ratelimit-limit"], "5");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "4");
}

#[tokio::test]
async fn without_auth_every_request_acts_as_the_local_team() {
    let app = spawn_app_with(|config| config.no_auth = true).await;
    let (status, body) = json_of(app.get_anonymous("/v1/teams").await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["name"], "local");
}
