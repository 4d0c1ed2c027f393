//! `assay evals list|show|cancel`: evaluations in the store, whether or not anything runs.

use anyhow::Context;
use assay_core::{Id, Plan, TeamName};
use assay_server::LOCAL_TEAM;

use crate::args::{EvalsCommand, Global};

pub async fn run(global: &Global, command: EvalsCommand) -> anyhow::Result<()> {
    let store = crate::keys::open_store(global).await?;
    match command {
        EvalsCommand::List { limit } => {
            let team = store.team_or_create(&TeamName::parse(LOCAL_TEAM)?, Plan::Pro).await?;
            for evaluation in store.list_evaluations(&team.id, limit).await? {
                let score = evaluation.counts.score().map_or_else(|| "–".to_owned(), |s| format!("{:.1}%", s * 100.0));
                println!(
                    "{}  {:<9} {:>7}/{:<7} score {:>6}  {}",
                    evaluation.id,
                    evaluation.state.as_str(),
                    evaluation.counts.done,
                    evaluation.counts.total,
                    score,
                    evaluation.name
                );
            }
        }
        EvalsCommand::Show { id } => {
            let id = Id::parse(&id)?;
            let evaluation = store.evaluation(&id).await?.with_context(|| format!("no evaluation {id}"))?;
            let summary = store.evaluation_summary(&id).await?;
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "evaluation": evaluation, "summary": summary }))?);
        }
        EvalsCommand::Cancel { id } => {
            let id = Id::parse(&id)?;
            match store.cancel_evaluation(&id).await? {
                Some(true) => println!("cancelled {id}"),
                Some(false) => println!("{id} had already finished"),
                None => anyhow::bail!("no evaluation {id}"),
            }
        }
    }
    store.close().await;
    Ok(())
}
