//! Invites (`/v1/invites`): an admin invites an email address into the team with a role;
//! the person answers with their own key (any team's) whose user has that email. Accepting
//! makes them a member of the inviting team and answers that membership's first key, shown
//! once: an assay key belongs to one team, so this key is how they reach it.
//!
//! An invite is visible to its team and to its invitee, and a 404 to everyone else.
//! Statuses are `PENDING`, then `ACCEPTED` or `DECLINED` (the API leaves them open).

use assay_core::{Id, Invite, InviteStatus, KeySecret, TeamRole, User};
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_invite))
        .routes(routes!(invite_by_id, delete_invite))
        .routes(routes!(team_invites))
        .routes(routes!(invites_by_status))
        .routes(routes!(accept_invite))
        .routes(routes!(decline_invite))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteView {
    invite_id: String,
    team_id: String,
    /// The role the invitee gets: `owner`, `admin`, `member` or `viewer`.
    team_role: String,
    /// The member the acceptance made; empty until then.
    user_id: String,
    email: String,
    /// `PENDING`, `ACCEPTED` or `DECLINED`.
    status: String,
    /// Unix seconds.
    created_at: i64,
    /// The user who sent it.
    created_by: String,
    /// Unix seconds.
    updated_at: i64,
    /// The user who last changed it (the invitee, once answered).
    updated_by: String,
}

impl From<Invite> for InviteView {
    fn from(invite: Invite) -> Self {
        Self {
            invite_id: invite.id.to_string(),
            team_id: invite.team_id.to_string(),
            team_role: invite.role.as_str().to_owned(),
            user_id: invite.user_id.map(|id| id.to_string()).unwrap_or_default(),
            email: invite.email,
            status: invite.status.as_str().to_owned(),
            created_at: invite.created_at,
            created_by: invite.created_by.to_string(),
            updated_at: invite.updated_at,
            updated_by: invite.updated_by.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteList {
    results: Vec<InviteView>,
    count: usize,
}

impl InviteList {
    fn of(invites: Vec<Invite>) -> Json<Self> {
        let results: Vec<InviteView> = invites.into_iter().map(InviteView::from).collect();
        Json(Self { count: results.len(), results })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedInvite {
    #[serde(flatten)]
    invite: InviteView,
    /// A key of the inviting team acting as the new member, shown this once.
    api_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedInvite {
    invite_id: String,
    deleted: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateInvite {
    /// The caller's team (the default); another team answers 404.
    team_id: Option<String>,
    /// Who is invited; they answer with a key whose user has this address.
    email: String,
    /// `owner` (owners only), `admin`, `member` or `viewer`; `user` reads as `member`, the default.
    team_role: Option<String>,
}

/// Invites an email address into the caller's team (admins and owners).
#[utoipa::path(post, path = "/v1/invites", tag = "invites", request_body = CreateInvite,
    responses((status = 200, description = "The pending invite", body = InviteView), (status = 400, description = "Invalid email or role"),
        (status = 403, description = "The caller may not invite (or not with this role)"), (status = 404, description = "Another team"),
        (status = 409, description = "Already a member, or already invited")))]
async fn create_invite(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateInvite>,
) -> Result<Json<InviteView>, ApiError> {
    if body.team_id.as_deref().is_some_and(|team_id| team_id != caller.0.team_id.as_str()) {
        return Err(ApiError::not_found());
    }
    let email = plausible_email(&body.email)?;
    let role = match body.team_role.as_deref() {
        None => TeamRole::Member,
        Some(raw) => raw.parse().map_err(|e: assay_core::Error| ApiError::invalid(e.to_string()))?,
    };
    if role == TeamRole::Owner && !caller.0.role.can_own() {
        return Err(crate::roles::forbidden(caller.0.role, TeamRole::Owner));
    }
    let invite = state.store.create_invite(&caller.0.team_id, email, role, &caller.0.user_id).await?;
    Ok(Json(invite.into()))
}

/// An invite of the caller's team, or one addressed to the caller, as a one-item list.
#[utoipa::path(get, path = "/v1/invites/{invite_id}", tag = "invites", params(("invite_id" = String, Path)),
    responses((status = 200, description = "The invite", body = InviteList), (status = 404, description = "No such invite visible to the caller")))]
async fn invite_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<InviteList>, ApiError> {
    let invite = visible_invite(&state, &caller, &id).await?;
    Ok(InviteList::of(vec![invite]))
}

/// Withdraws (deletes) an invite of the caller's team, answered or not (admins and owners).
#[utoipa::path(delete, path = "/v1/invites/{invite_id}", tag = "invites", params(("invite_id" = String, Path)),
    responses((status = 200, description = "Deleted", body = DeletedInvite), (status = 403, description = "The caller may not manage invites"),
        (status = 404, description = "No such invite in this team")))]
async fn delete_invite(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<DeletedInvite>, ApiError> {
    if !state.store.delete_invite(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(DeletedInvite { invite_id: id.to_string(), deleted: true }))
}

/// The invites the caller's team sent, newest first.
#[utoipa::path(get, path = "/v1/invites/team/{team_id}", tag = "invites", params(("team_id" = String, Path)),
    responses((status = 200, description = "The team's invites", body = InviteList), (status = 404, description = "Not the caller's team")))]
