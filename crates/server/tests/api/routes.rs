//! The OpenAPI document lists exactly the routes the server serves.
//!
//! axum cannot list its routes, so the served side is read from the source that declares
//! them: every `#[utoipa::path(method, path = …)]` handler and every remaining plain
//! `.route(…)` under `src/` (the web UI's, documented from `ui::ROUTES`, and the catch-alls of
//! unknown paths), plus the docs page. Every documented operation is then requested with dummy
//! ids, and the metrics must show it answered by the route of that very template: so the
//! document lists nothing the router does not serve.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assay_core::Plan;
use serde_json::Value;

use crate::helpers::{json_of, spawn_app};

/// A route: lowercase method and path template.
type Route = (String, String);

/// The methods an OpenAPI path item may hold.
const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

/// The 404 answers of unknown paths under the authenticated surfaces (`routes/unmatched.rs`):
/// not routes, so not in the document. Anything else served with `any(…)` is a route.
const CATCH_ALLS: [&str; 3] = ["/v1/{*rest}", "/api/v1", "/api/v1/{*rest}"];

/// The Swagger UI page, served by utoipa-swagger-ui's router and documented by `openapi::finish`.
const DOCS_PAGE: (&str, &str) = ("get", "/docs/");

/// Stands for every path parameter: a valid id that names nothing, and no static segment.
const DUMMY: &str = "0123456789abcdef01234567";

/// The server's Rust sources with comment lines dropped, so prose naming `.route(` is no route.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                let code: Vec<&str> = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
                out.push((path.display().to_string(), code.join("\n")));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    assert!(out.len() > 20, "the sources were not found");
    out
}

/// The string literal `text` starts with (after blanks), and what follows it.
fn literal(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    Some((rest[..end].to_owned(), &rest[end + 1..]))
}

/// `(method, path)` of every `#[utoipa::path(…)]` annotation.
fn annotated(file: &str, code: &str) -> Vec<Route> {
    code.match_indices("#[utoipa::path(")
        .map(|(at, marker)| {
            let rest = &code[at + marker.len()..];
            let method = rest.split(',').next().unwrap_or_default().trim().to_ascii_lowercase();
            assert!(METHODS.contains(&method.as_str()), "{file}: cannot read the method of #[utoipa::path({method}, …)]");
            let path = rest.find("path = ").and_then(|p| literal(&rest[p + "path = ".len()..])).map(|(path, _)| path);
            (method, path.unwrap_or_else(|| panic!("{file}: #[utoipa::path] without `path = \"…\"`")))
        })
        .collect()
}

/// The calls made at the top level of `expr` up to the parenthesis that closes it, by name:
/// `get(a).post(b).layer(c)` → `get`, `post`, `layer`.
fn top_level_calls(expr: &str) -> Vec<String> {
    let (mut calls, mut depth, mut in_string, mut escaped) = (Vec::new(), 0usize, false, false);
    for (index, c) in expr.char_indices() {
        if in_string {
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => {
                if depth == 0 && c == '(' {
                    let before = &expr[..index];
                    let head = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
                    calls.push(before[head.len()..].to_owned());
                }
                depth += 1;
            }
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    calls
}

/// `(method, path)` of every plain `.route("path", method(handler)…)`; `any` for catch-alls.
fn plain_routes(file: &str, code: &str) -> Vec<Route> {
    for hidden in [".route_service(", ".nest_service(", ".nest("] {
        assert!(!code.contains(hidden), "{file}: `{hidden}…)` serves routes this test cannot read; use `routes!`");
    }
    let mut routes = Vec::new();
    for (at, marker) in code.match_indices(".route(") {
        let (path, rest) = literal(&code[at + marker.len()..]).unwrap_or_else(|| panic!("{file}: `.route(` without a literal path"));
        let rest = rest.trim_start().strip_prefix(',').unwrap_or_else(|| panic!("{file}: cannot read .route(\"{path}\", …)"));
        let methods: Vec<String> =
            top_level_calls(rest).into_iter().filter(|call| METHODS.contains(&call.as_str()) || call == "any").collect();
        assert!(!methods.is_empty(), "{file}: cannot tell the methods of .route(\"{path}\", …)");
        routes.extend(methods.into_iter().map(|method| (method, path.clone())));
    }
    routes
}

/// Every `(method, path)` of the document.
fn documented(doc: &Value) -> BTreeSet<Route> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter(|method| item.get(**method).is_some()).map(|method| ((*method).to_owned(), path.clone()))
        })
        .collect()
}

fn listing(routes: &BTreeSet<&Route>) -> String {
    routes.iter().map(|(method, path)| format!("\n  {} {path}", method.to_ascii_uppercase())).collect()
}

