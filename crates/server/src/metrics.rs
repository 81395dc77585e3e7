//! `/metrics`: the HTTP side's counters, and the Prometheus text format.
//!
//! The handlers count requests by kind and outcome and time them (wall
//! clock, from the request to its answer) with atomics, so that counting
//! never waits; the cluster's own figures ([`Gauges`]) come from the
//! cluster loop when `/metrics` is read.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::engine::Gauges;

/// The kinds of request counted.
pub const KINDS: [&str; 3] = ["get", "put", "fault"];

/// The outcomes counted: an HTTP answer's meaning.
pub const OUTCOMES: [&str; 9] = [
    "ok",
    "not-found",
    "siblings",
    "quorum-failed",
    "timeout",
    "refused",
    "busy",
    "disk-failed",
    "stopped",
];

/// Upper bounds of the latency histogram's buckets, in microseconds.
const BUCKETS_US: [u64; 12] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
];

/// The HTTP side's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [[AtomicU64; OUTCOMES.len()]; KINDS.len()],
    /// Per bucket, the requests at most that long; one more for +Inf.
    latency: [AtomicU64; BUCKETS_US.len() + 1],
    latency_sum_us: AtomicU64,
}

impl Metrics {
    /// Count a request of `kind` that ended as `outcome` after `took`.
    pub fn count(&self, kind: &str, outcome: &str, took: Duration) {
        let (Some(k), Some(o)) = (
            KINDS.iter().position(|x| *x == kind),
            OUTCOMES.iter().position(|x| *x == outcome),
        ) else {
            // Only this crate calls it, with the names above.
            debug_assert!(false, "unknown metric {kind}/{outcome}");
            return;
        };
        self.requests[k][o].fetch_add(1, Ordering::Relaxed);
        let us = took.as_micros().min(u128::from(u64::MAX)) as u64;
        let bucket = BUCKETS_US
            .iter()
            .position(|bound| us <= *bound)
            .unwrap_or(BUCKETS_US.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us.fetch_add(us, Ordering::Relaxed);
    }

    /// Everything in the Prometheus text format, version 0.0.4.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        out.push_str("# HELP wildling_requests_total Requests answered, by kind and outcome.\n");
        out.push_str("# TYPE wildling_requests_total counter\n");
        for (k, kind) in KINDS.iter().enumerate() {
            for (o, outcome) in OUTCOMES.iter().enumerate() {
                let n = self.requests[k][o].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "wildling_requests_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP wildling_request_duration_seconds Wall-clock time from a request to its answer.\n");
        out.push_str("# TYPE wildling_request_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, bound) in BUCKETS_US.iter().enumerate() {
            cumulative += self.latency[i].load(Ordering::Relaxed);
            let seconds = *bound as f64 / 1e6;
            let _ = writeln!(
                out,
                "wildling_request_duration_seconds_bucket{{le=\"{seconds}\"}} {cumulative}"
            );
        }
        cumulative += self.latency[BUCKETS_US.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "wildling_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let sum = self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "wildling_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "wildling_request_duration_seconds_count {cumulative}");
        let gauge = |out: &mut String, name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        gauge(
            &mut out,
            "wildling_virtual_time_ticks",
            "gauge",
            "The cluster's virtual time.",
            gauges.now_ticks,
        );
        gauge(
            &mut out,
            "wildling_keys",
            "gauge",
            "Keys stored, counted once per replica.",
            gauges.keys,
        );
        gauge(
            &mut out,
            "wildling_siblings_max",
            "gauge",
            "The most siblings any stored key has.",
            gauges.siblings_max,
        );
        gauge(
            &mut out,
            "wildling_hints",
            "gauge",
            "Hints held by fallbacks.",
            gauges.hints,
        );
        gauge(
            &mut out,
            "wildling_hints_stored_total",
            "counter",
            "Hints fallbacks accepted.",
            gauges.hints_stored,
        );
        gauge(
            &mut out,
            "wildling_read_repairs_total",
            "counter",
            "Read repairs coordinators sent.",
            gauges.repairs,
        );
        gauge(
            &mut out,
            "wildling_waiting_operations",
            "gauge",
            "Operations waiting for their outcome.",
            gauges.waiting,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_latencies_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.count("get", "ok", Duration::from_micros(300));
        metrics.count("get", "ok", Duration::from_secs(3));
        metrics.count("put", "quorum-failed", Duration::from_micros(90));
        let text = metrics.render(&Gauges {
            siblings_max: 2,
            ..Gauges::default()
        });
        assert!(
            text.contains("wildling_requests_total{kind=\"get\",outcome=\"ok\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("wildling_requests_total{kind=\"put\",outcome=\"quorum-failed\"} 1\n")
        );
        assert!(text.contains("wildling_request_duration_seconds_bucket{le=\"0.0001\"} 1\n"));
        assert!(text.contains("wildling_request_duration_seconds_bucket{le=\"0.0005\"} 2\n"));
        assert!(text.contains("wildling_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("wildling_request_duration_seconds_count 3\n"));
        assert!(text.contains("wildling_siblings_max 2\n"));
    }
}
