//! The HTTP API, in the style of Riak's: routes, validation, and the
//! mapping from an operation's outcome to an HTTP answer.
//!
//! Handlers validate everything before the cluster sees it, with the
//! scenario format's own checks ([`TimelineEntry::action`]), so that a bad
//! request gets the same message a bad scenario file would, and the
//! cluster loop only ever schedules valid operations. Every refusal is a
//! 4xx with a JSON body `{"error": "..."}` naming what is wrong.

use std::convert::Infallible;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{broadcast, oneshot, watch};
use wildling_core::ids::{ClientId, NodeId};
use wildling_core::node::client::parse_context;
use wildling_core::node::ContextChoice;
use wildling_core::quoted::Quoted;
use wildling_core::scenario::{ClusterConfig, GetSpec, PutSpec, TimelineEntry, MAX_TEXT_BYTES};
use wildling_core::sim::network::Fault;
use wildling_core::sim::trace::escape_controls;

use crate::engine::{Answer, Gauges, Refused, Request};
use crate::metrics::Metrics;
use wildling_core::view::OpStatus;

/// The header that carries a causal context, in the kernel's text form.
pub const CONTEXT_HEADER: &str = "x-wildling-context";

/// The largest fault body read, in bytes: a partition of 64 nodes in
/// groups fits many times over.
const FAULT_BODY_MAX: usize = 16 * 1024;

/// The most `/events` listeners at once; each holds a connection and a
/// place in the broadcast.
pub const LISTENERS_MAX: usize = 64;

/// What the handlers share.
#[derive(Clone)]
pub struct App {
    /// The cluster loop's bounded queue.
    pub requests: SyncSender<Request>,
    /// The cluster's configuration, to validate against.
    pub config: Arc<ClusterConfig>,
    /// How many clients the cluster has (`c1` … `c{clients}`).
    pub clients: u16,
    /// The HTTP side's counters.
    pub metrics: Arc<Metrics>,
    /// The trace lines, live.
    pub events: broadcast::Sender<Arc<str>>,
    /// Becomes true when the server stops, to end `/events` streams.
    pub stopping: watch::Receiver<bool>,
}

/// The routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route(
            "/keys/{key}",
            get(get_key)
                .put(put_key)
                .delete(delete_key)
                .layer(DefaultBodyLimit::max(MAX_TEXT_BYTES)),
        )
        .route("/cluster", get(cluster))
        .route(
            "/faults",
            post(fault).layer(DefaultBodyLimit::max(FAULT_BODY_MAX)),
        )
        .route("/events", get(events))
        .route("/metrics", get(metrics))
        .fallback(no_route)
        .with_state(app)
}

/// Why a request gets no outcome.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed; the message names what.
    BadRequest(String),
    /// 413: the body is over its limit.
    TooLarge(String),
    /// 503 with `Retry-After`: the queue is full.
    Busy,
    /// 503: the server is stopping.
    Stopping,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
            ApiError::Busy => {
                let body = json!({ "error": "the server is busy: its request queue is full; retry in a second" });
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "1")],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Stopping => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is stopping".to_string(),
            ),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

/// The most characters of a message from axum or serde (a rejected query,
/// body or fault) that an answer repeats: such a message quotes the
/// request (an unknown field's name) in full, so it is cut here, with
/// room for its own words and a [`Quoted`]-sized quote.
const REJECTION_CHARS_MAX: usize = 192;

/// `what: message`, the message cut at [`REJECTION_CHARS_MAX`] characters
/// and its control characters escaped.
fn rejected(what: &str, message: &str) -> ApiError {
    let shown = match message.char_indices().nth(REJECTION_CHARS_MAX) {
        Some((cut, _)) => format!("{}… ({} bytes)", &message[..cut], message.len()),
        None => message.to_string(),
    };
    bad(format!("{what}: {}", escape_controls(&shown)))
}

/// Hand `request` to the cluster loop and wait for its answer.
async fn ask<T>(
    app: &App,
    request: impl FnOnce(oneshot::Sender<T>) -> Request,
) -> Result<T, ApiError> {
    let (reply, answer) = oneshot::channel();
    app.requests.try_send(request(reply)).map_err(|e| match e {
        TrySendError::Full(_) => ApiError::Busy,
        TrySendError::Disconnected(_) => ApiError::Stopping,
    })?;
    answer.await.map_err(|_| ApiError::Stopping)
}

/// The query of `/keys/{key}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyQuery {
    node: Option<String>,
    client: Option<String>,
    r: Option<String>,
    w: Option<String>,
}

/// `n3` or `3`.
fn node_of(text: Option<&str>) -> Result<NodeId, ApiError> {
    let Some(text) = text else {
        return Ok(NodeId(1));
    };
    let named = if text.starts_with('n') {
        text.to_string()
    } else {
        format!("n{text}")
    };
    named.parse().map_err(|_| {
        bad(format!(
            "node: {} is not a node; name one as n1 or 1",
            Quoted(text)
        ))
    })
}

