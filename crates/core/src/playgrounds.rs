//! Playgrounds: a person (or one of assay's attackers) chats with an agent configuration in
//! sessions, and every turn is kept, with detector verdicts on the agent's replies to attacks.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Playground {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub description: String,
    /// The agent a new session talks to.
    pub agent_configuration_id: Id,
    pub created_by: Id,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One conversation of a playground with one agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaygroundSession {
    pub id: Id,
    pub playground_id: Id,
    pub agent_configuration_id: Id,
    pub name: String,
    /// `active` or `closed` (a closed session takes no more messages).
    pub status: String,
    pub created_by: Id,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A detector's verdict on an agent reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageVerdict {
    pub detector_id: String,
    pub hit: bool,
    pub score: f64,
    /// The reply is safe by this detector (its hit read with the detector's meaning).
    pub safe: bool,
    #[serde(default)]
    pub unscorable: bool,
    pub reasoning: String,
}

/// A message to append to a session.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlaygroundMessage {
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// The attacker that wrote a user message, or whose attack an agent reply answered.
    pub attacker_id: Option<String>,
    pub verdicts: Vec<MessageVerdict>,
    /// Why the agent gave no reply.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaygroundMessage {
    pub id: Id,
    pub playground_id: Id,
    pub agent_session_id: Id,
    /// Order within the session, from 1.
    pub seq: i64,
    pub role: String,
    pub content: String,
    pub attacker_id: Option<String>,
    pub verdicts: Vec<MessageVerdict>,
    pub error: Option<String>,
    /// A person's note on the message.
    pub feedback: Option<String>,
    /// A person's rating: -1, 0 or 1.
    pub rating: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}
