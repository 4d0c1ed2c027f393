//! Workbench evaluation templates (`/api/v1/evaluation-templates`): create, update in parts,
//! read, list (by prompt, by a search of name or prompt id) and delete the team's templates.
//!
//! Every problem with a field answers 400 `invalid_field` naming the field (`cases[1].scenario
//! is required …`); a model id that `GET /api/v1/models` does not list answers 400
//! `model_not_available`; a prompt of another team is `prompt_not_found`.

use assay_core::{
    AccessMode, CaseDefinition, ContextDefinition, DEFAULT_TEMPLATE_NAME, ErrorCode, EvaluationDefinition, EvaluationTemplate, Id,
    NewTemplate, TemplateChange, ToolDefinition,
};
use assay_store::TemplateUpdate;
use axum::extract::State;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Envelope, WorkbenchOk, object_id, page, required_prompt_id};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, PathId};
use crate::models;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_template, list_templates)).routes(routes!(get_template, update_template, delete_template))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    id: String,
    name: String,
    #[serde(rename = "promptID")]
    prompt_id: String,
    /// `{title, scenario, expectedResult, responseThreshold}` each.
    #[schema(value_type = Vec<Object>)]
    cases: Vec<CaseDefinition>,
    /// `{name, description, parameters}` each.
    #[schema(value_type = Vec<Object>)]
    tools: Vec<ToolDefinition>,
    /// `{name, content}` each.
    #[schema(value_type = Vec<Object>)]
    contexts: Vec<ContextDefinition>,
    /// Ids from `GET /api/v1/models`.
    models: Vec<String>,
    /// `managed`, `private` or `team`.
    access_mode: &'static str,
    /// Unix seconds.
    date_created: i64,
    date_updated: i64,
}

impl From<EvaluationTemplate> for TemplateView {
    fn from(template: EvaluationTemplate) -> Self {
        let definition = template.definition;
        Self {
            id: template.id.to_string(),
            name: template.name,
            prompt_id: template.prompt_id.to_string(),
            cases: definition.cases,
            tools: definition.tools,
            contexts: definition.contexts,
            models: definition.models,
            access_mode: definition.access_mode.as_str(),
            date_created: template.created_at,
            date_updated: template.updated_at,
        }
    }
}