/// `c2` or `2`, and one the cluster has.
fn client_of(text: Option<&str>, clients: u16) -> Result<u16, ApiError> {
    let Some(text) = text else {
        return Ok(1);
    };
    let named = if text.starts_with('c') {
        text.to_string()
    } else {
        format!("c{text}")
    };
    let ClientId(client) = named.parse().map_err(|_| {
        bad(format!(
            "client: {} is not a client; name one as c1 or 1",
            Quoted(text)
        ))
    })?;
    if client == 0 || client > clients {
        return Err(bad(format!(
            "client: c{client} does not exist; this cluster has clients c1 to c{clients}"
        )));
    }
    Ok(client)
}

/// An R or W.
fn quorum_of(name: &str, text: Option<&str>) -> Result<Option<u8>, ApiError> {
    text.map(|t| {
        t.parse()
            .map_err(|_| bad(format!("{name}: {} is not a number from 1 to N", Quoted(t))))
    })
    .transpose()
}

fn query_of(query: Result<Query<KeyQuery>, QueryRejection>) -> Result<KeyQuery, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| rejected("the query", &e.body_text()))
}

/// Validate `entry` as the scenario format does.
fn validate(app: &App, entry: &TimelineEntry) -> Result<(), ApiError> {
    entry
        .action(&app.config, "request")
        .map(|_| ())
        .map_err(|e| bad(e.to_string().replace("request.", "")))
}

/// What a context header asks for: none (a blind write) without one.
fn context_of(headers: &HeaderMap) -> Result<ContextChoice, ApiError> {
    let Some(value) = headers.get(CONTEXT_HEADER) else {
        return Ok(ContextChoice::None);
    };
    let text = value
        .to_str()
        .map_err(|_| bad("X-Wildling-Context: not text; a context looks like {n1:2, n3:1}"))?;
    parse_context(text).map_err(|e| bad(format!("X-Wildling-Context: {e}")))
}

fn context_header(context: &str) -> (header::HeaderName, HeaderValue) {
    // A context's text form is printable ASCII; should it ever not be,
    // the body still carries it.
    let value = HeaderValue::from_str(context).unwrap_or_else(|_| HeaderValue::from_static(""));
    (header::HeaderName::from_static(CONTEXT_HEADER), value)
}

/// The HTTP answer to a get's or put's outcome, and the outcome's name
/// for the metrics.
fn answer(outcome: Answer) -> (Response, &'static str) {
    match outcome {
        Ok(OpStatus::Got { values, context: text }) => {
            let context = context_header(&text);
            match values.as_slice() {
                [] => (
                    (
                        StatusCode::NOT_FOUND,
                        [context],
                        Json(json!({ "error": "no replica that answered holds a value for this key" })),
                    )
                        .into_response(),
                    "not-found",
                ),
                [value] => (
                    (
                        StatusCode::OK,
                        [context, (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
                        value.to_string(),
                    )
                        .into_response(),
                    "ok",
                ),
                siblings => {
                    let body = json!({ "siblings": siblings, "context": text });
                    (
                        (StatusCode::MULTIPLE_CHOICES, [context], Json(body)).into_response(),
                        "siblings",
                    )
                }
            }
        }
        Ok(OpStatus::Put) => (StatusCode::NO_CONTENT.into_response(), "ok"),
        Ok(OpStatus::QuorumFailed { acks, needed }) => (
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "error": format!("quorum failed: {acks} of the {needed} answers needed came in time"),
                    "acks": acks,
                    "needed": needed,
                })),
            )
                .into_response(),
            "quorum-failed",
        ),
        Ok(OpStatus::Timeout) => (
            (
                StatusCode::GATEWAY_TIMEOUT,
                Json(json!({ "error": "no answer reached the client in time: its node is down or cut off" })),
            )
                .into_response(),
            "timeout",
        ),
        // The loop answers only completed operations; a pending one would
        // be its bug, reported rather than panicked on.
        Ok(OpStatus::Pending) => (
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "error": "the cluster answered before the operation completed" })),
            )
                .into_response(),
            "refused",
        ),
        Err(Refused::Cluster(reason)) => (
            (
                StatusCode::CONFLICT,
                Json(json!({ "error": format!("refused: {reason}") })),
            )
                .into_response(),
            "refused",
        ),
        Err(Refused::Stopped(why)) => (
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "error": format!("the cluster stopped and takes no more operations: {why}") })),
            )
                .into_response(),
            "stopped",
        ),
        Err(Refused::Disk(e)) => (
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                Json(json!({ "error": format!("--data cannot be written, so nothing is acknowledged: {e}") })),
            )
                .into_response(),
            "disk-failed",
        ),
    }
}

async fn run_op(app: &App, kind: &'static str, entry: TimelineEntry) -> Response {
    let started = Instant::now();
    let (response, outcome) = match ask(app, |reply| Request::Op { entry, reply }).await {
        Ok(outcome) => answer(outcome),
        Err(e) => (e.into_response(), "busy"),
    };
    app.metrics.count(kind, outcome, started.elapsed());
    response
}

