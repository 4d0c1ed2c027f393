//! The caller's user and team (`/v1/users`, `/v1/teams`).
//! Ids of another team's users or teams answer 404, as if they did not exist.

use assay_core::{Id, Team, TeamName, User};
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
        .routes(routes!(list_teams))
        .routes(routes!(team_by_id, update_team))
        .routes(routes!(team_users))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    id: String,
    name: String,
    /// `free` or `pro`: sets the per-key request rate.
    plan: String,
    /// Unix seconds.
    created_at: i64,
}

impl From<Team> for TeamView {
    fn from(team: Team) -> Self {
        Self { id: team.id.to_string(), name: team.name, plan: team.plan.as_str().to_owned(), created_at: team.created_at }
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
    team_role: String,
    /// Always `ACTIVE`: a user with no live key simply cannot call.
    status: String,
    /// Always null: assay stores no pictures.
    profile_image: Option<String>,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds; users are not edited, so it is `created_at`.
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
            team_role: user.role,
            status: "ACTIVE".to_owned(),
            profile_image: None,
            created_at: user.created_at,
            updated_at: user.created_at,
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
pub struct UpdateTeam {
    /// 1-64 of letters, digits, `-`, `_`, `.`; unique.
    name: String,
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
    Ok(Json(page.apply(vec![TeamView::from(team)])?))
}

/// The caller's team by id.
#[utoipa::path(get, path = "/v1/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "The team", body = TeamView), (status = 404, description = "Not the caller's team")))]
async fn team_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<TeamView>, ApiError> {
    own_team_id(&caller, &id)?;
    let team = state.store.team(&id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(team.into()))
}

/// Renames the caller's team.
#[utoipa::path(put, path = "/v1/teams/{id}", tag = "teams", params(("id" = String, Path)), request_body = UpdateTeam,
    responses((status = 200, description = "The team", body = TeamView), (status = 400, description = "Invalid body"),
        (status = 404, description = "Not the caller's team"), (status = 409, description = "Name taken")))]
async fn update_team(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(update): ApiJson<UpdateTeam>,
) -> Result<Json<TeamView>, ApiError> {
    own_team_id(&caller, &id)?;
    let name = TeamName::parse(&update.name).map_err(|e| ApiError::invalid(e.to_string()))?;
    let team = state.store.rename_team(&id, &name).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(team.into()))
}

/// The users of the caller's team.
#[utoipa::path(get, path = "/v1/teams/{id}/users", tag = "teams", params(("id" = String, Path), Page),
    responses((status = 200, description = "The users", body = Vec<UserView>), (status = 404, description = "Not the caller's team")))]
async fn team_users(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    own_team_id(&caller, &id)?;
    let users = state.store.list_users(&id).await?;
    Ok(Json(page.apply(users.into_iter().map(UserView::from).collect())?))
}