#[tokio::test]
async fn every_served_route_is_in_the_openapi_document_and_every_documented_route_is_served() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    assert_eq!(status, 200);
    let documented = documented(&doc);

    // What the source serves …
    let mut served = BTreeSet::from([(DOCS_PAGE.0.to_owned(), DOCS_PAGE.1.to_owned())]);
    let mut catch_alls = BTreeSet::new();
    for (file, code) in sources() {
        served.extend(annotated(&file, &code));
        for (method, path) in plain_routes(&file, &code) {
            if method == "any" {
                assert!(CATCH_ALLS.contains(&path.as_str()), "{file}: {path} is served for any method: not a route the document can list");
                catch_alls.insert(path);
            } else {
                served.insert((method, path));
            }
        }
    }
    assert_eq!(catch_alls, CATCH_ALLS.map(str::to_owned).into(), "the catch-alls of routes/unmatched.rs moved: update CATCH_ALLS");
    // … is what the document lists, in both directions.
    let undocumented: BTreeSet<&Route> = served.difference(&documented).collect();
    let unserved: BTreeSet<&Route> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but missing from /openapi.json (register them with routes! and #[utoipa::path]):{}\n\
         in /openapi.json but declared nowhere in src/:{}",
        listing(&undocumented),
        listing(&unserved)
    );

    // And the router answers each documented operation from that very route: the metrics label
    // a request with the template that matched, `unmatched` (or a catch-all's template) when
    // none did, and a path served without that method answers 405.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    for (method, path) in &documented {
        let concrete: Vec<String> =
            path.split('/').map(|segment| if segment.starts_with('{') { DUMMY.to_owned() } else { segment.to_owned() }).collect();
        let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).expect("method");
        let mut request = client.request(method.clone(), app.url(&concrete.join("/"))).bearer_auth(&acme.key);
        if [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH].contains(&method) {
            request = request.json(&serde_json::json!({}));
        }
        // Only the status line is read: an SSE stream never ends, and its route is known by then.
        let response = request.timeout(std::time::Duration::from_secs(30)).send().await.expect("request");
        assert_ne!(response.status(), 405, "{method} {path}: the path is served, but not for {method}");
    }
    let metrics = app.get_anonymous("/metrics").await.text().await.expect("metrics");
    let mut answered: BTreeMap<Route, Vec<u16>> = BTreeMap::new();
    for line in metrics.lines().filter_map(|line| line.strip_prefix("assay_http_requests_total{method=\"")) {
        let (method, rest) = line.split_once("\",route=\"").expect("route label");
        let (route, rest) = rest.split_once("\",status=\"").expect("status label");
        let status = rest.split('"').next().and_then(|s| s.parse().ok()).expect("status");
        answered.entry((method.to_ascii_lowercase(), route.to_owned())).or_default().push(status);
    }
    let not_answered: BTreeSet<&Route> = documented.iter().filter(|route| !answered.contains_key(*route)).collect();
    assert!(
        not_answered.is_empty(),
        "documented in /openapi.json but no route of that template answered them:{}\nanswered: {answered:?}",
        listing(&not_answered)
    );
}

#[tokio::test]
async fn schema_names_and_operation_ids_are_unique() {
    // The document keeps one schema per name, so two types of one name would silently
    // describe one of them with the other's fields.
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, code) in sources() {
        let lines: Vec<&str> = code.lines().collect();
        for (index, _) in lines.iter().enumerate().filter(|(_, line)| line.contains("#[derive(") && line.contains("ToSchema")) {
            let mut name = None;
            for line in &lines[index + 1..] {
                if let Some(renamed) = line.split("as = ").nth(1).filter(|_| line.contains("#[schema(")) {
                    name = Some(renamed.split([')', ',']).next().unwrap_or_default().trim().to_owned());
                }
                let item = line.trim_start().trim_start_matches("pub ").trim_start_matches("pub(crate) ");
                if let Some(declared) = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum ")) {
                    let declared = declared.split(['<', ' ', '{', '(', ';']).next().unwrap_or_default().to_owned();
                    names.entry(name.unwrap_or(declared)).or_default().push(file.clone());
                    break;
                }
            }
        }
    }
    let clashes: BTreeMap<&String, &Vec<String>> = names.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(clashes.is_empty(), "schema names declared more than once (rename, or #[schema(as = …)]): {clashes:#?}");

    let app = spawn_app().await;
    let (_, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for method in METHODS {
            if let Some(id) = item.get(method).and_then(|operation| operation["operationId"].as_str()) {
                *ids.entry(id).or_default() += 1;
            }
        }
    }
    let repeated: Vec<&str> = ids.iter().filter(|(_, count)| **count > 1).map(|(id, _)| *id).collect();
    assert!(repeated.is_empty(), "operationIds used more than once (give each handler its own operation_id): {repeated:?}");
}
