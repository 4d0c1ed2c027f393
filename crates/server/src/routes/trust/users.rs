//! The caller's user and team (`/v1/users`, `/v1/teams`): reading them, creating and deleting
//! teams, and setting members' roles. Ids of another team's users or teams answer 404, as if
//! they did not exist; what each role may do is `crate::roles`'s table.

use assay_core::{ErrorCode, Id, KeySecret, Team, TeamName, TeamRole, User};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, MultiQuery, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current_user))
        .routes(routes!(list_users))
        .routes(routes!(user_by_id))
        .routes(routes!(set_role))
        .routes(routes!(list_teams, create_team))
        .routes(routes!(team_by_id, update_team, delete_team))
        .routes(routes!(team_users))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    id: String,
    name: String,
    /// `free` or `pro`: sets the per-key request rate.
    plan: String,
    description: Option<String>,
    /// True while the team has one user.
    is_single_user: bool,
    /// Unix seconds.
    created_at: i64,
}

impl TeamView {
    fn new(team: Team, users: usize) -> Self {
        Self {
            id: team.id.to_string(),
            name: team.name,
            plan: team.plan.as_str().to_owned(),
            description: team.description,
            is_single_user: users == 1,
            created_at: team.created_at,
        }
    }

    async fn of(state: &AppState, team: Team) -> Result<Self, ApiError> {
        let users = state.store.list_users(&team.id).await?.len();
        Ok(Self::new(team, users))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    id: String,
    /// The same id under the published API's name.
    user_id: String,
    team_id: String,
    name: String,
    /// The name again, as the published API splits it (assay keeps one name).
    given_name: String,
    /// Always empty: assay keeps one name.
    family_name: String,
    email: Option<String>,
    /// `owner`, `admin`, `member` or `viewer`.
    team_role: String,
    /// Always `ACTIVE`: a user with no live key simply cannot call.
    status: String,
    /// Always null: assay stores no pictures.
    profile_image: Option<String>,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds: the last change of role, else `created_at`.
    updated_at: i64,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            id: user.id.to_string(),
            user_id: user.id.to_string(),
            team_id: user.team_id.to_string(),
            given_name: user.name.clone(),
            name: user.name,
            family_name: String::new(),
            email: user.email,
            team_role: user.role.as_str().to_owned(),
            status: "ACTIVE".to_owned(),
            profile_image: None,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// At most this many items (default 50; more than 500 reads as 500).
    #[param(minimum = 0)]
    limit: Option<i64>,
    /// Skip this many items first.
    #[param(minimum = 0)]
    offset: Option<i64>,
}

impl Page {
    fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(0, 500)
    }

    fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }

    /// The requested window of `items`; a negative limit or offset answers 400.
    fn apply<T>(&self, items: Vec<T>) -> Result<Vec<T>, ApiError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if limit < 0 || offset < 0 {
            return Err(ApiError::invalid("limit and offset must be 0 or more"));
        }
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        Ok(items.into_iter().skip(skip).take(limit.min(500) as usize).collect())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    /// 1-64 of letters, digits, `-`, `_`, `.`; unique.
    name: String,
    description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeam {
    /// 1-64 of letters, digits, `-`, `_`, `.`; unique. Absent or null keeps the name.
    name: Option<String>,
    /// Absent or null keeps the description.
    description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTeam {
    #[serde(flatten)]
    team: TeamView,
    /// The caller's user in the new team (its owner).
    owner_id: String,
    /// A key of the new team, acting as its owner, shown this once: a key belongs to one
    /// team, so this is how the caller reaches the team it made.
    api_key: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetRole {
    /// `owner`, `admin`, `member` (the API's `user`) or `viewer`.
    team_role: String,
    /// The caller's team; another answers 404.
    team_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    results: Vec<UserView>,
    count: usize,
    current_page: i64,
    page_size: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only users of this status (`ACTIVE`; every user is active).
    status: Option<String>,
    /// Only users of this role (`user` reads as `member`).
    team_role: Option<String>,
}

/// The caller's own team, or 404 for any other id.
fn own_team_id(caller: &Caller, id: &Id) -> Result<(), ApiError> {
    if &caller.0.team_id == id { Ok(()) } else { Err(ApiError::not_found()) }
}

/// The user the API key acts for.
#[utoipa::path(get, path = "/v1/users/me", tag = "users",
    responses((status = 200, description = "The user", body = UserView), (status = 401, description = "Missing or invalid key")))]