async fn team_invites(State(state): State<AppState>, caller: Caller, PathId(team_id): PathId) -> Result<Json<InviteList>, ApiError> {
    if team_id != caller.0.team_id {
        return Err(ApiError::not_found());
    }
    let invites = state.store.list_invites(&team_id, None, None).await?;
    Ok(InviteList::of(invites.into_iter().filter(|invite| invite.team_id == team_id).collect()))
}

/// The invites of one status that the caller's team sent or that are addressed to the
/// caller, newest first.
#[utoipa::path(get, path = "/v1/invites/status/{status}", tag = "invites", params(("status" = String, Path, description = "PENDING, ACCEPTED or DECLINED, any case")),
    responses((status = 200, description = "The invites", body = InviteList), (status = 400, description = "Unknown status")))]
async fn invites_by_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(status): Path<String>,
) -> Result<Json<InviteList>, ApiError> {
    let status = InviteStatus::parse(&status)
        .ok_or_else(|| ApiError::invalid(format!("unknown invite status {status:?}: expected PENDING, ACCEPTED or DECLINED")))?;
    let me = caller_user(&state, &caller).await?;
    Ok(InviteList::of(state.store.list_invites(&caller.0.team_id, me.email.as_deref(), Some(status)).await?))
}

/// Accepts an invite addressed to the caller: they become a member of its team with its
/// role, and get that membership's key, shown once.
#[utoipa::path(post, path = "/v1/invites/{invite_id}/accept", tag = "invites", params(("invite_id" = String, Path)),
    responses((status = 200, description = "The accepted invite and the new member's key", body = AcceptedInvite),
        (status = 404, description = "No such invite addressed to the caller"), (status = 409, description = "Already answered, or already a member")))]
async fn accept_invite(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<AcceptedInvite>, ApiError> {
    let me = addressed_to_caller(&state, &caller, &id).await?;
    let secret = KeySecret::generate();
    let membership =
        state.store.accept_invite(&id, &caller.0.user_id, &member_name(&me), &secret).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(AcceptedInvite { invite: membership.invite.into(), api_key: secret.expose().to_owned() }))
}

/// Declines an invite addressed to the caller.
#[utoipa::path(post, path = "/v1/invites/{invite_id}/decline", tag = "invites", params(("invite_id" = String, Path)),
    responses((status = 200, description = "The declined invite", body = InviteView),
        (status = 404, description = "No such invite addressed to the caller"), (status = 409, description = "Already answered")))]
async fn decline_invite(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<InviteView>, ApiError> {
    addressed_to_caller(&state, &caller, &id).await?;
    let invite = state.store.decline_invite(&id, &caller.0.user_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(invite.into()))
}

async fn caller_user(state: &AppState, caller: &Caller) -> Result<User, ApiError> {
    state.store.user(&caller.0.team_id, &caller.0.user_id).await?.ok_or_else(ApiError::not_found)
}

fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The invite if the caller's team sent it or it is addressed to the caller; else 404.
async fn visible_invite(state: &AppState, caller: &Caller, id: &Id) -> Result<Invite, ApiError> {
    let invite = state.store.invite(id).await?.ok_or_else(ApiError::not_found)?;
    if invite.team_id == caller.0.team_id {
        return Ok(invite);
    }
    let me = caller_user(state, caller).await?;
    if me.email.as_deref().is_some_and(|email| same_address(email, &invite.email)) { Ok(invite) } else { Err(ApiError::not_found()) }
}

/// The caller's user if the invite is addressed to them; else 404 (its own team's admins
/// cannot answer for the invitee).
async fn addressed_to_caller(state: &AppState, caller: &Caller, id: &Id) -> Result<User, ApiError> {
    let invite = state.store.invite(id).await?.ok_or_else(ApiError::not_found)?;
    let me = caller_user(state, caller).await?;
    if me.email.as_deref().is_some_and(|email| same_address(email, &invite.email)) { Ok(me) } else { Err(ApiError::not_found()) }
}

/// The new member's name: the invitee's own, unless it is the placeholder of a team's first
/// user, then their address's local part.
fn member_name(me: &User) -> String {
    if me.name == assay_store::OWNER_USER_NAME {
        me.email.as_deref().and_then(|email| email.split('@').next()).filter(|local| !local.is_empty()).unwrap_or(&me.name).to_owned()
    } else {
        me.name.clone()
    }
}

/// An address shaped like one (`local@domain`, no spaces, at most 254 characters), trimmed.
fn plausible_email(raw: &str) -> Result<&str, ApiError> {
    let email = raw.trim();
    let shaped = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if shaped { Ok(email) } else { Err(ApiError::invalid("email must be an address such as name@example.com")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_address_shaped_emails_are_invited() {
        assert_eq!(plausible_email(" ana@example.com ").ok(), Some("ana@example.com"));
        for bad in ["", "ana", "@example.com", "ana@", "a b@example.com", "a@b@c"] {
            assert!(plausible_email(bad).is_err(), "{bad}");
        }
    }
}
