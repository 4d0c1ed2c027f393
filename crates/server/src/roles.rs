//! Who may call what: the one table of the least team role each API route needs, and the
//! middleware that answers 403 (in the surface's own error shape) to a caller below it.
//!
//! Reads (`GET`, `HEAD`, `OPTIONS`) need `viewer`; every other method is a write and needs
//! `member`, except the routes [`RULES`] names. The role is the caller's current one: it is
//! read with the key on every request, so a change of role takes effect at once. The browser
//! UI applies the same rule to its forms.

use assay_core::{ErrorCode, TeamRole};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Caller;
use crate::error::ApiError;

/// Routes whose least role differs from the method's default. `{}` stands for one path
/// segment (an id).
pub const RULES: &[(Method, &str, TeamRole)] = &[
    // The team itself: renaming, inviting and setting roles is an admin's; deleting it is
    // the owner's (set-role also checks that only an owner makes or unmakes owners).
    (Method::PUT, "/v1/teams/{}", TeamRole::Admin),
    (Method::DELETE, "/v1/teams/{}", TeamRole::Owner),
    (Method::POST, "/v1/users/{}/set-role", TeamRole::Admin),
    (Method::POST, "/v1/invites", TeamRole::Admin),
    (Method::DELETE, "/v1/invites/{}", TeamRole::Admin),
    // Answering an invite to another team is the invitee's own business, whatever their
    // role in the team their key belongs to.
    (Method::POST, "/v1/invites/{}/accept", TeamRole::Viewer),
    (Method::POST, "/v1/invites/{}/decline", TeamRole::Viewer),
    // Calculations sent as POST that store and spend nothing.
    (Method::POST, "/v1/evaluation-estimate", TeamRole::Viewer),
    (Method::POST, "/v1/hubs/cost", TeamRole::Viewer),
];

/// The least role that may send `method` to `path`.
pub fn least_role(method: &Method, path: &str) -> TeamRole {
    let path = path.trim_end_matches('/');
    if let Some((_, _, role)) = RULES.iter().find(|(m, pattern, _)| m == method && matches(pattern, path)) {
        return *role;
    }
    if is_read(method) { TeamRole::Viewer } else { TeamRole::Member }
}

/// A method that changes nothing.
pub fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.split('/');
    let mut path = path.split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some("{}"), Some(segment)) if !segment.is_empty() => {}
            (Some(expected), Some(segment)) if expected == segment => {}
            _ => return false,
        }
    }
}

/// The refusal a caller below a route's least role gets.
pub fn forbidden(role: TeamRole, needed: TeamRole) -> ApiError {
    ApiError::with_message(
        ErrorCode::Forbidden,
        format!("Your role in this team is {role}; this needs {needed} or above. Ask an owner or admin of the team."),
    )
}

/// Middleware behind authentication: refuses a caller whose role is below the route's.
pub async fn require_role(request: Request, next: Next) -> Response {
    if let Some(Caller(principal)) = request.extensions().get::<Caller>() {
        let needed = least_role(request.method(), request.uri().path());
        if principal.role < needed {
            return forbidden(principal.role, needed).into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_need_a_viewer_and_writes_a_member() {
        assert_eq!(least_role(&Method::GET, "/v1/evaluations"), TeamRole::Viewer);
        assert_eq!(least_role(&Method::HEAD, "/api/targets/abc"), TeamRole::Viewer);
        assert_eq!(least_role(&Method::POST, "/v1/evaluations"), TeamRole::Member);
        assert_eq!(least_role(&Method::DELETE, "/api/v1/prompts/abc"), TeamRole::Member);
        assert_eq!(least_role(&Method::PATCH, "/api/targets/abc"), TeamRole::Member);
        assert_eq!(least_role(&Method::POST, "/api/ingest"), TeamRole::Member);
    }

    #[test]
    fn the_table_names_team_management_and_the_calculators() {
        assert_eq!(least_role(&Method::DELETE, "/v1/teams/abc"), TeamRole::Owner);
        assert_eq!(least_role(&Method::PUT, "/v1/teams/abc/"), TeamRole::Admin);
        assert_eq!(least_role(&Method::GET, "/v1/teams/abc"), TeamRole::Viewer);
        assert_eq!(least_role(&Method::POST, "/v1/users/abc/set-role"), TeamRole::Admin);
        assert_eq!(least_role(&Method::POST, "/v1/invites"), TeamRole::Admin);
        assert_eq!(least_role(&Method::POST, "/v1/invites/abc/accept"), TeamRole::Viewer);
        assert_eq!(least_role(&Method::POST, "/v1/hubs/cost"), TeamRole::Viewer);
        // A pattern's `{}` is one non-empty segment, never more.
        assert_eq!(least_role(&Method::POST, "/v1/invites//accept"), TeamRole::Member);
        assert_eq!(least_role(&Method::DELETE, "/v1/teams/abc/users"), TeamRole::Member);
        assert_eq!(least_role(&Method::POST, "/v1/teams"), TeamRole::Member);
    }
}
