//! `assay teams list|set-plan`.

use anyhow::Context;
use assay_core::{Plan, TeamName};

use crate::args::{Global, TeamsCommand};
use crate::keys::open_store;

pub async fn run(global: &Global, command: TeamsCommand) -> anyhow::Result<()> {
    let store = open_store(global).await?;
    let outcome = async {
        match command {
            TeamsCommand::List => {
                println!("{:<26} {:<20} PLAN", "ID", "NAME");
                for team in store.list_teams().await? {
                    println!("{:<26} {:<20} {}", team.id, team.name, team.plan.as_str());
                }
            }
            TeamsCommand::SetPlan { team, plan } => {
                let plan: Plan = plan.parse()?;
                let found = store.team_by_name(&TeamName::parse(&team)?).await?.with_context(|| format!("no team named {team:?}"))?;
                store.set_team_plan(&found.id, plan).await?;
                println!("team {} is now on the {} plan", found.name, plan.as_str());
            }
        }
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    outcome
}
