//! Targets as stored objects (`/api/targets`, native JSON, plain error shape): create, list,
//! read, update and delete a team's targets. A credential is accepted on create and update,
//! stored sealed, and never returned: responses say only `has_credential`.

use assay_core::{StoredTarget, TargetSettings};
use assay_store::CredentialChange;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, PathId};
use crate::state::AppState;
use crate::target_cache::build_error;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_target, list_targets)).routes(routes!(get_target, update_target, delete_target))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    id: String,
    name: String,
    /// `kind` (contract, openai, anthropic, local, mock) and its connection settings.
    #[schema(value_type = Object)]
    settings: TargetSettings,
    /// Whether a credential is stored (it is never returned).
    has_credential: bool,
    /// Unix seconds.
    created_at: i64,
    updated_at: i64,
}

impl From<StoredTarget> for TargetView {
    fn from(t: StoredTarget) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            settings: t.settings,
            has_credential: t.has_credential,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetList {
    targets: Vec<TargetView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTarget {
    /// Unique within the team, 1-100 characters.
    name: String,
    #[schema(value_type = Object)]
    settings: TargetSettings,
    /// The API key or token the target needs; stored encrypted.
    credential: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTarget {
    name: Option<String>,
    /// Replaces all settings when given.
    #[schema(value_type = Option<Object>)]
    settings: Option<TargetSettings>,
    /// Absent: keep; a string: replace; `null`: remove.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    credential: Option<Option<String>>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None, via `default`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub(crate) fn valid_name(name: &str) -> Result<&str, ApiError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        return Err(ApiError::invalid("name must be 1-100 characters"));
    }
    Ok(trimmed)
}

pub(crate) fn valid_settings(settings: &TargetSettings) -> Result<(), ApiError> {
    assay_targets::factory::validate(settings).map_err(build_error)
}

/// Creates a target.
#[utoipa::path(post, path = "/api/targets", tag = "targets", request_body = CreateTarget,
    responses((status = 201, description = "Created", body = TargetView), (status = 400, description = "Invalid"),
        (status = 409, description = "Name taken")))]
async fn create_target(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTarget>,
) -> Result<(StatusCode, Json<TargetView>), ApiError> {
    let name = valid_name(&body.name)?;
    valid_settings(&body.settings)?;
    let target = state.store.create_target(&caller.0.team_id, name, &body.settings, body.credential.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(target.into())))
}

/// The team's targets.
#[utoipa::path(get, path = "/api/targets", tag = "targets", responses((status = 200, description = "The targets", body = TargetList)))]
async fn list_targets(State(state): State<AppState>, caller: Caller) -> Result<Json<TargetList>, ApiError> {
    let targets = state.store.list_targets(&caller.0.team_id).await?;
    Ok(Json(TargetList { targets: targets.into_iter().map(TargetView::from).collect() }))
}

/// One target.
#[utoipa::path(get, path = "/api/targets/{id}", tag = "targets", params(("id" = String, Path)),
    responses((status = 200, description = "The target", body = TargetView), (status = 404, description = "No such target")))]
async fn get_target(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<TargetView>, ApiError> {
    let target = state.store.target(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(target.into()))
}

/// Changes a target's name, settings or credential.
#[utoipa::path(patch, path = "/api/targets/{id}", tag = "targets", params(("id" = String, Path)), request_body = UpdateTarget,
    responses((status = 200, description = "Updated", body = TargetView), (status = 400, description = "Invalid"),
        (status = 404, description = "No such target"), (status = 409, description = "Name taken")))]
async fn update_target(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<UpdateTarget>,
) -> Result<Json<TargetView>, ApiError> {
    let name = body.name.as_deref().map(valid_name).transpose()?;
    if let Some(settings) = &body.settings {
        valid_settings(settings)?;
    }
    let credential = match body.credential {
        None => CredentialChange::Keep,
        Some(None) => CredentialChange::Clear,
        Some(Some(secret)) => CredentialChange::Set(secret),
    };
    let target = state
        .store
        .update_target(&caller.0.team_id, &id, name, body.settings.as_ref(), credential)
        .await?
        .ok_or_else(ApiError::not_found)?;
    state.targets.forget(&id);
    Ok(Json(target.into()))
}

/// Deletes a target and its sessions.
#[utoipa::path(delete, path = "/api/targets/{id}", tag = "targets", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such target")))]
async fn delete_target(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<StatusCode, ApiError> {
    if !state.store.delete_target(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    state.targets.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}
