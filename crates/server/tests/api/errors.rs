use assay_core::Plan;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn malformed_json_is_400_in_the_plain_shape() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let path = format!("/v1/teams/{}", acme.team.id);
    let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", "{\"name\": ").await).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "malformed_json");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test]
async fn a_wrong_type_or_unknown_field_is_400_invalid_request() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let path = format!("/v1/teams/{}", acme.team.id);
    for bad in [json!({"name": 42}), json!({"description": 5}), json!({"name": "ok", "extra": 1}), json!([1])] {
        let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", bad.to_string()).await).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{bad}: {body}");
    }
    let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", r#"{"name":"no spaces allowed"}"#).await).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
    // Nothing was changed by the refused requests.
    assert_eq!(app.store.team(&acme.team.id).await.expect("get").map(|t| t.name), Some("acme".to_owned()));
}

#[tokio::test]
async fn a_body_not_sent_as_json_is_415() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let path = format!("/v1/teams/{}", acme.team.id);
    let (status, body) = json_of(app.put_raw(&path, &acme.key, "text/plain", r#"{"name":"x"}"#).await).await;
    assert_eq!((status, body["error"].as_str()), (415, Some("unsupported_media_type")));
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_in_each_surfaces_shape() {
    let app = spawn_app_with(|config| config.body_limit = 64).await;
    let acme = app.team("acme", Plan::Free).await;
    let big = format!(r#"{{"name":"{}"}}"#, "a".repeat(100));
    let cases = [
        (format!("/v1/teams/{}", acme.team.id), "error", "payload_too_large"),
        ("/api/v1/prompts".to_owned(), "code", "payload_too_large"),
        ("/api/ingest".to_owned(), "code", "PAYLOAD_TOO_LARGE"),
    ];
    for (path, field, code) in cases {
        let (status, body) = json_of(app.put_raw(&path, &acme.key, "application/json", big.clone()).await).await;
        assert_eq!((status, body[field].as_str()), (413, Some(code)), "{path}: {body}");
    }
    let (_, body) = json_of(app.put_raw("/api/v1/prompts", &acme.key, "application/json", big.clone()).await).await;
    assert_eq!(body["status"], "err", "the workbench envelope: {body}");
    // A body within the limit still works.
    let path = format!("/v1/teams/{}", acme.team.id);
    let (status, _) = json_of(app.put_raw(&path, &acme.key, "application/json", r#"{"name":"acme2"}"#).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_routes_are_404_in_each_surfaces_shape() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, body) = json_of(app.get("/v1/no-such-thing", &acme.key).await).await;
    assert_eq!((status, body), (404, json!({"error": "not_found", "message": "Not found."})));
    let (status, body) = json_of(app.get("/api/v1/no-such-thing", &acme.key).await).await;
    assert_eq!((status, body), (404, json!({"status": "err", "message": "Not found.", "code": "not_found"})));
    let (status, body) = json_of(app.get("/nowhere", &acme.key).await).await;
    assert_eq!((status, body), (404, json!({"error": "not_found", "message": "Not found."})));
}

#[tokio::test]
async fn a_wrong_method_is_405_in_the_surfaces_shape() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let response = app.client.delete(app.url("/v1/users/me")).bearer_auth(&acme.key).send().await.expect("request");
    let (status, body) = json_of(response).await;
    assert_eq!((status, body["error"].as_str()), (405, Some("method_not_allowed")));
    let response = app.client.post(app.url("/healthz")).send().await.expect("request");
    let allow = response.headers().get("allow").map(|v| v.to_str().expect("ascii").to_owned());
    let (status, body) = json_of(response).await;
    assert_eq!((status, body["error"].as_str()), (405, Some("method_not_allowed")));
    assert!(allow.is_some_and(|a| a.contains("GET")), "405 keeps its Allow header");
}

#[tokio::test]
async fn an_unparseable_id_is_404_not_500() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    for path in ["/v1/teams/not-an-id", "/v1/users/%00", "/v1/teams/687514635616db903d04280"] {
        let (status, body) = json_of(app.get(path, &acme.key).await).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("not_found")), "{path}");
    }
}

#[tokio::test]
async fn a_bad_query_parameter_is_400() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, body) = json_of(app.get("/v1/teams?limit=lots", &acme.key).await).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = spawn_app_with(|config| config.body_limit = 64).await;
    let acme = app.team("acme", Plan::Free).await;
    // No Content-Length: the limit must hold while the body is read.
    let body = format!(r#"{{"name":"{}"}}"#, "a".repeat(100));
    let request = format!(
        "PUT /v1/teams/{} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        acme.team.id,
        acme.key,
        body.len()
    );
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains(r#""error":"payload_too_large""#), "{response}");
    assert_eq!(app.store.team(&acme.team.id).await.expect("get").map(|t| t.name), Some("acme".to_owned()));
}

#[tokio::test]
async fn v1_paging_refuses_empty_negative_and_out_of_range_values_and_keeps_valid_ones() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let users = format!("/v1/teams/{}/users", acme.team.id);
    let refused = [
        "/v1/scenario-configs?limit=".to_owned(),
        "/v1/evaluations?offset=".to_owned(),
        "/v1/teams?offset=-1".to_owned(),
        "/v1/teams?limit=abc".to_owned(),
        "/v1/teams?offset=99999999999999999999".to_owned(),
        format!("{users}?limit=-5"),
    ];
    for path in refused {
        let (status, body) = json_of(app.get(&path, &acme.key).await).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{path}: {body}");
    }
    // Large but valid windows answer normally: past the end is an empty page, a big limit is capped.
    let (status, body) = json_of(app.get("/v1/teams?offset=2147483648", &acme.key).await).await;
    assert_eq!((status, body.as_array().map(Vec::len)), (200, Some(0)), "{body}");
    let (status, body) = json_of(app.get(&format!("{users}?limit=100000&offset=0"), &acme.key).await).await;
    assert_eq!((status, body["results"].as_array().map(Vec::len), body["page_size"].as_i64()), (200, Some(1), Some(500)), "{body}");
}
