//! The team's things, managed from the browser: assay API keys (created and shown once,
//! revoked), stored targets (created from their settings, tried with one chat turn,
//! deleted), ingest projects, provider keys, and the workbench's prompts, templates and
//! evaluations (each evaluation opens on its own page, case runs as threads).

use assay_core::{ChatRequest, Id, KeySecret, Target, TargetSettings};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::page::{csrf_field, date, page};
use super::session::{NoFields, Submitted, Viewer};
use crate::error::ApiError;
use crate::extract::PathId;
use crate::routes::targets::{valid_name, valid_settings};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------
// API keys

pub async fn keys(State(state): State<AppState>, viewer: Viewer) -> Result<Response, ApiError> {
    keys_page(&state, &viewer, None).await
}

async fn keys_page(state: &AppState, viewer: &Viewer, created: Option<(&str, &str)>) -> Result<Response, ApiError> {
    let keys = state.store.list_api_keys(Some(viewer.team_id())).await?;
    let body = html! {
        h1 { "API keys" }
        @if let Some((name, secret)) = created {
            div.notice role="status" {
                p { "Key " strong { (name) } " created. Copy it now: it is shown only once." }
                p { code #new-key { (secret) } }
            }
        }
        form.row method="post" action="/ui/keys" {
            (csrf_field(viewer))
            label { "Name " input name="name" required maxlength="100" placeholder="ci"; }
            button type="submit" { "Create key" }
        }
        div.table-wrap {
            table.list #keys {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Starts with" } th scope="col" { "Created" } th scope="col" { "State" } th scope="col" { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for key in &keys {
                        tr {
                            td { (key.name) }
                            td { code { (key.prefix) "…" } }
                            td { (date(key.created_at)) }
                            td { @if let Some(at) = key.revoked_at { "revoked " (date(at)) } @else { "live" } }
                            td {
                                @if key.revoked_at.is_none() {
                                    form method="post" action=(format!("/ui/keys/{}/revoke", key.id)) {
                                        (csrf_field(viewer))
                                        button.danger type="submit" aria-label=(format!("Revoke {}", key.name)) { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("API keys", Some(viewer), "/ui/keys", body))
}

#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

pub async fn create_key(State(state): State<AppState>, submitted: Submitted<NameForm>) -> Result<Response, ApiError> {
    let Submitted { viewer, form } = submitted;
    let name = valid_name(&form.name)?;
    let secret = KeySecret::generate();
    state.store.create_api_key(viewer.team_id(), &viewer.principal.user_id, name, &secret).await?;
    keys_page(&state, &viewer, Some((name, secret.expose()))).await
}

pub async fn revoke_key(State(state): State<AppState>, PathId(id): PathId, submitted: Submitted<NoFields>) -> Result<Response, ApiError> {
    let keys = state.store.list_api_keys(Some(submitted.viewer.team_id())).await?;
    if !keys.iter().any(|key| key.id == id) {
        return Err(ApiError::not_found());
    }
    state.store.revoke_api_key(&id).await?;
    Ok(Redirect::to("/ui/keys").into_response())
}

// ---------------------------------------------------------------------------------------
// Stored targets

pub async fn targets(State(state): State<AppState>, viewer: Viewer) -> Result<Response, ApiError> {
    targets_page(&state, &viewer, None).await
}

async fn targets_page(state: &AppState, viewer: &Viewer, notice: Option<Markup>) -> Result<Response, ApiError> {
    let targets = state.store.list_targets(viewer.team_id()).await?;
    let body = html! {
        h1 { "Targets" }
        @if let Some(notice) = notice { div.notice role="status" { (notice) } }
        div.table-wrap {
            table.list #targets {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Settings" } th scope="col" { "Credential" } th scope="col" { span.visually-hidden { "Actions" } } } }
                tbody {
                    @for target in &targets {
                        tr {
                            td { (target.name) }
                            td { code { (serde_json::to_string(&target.settings).unwrap_or_default()) } }
                            td { @if target.has_credential { "stored" } @else { "none" } }
                            td.actions {
                                form method="post" action=(format!("/ui/targets/{}/test", target.id)) {
                                    (csrf_field(viewer)) button type="submit" aria-label=(format!("Test {}", target.name)) { "Test" }
                                }
                                form method="post" action=(format!("/ui/targets/{}/delete", target.id)) {
                                    (csrf_field(viewer)) button.danger type="submit" aria-label=(format!("Delete {}", target.name)) { "Delete" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Add a target" }
        form.stack method="post" action="/ui/targets" {
            (csrf_field(viewer))
            label for="target-name" { "Name" }
            input #target-name name="name" required maxlength="100";
            label for="settings" { "Settings (JSON)" }
            textarea #settings name="settings" rows="4" required { r#"{"kind": "mock", "mock_reply": "I can't help with that."}"# }
            p.hint { "Kinds: " code { "contract" } ", " code { "openai" } ", " code { "anthropic" } ", " code { "local" } ", " code { "mock" } " — the fields of " code { "POST /api/targets" } "." }
            label for="credential" { "Credential (optional, sealed at rest)" }
            input #credential type="password" name="credential" autocomplete="off";
            button type="submit" { "Add target" }
        }
    };
    Ok(page("Targets", Some(viewer), "/ui/targets", body))
}

#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    settings: String,
    credential: Option<String>,
}

pub async fn create_target(State(state): State<AppState>, submitted: Submitted<TargetForm>) -> Result<Response, ApiError> {
    let Submitted { viewer, form } = submitted;
    let name = valid_name(&form.name)?;
    let settings: TargetSettings = serde_json::from_str(&form.settings).map_err(|e| ApiError::invalid(format!("settings: {e}")))?;
    valid_settings(&settings)?;
    let credential = form.credential.as_deref().map(str::trim).filter(|c| !c.is_empty());
    state.store.create_target(viewer.team_id(), name, &settings, credential).await?;
    Ok(Redirect::to("/ui/targets").into_response())
}

pub async fn delete_target(
    State(state): State<AppState>,
    PathId(id): PathId,
    submitted: Submitted<NoFields>,
) -> Result<Response, ApiError> {
    if !state.store.delete_target(submitted.viewer.team_id(), &id).await? {
        return Err(ApiError::not_found());
    }
    state.targets.forget(&id);
    Ok(Redirect::to("/ui/targets").into_response())
}

/// One chat turn with the target; the reply (or the error) is shown above the list.
pub async fn test_target(State(state): State<AppState>, PathId(id): PathId, submitted: Submitted<NoFields>) -> Result<Response, ApiError> {
    let viewer = submitted.viewer;
    let stored = state.store.target(viewer.team_id(), &id).await?.ok_or_else(ApiError::not_found)?;
    let live = state.targets.get(&state.store, &stored, &state.local_model).await?;
    let notice = match live.chat(&ChatRequest::single("Hello! Reply with one short sentence.")).await {
        Ok(reply) => html! { p { "Target " strong { (stored.name) } " answered:" } blockquote { (reply.text) } },
        Err(error) => html! { p.error { "Target " strong { (stored.name) } " failed: " (error.to_string()) } },
    };
    targets_page(&state, &viewer, Some(notice)).await
}

// ---------------------------------------------------------------------------------------
// Ingest projects and provider keys

pub async fn projects(State(state): State<AppState>, viewer: Viewer) -> Result<Response, ApiError> {
    let projects = state.store.projects(viewer.team_id()).await?;
    let providers = state.store.list_provider_keys(viewer.team_id()).await?;
    let body = html! {
        h1 { "Ingest projects" }
        p.hint { "CI reporters send their runs to " code { "POST /api/ingest" } " under a project's slug." }
        ul.cards {
            @for project in &projects {
                li { a href=(format!("/ui/trends?project={}", project.slug)) { strong { (project.slug) } } " — " (project.name) " · created " (date(project.created_at)) }
            }
        }
        form.row method="post" action="/ui/projects" {
            (csrf_field(&viewer))
            label { "Slug " input name="slug" required pattern="[a-z0-9-]{1,64}" placeholder="web-app"; }
            label { "Name " input name="name" maxlength="200"; }
            button type="submit" { "Create project" }
        }
        h2 #provider-keys { "Provider keys" }
        p.hint { "Keys for model hubs, used by " code { "/v1" } " evaluations (also managed with " code { "/v1/api-keys" } "). Secrets are sealed and never shown again." }
        div.table-wrap {
            table.list #providers {
                thead { tr { th scope="col" { "Name" } th scope="col" { "Hub" } th scope="col" { "URL" } th scope="col" { "Secret" } th scope="col" { "Actions" } } }
                tbody {
                    @for key in &providers {
                        tr {
                            td { (key.name) } td { (key.hub) } td { (key.url.as_deref().unwrap_or("default")) }
                            td { @if key.has_secret { "stored" } @else { "none" } }
                            td.actions {
                                form method="post" action=(format!("/ui/provider-keys/{}/delete", key.id)) {
                                    (csrf_field(&viewer)) button.danger type="submit" aria-label=(format!("Delete provider key {}", key.name)) { "Delete" }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.stack method="post" action="/ui/provider-keys" {
            (csrf_field(&viewer))
            label for="pk-name" { "Name" }
            input #pk-name name="name" required maxlength="100";
            label for="pk-hub" { "Hub" }
            select #pk-hub name="hub" { @for hub in assay_core::Hub::all() { option value=(hub.id) { (hub.display_name) } } }
            label for="pk-url" { "URL (empty: the hub's default)" }
            input #pk-url name="url" type="url" placeholder="the API root";
            label for="pk-secret" { "Secret" }
            input #pk-secret type="password" name="secret" autocomplete="off";
            label for="pk-config" { "Hub settings (JSON object; the hubs that need them say which)" }
            textarea #pk-config name="hub_config" rows="2" placeholder="{}" {}
            button type="submit" { "Add provider key" }
        }
    };
    Ok(page("Ingest projects", Some(&viewer), "/ui/projects", body))
}

#[derive(Debug, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
}

pub async fn create_project(State(state): State<AppState>, submitted: Submitted<ProjectForm>) -> Result<Response, ApiError> {
    let Submitted { viewer, form } = submitted;
    let slug = form.slug.trim();
    if !assay_core::ingest::valid_slug(slug) {
        return Err(ApiError::invalid("a slug is 1-64 lowercase letters, digits and dashes"));
    }
    let name = if form.name.trim().is_empty() { slug } else { form.name.trim() };
    state.store.create_project(viewer.team_id(), slug, name).await?;
    Ok(Redirect::to("/ui/projects").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ProviderKeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    hub: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    hub_config: String,
}

/// The same checks as `POST /v1/api-keys`, with that route's default limits.
pub async fn create_provider_key(State(state): State<AppState>, submitted: Submitted<ProviderKeyForm>) -> Result<Response, ApiError> {
    use crate::routes::trust::keys::{check_hub_config, check_url, parse_hub};
    let Submitted { viewer, form } = submitted;
    let name = valid_name(&form.name)?;
    let hub = parse_hub(form.hub.trim())?;
    let url = Some(form.url.trim()).filter(|u| !u.is_empty());
    check_url(url)?;
    let config: Option<serde_json::Map<String, serde_json::Value>> = match form.hub_config.trim() {
        "" => None,
        raw => Some(serde_json::from_str(raw).map_err(|e| ApiError::invalid(format!("hub settings must be a JSON object: {e}")))?),
    };
    check_hub_config(hub, config.as_ref())?;
    let input = assay_core::ProviderKeyInput {
        name: name.to_owned(),
        hub: hub.as_str().to_owned(),
        url: url.map(str::to_owned),
        rate_limit_per_interval: 60,
        rate_limit_interval: 10,
    };
    let secret = Some(form.secret.trim()).filter(|s| !s.is_empty());
    state.store.create_provider_key(&Id::generate(), viewer.team_id(), &input, secret, config.as_ref()).await?;
    Ok(Redirect::to("/ui/projects#provider-keys").into_response())
}

pub async fn delete_provider_key(
    State(state): State<AppState>,
    PathId(id): PathId,
    submitted: Submitted<NoFields>,
) -> Result<Response, ApiError> {
    if !state.store.delete_provider_key(submitted.viewer.team_id(), &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Redirect::to("/ui/projects#provider-keys").into_response())
}

// ---------------------------------------------------------------------------------------
// Workbench

pub async fn workbench(State(state): State<AppState>, viewer: Viewer) -> Result<Response, ApiError> {
    let prompts = state.store.list_prompts(viewer.team_id(), None, 100, 0).await?;
    let templates = state.store.list_templates(viewer.team_id(), None, None, 100, 0).await?;
    let (evaluations, _) = state.store.list_workbench_evaluations(viewer.team_id(), None, 100, 0).await?;
    let body = html! {
        h1 { "Workbench" }
        p.hint { "Prompts, their revisions and evaluation templates are written through " code { "/api/v1" } "; their evaluations open here with every case run as a thread." }
        h2 { "Prompts" }
        ul.cards { @for summary in &prompts.items { li { a href=(format!("/ui/workbench/prompts/{}", summary.prompt.id)) { strong { (summary.prompt.name) } } " — " (summary.revision_count) " revision(s) · " (summary.prompt.description) } } }
        h2 { "Templates" }
        ul.cards { @for template in &templates.items { li { strong { (template.name) } " · created " (date(template.created_at)) } } }
        h2 { "Evaluations" }
        ul.cards { @for (evaluation, _) in &evaluations { li { a href=(format!("/ui/evaluations/{}", evaluation.id)) { (evaluation.name) } } } }
    };
    Ok(page("Workbench", Some(&viewer), "/ui/workbench", body))
}

/// One workbench prompt with every revision, newest first.
pub async fn prompt(State(state): State<AppState>, viewer: Viewer, PathId(id): PathId) -> Result<Response, ApiError> {
    let found = state.store.prompt(viewer.team_id(), &id).await?.ok_or_else(ApiError::not_found)?;
    let body = html! {
        p.crumbs { a href="/ui/workbench" { "← Workbench" } }
        h1 { (found.prompt.name) }
        p.meta { (found.prompt.description) }
        @for revision in found.revisions.iter().rev() {
            section.revision aria-label=(format!("Revision {}", revision.number)) {
                h2 { "Revision " (revision.number) " · " (date(revision.created_at)) }
                @if !revision.notes.is_empty() { p.meta { (revision.notes) } }
                pre.prompt-text { (revision.content) }
            }
        }
    };
    Ok(page(&found.prompt.name, Some(&viewer), "/ui/workbench", body))
}
