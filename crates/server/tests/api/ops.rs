use assay_core::Plan;
use serde_json::json;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn healthz_reports_the_database_and_503_when_it_is_down() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.get_anonymous("/healthz").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], json!({"backend": "sqlite", "status": "ok"}));

    app.store.close().await;
    let (status, body) = json_of(app.get_anonymous("/healthz").await).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"]["status"], "unavailable");
}

#[tokio::test]
async fn api_calls_with_the_database_down_are_503_not_500() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    app.store.close().await;
    let (status, body) = json_of(app.get("/v1/users/me", &acme.key).await).await;
    assert_eq!((status, body["error"].as_str()), (503, Some("service_unavailable")));
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_in_prometheus_text() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    app.get_anonymous("/healthz").await;
    app.get_anonymous("/healthz").await;
    app.get("/v1/teams/687514635616db903d042808", &acme.key).await;
    let response = app.get_anonymous("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.expect("body");
    assert!(text.contains("assay_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"), "{text}");
    // Labelled by route template, so ids do not become label values.
    assert!(text.contains("route=\"/v1/teams/{id}\",status=\"404\"} 1\n"), "{text}");
    assert!(text.contains("# TYPE assay_http_request_duration_seconds histogram"));
    assert!(text.contains("assay_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2\n"), "{text}");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let response = app.get_anonymous("/healthz").await;
    let generated = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
    let response = app.client.get(app.url("/nowhere")).header("x-request-id", "trace-me-42").send().await.expect("request");
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn openapi_json_is_an_openapi_3_1_document_of_every_route() {
    let app = spawn_app().await;
    let (status, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    assert_eq!(status, 200);
    let text = doc.to_string();
    // It must deserialize as an OpenAPI document …
    let parsed: utoipa::openapi::OpenApi = serde_json::from_str(&text).expect("an OpenAPI document");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "{}", doc["openapi"]);
    // … describe every route the server has …
    let paths: Vec<&str> = parsed.paths.paths.keys().map(String::as_str).collect();
    for route in [
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/docs/",
        "/v1/users/me",
        "/v1/users/{id}",
        "/v1/teams",
        "/v1/teams/{id}",
        "/v1/teams/{id}/users",
    ] {
        assert!(paths.contains(&route), "{route} missing from {paths:?}");
    }
    assert!(doc["paths"]["/v1/teams/{id}"]["put"].is_object());
    // … and name the three ways to authenticate.
    for scheme in ["bearer", "basic", "apiKey"] {
        assert!(doc["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
    }
    crate::helpers::validate_with_openapi_spec_validator(&text);
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.get_anonymous("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    let init = app.get_anonymous("/docs/swagger-initializer.js").await.text().await.expect("js");
    assert!(init.contains("/openapi.json"), "{init}");
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"] {
        let response = app.get_anonymous(asset).await;
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.bytes().await.expect("asset").len() > 10_000, "{asset} is the real asset");
    }
}
