//! The web UI over real HTTP: sign-in and the session cookie, the redirect to sign in, CSRF
//! and origin checks on forms, team scoping, overview pagination, the live event stream and
//! its resume, and pages that reference nothing outside the server.

use std::time::Duration;

use assay_core::Plan;

use crate::helpers::{TestApp, on_both_databases};

/// A browser-like client that follows no redirects, so each hop can be checked.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Signs in with `key` and answers the session cookie (`assay_session=…`).
async fn sign_in(app: &TestApp, key: &str) -> String {
    let response = browser()
        .post(app.url("/ui/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("key={key}&next=%2Fui%2Fkeys"))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "a good key signs in");
    assert_eq!(response.headers()["location"], "/ui/keys", "and returns to where the browser was going");
    let cookie = response.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(';').next().expect("pair").to_owned()
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let response = browser().get(app.url(path)).header("cookie", cookie).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, body: &str) -> reqwest::Response {
    browser()
        .post(app.url(path))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.address.clone())
        .body(body.to_owned())
        .send()
        .await
        .expect("form")
}

/// The CSRF token a page's forms carry.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF field") + marker.len();
    html[start..].split('"').next().expect("value").to_owned()
}

/// The first `href` that starts with `prefix`.
fn link(html: &str, prefix: &str) -> Option<String> {
    let marker = format!("href=\"{prefix}");
    let start = html.find(&marker)? + "href=\"".len();
    Some(html[start..].split('"').next()?.replace("&amp;", "&"))
}

/// Every `src`, `href` and `action` value of a page, with CSS `url(` references.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\"", "action=\"", "url("] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            found.push(rest.split(['"', ')']).next().unwrap_or("").to_owned());
        }
    }
    found
}

