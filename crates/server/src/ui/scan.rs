//! Starting a scan from the browser: the target (a stored target or a target spec such as
//! `mock` or `local`), harnesses, converters, repeats and limits, then straight to its page.
//! How many calls run at once is the target's own limit (a stored target's `limits`).

use assay_engine::Suite;
use assay_probes::Harness;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::page::{csrf_field, page};
use super::session::{Submitted, Viewer};
use crate::error::ApiError;
use crate::state::AppState;
use assay_engine::stored::STORED_PREFIX;

pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, ApiError> {
    let targets = state.store.list_targets(viewer.team_id()).await?;
    let body = html! {
        h1 { "New scan" }
        form.stack method="post" action="/ui/scans" {
            (csrf_field(&viewer))
            label for="name" { "Name" }
            input #name name="name" required maxlength="200" value="UI scan";
            fieldset {
                legend { "Target" }
                label for="stored" { "Stored target" }
                select #stored name="stored" {
                    option value="" { "— none: use the spec below —" }
                    @for target in &targets { option value=(target.id.as_str()) { (target.name) " (" (format!("{:?}", target.settings.kind).to_lowercase()) ")" } }
                }
                label for="spec" { "…or a target spec" }
                input #spec name="spec" value="mock" placeholder="mock, local, openai:MODEL@URL…";
                p.hint { "A stored target wins over the spec. " a href="/ui/targets" { "Manage stored targets" } }
            }
            fieldset {
                legend { "Harnesses" }
                div.choices {
                    @for harness in Harness::ALL {
                        label { input type="checkbox" name="harness" value=(harness.as_str()) checked[harness == Harness::Security]; " " (harness.as_str()) }
                    }
                }
            }
            fieldset {
                legend { "Converters (each prompt also runs through each)" }
                div.choices {
                    @for converter in assay_probes::CONVERTERS {
                        label { input type="checkbox" name="converter" value=(converter); " " (converter) }
                    }
                }
            }
            div.row {
                label { "Repeat " input type="number" name="repeat" min="1" max="100" value="1"; }
                label { "Limit (tests per target) " input type="number" name="limit" min="1" placeholder="all"; }
                label { "Prompts per probe " input type="number" name="per_probe" min="1" placeholder="all"; }
            }
            button type="submit" { "Start scan" }
        }
    };
    Ok(page("New scan", Some(&viewer), "/ui/scans/new", body))
}

/// A number field: empty is none; anything else must be a positive whole number.
fn number(pairs: &[(String, String)], name: &str) -> Result<Option<u64>, ApiError> {
    match pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("{name} must be a whole number of 1 or more"))),
    }
}

pub async fn start(State(state): State<AppState>, submitted: Submitted<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let Submitted { viewer, form: pairs } = submitted;
    let field = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
    let all = |name: &str| pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let name = field("name").unwrap_or_else(|| "UI scan".to_owned());
    let target = match (field("stored"), field("spec")) {
        (Some(stored), _) => {
            let id = assay_core::Id::parse(&stored).map_err(|_| ApiError::invalid("unknown stored target"))?;
            state.store.target(viewer.team_id(), &id).await?.ok_or_else(|| ApiError::invalid("unknown stored target"))?;
            format!("{STORED_PREFIX}{id}")
        }
        (None, Some(spec)) => spec,
        (None, None) => return Err(ApiError::invalid("choose a stored target or give a target spec")),
    };
    let harnesses = Harness::parse_list(&all("harness").join(",")).map_err(|e| ApiError::invalid(e.to_string()))?;
    let mut suite = Suite::new(harnesses);
    suite.converters = all("converter");
    suite.repeat = u32::try_from(number(&pairs, "repeat")?.unwrap_or(1)).map_err(|_| ApiError::invalid("repeat is too large"))?;
    suite.limit = number(&pairs, "limit")?;
    suite.per_probe = number(&pairs, "per_probe")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let evaluation = state.engine.create_evaluation(viewer.team_id(), &name, &suite, &[target]).await?;
    state.engine.wake();
    Ok(Redirect::to(&format!("/ui/evaluations/{}", evaluation.id)).into_response())
}
