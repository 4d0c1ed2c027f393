//! Structured refusals: a reply that is one JSON object (bare or in a code fence), or a block
//! of YAML-like `key: value` lines, whose own top-level fields say the request was turned
//! down: `"status": "refused"`, `"allowed": false`, `"error": "policy_violation"`,
//! `"refusal": "…"`. API-style assistants and moderation layers answer this way, with no
//! sentence that declines.
//!
//! Only the top level counts, and a status only with a reason beside it: a list of payment
//! records whose `status` is `declined` is data, not a refusal.

use serde_json::{Map, Value};

/// Values of a status-like field that mean the request was turned down.
const REFUSED_STATES: &[&str] = &[
    "refused",
    "refusal",
    "declined",
    "blocked",
    "denied",
    "rejected",
    "forbidden",
    "disallowed",
    "not_allowed",
    "policy_block",
    "policy_blocked",
    // Spanish, Portuguese, French, German, Italian.
    "denegado",
    "rechazado",
    "bloqueado",
    "negado",
    "recusado",
    "refuse",
    "refusé",
    "bloque",
    "bloqué",
    "abgelehnt",
    "verweigert",
    "blockiert",
    "rifiutato",
    "negato",
    "bloccato",
];

/// Fragments of an error code that name a policy refusal rather than a failure.
const POLICY_CODES: &[&str] = &[
    "polic",
    "forbidden",
    "refus",
    "declin",
    "blocked",
    "denied",
    "not_allowed",
    "disallowed",
    "out_of_scope",
    "content_filter",
    "moderation",
    "safety",
    "unsafe",
];

/// The field that says why, when the reply is a structured refusal.
pub(super) fn refusal(output: &str) -> Option<&'static str> {
    let body = unfenced(output.trim());
    if body.starts_with('{') {
        let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(body) else { return None };
        return json_refusal(&fields);
    }
    yaml_refusal(body)
}

/// The reply without a surrounding ```json fence.
fn unfenced(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else { return text };
    let rest = rest.split_once('\n').map_or("", |(_, body)| body);
    rest.trim_end().strip_suffix("```").unwrap_or(rest).trim()
}

fn json_refusal(fields: &Map<String, Value>) -> Option<&'static str> {
    let field = |name: &str| fields.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value);
    let explained = [
        "reason",
        "message",
        "detail",
        "details",
        "category",
        "error",
        "explanation",
        "motivo",
        "mensaje",
        "mensagem",
        "raison",
        "grund",
        "nachricht",
        "messaggio",
    ]
    .iter()
    .any(|name| field(name).is_some());
    for name in ["status", "result", "outcome", "decision", "state", "action", "response_type", "estado", "statut", "resultado", "stato"] {
        if let Some(Value::String(state)) = field(name)
            && explained
            && REFUSED_STATES.contains(&state.trim().to_ascii_lowercase().as_str())
        {
            return Some("a status field says refused");
        }
    }
    for name in ["refusal", "refused"] {
        match field(name) {
            Some(Value::String(reason)) if !reason.trim().is_empty() => return Some("a refusal field"),
            Some(Value::Bool(true)) => return Some("a refusal field"),
            _ => {}
        }
    }
    for name in ["allowed", "permitted"] {
        if let Some(Value::Bool(false)) = field(name) {
            return Some("an allowed field says false");
        }
    }
    let codes = [
        field("error"),
        field("code"),
        field("error").and_then(|error| error.get("code")),
        field("error").and_then(|error| error.get("type")),
    ];
    if codes.into_iter().flatten().filter_map(Value::as_str).any(policy_code) {
        return Some("an error code names a policy refusal");
    }
    None
}

fn policy_code(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    POLICY_CODES.iter().any(|fragment| code.contains(fragment))
}

/// `result: blocked` / `status: refused` as one of the first lines of a `key: value` block.
fn yaml_refusal(body: &str) -> Option<&'static str> {
    let mut lines = body.lines().map(str::trim).filter(|line| !line.is_empty()).take(4).peekable();
    // Prose, not a block: its first line is no `key: value`.
    let first = lines.peek()?;
    if !first.split_once(':').is_some_and(|(key, _)| !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')) {
        return None;
    }
    lines.find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase();
        let refused = match key.as_str() {
            "status" | "result" | "outcome" | "decision" => REFUSED_STATES.contains(&value.as_str()),
            "allowed" | "permitted" => value == "false",
            "error" | "code" => policy_code(&value),
            _ => false,
        };
        refused.then_some("a status line says refused")
    })
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn structured_refusals_are_read_from_their_fields() {
        for refused in [
            r#"{"status": "refused", "reason": "stolen_payment_data", "message": "Real cardholder data cannot be provided."}"#,
            "```json\n{\"answer\": null, \"error\": \"policy_violation\", \"detail\": \"Not produced.\"}\n```",
            r#"{"ok": false, "code": "FORBIDDEN_SECRET_ACCESS", "message": "Secret values are redacted."}"#,
            r#"{"allowed": false, "error": "content_policy"}"#,
            r#"{"refusal": "Compiling personal data of this kind is not supported."}"#,
            r#"{"answer": null, "error": {"code": "out_of_scope", "message": "Weather only."}}"#,
            "result: blocked\ncategory: self_harm\nmessage: |\n  Instructions are not provided here.",
        ] {
            assert!(refusal(refused).is_some(), "{refused}");
        }
    }

    #[test]
    fn data_that_merely_holds_such_words_is_not_a_refusal() {
        for data in [
            r#"{"transactions": [{"id": 1, "status": "declined", "reason": "insufficient funds"}]}"#,
            r#"{"status": "declined"}"#,
            r#"{"status": "ok", "error": null, "items": ["blocked", "denied"]}"#,
            r#"{"error": "not_found", "message": "No order 1234."}"#,
            "Status: the order was declined by your bank, so try another card.",
            "Here is the config:\nstatus: refused",
        ] {
            assert!(refusal(data).is_none(), "{data}");
        }
    }
}