async fn wait_finished(app: &TestApp, cookie: &str, evaluation_path: &str) -> String {
    for _ in 0..400 {
        let (status, html) = page(app, cookie, evaluation_path).await;
        assert_eq!(status, 200);
        if html.contains("data-state=\"completed\"") {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the scan did not complete");
}

/// Starts a scan of the mock target from the form and answers its page's path.
async fn start_scan(app: &TestApp, cookie: &str, name: &str) -> String {
    let (_, form) = page(app, cookie, "/ui/scans/new").await;
    let body = format!("csrf={}&name={name}&stored=&spec=mock&harness=security&repeat=1&limit=12&per_probe=", csrf_of(&form));
    let response = post_form(app, cookie, "/ui/scans", &body).await;
    assert_eq!(response.status().as_u16(), 303, "{:?}", response.text().await);
    response.headers()["location"].to_str().expect("ascii").to_owned()
}

async fn sign_in_sets_a_session_and_a_bad_key_is_told_so(app: TestApp) {
    let team = app.team("ui-sign-in", Plan::Free).await;

    let (status, html) = page(&app, "", "/ui/").await;
    assert_eq!(status, 303, "no session: sent to sign in");
    assert!(html.is_empty());
    let response = browser().get(app.url("/ui/evaluations/x?failed=1")).send().await.expect("page");
    assert_eq!(response.headers()["location"], "/ui/sign-in?next=%2Fui%2Fevaluations%2Fx%3Ffailed%3D1");

    let refused = browser()
        .post(app.url("/ui/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("key=assay_not-a-key")
        .send()
        .await
        .expect("sign in");
    assert_eq!(refused.status().as_u16(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    assert!(refused.text().await.expect("body").contains("not a live assay API key"));

    let cookie = sign_in(&app, &team.key).await;
    let (status, html) = page(&app, &cookie, "/ui/").await;
    assert_eq!(status, 200);
    assert!(html.contains("ui-sign-in"), "the page names the team");
    assert_eq!(page(&app, "assay_session=forged", "/ui/").await.0, 303, "an unknown session is no session");

    // Sign-out ends the session on the server, not only in the browser.
    let (_, keys) = page(&app, &cookie, "/ui/keys").await;
    let out = post_form(&app, &cookie, "/ui/sign-out", &format!("csrf={}", csrf_of(&keys))).await;
    assert_eq!(out.status().as_u16(), 200);
    assert!(out.headers()["set-cookie"].to_str().expect("ascii").contains("Max-Age=0"));
    assert_eq!(page(&app, &cookie, "/ui/").await.0, 303, "the old cookie no longer works");
}

async fn forms_need_the_session_csrf_token_and_this_origin(app: TestApp) {
    let team = app.team("ui-csrf", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let (_, keys) = page(&app, &cookie, "/ui/keys").await;
    let csrf = csrf_of(&keys);

    let missing = post_form(&app, &cookie, "/ui/keys", "name=ci").await;
    assert_eq!(missing.status().as_u16(), 403);
    assert!(missing.headers()["content-type"].to_str().expect("ascii").starts_with("text/html"));
    let wrong = post_form(&app, &cookie, "/ui/keys", "name=ci&csrf=0000").await;
    assert_eq!(wrong.status().as_u16(), 403);
    let foreign = browser()
        .post(app.url("/ui/keys"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://evil.test")
        .body(format!("name=ci&csrf={csrf}"))
        .send()
        .await
        .expect("form");
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(app.store.list_api_keys(Some(&team.team.id)).await.expect("keys").len(), 1, "no refused form made a key");

    // With the token: the key is made, shown once, and works on the API.
    let made = post_form(&app, &cookie, "/ui/keys", &format!("name=ci&csrf={csrf}")).await;
    assert_eq!(made.status().as_u16(), 200);
    let html = made.text().await.expect("body");
    let start = html.find("id=\"new-key\">").expect("the new key is shown") + "id=\"new-key\">".len();
    let secret = html[start..].split('<').next().expect("secret").to_owned();
    assert_eq!(app.get("/api/v1/evaluations", &secret).await.status().as_u16(), 200, "the shown key is live");
    let (_, again) = page(&app, &cookie, "/ui/keys").await;
    assert!(!again.contains(&secret), "the key is shown only once");

    // Revoking it from its row's form.
    let keys = app.store.list_api_keys(Some(&team.team.id)).await.expect("keys");
    let ci = keys.iter().find(|k| k.name == "ci").expect("ci key");
    let revoked = post_form(&app, &cookie, &format!("/ui/keys/{}/revoke", ci.id), &format!("csrf={csrf}")).await;
    assert_eq!(revoked.status().as_u16(), 303);
    assert_eq!(app.get("/api/v1/evaluations", &secret).await.status().as_u16(), 401, "a revoked key is refused");
}

async fn another_teams_evaluation_is_not_found(app: TestApp) {
    let ours = app.team("ui-ours", Plan::Free).await;
    let theirs = app.team("ui-theirs", Plan::Free).await;
    let cookie = sign_in(&app, &ours.key).await;
    let path = start_scan(&app, &cookie, "ours").await;
    let id = path.trim_start_matches("/ui/evaluations/").to_owned();

    let their_cookie = sign_in(&app, &theirs.key).await;
    for suffix in ["", "/results/0", "/events", "/report.json"] {
        let (status, html) = page(&app, &their_cookie, &format!("{path}{suffix}")).await;
        assert_eq!(status, 404, "{suffix}: {html}");
        assert!(html.contains("<html"), "the UI answers its errors as pages");
    }
    let (_, theirs_page) = page(&app, &their_cookie, "/ui/").await;
    assert!(!theirs_page.contains(&id), "their overview does not list our evaluation");
    let (_, keys) = page(&app, &their_cookie, "/ui/keys").await;
    let cancel = post_form(&app, &their_cookie, &format!("{path}/cancel"), &format!("csrf={}", csrf_of(&keys))).await;
    assert_eq!(cancel.status().as_u16(), 404);
}

async fn the_overview_pages_through_every_evaluation_newest_first(app: TestApp) {
    let team = app.team("ui-pages", Plan::Free).await;
    let suite = serde_json::json!({});
    for n in 0..120 {
        app.store
            .create_evaluation(&team.team.id, &format!("run-{n:03}"), &suite, &["mock".to_owned()], std::iter::empty(), None)
            .await
            .expect("evaluation");
    }
    let cookie = sign_in(&app, &team.key).await;
    let mut seen = Vec::new();
    let mut path = "/ui/".to_owned();
    for _ in 0..5 {
        let (status, html) = page(&app, &cookie, &path).await;
        assert_eq!(status, 200);
        seen.extend((0..120).filter(|n| html.contains(&format!(">run-{n:03}<"))));
        match link(&html, "/ui/?before=") {
            Some(next) => path = next,
            None => break,
        }
    }
    let mut distinct = seen.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (120, 120), "every evaluation appears once across the pages");

    let (_, found) = page(&app, &cookie, "/ui/?q=run-007").await;
    assert!(found.contains(">run-007<") && !found.contains(">run-008<"), "search narrows the list");
}

async fn the_event_stream_reports_results_and_resumes_after_the_last_id(app: TestApp) {
    let team = app.team("ui-live", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let path = start_scan(&app, &cookie, "live").await;
    let html = wait_finished(&app, &cookie, &path).await;
    assert!(html.contains("Harness") || html.contains("security"), "the page scores the harness");

    let whole = page(&app, &cookie, &format!("{path}/events?after=0")).await.1;
    let results: Vec<&str> = whole.lines().filter(|l| *l == "event: result").collect();
    assert_eq!(results.len(), 12, "one result event per test: {whole}");
    assert!(whole.contains("event: progress") && whole.contains("event: end"));
    assert!(whole.contains("\"state\":\"completed\""));

    // Resume after the fifth result's id: only what came after it is sent again.
    // A result's id is `{stored event}.{index in its batch}`, unique per result.
    let ids: Vec<&str> = whole
        .split("\n\n")
        .filter(|block| block.contains("event: result"))
        .filter_map(|block| block.lines().find_map(|l| l.strip_prefix("id: ")))
        .collect();
    let mut distinct = ids.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 12, "{ids:?}");
    let resumed = browser()
        .get(app.url(&format!("{path}/events?after=0")))
        .header("cookie", &cookie)
        .header("last-event-id", ids[4])
        .send()
        .await
        .expect("events")
        .text()
        .await
        .expect("body");
    let again = resumed.lines().filter(|l| *l == "event: result").count();
    assert_eq!(again, 7, "Last-Event-ID wins over ?after and resumes after it: {resumed}");
    assert!(!resumed.contains(&format!("id: {}\n", ids[4])));
}

async fn every_page_references_only_this_server(app: TestApp) {
    let team = app.team("ui-offline", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let first = start_scan(&app, &cookie, "first").await;
    let second = start_scan(&app, &cookie, "second").await;
    wait_finished(&app, &cookie, &first).await;
    wait_finished(&app, &cookie, &second).await;
    let a = first.trim_start_matches("/ui/evaluations/");
    let b = second.trim_start_matches("/ui/evaluations/");
    let pages = [
        "/ui/sign-in".to_owned(),
        "/ui/".to_owned(),
        "/ui/scans/new".to_owned(),
        first.clone(),
        format!("{first}?failed=1"),
        format!("{first}/results/0"),
        format!("{first}/report.html"),
        "/ui/trends?target=mock".to_owned(),
        format!("/ui/compare?a={a}&b={b}"),
        "/ui/keys".to_owned(),
        "/ui/targets".to_owned(),
        "/ui/projects".to_owned(),
        "/ui/workbench".to_owned(),
        "/ui/assets/app.css".to_owned(),
    ];
    for path in &pages {
        let (status, html) = page(&app, &cookie, path).await;
        assert_eq!(status, 200, "{path}");
        for reference in references(&html) {
            let local = reference.starts_with('/') && !reference.starts_with("//")
                || reference.starts_with('#')
                || reference.starts_with('?')
                || reference.starts_with("data:")
                || reference.is_empty();
            assert!(local, "{path} references {reference:?}");
        }
        assert!(!html.contains("http://") && !html.contains("https://") || path.ends_with("report.html"), "{path} names a network address");
    }
    let (_, compare) = page(&app, &cookie, &format!("/ui/compare?a={a}&b={b}")).await;
    assert!(compare.contains("id=\"comparison\""), "two evaluations side by side");
}

async fn an_evaluation_shows_scores_a_heat_map_filters_transcripts_trends_and_a_comparison(app: TestApp) {
    let team = app.team("ui-insight", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let (_, form) = page(&app, &cookie, "/ui/scans/new").await;
    let body = format!("csrf={}&name=grid&spec=mock&harness=security&converter=base64&converter=rot13&limit=30", csrf_of(&form));
    let response = post_form(&app, &cookie, "/ui/scans", &body).await;
    assert_eq!(response.status().as_u16(), 303);
    let path = response.headers()["location"].to_str().expect("ascii").to_owned();
    let html = wait_finished(&app, &cookie, &path).await;
    assert!(
        html.contains("Harness × converter") && html.contains(">base64<") && html.contains(">rot13<"),
        "the heat map has the converters"
    );
    assert!(html.contains("class=\"rate-bar") || html.contains("<svg"), "scores are drawn as bars");

    // Failed only: every row shown failed, and one of them opens with its finding marked.
    let (_, failed) = page(&app, &cookie, &format!("{path}?failed=1")).await;
    let rows = failed.matches("<tr><td><a href=").count();
    assert!(rows > 0, "the echoing mock fails some security probes");
    assert_eq!(failed.matches("class=\"verdict-fail\"").count(), rows, "only failed results are listed");
    let result = link(&failed, &format!("{path}/results/")).expect("a failed result's link");
    let (status, transcript) = page(&app, &cookie, &result).await;
    assert_eq!(status, 200);
    assert!(transcript.contains("turn-user") && transcript.contains("turn-assistant"), "the transcript is a conversation");
    assert!(transcript.contains("<mark class=\"finding\""), "the finding is marked in the reply: {transcript}");

    // A second run of the same target: the trend has two points, the comparison lists probes.
    let (_, page_html) = page(&app, &cookie, &path).await;
    let rerun = post_form(&app, &cookie, &format!("{path}/rerun"), &format!("csrf={}", csrf_of(&page_html))).await;
    assert_eq!(rerun.status().as_u16(), 303);
    let second = rerun.headers()["location"].to_str().expect("ascii").to_owned();
    assert_ne!(second, path, "a re-run is a new evaluation");
    wait_finished(&app, &cookie, &second).await;
    let (status, trend) = page(&app, &cookie, "/ui/trends?target=%5B%22mock%22%5D").await;
    assert_eq!(status, 200);
    assert!(trend.contains("<polyline") && trend.contains(">security<"), "one line per harness: {trend}");
    let a = path.trim_start_matches("/ui/evaluations/");
    let b = second.trim_start_matches("/ui/evaluations/");
    let (_, compare) = page(&app, &cookie, &format!("/ui/compare?a={a}&b={b}")).await;
    assert!(compare.contains("change-same"), "the same mock gives the same verdicts: {compare}");
    assert!(!compare.contains("change-broke") && !compare.contains("change-fixed"));
}

async fn provider_keys_are_added_and_deleted_and_prompts_show_their_revisions(app: TestApp) {
    let team = app.team("ui-manage", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let (status, projects) = page(&app, &cookie, "/ui/projects").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&projects);

    let bad = post_form(&app, &cookie, "/ui/provider-keys", &format!("csrf={csrf}&name=k&hub=no-such-hub")).await;
    assert_eq!(bad.status().as_u16(), 400, "an unknown hub is refused");
    let made =
        post_form(&app, &cookie, "/ui/provider-keys", &format!("csrf={csrf}&name=main&hub=openai&url=&secret=sk-test-123&hub_config="))
            .await;
    assert_eq!(made.status().as_u16(), 303);
    let keys = app.store.list_provider_keys(&team.team.id).await.expect("keys");
    assert_eq!((keys.len(), keys[0].hub.as_str(), keys[0].has_secret), (1, "openai", true));
    let (_, listed) = page(&app, &cookie, "/ui/projects").await;
    assert!(listed.contains(">main<") && !listed.contains("sk-test-123"), "listed, the secret never shown");
    let deleted = post_form(&app, &cookie, &format!("/ui/provider-keys/{}/delete", keys[0].id), &format!("csrf={csrf}")).await;
    assert_eq!(deleted.status().as_u16(), 303);
    assert!(app.store.list_provider_keys(&team.team.id).await.expect("keys").is_empty());

    let body = serde_json::json!({"prompt": "You answer <b>travel</b> questions.", "name": "Travel", "description": "d", "mode": "none"});
    let (_, created) = crate::helpers::json_of(app.post_json("/api/v1/prompts", &team.key, &body).await).await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let (_, workbench) = page(&app, &cookie, "/ui/workbench").await;
    assert!(workbench.contains(&format!("/ui/workbench/prompts/{id}")), "the prompt links to its page");
    let (status, prompt) = page(&app, &cookie, &format!("/ui/workbench/prompts/{id}")).await;
    assert_eq!(status, 200);
    assert!(prompt.contains("Revision 1") && prompt.contains("You answer &lt;b&gt;travel&lt;/b&gt; questions."), "{prompt}");
    let other = app.team("ui-manage-other", Plan::Free).await;
    let other_cookie = sign_in(&app, &other.key).await;
    assert_eq!(page(&app, &other_cookie, &format!("/ui/workbench/prompts/{id}")).await.0, 404);
}

async fn an_ingest_project_made_here_charts_its_runs_and_lists_them_in_the_overview(app: TestApp) {
    let team = app.team("ui-ingest", Plan::Free).await;
    let cookie = sign_in(&app, &team.key).await;
    let (_, projects) = page(&app, &cookie, "/ui/projects").await;
    let made = post_form(&app, &cookie, "/ui/projects", &format!("csrf={}&slug=web-app&name=Web", csrf_of(&projects))).await;
    assert_eq!(made.status().as_u16(), 303);
    let bad = post_form(&app, &cookie, "/ui/projects", &format!("csrf={}&slug=Not+A+Slug", csrf_of(&projects))).await;
    assert_eq!(bad.status().as_u16(), 400);
    for (run, results) in [
        ("5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b01", ["pass", "pass", "fail", "pass"]),
        ("5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b02", ["fail", "fail", "fail", "pass"]),
    ] {
        let evaluations: Vec<serde_json::Value> = results
            .iter()
            .enumerate()
            .map(|(index, result)| {
                serde_json::json!({"assertion_type": if index % 2 == 0 { "groundedness" } else { "pii" }, "test_name": format!("t{index}"),
                    "test_file": "tests/chat.spec.ts", "input_text": "What is the refund window?", "result": result, "score": 0.5,
                    "reasoning": "r", "judge_model": "m", "judge_latency_ms": 1, "judge_cost_usd": 0.0, "fallback_used": false,
                    "threshold": 0.7, "threshold_source": "inline", "failure_reason": null})
            })
            .collect();
        let body = serde_json::json!({"project_slug": "web-app", "run_id": run, "run": {"started_at": "2026-11-23T08:00:00Z"}, "evaluations": evaluations});
        let response = app.post_json("/api/ingest", &team.key, &body).await;
        assert_eq!(response.status().as_u16(), 200, "{:?}", response.text().await);
    }
    let (status, trend) = page(&app, &cookie, "/ui/trends?project=web-app").await;
    assert_eq!(status, 200);
    assert!(
        trend.contains("<polyline") && trend.contains(">groundedness<") && trend.contains(">pii<"),
        "one line per assertion type: {trend}"
    );
    assert!(trend.contains(">5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b01<") && trend.contains(">5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b02<"));
    let (_, listed) = page(&app, &cookie, "/ui/?kind=ingest").await;
    assert!(listed.contains("9f1e2b01") && listed.contains("9f1e2b02"), "ingested runs are in the overview");
    assert_eq!(page(&app, &cookie, "/ui/trends?project=no-such").await.0, 404);
}

on_both_databases!(
    an_ingest_project_made_here_charts_its_runs_and_lists_them_in_the_overview,
    provider_keys_are_added_and_deleted_and_prompts_show_their_revisions,
    an_evaluation_shows_scores_a_heat_map_filters_transcripts_trends_and_a_comparison,
    sign_in_sets_a_session_and_a_bad_key_is_told_so,
    forms_need_the_session_csrf_token_and_this_origin,
    another_teams_evaluation_is_not_found,
    the_overview_pages_through_every_evaluation_newest_first,
    the_event_stream_reports_results_and_resumes_after_the_last_id,
    every_page_references_only_this_server,
    a_viewer_reads_every_page_and_its_forms_are_refused,
);

async fn a_viewer_reads_every_page_and_its_forms_are_refused(app: TestApp) {
    let team = app.team("ui-viewer", Plan::Free).await;
    let viewer = app.store.set_user_role(&team.team.id, &team.owner.id, assay_core::TeamRole::Viewer).await;
    // The last owner cannot become a viewer; a second user, made owner, lets the first step down.
    assert!(viewer.is_err(), "the team keeps an owner");
    let store = &app.store;
    let invite =
        store.create_invite(&team.team.id, "owner2@example.com", assay_core::TeamRole::Owner, &team.owner.id).await.expect("invite");
    let secret = assay_core::KeySecret::generate();
    store.accept_invite(&invite.id, &team.owner.id, "owner2", &secret).await.expect("accept").expect("invite");
    store.set_user_role(&team.team.id, &team.owner.id, assay_core::TeamRole::Viewer).await.expect("role").expect("user");

    let cookie = sign_in(&app, &team.key).await;
    for path in ["/ui/", "/ui/keys", "/ui/targets", "/ui/projects", "/ui/scans/new"] {
        assert_eq!(page(&app, &cookie, path).await.0, 200, "{path}");
    }
    let (_, keys) = page(&app, &cookie, "/ui/keys").await;
    let refused = post_form(&app, &cookie, "/ui/keys", &format!("name=ci&csrf={}", csrf_of(&keys))).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused.text().await.expect("body").contains("viewer"), "the page says why");
    assert_eq!(store.list_api_keys(Some(&team.team.id)).await.expect("keys").len(), 2, "no key was made");
}
