//! Signing in with an assay API key (or, under `--no-auth`, as the local team) and out.

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::page::{head, html_response, page};
use super::session::{self, NoFields, Submitted, cleared_cookie, random_token, session_cookie};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    key: String,
    next: Option<String>,
}

/// Only a path on this server may be returned to after sign-in.
fn safe_next(next: Option<&str>) -> &str {
    next.filter(|n| n.starts_with("/ui/") && !n.starts_with("//") && !n.contains('\\')).unwrap_or("/ui/")
}

pub async fn form(State(state): State<AppState>, Query(query): Query<Next>) -> Response {
    sign_in_page(&state, query.next.as_deref(), None)
}

fn sign_in_page(state: &AppState, next: Option<&str>, problem: Option<&str>) -> Response {
    let no_auth = state.no_auth_principal.is_some();
    let body = html! {
        section.narrow {
            h1 { "Sign in" }
            @if let Some(problem) = problem { p.error role="alert" { (problem) } }
            form method="post" action="/ui/sign-in" {
                input type="hidden" name="next" value=(safe_next(next));
                @if no_auth {
                    p { "This server runs without keys (" code { "--no-auth" } "): you act as the local team." }
                    button type="submit" { "Continue as the local team" }
                } @else {
                    label for="key" { "assay API key" }
                    input #key type="password" name="key" autocomplete="current-password" required placeholder="assay_…";
                    p.hint { "Create one with " code { "assay keys create" } ". The key is checked once; the browser keeps only a session cookie." }
                    button type="submit" { "Sign in" }
                }
            }
        }
    };
    let mut response = page("Sign in", None, "", body);
    if problem.is_some() {
        *response.status_mut() = StatusCode::UNAUTHORIZED;
    }
    response
}

pub async fn submit(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let bytes = session::read_form(&parts.headers, body).await?;
    let form: SignInForm = session::parse_form(&bytes)?;
    let principal = match &state.no_auth_principal {
        Some(local) => Some(local.clone()),
        None if form.key.trim().is_empty() => None,
        None => state.store.authenticate(form.key.trim()).await?,
    };
    let Some(principal) = principal else {
        return Ok(sign_in_page(&state, form.next.as_deref(), Some("That key is not a live assay API key.")));
    };
    let token = random_token();
    state.store.create_ui_session(&token, &principal, &random_token(), session::LIFETIME_SECS).await?;
    let mut response = Redirect::to(safe_next(form.next.as_deref())).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&token));
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    submitted: Submitted<NoFields>,
) -> Result<Response, ApiError> {
    let _ = submitted.viewer;
    if let Some(token) = session::session_token(&headers) {
        state.store.delete_ui_session(&token).await?;
    }
    let mut response = html_response(
        StatusCode::OK,
        html! {
            (maud::DOCTYPE)
            html lang="en" {
                (head("Signed out", false))
                body { main #main { section.narrow { h1 { "Signed out" } p { a href="/ui/sign-in" { "Sign in again" } } } } }
            }
        },
    );
    response.headers_mut().insert(header::SET_COOKIE, cleared_cookie());
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ui_paths_are_returned_to() {
        assert_eq!(safe_next(Some("/ui/evaluations/x")), "/ui/evaluations/x");
        assert_eq!(safe_next(Some("https://evil.test/")), "/ui/");
        assert_eq!(safe_next(Some("//evil.test/ui/")), "/ui/");
        assert_eq!(safe_next(None), "/ui/");
    }
}
