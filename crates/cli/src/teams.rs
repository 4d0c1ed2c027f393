//! `assay teams list|set-plan|disable|enable` and `assay projects create|list`.

use anyhow::Context;
use assay_core::{Plan, TeamName};

use crate::args::{Global, ProjectsCommand, TeamsCommand};
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
            TeamsCommand::Disable { team } => set_disabled(&store, &team, true).await?,
            TeamsCommand::Enable { team } => set_disabled(&store, &team, false).await?,
        }
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    outcome
}

async fn set_disabled(store: &assay_store::Store, team: &str, disabled: bool) -> anyhow::Result<()> {
    let found = store.team_by_name(&TeamName::parse(team)?).await?.with_context(|| format!("no team named {team:?}"))?;
    store.set_team_disabled(&found.id, disabled).await?;
    println!("team {} is now {}", found.name, if disabled { "disabled" } else { "enabled" });
    Ok(())
}

pub async fn projects(global: &Global, command: ProjectsCommand) -> anyhow::Result<()> {
    let store = open_store(global).await?;
    let outcome = async {
        match command {
            ProjectsCommand::Create { team, slug, name } => {
                anyhow::ensure!(
                    assay_core::ingest::valid_slug(&slug),
                    "invalid slug {slug:?}: use a-z, 0-9 and '-', at most 100 characters"
                );
                let found = store.team_by_name(&TeamName::parse(&team)?).await?.with_context(|| format!("no team named {team:?}"))?;
                let project = store.create_project(&found.id, &slug, name.as_deref().unwrap_or(&slug)).await?;
                println!("project {} ({}) created in team {}", project.slug, project.id, found.name);
            }
            ProjectsCommand::List { team } => {
                let found = store.team_by_name(&TeamName::parse(&team)?).await?.with_context(|| format!("no team named {team:?}"))?;
                println!("{:<26} {:<32} NAME", "ID", "SLUG");
                for project in store.projects(&found.id).await? {
                    println!("{:<26} {:<32} {}", project.id, project.slug, project.name);
                }
            }
        }
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    outcome
}