async fn current_user(State(state): State<AppState>, caller: Caller) -> Result<Json<UserView>, ApiError> {
    let user = state.store.user(&caller.0.team_id, &caller.0.user_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(user.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    results: Vec<UserView>,
    count: usize,
}

/// The users of the caller's team, only those named when `?ids=a&ids=b` (or `ids=a,b`) is
/// given; ids of other teams' users, or of no user, are left out.
#[utoipa::path(get, path = "/v1/users", tag = "users", params(("ids" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "The users", body = UserList), (status = 401, description = "Missing or invalid key")))]
async fn list_users(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<UserList>, ApiError> {
    let ids = query.all("ids");
    let users: Vec<UserView> = state
        .store
        .list_users(&caller.0.team_id)
        .await?
        .into_iter()
        .filter(|user| ids.is_empty() || ids.iter().any(|id| id == user.id.as_str()))
        .map(UserView::from)
        .collect();
    Ok(Json(UserList { count: users.len(), results: users }))
}

/// A user of the caller's team.
#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, description = "The user", body = UserView), (status = 404, description = "No such user in this team")))]
async fn user_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<UserView>, ApiError> {
    let user = state.store.user(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(user.into()))
}

/// The teams the caller belongs to (its key's team).
#[utoipa::path(get, path = "/v1/teams", tag = "teams", params(Page), responses((status = 200, description = "The teams", body = Vec<TeamView>)))]
async fn list_teams(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<TeamView>>, ApiError> {
    let team = state.store.team(&caller.0.team_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(page.apply(vec![TeamView::of(&state, team).await?])?))
}

/// Creates a team owned by the caller: a new user of the new team with the caller's name and
/// email, and a key of it shown once.
#[utoipa::path(post, path = "/v1/teams", tag = "teams", request_body = CreateTeam,
    responses((status = 200, description = "The team, with its owner's key shown once", body = CreatedTeam),
        (status = 400, description = "Invalid body"), (status = 403, description = "The caller's role may not write"),
        (status = 409, description = "Name taken")))]
async fn create_team(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTeam>,
) -> Result<Json<CreatedTeam>, ApiError> {
    let name = TeamName::parse(&body.name).map_err(|e| ApiError::invalid(e.to_string()))?;
    let me = state.store.user(&caller.0.team_id, &caller.0.user_id).await?.ok_or_else(ApiError::not_found)?;
    let (team, owner) =
        state.store.create_team_owned_by(&name, caller.0.plan, body.description.as_deref(), &me.name, me.email.as_deref()).await?;
    let secret = KeySecret::generate();
    state.store.create_api_key(&team.id, &owner.id, "team creator", &secret).await?;
    Ok(Json(CreatedTeam { team: TeamView::new(team, 1), owner_id: owner.id.to_string(), api_key: secret.expose().to_owned() }))
}

/// The caller's team by id.
#[utoipa::path(get, path = "/v1/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "The team", body = TeamView), (status = 404, description = "Not the caller's team")))]
async fn team_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<TeamView>, ApiError> {
    own_team_id(&caller, &id)?;
    let team = state.store.team(&id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(TeamView::of(&state, team).await?))
}

/// Renames the caller's team or changes its description (admins and owners).
#[utoipa::path(put, path = "/v1/teams/{id}", tag = "teams", params(("id" = String, Path)), request_body = UpdateTeam,
    responses((status = 200, description = "The team", body = TeamView), (status = 400, description = "Invalid body"),
        (status = 403, description = "The caller is not an admin or owner"),
        (status = 404, description = "Not the caller's team"), (status = 409, description = "Name taken")))]