async fn get_key(
    State(app): State<App>,
    Path(key): Path<String>,
    query: Result<Query<KeyQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = query_of(query)?;
    if query.w.is_some() {
        return Err(bad("w: a get takes r, not w"));
    }
    let entry = TimelineEntry {
        client: Some(client_of(query.client.as_deref(), app.clients)?),
        get: Some(GetSpec {
            key,
            node: node_of(query.node.as_deref())?,
            r: quorum_of("r", query.r.as_deref())?,
        }),
        ..TimelineEntry::at(0)
    };
    validate(&app, &entry)?;
    Ok(run_op(&app, "get", entry).await)
}

async fn put_key(
    State(app): State<App>,
    Path(key): Path<String>,
    query: Result<Query<KeyQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let query = query_of(query)?;
    if query.r.is_some() {
        return Err(bad("r: a put takes w, not r"));
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(format!(
            "the value is over {MAX_TEXT_BYTES} bytes, the scenario format's limit for a value"
        )),
        _ => rejected("the body", &e.body_text()),
    })?;
    let value = String::from_utf8(body.to_vec())
        .map_err(|e| bad(format!("the value is not UTF-8 text: {e}")))?;
    let entry = TimelineEntry {
        client: Some(client_of(query.client.as_deref(), app.clients)?),
        put: Some(PutSpec {
            key,
            value,
            node: node_of(query.node.as_deref())?,
            context: context_of(&headers)?,
            w: quorum_of("w", query.w.as_deref())?,
        }),
        ..TimelineEntry::at(0)
    };
    validate(&app, &entry)?;
    Ok(run_op(&app, "put", entry).await)
}

async fn delete_key() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, PUT")],
        Json(json!({
            "error": "the model has no delete: Dynamo deletes by writing a tombstone with the context, \
                      and this cluster keeps every value it is given; PUT a new value with the context instead"
        })),
    )
        .into_response()
}

/// The query of `/cluster`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterQuery {
    key: Option<String>,
}

async fn cluster(
    State(app): State<App>,
    query: Result<Query<ClusterQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let key = query
        .map_err(|e| rejected("the query", &e.body_text()))?
        .0
        .key;
    if let Some(key) = &key {
        // A get of the key is valid exactly when the key is.
        let entry = TimelineEntry {
            client: Some(1),
            get: Some(GetSpec {
                key: key.clone(),
                node: NodeId(1),
                r: None,
            }),
            ..TimelineEntry::at(0)
        };
        validate(&app, &entry)?;
    }
    Ok(Json(
        ask(&app, |reply| Request::Cluster { key, reply }).await?,
    ))
}

async fn fault(
    State(app): State<App>,
    body: Result<Json<Fault>, JsonRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let Json(fault) = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::TooLarge(format!("a fault is at most {FAULT_BODY_MAX} bytes"))
        }
        _ => rejected("the fault", &e.body_text()),
    })?;
    let entry = TimelineEntry {
        fault: Some(fault.clone()),
        ..TimelineEntry::at(0)
    };
    validate(&app, &entry)?;
    let at = ask(&app, |reply| Request::Fault { entry, reply }).await?;
    let (response, outcome) = match at {
        Ok(at) => (
            Json(json!({ "at_ticks": at, "fault": fault.to_string() })).into_response(),
            "ok",
        ),
        Err(reason) => (
            (StatusCode::CONFLICT, Json(json!({ "error": reason }))).into_response(),
            "refused",
        ),
    };
    app.metrics.count("fault", outcome, started.elapsed());
    Ok(response)
}

async fn events(State(app): State<App>) -> Result<Response, ApiError> {
    if app.events.receiver_count() >= LISTENERS_MAX {
        return Err(ApiError::Busy);
    }
    let lines = app.events.subscribe();
    let stream = futures_util::stream::unfold(
        (lines, app.stopping.clone()),
        |(mut lines, mut stopping)| async move {
            if *stopping.borrow() {
                return None;
            }
            let event = tokio::select! {
                _ = stopping.changed() => return None,
                line = lines.recv() => match line {
                    Ok(line) => Event::default().data(&*line),
                    Err(broadcast::error::RecvError::Lagged(skipped)) => Event::default()
                        .comment(format!("{skipped} lines skipped: this listener reads slower than the cluster runs")),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            };
            Some((Ok::<_, Infallible>(event), (lines, stopping)))
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn metrics(State(app): State<App>) -> Result<Response, ApiError> {
    let gauges: Gauges = ask(&app, |reply| Request::Gauges { reply }).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(&gauges),
    )
        .into_response())
}

async fn no_route() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({
            "error": "no such route: the API has /keys/{key}, /cluster, /faults, /events and /metrics (docs/http-api.md)"
        })),
    )
        .into_response()
}
