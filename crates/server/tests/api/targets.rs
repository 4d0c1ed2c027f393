use assay_core::Plan;
use serde_json::json;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn a_target_is_created_read_listed_updated_and_deleted_without_its_credential_leaking() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let create = json!({
        "name": "support-bot",
        "settings": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "gpt-x", "limits": {"max_retries": 1}},
        "credential": "sk-very-secret",
    });
    let response = app.post_json("/api/targets", &acme.key, &create).await;
    let (status, created) = json_of(response).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["has_credential"], true);
    assert_eq!(created["settings"]["model"], "gpt-x");
    let id = created["id"].as_str().expect("id").to_owned();

    for response in [app.get(&format!("/api/targets/{id}"), &acme.key).await, app.get("/api/targets", &acme.key).await] {
        let text = response.text().await.expect("body");
        assert!(text.contains("support-bot") && !text.contains("sk-very-secret"), "{text}");
    }
    // At rest, too, the credential is sealed.
    let db = std::fs::read(app.data_dir().join("assay.db")).unwrap_or_default();
    let wal = std::fs::read(app.data_dir().join("assay.db-wal")).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&db).contains("sk-very-secret") && !String::from_utf8_lossy(&wal).contains("sk-very-secret"));

    let (status, updated) =
        json_of(app.patch_json(&format!("/api/targets/{id}"), &acme.key, &json!({"name": "bot-2", "credential": null})).await).await;
    assert_eq!((status, updated["name"].as_str(), updated["has_credential"].as_bool()), (200, Some("bot-2"), Some(false)), "{updated}");
    assert_eq!(updated["settings"]["model"], "gpt-x", "settings kept when not given");

    assert_eq!(app.delete(&format!("/api/targets/{id}"), &acme.key).await.status(), 204);
    assert_eq!(app.get(&format!("/api/targets/{id}"), &acme.key).await.status(), 404);
    assert_eq!(app.delete(&format!("/api/targets/{id}"), &acme.key).await.status(), 404);
}

#[tokio::test]
async fn invalid_targets_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let cases = [
        json!({"name": "x", "settings": {"kind": "contract"}}),
        json!({"name": "x", "settings": {"kind": "openai", "base_url": "ftp://h"}}),
        json!({"name": "x", "settings": {"kind": "telepathy"}}),
        json!({"name": "x", "settings": {"kind": "mock", "colour": "blue"}}),
        json!({"name": "", "settings": {"kind": "mock"}}),
        json!({"settings": {"kind": "mock"}}),
    ];
    for body in cases {
        let (status, error) = json_of(app.post_json("/api/targets", &acme.key, &body).await).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid_request")), "{body}: {error}");
        assert!(error["message"].as_str().is_some_and(|m| m.len() > 5), "{error}");
    }
    let body = json!({"name": "dup", "settings": {"kind": "mock"}});
    assert_eq!(app.post_json("/api/targets", &acme.key, &body).await.status(), 201);
    let (status, error) = json_of(app.post_json("/api/targets", &acme.key, &body).await).await;
    assert_eq!((status, error["error"].as_str()), (409, Some("conflict")));
    assert_eq!(
        app.get("/api/targets", &acme.key).await.json::<serde_json::Value>().await.expect("json")["targets"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn another_teams_target_is_404_for_every_verb() {
    let app = spawn_app().await;
    let a = app.team("team-a", Plan::Free).await;
    let b = app.team("team-b", Plan::Free).await;
    let (_, created) = json_of(app.post_json("/api/targets", &b.key, &json!({"name": "b-bot", "settings": {"kind": "mock"}})).await).await;
    let path = format!("/api/targets/{}", created["id"].as_str().expect("id"));
    assert_eq!(app.get(&path, &a.key).await.status(), 404);
    assert_eq!(app.patch_json(&path, &a.key, &json!({"name": "mine"})).await.status(), 404);
    assert_eq!(app.delete(&path, &a.key).await.status(), 404);
    assert_eq!(app.post_json(&format!("{path}/chat").replace("/api", ""), &a.key, &json!({"message": "hi"})).await.status(), 404);
    let (_, list) = json_of(app.get("/api/targets", &a.key).await).await;
    assert_eq!(list, json!({"targets": []}));
    assert_eq!(app.get(&path, &b.key).await.status(), 200, "the owner still has it");
}
