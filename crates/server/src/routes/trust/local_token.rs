//! `/v1/local-eval-token`: short-lived keys for an agent that runs beside the server.
//!
//! The hosted API hands out a tunnel token here so its cloud can reach an agent on the
//! user's laptop. assay runs beside the agent, so there is no tunnel: `GET` issues a key of
//! the caller's team and user that stops working after an hour, for the process that wraps
//! the local agent (it registers the agent and starts evaluations with it, and never holds
//! the long-lived key); `DELETE` revokes every such key of the team at once. `domain` is
//! always null, which tells the `vijil` client to open its tunnel, if it wants one, with the
//! user's own ngrok settings.

use assay_core::{KeySecret, unix_now};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// How long an issued token authenticates.
pub const LOCAL_EVAL_TOKEN_SECONDS: i64 = 3600;
/// The name every issued token's key carries (`assay keys list` shows them, and `assay keys
/// revoke` ends one).
const KEY_NAME: &str = "local-eval-token";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue_token, revoke_tokens))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalEvalToken {
    /// An API key of the caller's team, shown this once; send it like any key.
    token: String,
    /// Always null: assay has no tunnel domain to lend.
    domain: Option<String>,
    /// Unix seconds after which the token no longer authenticates.
    expires_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedTokens {
    /// Live tokens of the team revoked by this call.
    revoked: u64,
}

/// Issues a short-lived, team-scoped key for a local agent's wrapper.
#[utoipa::path(get, path = "/v1/local-eval-token", tag = "local-eval-token",
    responses((status = 200, description = "A new token, valid for an hour", body = LocalEvalToken), (status = 401, description = "Missing or invalid key")))]
async fn issue_token(State(state): State<AppState>, caller: Caller) -> Result<Json<LocalEvalToken>, ApiError> {
    let secret = KeySecret::generate();
    let expires_at = unix_now() + LOCAL_EVAL_TOKEN_SECONDS;
    state.store.create_expiring_api_key(&caller.0.team_id, &caller.0.user_id, KEY_NAME, &secret, expires_at).await?;
    Ok(Json(LocalEvalToken { token: secret.expose().to_owned(), domain: None, expires_at }))
}

/// Revokes every live token the team was issued here.
#[utoipa::path(delete, path = "/v1/local-eval-token", tag = "local-eval-token",
    responses((status = 200, description = "How many tokens were revoked", body = RevokedTokens), (status = 401, description = "Missing or invalid key")))]
async fn revoke_tokens(State(state): State<AppState>, caller: Caller) -> Result<Json<RevokedTokens>, ApiError> {
    let revoked = state.store.revoke_expiring_api_keys(&caller.0.team_id, KEY_NAME).await?;
    Ok(Json(RevokedTokens { revoked }))
}
