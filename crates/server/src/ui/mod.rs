//! The web UI at `/ui/` (and `/`, which leads there): server-rendered HTML (maud templates
//! compiled into the binary), one stylesheet and one small script served from the binary, no
//! network references outside the server. Sign-in with an assay API key sets a session
//! cookie; every form carries the session's CSRF token. See the README's "Web UI" section
//! for the choice and the pages.

mod evaluation;
mod highlight;
mod insight;
mod live;
mod manage;
mod overview;
mod page;
mod scan;
mod session;
mod sign_in;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub use page::error_page;

use crate::state::AppState;

const STYLESHEET: &str = include_str!("../../assets/app.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

/// Every UI route: method, path and what it shows (also listed in `/openapi.json`).
pub const ROUTES: &[(&str, &str, &str)] = &[
    ("get", "/", "Leads to the web UI."),
    ("get", "/ui", "Leads to the overview at /ui/."),
    ("get", "/ui/", "The overview: every evaluation of the team, newest first, with filters and search."),
    ("get", "/ui/sign-in", "The sign-in form."),
    ("post", "/ui/sign-in", "Signs in with an API key and sets the session cookie."),
    ("post", "/ui/sign-out", "Ends the session."),
    ("get", "/ui/scans/new", "The form that starts a scan."),
    ("post", "/ui/scans", "Starts a scan and leads to its page."),
    ("get", "/ui/evaluations/{id}", "An evaluation: progress, scores, heat map and results."),
    ("get", "/ui/evaluations/{id}/events", "An evaluation's progress as Server-Sent Events."),
    ("get", "/ui/evaluations/{id}/results/{seq}", "One result: its transcript with the findings marked."),
    ("get", "/ui/evaluations/{id}/{file}", "A report: report.html, report.json or report.xml (JUnit)."),
    ("post", "/ui/evaluations/{id}/cancel", "Cancels a running evaluation."),
    ("post", "/ui/evaluations/{id}/rerun", "Runs a scan again as a new evaluation."),
    ("get", "/ui/trends", "Scores over time of a target or an ingest project."),
    ("get", "/ui/compare", "Two evaluations side by side, probe by probe."),
    ("get", "/ui/keys", "The team's assay API keys."),
    ("post", "/ui/keys", "Creates an API key and shows it once."),
    ("post", "/ui/keys/{id}/revoke", "Revokes an API key."),
    ("get", "/ui/targets", "The team's stored targets."),
    ("post", "/ui/targets", "Creates a stored target."),
    ("post", "/ui/targets/{id}/test", "Sends one chat turn to a stored target."),
    ("post", "/ui/targets/{id}/delete", "Deletes a stored target."),
    ("get", "/ui/projects", "Ingest projects and provider keys."),
    ("post", "/ui/projects", "Creates an ingest project."),
    ("post", "/ui/provider-keys", "Stores a provider key for a model hub."),
    ("post", "/ui/provider-keys/{id}/delete", "Deletes a provider key."),
    ("get", "/ui/workbench", "The workbench's prompts, templates and evaluations."),
    ("get", "/ui/workbench/prompts/{id}", "A workbench prompt with its revisions."),
    ("get", "/ui/assets/{file}", "The UI's stylesheet and script."),
];

// The UI's pages and forms are HTML, not API operations: `openapi::finish` documents them
// from `ROUTES`, and `tests/api/routes.rs` checks these routes against that list.
#[allow(clippy::disallowed_methods, reason = "documented from ROUTES by openapi::finish")]
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui", get(|| async { Redirect::to("/ui/") }))
        .route("/ui/", get(overview::overview))
        .route("/ui/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/ui/sign-out", post(sign_in::sign_out))
        .route("/ui/scans/new", get(scan::form))
        .route("/ui/scans", post(scan::start))
        .route("/ui/evaluations/{id}", get(evaluation::show))
        .route("/ui/evaluations/{id}/events", get(live::events))
        .route("/ui/evaluations/{id}/results/{seq}", get(evaluation::result))
        .route("/ui/evaluations/{id}/{file}", get(evaluation::report))
        .route("/ui/evaluations/{id}/cancel", post(evaluation::cancel))
        .route("/ui/evaluations/{id}/rerun", post(evaluation::rerun))
        .route("/ui/trends", get(insight::trends))
        .route("/ui/compare", get(insight::compare))
        .route("/ui/keys", get(manage::keys).post(manage::create_key))
        .route("/ui/keys/{id}/revoke", post(manage::revoke_key))
        .route("/ui/targets", get(manage::targets).post(manage::create_target))
        .route("/ui/targets/{id}/test", post(manage::test_target))
        .route("/ui/targets/{id}/delete", post(manage::delete_target))
        .route("/ui/projects", get(manage::projects).post(manage::create_project))
        .route("/ui/provider-keys", post(manage::create_provider_key))
        .route("/ui/provider-keys/{id}/delete", post(manage::delete_provider_key))
        .route("/ui/workbench", get(manage::workbench))
        .route("/ui/workbench/prompts/{id}", get(manage::prompt))
        .route("/ui/assets/{file}", get(asset))
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (content_type, body) = match file.as_str() {
        "app.css" => ("text/css; charset=utf-8", STYLESHEET),
        "app.js" => ("text/javascript; charset=utf-8", SCRIPT),
        _ => return error_page(StatusCode::NOT_FOUND, "No such file."),
    };
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}
