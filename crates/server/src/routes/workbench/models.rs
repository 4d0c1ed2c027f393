//! Workbench models (`GET /api/v1/models`): the models the team can pick for a template, as
//! [`crate::models`] defines them, optionally of one vendor.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Envelope, WorkbenchOk};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::models::{ModelEntry, team_models};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_models))
}

/// Documented as `WorkbenchModelView`: `/v1/api-keys/{id}/models` has a `ModelView` of its own.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkbenchModelView)]
pub struct ModelView {
    /// `vendor-model`, e.g. `local-smollm2-135m`.
    id: String,
    vendor_name: &'static str,
    model_name: String,
    /// Always false: assay has no paid plans for models.
    is_premium: bool,
    /// Whether it can be called: a credential is stored, or the kind needs none.
    available: bool,
}

impl From<ModelEntry> for ModelView {
    fn from(model: ModelEntry) -> Self {
        Self { id: model.id, vendor_name: model.vendor_name, model_name: model.model_name, is_premium: false, available: model.available }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    models: Vec<ModelView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListModels {
    /// Only this vendor's models: `local`, `mock`, `openai`, `anthropic` or `contract`.
    vendor: Option<String>,
}

/// The models the team can use.
#[utoipa::path(get, path = "/api/v1/models", tag = "models", params(ListModels),
    responses((status = 200, description = "`data`: the models", body = WorkbenchOk<ModelList>)))]
async fn list_models(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListModels>,
) -> Result<Envelope<ModelList>, ApiError> {
    let vendor = query.vendor.filter(|v| !v.is_empty());
    let models = team_models(&state.store, &caller.0.team_id).await?;
    let of_vendor = |model: &ModelEntry| vendor.as_deref().is_none_or(|vendor| model.vendor.eq_ignore_ascii_case(vendor));
    Ok(Envelope(ModelList { models: models.into_iter().filter(of_vendor).map(ModelView::from).collect() }))
}