/// The filters a list applied (only those given).
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<String>,
    #[serde(rename = "promptID", skip_serializing_if = "Option::is_none")]
    prompt_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateList {
    evaluation_templates: Vec<TemplateView>,
    total: i64,
    limit: i64,
    offset: i64,
    filters: TemplateFilters,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateDeleted {
    message: &'static str,
    id: String,
}

/// A template's parts: on create, `promptID` is required and the rest defaults (name
/// "Untitled evaluation", empty lists, `managed`); on update, what is omitted is kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateBody {
    name: Option<String>,
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    cases: Option<serde_json::Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    tools: Option<serde_json::Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    contexts: Option<serde_json::Value>,
    #[schema(value_type = Option<Vec<String>>)]
    models: Option<serde_json::Value>,
    /// `managed`, `private` or `team`.
    access_mode: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTemplates {
    /// Matches the template's name or prompt id, ignoring case.
    search: Option<String>,
    /// Only the templates of this prompt.
    #[serde(rename = "promptID")]
    #[param(rename = "promptID")]
    prompt_id: Option<String>,
    /// At most this many templates (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

fn invalid_field(message: String) -> ApiError {
    ApiError::with_message(ErrorCode::InvalidField, message)
}

/// One list part of the body, read as `T`; a wrong shape is `invalid_field` naming the path.
fn part<T: DeserializeOwned>(field: &str, value: Option<serde_json::Value>) -> Result<Option<T>, ApiError> {
    let Some(value) = value.filter(|value| !value.is_null()) else { return Ok(None) };
    serde_path_to_error::deserialize(value).map(Some).map_err(|error| {
        let at = if error.path().iter().next().is_some() { error.path().to_string() } else { String::new() };
        invalid_field(format!("{field}{at} {}", error.inner()))
    })
}

impl TemplateBody {
    /// The parts given, read and validated; a `promptID` that is not an id cannot name a prompt.
    fn change(self) -> Result<TemplateChange, ApiError> {
        if self.name.as_deref().is_some_and(|name| name.trim().is_empty()) {
            return Err(invalid_field("name must not be empty".to_owned()));
        }
        let prompt_id = self.prompt_id.filter(|raw| !raw.trim().is_empty()).map(|raw| required_prompt_id(Some(raw))).transpose()?;
        let access_mode = match self.access_mode.as_deref() {
            None => None,
            Some(raw) => Some(
                AccessMode::parse(raw).ok_or_else(|| invalid_field(format!("accessMode must be managed, private or team, not {raw:?}")))?,
            ),
        };
        let change = TemplateChange {
            name: self.name,
            prompt_id,
            cases: part("cases", self.cases)?,
            tools: part("tools", self.tools)?,
            contexts: part("contexts", self.contexts)?,
            models: part("models", self.models)?,
            access_mode,
        };
        change.validate().map_err(|error| invalid_field(error.to_string()))?;
        Ok(change)
    }
}

/// What a create body makes: the change's parts with their defaults, on a required prompt.
fn new_template(change: TemplateChange) -> Result<NewTemplate, ApiError> {
    Ok(NewTemplate {
        prompt_id: change.prompt_id.ok_or_else(|| ApiError::new(ErrorCode::MissingPromptId))?,
        name: change.name.unwrap_or_else(|| DEFAULT_TEMPLATE_NAME.to_owned()),
        definition: EvaluationDefinition {
            cases: change.cases.unwrap_or_default(),
            tools: change.tools.unwrap_or_default(),
            contexts: change.contexts.unwrap_or_default(),
            models: change.models.unwrap_or_default(),
            access_mode: change.access_mode.unwrap_or_default(),
        },
    })
}

fn template_not_found() -> ApiError {
    ApiError::new(ErrorCode::TemplateNotFound)
}

/// Creates a template on one of the team's prompts.
#[utoipa::path(post, path = "/api/v1/evaluation-templates", tag = "evaluation-templates", request_body = TemplateBody,
    responses((status = 200, description = "`data`: the template", body = WorkbenchOk<TemplateView>),
        (status = 400, description = "`missing_prompt_id`, `invalid_field` or `model_not_available`", body = WorkbenchError),
        (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn create_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TemplateBody>,
) -> Result<Envelope<TemplateView>, ApiError> {
    let team_id = &caller.0.team_id;
    let new = new_template(body.change()?)?;
    models::ensure_listed(&state.store, team_id, &new.definition.models).await?;
    let template = state.store.create_template(team_id, &new).await?.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?;
    Ok(Envelope(template.into()))
}

/// Replaces the parts of a template the body gives.
#[utoipa::path(put, path = "/api/v1/evaluation-templates/{id}", tag = "evaluation-templates", params(("id" = String, Path)),
    request_body = TemplateBody,
    responses((status = 200, description = "`data`: the template", body = WorkbenchOk<TemplateView>),
        (status = 400, description = "`invalid_field` or `model_not_available`", body = WorkbenchError),
        (status = 404, description = "`template_not_found` or `prompt_not_found`", body = WorkbenchError)))]
async fn update_template(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> Result<Envelope<TemplateView>, ApiError> {
    let id = object_id(path, ErrorCode::TemplateNotFound)?;
    let team_id = &caller.0.team_id;
    let change = body.change()?;
    models::ensure_listed(&state.store, team_id, change.models.as_deref().unwrap_or_default()).await?;
    match state.store.update_template(team_id, &id, &change).await? {
        TemplateUpdate::Updated(template) => Ok(Envelope(TemplateView::from(*template))),
        TemplateUpdate::NoTemplate => Err(template_not_found()),
        TemplateUpdate::NoPrompt => Err(ApiError::new(ErrorCode::PromptNotFound)),
    }
}

/// One template.
#[utoipa::path(get, path = "/api/v1/evaluation-templates/{id}", tag = "evaluation-templates", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: the template", body = WorkbenchOk<TemplateView>), (status = 404, description = "`template_not_found`", body = WorkbenchError)))]
async fn get_template(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<TemplateView>, ApiError> {
    let id = object_id(path, ErrorCode::TemplateNotFound)?;
    let template = state.store.template(&caller.0.team_id, &id).await?.ok_or_else(template_not_found)?;
    Ok(Envelope(template.into()))
}

/// The team's templates, newest first.
#[utoipa::path(get, path = "/api/v1/evaluation-templates", tag = "evaluation-templates", params(ListTemplates),
    responses((status = 200, description = "`data`: a page of templates", body = WorkbenchOk<TemplateList>),
        (status = 400, description = "`invalid_field` (limit, offset, promptID)", body = WorkbenchError)))]
async fn list_templates(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListTemplates>,
) -> Result<Envelope<TemplateList>, ApiError> {
    let (limit, offset) = page(query.limit, query.offset)?;
    let search = query.search.filter(|s| !s.is_empty());
    let prompt_id = query.prompt_id.filter(|s| !s.is_empty());
    let prompt_filter =
        prompt_id.as_deref().map(Id::parse).transpose().map_err(|_| invalid_field("promptID must be a prompt id".to_owned()))?;
    let listed = state.store.list_templates(&caller.0.team_id, prompt_filter.as_ref(), search.as_deref(), limit, offset).await?;
    Ok(Envelope(TemplateList {
        evaluation_templates: listed.items.into_iter().map(TemplateView::from).collect(),
        total: listed.total,
        limit,
        offset,
        filters: TemplateFilters { search, prompt_id },
    }))
}

/// Deletes a template.
#[utoipa::path(delete, path = "/api/v1/evaluation-templates/{id}", tag = "evaluation-templates", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: what was deleted", body = WorkbenchOk<TemplateDeleted>), (status = 404, description = "`template_not_found`", body = WorkbenchError)))]
async fn delete_template(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<TemplateDeleted>, ApiError> {
    let id = object_id(path, ErrorCode::TemplateNotFound)?;
    if !state.store.delete_template(&caller.0.team_id, &id).await? {
        return Err(template_not_found());
    }
    Ok(Envelope(TemplateDeleted { message: "Evaluation template deleted successfully", id: id.to_string() }))
}
