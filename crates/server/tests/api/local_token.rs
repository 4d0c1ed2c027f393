//! `/v1/local-eval-token`: a short-lived key of the caller's team, revoked all at once.

use assay_core::{KeySecret, Plan, unix_now};

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn an_issued_token_acts_for_the_team_until_it_is_revoked_and_never_after_it_expires() {
    let app = spawn_app().await;
    let a = app.team("token-a", Plan::Pro).await;
    let b = app.team("token-b", Plan::Pro).await;

    let (status, issued) = json_of(app.get("/v1/local-eval-token", &a.key).await).await;
    assert_eq!(status, 200, "{issued}");
    let token = issued["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("assay_") && token != a.key, "{issued}");
    assert!(issued["domain"].is_null(), "no tunnel domain to lend: {issued}");
    let expires_at = issued["expires_at"].as_i64().expect("expires_at");
    assert!((unix_now() + 3500..=unix_now() + 3600).contains(&expires_at), "an hour: {issued}");

    // The token is a key of A's team and A's user.
    let (status, me) = json_of(app.get("/v1/users/me", &token).await).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["team_id"], a.team.id.to_string());
    assert_eq!(me["id"], a.owner.id.to_string());

    // B revoking its tokens leaves A's alone; A revoking its own ends this one, not A's key.
    let (status, revoked) = json_of(app.delete("/v1/local-eval-token", &b.key).await).await;
    assert_eq!((status, revoked["revoked"].as_u64()), (200, Some(0)), "{revoked}");
    assert_eq!(app.get("/v1/users/me", &token).await.status(), 200);
    let (status, revoked) = json_of(app.delete("/v1/local-eval-token", &a.key).await).await;
    assert_eq!((status, revoked["revoked"].as_u64()), (200, Some(1)), "{revoked}");
    let (status, body) = json_of(app.get("/v1/users/me", &token).await).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("unauthorized")), "a revoked token: {body}");
    assert_eq!(app.get("/v1/users/me", &a.key).await.status(), 200, "the long-lived key is not a token");

    // A token past its expiry no longer authenticates, though nobody revoked it.
    let stale = KeySecret::generate();
    app.store.create_expiring_api_key(&a.team.id, &a.owner.id, "local-eval-token", &stale, unix_now() - 1).await.expect("key");
    let (status, body) = json_of(app.get("/v1/users/me", stale.expose()).await).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("unauthorized")), "an expired token: {body}");
}
