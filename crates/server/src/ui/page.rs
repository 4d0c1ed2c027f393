//! The page shell every UI page shares (head, navigation, sign-out form) and the small
//! formatting helpers pages use: dates, rates, pass-rate bars drawn as inline SVG.

use assay_core::Counts;
use assay_core::civil_time::CivilTime;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::session::Viewer;

/// Everything a page may load comes from this server; scripts only from its own files.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The sections in the navigation, by path.
const NAV: [(&str, &str); 8] = [
    ("/ui/", "Overview"),
    ("/ui/scans/new", "New scan"),
    ("/ui/trends", "Trends"),
    ("/ui/compare", "Compare"),
    ("/ui/targets", "Targets"),
    ("/ui/keys", "API keys"),
    ("/ui/projects", "Ingest"),
    ("/ui/workbench", "Workbench"),
];

/// The `<head>` of every page: the stylesheet, and the live-progress script where wanted.
pub fn head(title: &str, with_script: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · assay" }
            link rel="stylesheet" href="/ui/assets/app.css";
            link rel="icon" href="data:,";
            @if with_script { script src="/ui/assets/app.js" defer {} }
        }
    }
}

/// A whole page: `active` is the navigation entry it belongs to.
pub fn page(title: &str, viewer: Option<&Viewer>, active: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, true))
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/ui/" { "assay" }
                    @if let Some(viewer) = viewer {
                        nav aria-label="Main" {
                            ul {
                                @for (href, label) in NAV {
                                    li { a href=(href) aria-current=[(href == active).then_some("page")] { (label) } }
                                }
                            }
                        }
                        form.signout method="post" action="/ui/sign-out" {
                            span.team title="Signed in team" { (viewer.team_name) }
                            input type="hidden" name="csrf" value=(viewer.csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    };
    html_response(StatusCode::OK, markup)
}

/// An HTML answer with the UI's security headers.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page an error is shown as under `/ui`.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(&status.as_u16().to_string(), false))
            body {
                header.top { a.brand href="/ui/" { "assay" } }
                main #main {
                    h1 { (status.canonical_reason().unwrap_or("Error")) }
                    p.error role="alert" { (message) }
                    p { a href="/ui/" { "Back to the overview" } }
                }
            }
        }
    };
    html_response(status, markup)
}

/// A hidden field with the session's CSRF token: every form that changes something has one.
pub fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf); }
}

/// A Unix time as `YYYY-MM-DD HH:MM` UTC.
pub fn date(unix: i64) -> String {
    let t = CivilTime::from_unix(unix);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", t.year, t.month, t.day, t.hour, t.minute)
}

/// Passed over decided results, when any was decided.
pub fn pass_rate(passed: i64, failed: i64) -> Option<f64> {
    let decided = passed + failed;
    (decided > 0).then(|| passed as f64 / decided as f64)
}

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

/// A labelled bar of the pass rate with its counts, drawn as SVG (no inline styles).
pub fn rate_bar(label: &str, passed: i64, failed: i64) -> Markup {
    let rate = pass_rate(passed, failed);
    let width = rate.map_or(0.0, |r| r * 100.0);
    html! {
        div.bar {
            span.bar-label { (label) }
            svg viewBox="0 0 100 8" preserveAspectRatio="none" role="img"
                aria-label=(format!("{label}: {} passed, {passed} of {}", percent(rate), passed + failed)) {
                rect.bar-back x="0" y="0" width="100" height="8" {}
                rect.bar-pass x="0" y="0" width=(format!("{width:.1}")) height="8" {}
            }
            span.bar-figure { (percent(rate)) " " small { "(" (passed) "/" (passed + failed) ")" } }
        }
    }
}

/// The counters of an evaluation as a short list.
pub fn counts(counts: &Counts) -> Markup {
    html! {
        dl.counts {
            div { dt { "Done" } dd data-count="done" { (counts.done) " / " (counts.total) } }
            div { dt { "Passed" } dd data-count="passed" { (counts.passed) } }
            div { dt { "Failed" } dd data-count="failed" { (counts.failed) } }
            div { dt { "Errors" } dd data-count="errored" { (counts.errored) } }
            div { dt { "Unscorable" } dd data-count="unscorable" { (counts.unscorable) } }
        }
    }
}

/// A target list as stored (a JSON list) in words.
pub fn targets_text(stored: &str) -> String {
    serde_json::from_str::<Vec<String>>(stored).map_or_else(|_| stored.to_owned(), |targets| targets.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(date(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(date(951_782_400), "2000-02-29 00:00");
    }

    #[test]
    fn a_bar_escapes_its_label_and_shows_counts() {
        let bar = rate_bar("<b>x</b>", 3, 1).into_string();
        assert!(bar.contains("&lt;b&gt;x&lt;/b&gt;") && bar.contains("75%") && bar.contains("(3/4)"), "{bar}");
        assert_eq!(percent(pass_rate(0, 0)), "–");
    }
}