async fn update_team(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(update): ApiJson<UpdateTeam>,
) -> Result<Json<TeamView>, ApiError> {
    own_team_id(&caller, &id)?;
    let name = update.name.as_deref().map(TeamName::parse).transpose().map_err(|e| ApiError::invalid(e.to_string()))?;
    let team = state.store.update_team(&id, name.as_ref(), update.description.as_deref()).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(TeamView::of(&state, team).await?))
}

/// Deletes the caller's team with everything it owns (owners only); answers the team as it
/// was. Every key of the team stops working, the caller's too.
#[utoipa::path(delete, path = "/v1/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "The deleted team", body = TeamView), (status = 403, description = "The caller is not an owner"),
        (status = 404, description = "Not the caller's team"), (status = 409, description = "The built-in local team of --no-auth")))]
async fn delete_team(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<TeamView>, ApiError> {
    own_team_id(&caller, &id)?;
    if state.no_auth_principal.as_ref().is_some_and(|local| local.team_id == id) {
        return Err(ApiError::with_message(ErrorCode::Conflict, "The local team of --no-auth cannot be deleted while it serves."));
    }
    let users = state.store.list_users(&id).await?.len();
    let team = state.store.delete_team(&id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(TeamView::new(team, users)))
}

/// The users of the caller's team, optionally of one status or role.
#[utoipa::path(get, path = "/v1/teams/{id}/users", tag = "teams", params(("id" = String, Path), Page, UserFilter),
    responses((status = 200, description = "The users", body = UserPage), (status = 400, description = "Invalid query"),
        (status = 404, description = "Not the caller's team")))]
async fn team_users(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(page): ApiQuery<Page>,
    ApiQuery(filter): ApiQuery<UserFilter>,
) -> Result<Json<UserPage>, ApiError> {
    own_team_id(&caller, &id)?;
    let role = filter.team_role.as_deref().map(str::parse::<TeamRole>).transpose().map_err(|e| ApiError::invalid(e.to_string()))?;
    let active = match filter.status.as_deref().map(str::trim) {
        None => true,
        Some(status) if status.eq_ignore_ascii_case("ACTIVE") => true,
        Some(status) if status.eq_ignore_ascii_case("INACTIVE") => false,
        Some(other) => return Err(ApiError::invalid(format!("unknown status {other:?}: expected ACTIVE or INACTIVE"))),
    };
    let users: Vec<UserView> = state
        .store
        .list_users(&id)
        .await?
        .into_iter()
        .filter(|user| active && role.is_none_or(|role| user.role == role))
        .map(UserView::from)
        .collect();
    let results = page.apply(users)?;
    let page_size = page.limit();
    Ok(Json(UserPage { count: results.len(), current_page: page.offset() / page_size.max(1) + 1, page_size, results }))
}

/// Sets a member's role (admins and owners; only an owner makes or unmakes an owner). The
/// team keeps at least one owner.
#[utoipa::path(post, path = "/v1/users/{id}/set-role", tag = "users", params(("id" = String, Path)), request_body = SetRole,
    responses((status = 200, description = "The user with the new role", body = UserView), (status = 400, description = "Unknown role"),
        (status = 403, description = "The caller may not grant or take this role"), (status = 404, description = "No such user in this team"),
        (status = 409, description = "It would leave the team without an owner")))]
async fn set_role(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<SetRole>,
) -> Result<Json<UserView>, ApiError> {
    if body.team_id.as_deref().is_some_and(|team_id| team_id != caller.0.team_id.as_str()) {
        return Err(ApiError::not_found());
    }
    let role: TeamRole = body.team_role.parse().map_err(|e: assay_core::Error| ApiError::invalid(e.to_string()))?;
    let user = state.store.user(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    if (role == TeamRole::Owner || user.role == TeamRole::Owner) && !caller.0.role.can_own() {
        return Err(crate::roles::forbidden(caller.0.role, TeamRole::Owner));
    }
    let user = state.store.set_user_role(&caller.0.team_id, &id, role).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(user.into()))
}
