//! `assay keys create|list|revoke`: straight on the database, so they work whether or not
//! a server is running on it.

use anyhow::{Context, bail};
use assay_core::{Id, KeySecret, Plan, TeamName};
use assay_store::Store;

use crate::args::{Global, KeysCommand};

pub async fn open_store(global: &Global) -> anyhow::Result<Store> {
    open_store_with(global, assay_store::SQLITE_CONNECTIONS).await
}

/// The configured store, migrated, with at most `sqlite_connections` SQLite connections.
pub async fn open_store_with(global: &Global, sqlite_connections: u32) -> anyhow::Result<Store> {
    let database = global.database()?;
    Store::open_and_migrate_with(&database, sqlite_connections).await.with_context(|| format!("cannot open {}", database.redacted()))
}

pub async fn run(global: &Global, command: KeysCommand) -> anyhow::Result<()> {
    let store = open_store(global).await?;
    let outcome = match command {
        KeysCommand::Create { team, name, plan, email } => create(&store, &team, &name, &plan, email.as_deref()).await,
        KeysCommand::List { team } => list(&store, team.as_deref()).await,
        KeysCommand::Revoke { id } => revoke(&store, &id).await,
    };
    store.close().await;
    outcome
}

async fn create(store: &Store, team: &str, key_name: &str, plan: &str, email: Option<&str>) -> anyhow::Result<()> {
    let team_name = TeamName::parse(team)?;
    let plan: Plan = plan.parse()?;
    let (team, owner) = match store.team_by_name(&team_name).await? {
        Some(team) => {
            let owner = store.team_owner(&team.id).await?.context("the team has no owner user")?;
            (team, owner)
        }
        None => {
            let created = store.create_team(&team_name, plan).await?;
            println!("created team {} ({}, plan {})", created.0.name, created.0.id, created.0.plan.as_str());
            created
        }
    };
    if let Some(email) = email.map(str::trim) {
        if !email.contains('@') || email.chars().any(char::is_whitespace) {
            bail!("--email must be an address such as name@example.com");
        }
        store.set_user_email(&team.id, &owner.id, email).await?;
        println!("the owner of team {} now has the email {email}", team.name);
    }
    let secret = KeySecret::generate();
    let key = store.create_api_key(&team.id, &owner.id, key_name, &secret).await?;
    println!("created key {} ({}) for team {}; it is shown only once:", key.id, key.name, team.name);
    println!("{}", secret.expose());
    Ok(())
}

async fn list(store: &Store, team: Option<&str>) -> anyhow::Result<()> {
    let team_id = match team {
        Some(name) => Some(store.team_by_name(&TeamName::parse(name)?).await?.with_context(|| format!("no team named {name:?}"))?.id),
        None => None,
    };
    let teams = store.list_teams().await?;
    println!("{:<26} {:<20} {:<14} {:<14} {:<12} STATUS", "ID", "TEAM", "NAME", "PREFIX", "CREATED");
    for key in store.list_api_keys(team_id.as_ref()).await? {
        let team_name = teams.iter().find(|t| t.id == key.team_id).map_or("?", |t| t.name.as_str());
        let status = if key.revoked_at.is_some() { "revoked" } else { "active" };
        println!("{:<26} {:<20} {:<14} {:<14} {:<12} {status}", key.id, team_name, key.name, key.prefix, key.created_at);
    }
    Ok(())
}

async fn revoke(store: &Store, id: &str) -> anyhow::Result<()> {
    let id = Id::parse(id)?;
    if !store.revoke_api_key(&id).await? {
        bail!("no active key with id {id}");
    }
    println!("revoked key {id}");
    Ok(())
}
