//! HTTP metrics in the Prometheus text format: requests by method, route and status, and a
//! latency histogram by method and route. Routes are labelled by their template
//! (`/v1/teams/{id}`), never the raw path, so ids cannot blow up the label count; requests
//! that match no route share the label `unmatched`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Upper bounds (seconds) of the latency buckets.
const BUCKETS: [f64; 11] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct Histogram {
    /// Count of observations at or under each bound of `BUCKETS` (cumulative when rendered).
    per_bucket: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

#[derive(Debug, Default)]
struct Series {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

#[derive(Debug, Default)]
pub struct HttpMetrics {
    series: Mutex<Series>,
}

impl HttpMetrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *series.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        let histogram = series.latency.entry((method.to_owned(), route.to_owned())).or_default();
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.per_bucket[bucket] += 1;
        }
        histogram.count += 1;
        histogram.sum_seconds += seconds;
    }

    /// The Prometheus text exposition of everything observed so far.
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        out.push_str("# HELP assay_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE assay_http_requests_total counter\n");
        for ((method, route, status), count) in &series.requests {
            let _ = writeln!(
                out,
                "assay_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route)
            );
        }
        out.push_str("# HELP assay_http_request_duration_seconds Time to answer HTTP requests, by method and route.\n");
        out.push_str("# TYPE assay_http_request_duration_seconds histogram\n");
        for ((method, route), histogram) in &series.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            let mut cumulative = 0;
            for (bound, in_bucket) in BUCKETS.iter().zip(histogram.per_bucket) {
                cumulative += in_bucket;
                let _ = writeln!(out, "assay_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "assay_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", histogram.count);
            let _ = writeln!(out, "assay_http_request_duration_seconds_sum{{{labels}}} {}", histogram.sum_seconds);
            let _ = writeln!(out, "assay_http_request_duration_seconds_count{{{labels}}} {}", histogram.count);
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Middleware: times each request and records it under its route template.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state.metrics.observe(&method, &route, response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_render_as_counters_and_cumulative_buckets() {
        let metrics = HttpMetrics::default();
        metrics.observe("GET", "/healthz", 200, Duration::from_millis(3));
        metrics.observe("GET", "/healthz", 200, Duration::from_millis(30));
        metrics.observe("GET", "/healthz", 503, Duration::from_secs(20));
        let text = metrics.render();
        assert!(text.contains("assay_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"), "{text}");
        assert!(text.contains("assay_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"} 1\n"));
        assert!(text.contains("_bucket{method=\"GET\",route=\"/healthz\",le=\"0.001\"} 0\n"));
        assert!(text.contains("_bucket{method=\"GET\",route=\"/healthz\",le=\"0.005\"} 1\n"));
        assert!(text.contains("_bucket{method=\"GET\",route=\"/healthz\",le=\"10\"} 2\n"));
        assert!(text.contains("_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} 3\n"));
        assert!(text.contains("assay_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 3\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
