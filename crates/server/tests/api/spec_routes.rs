//! The route list of `trust-platform-api.md` (kept beside this test as
//! `trust_spec_routes.txt`, one `METHOD /path` a line) against the server: every route is in
//! `/openapi.json` with its method, and every GET route with path parameters answers 2xx for
//! some combination of the ids of a team that made objects of every kind (an evaluation run
//! to the end with a report, a detection and a feedback, keys, agents, prompts, invites,
//! playgrounds, custom harnesses and stages), so no route is served only as a 404.

use std::collections::BTreeSet;
use std::time::Duration;

use assay_core::Plan;
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use serde_json::json;

use crate::helpers::{json_of, spawn_app_with};
use crate::tenancy_sweep::{MOCK_KEY, answer, ids_in, objects_of_every_kind};
use crate::trust::wait_for_status;

const SPEC_ROUTES: &str = include_str!("trust_spec_routes.txt");

/// `/v1/a/{x}/b/{y}` → `/v1/a/{}/b/{}`: parameter names differ between documents.
fn shape(path: &str) -> String {
    path.split('/').map(|part| if part.starts_with('{') { "{}" } else { part }).collect::<Vec<_>>().join("/")
}

#[tokio::test]
async fn every_route_of_the_trust_platform_spec_is_documented_and_answers_for_known_ids() {
    let app = spawn_app_with(|config| config.rate_limit_free_per_hour = 10_000_000).await;
    let team = app.team("spec-walk", Plan::Free).await;
    let mock = MockServer::start(
        Behavior::new(Duration::ZERO, ReplyMode::Echo),
        MockServerOptions { required_key: Some(MOCK_KEY.into()), ..MockServerOptions::default() },
    )
    .await
    .expect("mock model");
    let created = objects_of_every_kind(&app, &team, &mock).await;
    let mut ids: BTreeSet<String> = created.iter().flat_map(ids_in).collect();
    ids.insert(team.team.id.to_string());
    ids.insert(team.owner.id.to_string());

    // The /v1 evaluation run to the end, with a report, a detection and a feedback on it.
    let evaluation =
        created.iter().find(|c| c["harness_config_ids"].is_array()).expect("a /v1 evaluation")["id"].as_str().expect("id").to_owned();
    wait_for_status(&app, &team, &evaluation, "COMPLETED").await;
    let report =
        json_of(app.post_json(&format!("/v1/evaluations/{evaluation}/reports"), &team.key, &json!({"version": "1.0.0"})).await).await;
    ids.extend(ids_in(&report.1));
    let (_, responses) = json_of(app.get(&format!("/v1/responses?evaluation_id={evaluation}&limit=1"), &team.key).await).await;
    let response = responses["results"][0].clone();
    let feedback = json!({"response_id": response["id"], "detector_id": response["detector_ids"][0], "value": 1.0});
    ids.extend(ids_in(&json_of(app.post_json("/v1/results-feedback", &team.key, &feedback).await).await.1));
    let detection = json!({"detector_id": "assay.detectors.pii", "detector_inputs": [{"response": "nothing"}]});
    ids.extend(ids_in(&json_of(app.post_json("/v1/detections", &team.key, &detection).await).await.1));
    for list in ["harness", "scenarios", "probes", "responses", "tests"] {
        ids.extend(ids_in(&json_of(app.get(&format!("/v1/{list}?evaluation_id={evaluation}"), &team.key).await).await.1));
    }
    for list in ["/v1/detectors", "/v1/playgrounds", "/v1/harness-config-stages", "/v1/invites", "/v1/api-keys"] {
        ids.extend(ids_in(&json_of(app.get(list, &team.key).await).await.1));
    }
    ids.insert("PENDING".to_owned());
    let ids: Vec<String> = ids.into_iter().filter(|id| id.len() >= 6).collect();

    let (_, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .flat_map(|(path, item)| {
                    item.as_object().into_iter().flat_map(|ops| ops.keys()).map(move |method| (method.to_ascii_uppercase(), shape(path)))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut missing = Vec::new();
    let mut unanswered = Vec::new();
    let routes: Vec<(&str, &str)> = SPEC_ROUTES.lines().filter_map(|line| line.split_once(' ')).collect();
    assert!(routes.len() > 100, "the spec's route list ({})", routes.len());
    for (method, path) in &routes {
        if !documented.contains(&((*method).to_owned(), shape(path))) {
            missing.push(format!("{method} {path}"));
            continue;
        }
        let params = path.matches('{').count();
        if *method != "GET" || params == 0 {
            continue;
        }
        let mut answered = false;
        let mut tried: Vec<Vec<&String>> = ids.iter().map(|id| vec![id]).collect();
        if params == 2 {
            tried = ids.iter().flat_map(|a| ids.iter().map(move |b| vec![a, b])).collect();
        }
        for combination in tried {
            let mut url = (*path).to_owned();
            for id in combination {
                let open = url.find('{').unwrap_or(0);
                let close = url[open..].find('}').map_or(url.len(), |i| open + i + 1);
                url.replace_range(open..close, id);
            }
            let (status, _) = answer(app.get(&url, &team.key).await).await;
            if (200..300).contains(&status) {
                answered = true;
                break;
            }
        }
        if !answered {
            unanswered.push(format!("{method} {path}"));
        }
    }
    assert!(missing.is_empty(), "spec routes missing from /openapi.json: {missing:#?}");
    assert!(unanswered.is_empty(), "spec routes that answer no known id: {unanswered:#?}");
}
