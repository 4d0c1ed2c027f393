//! HTTP metrics in the Prometheus text format: requests by method, route and status, and a
//! latency histogram by method and route. Routes are labelled by their template
//! (`/v1/teams/{id}`), never the raw path, so ids cannot blow up the label count; requests
//! that match no route share the label `unmatched`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assay_engine::metrics::{Histogram, describe, escape};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

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
        series.latency.entry((method.to_owned(), route.to_owned())).or_default().observe(elapsed);
    }

    /// The Prometheus text exposition of everything observed so far.
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        describe(&mut out, "assay_http_requests_total", "counter", "HTTP requests answered, by method, route and status.");
        for ((method, route, status), count) in &series.requests {
            let _ = writeln!(
                out,
                "assay_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route)
            );
        }
        describe(&mut out, "assay_http_request_duration_seconds", "histogram", "Time to answer HTTP requests, by method and route.");
        for ((method, route), histogram) in &series.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            histogram.render(&mut out, "assay_http_request_duration_seconds", &labels);
        }
        out
    }
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
}
