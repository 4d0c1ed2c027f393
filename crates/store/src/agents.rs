//! Agent configurations: the SQL that keeps a team's named agents.

use assay_core::{AgentConfiguration, AgentDefinition, AgentStatus, Id, unix_now};

use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct AgentRow {
    id: String,
    team_id: String,
    agent_name: String,
    hub: String,
    model_name: String,
    agent_url: Option<String>,
    api_key_id: Option<String>,
    agent_system_prompt: Option<String>,
    status: String,
    hub_config: Option<String>,
    rag_params: Option<String>,
    function_route_params: Option<String>,
    created_by: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn json_of(what: &str, column: Option<&str>) -> Result<Option<serde_json::Value>> {
    column.map(|text| from_json_column(what, text)).transpose()
}

fn column_of(what: &str, value: Option<&serde_json::Value>) -> Result<Option<String>> {
    value.map(|value| to_json_column(what, value)).transpose()
}

impl TryFrom<AgentRow> for AgentConfiguration {
    type Error = Error;
    fn try_from(row: AgentRow) -> Result<Self> {
        Ok(AgentConfiguration {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            definition: AgentDefinition {
                agent_name: row.agent_name,
                hub: row.hub,
                model_name: row.model_name,
                agent_url: row.agent_url,
                api_key_id: row.api_key_id.as_deref().map(stored_id).transpose()?,
                agent_system_prompt: row.agent_system_prompt,
                hub_config: json_of("agent hub_config", row.hub_config.as_deref())?,
                rag_params: json_of("agent rag_params", row.rag_params.as_deref())?,
                function_route_params: json_of("agent function_route_params", row.function_route_params.as_deref())?,
            },
            status: AgentStatus::parse(&row.status).ok_or_else(|| Error::Corrupt(format!("agent status {:?}", row.status)))?,
            created_by: row.created_by.as_deref().map(stored_id).transpose()?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const COLUMNS: &str = "id, team_id, agent_name, hub, model_name, agent_url, api_key_id, agent_system_prompt, status, hub_config, \
                       rag_params, function_route_params, created_by, created_at, updated_at";

impl Store {
    /// Stores a new active agent of `team_id` under `id`; [`Error::Conflict`] if the id is taken
    /// or an active agent of the team has that name.
    pub async fn create_agent(&self, team_id: &Id, id: &Id, definition: &AgentDefinition, created_by: &Id) -> Result<AgentConfiguration> {
        let now = unix_now();
        let agent = AgentConfiguration {
            id: id.clone(),
            team_id: team_id.clone(),
            definition: definition.clone(),
            status: AgentStatus::Active,
            created_by: Some(created_by.clone()),
            created_at: now,
            updated_at: now,
        };
        let d = definition;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO agent_configurations (id, team_id, agent_name, hub, model_name, agent_url, api_key_id, agent_system_prompt, status, \
             hub_config, rag_params, function_route_params, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .bind(&d.agent_name)
        .bind(&d.hub)
        .bind(&d.model_name)
        .bind(d.agent_url.as_deref())
        .bind(d.api_key_id.as_ref().map(Id::as_str))
        .bind(d.agent_system_prompt.as_deref())
        .bind(AgentStatus::Active.as_str())
        .bind(column_of("agent hub_config", d.hub_config.as_ref())?)
        .bind(column_of("agent rag_params", d.rag_params.as_ref())?)
        .bind(column_of("agent function_route_params", d.function_route_params.as_ref())?)
        .bind(created_by.as_str())
        .bind(now)
        .execute(pool)
        .await
        .map_err(conflict_as("agent (id or active name)"))
        .map(|_| ())?);
        Ok(agent)
    }

    /// A team's agent; another team's answers `None`.
    pub async fn agent(&self, team_id: &Id, id: &Id) -> Result<Option<AgentConfiguration>> {
        let sql = format!("SELECT {COLUMNS} FROM agent_configurations WHERE team_id = $1 AND id = $2");
        let row: Option<AgentRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(AgentConfiguration::try_from).transpose()
    }

    /// A team's agents with one of `statuses` (all of them when empty), newest first.
    pub async fn list_agents(&self, team_id: &Id, statuses: &[AgentStatus]) -> Result<Vec<AgentConfiguration>> {
        let sql = format!("SELECT {COLUMNS} FROM agent_configurations WHERE team_id = $1 ORDER BY created_at DESC, id DESC");
        let rows: Vec<AgentRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        let agents = rows.into_iter().map(AgentConfiguration::try_from).collect::<Result<Vec<_>>>()?;
        Ok(agents.into_iter().filter(|agent| statuses.is_empty() || statuses.contains(&agent.status)).collect())
    }

    /// Replaces an agent's definition and status; `None` if the team has no such agent,
    /// [`Error::Conflict`] if another active agent has the new name.
    pub async fn update_agent(
        &self,
        team_id: &Id,
        id: &Id,
        definition: &AgentDefinition,
        status: AgentStatus,
    ) -> Result<Option<AgentConfiguration>> {
        let d = definition;
        let sql = format!(
            "UPDATE agent_configurations SET agent_name = $1, hub = $2, model_name = $3, agent_url = $4, api_key_id = $5, \
             agent_system_prompt = $6, status = $7, hub_config = $8, rag_params = $9, function_route_params = $10, updated_at = $11 \
             WHERE team_id = $12 AND id = $13 RETURNING {COLUMNS}"
        );
        let row: Option<AgentRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&d.agent_name)
            .bind(&d.hub)
            .bind(&d.model_name)
            .bind(d.agent_url.as_deref())
            .bind(d.api_key_id.as_ref().map(Id::as_str))
            .bind(d.agent_system_prompt.as_deref())
            .bind(status.as_str())
            .bind(column_of("agent hub_config", d.hub_config.as_ref())?)
            .bind(column_of("agent rag_params", d.rag_params.as_ref())?)
            .bind(column_of("agent function_route_params", d.function_route_params.as_ref())?)
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(conflict_as("active agent name"))?);
        row.map(AgentConfiguration::try_from).transpose()
    }

    /// Archives an agent (idempotent); `None` if the team has no such agent.
    pub async fn archive_agent(&self, team_id: &Id, id: &Id) -> Result<Option<AgentConfiguration>> {
        let sql =
            format!("UPDATE agent_configurations SET status = $1, updated_at = $2 WHERE team_id = $3 AND id = $4 RETURNING {COLUMNS}");
        let row: Option<AgentRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(AgentStatus::Archived.as_str())
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(AgentConfiguration::try_from).transpose()
    }
}
