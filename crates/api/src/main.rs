//! `jewel-crm`: serve the API, migrate the database, print the OpenAPI document.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jewel_api::config::Settings;
use jewel_api::startup::Application;
use jewel_api::{openapi, telemetry};
use jewel_persistence::Database;

/// mimalloc instead of glibc's malloc: measured in bench/README.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "jewel-crm", version, about = "The jewel-crm API server")]
struct Cli {
    /// A TOML settings file (default: ./jewel-crm.toml when it exists).
    #[arg(long, global = true, env = "JEWEL_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API.
    Serve {
        /// Listen on HOST:PORT instead of `server.bind`.
        #[arg(long, value_name = "HOST:PORT")]
        bind: Option<std::net::SocketAddr>,
        /// Do not apply pending migrations at start-up.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi,
    /// Create an owner account (the first one, or another).
    CreateOwner {
        #[arg(long, env = "JEWEL_OWNER_EMAIL")]
        email: String,
        #[arg(long, env = "JEWEL_OWNER_NAME")]
        name: String,
        /// Read from JEWEL_OWNER_PASSWORD when not given; asked for on a terminal
        /// otherwise (a password on the command line shows in `ps`).
        #[arg(long, env = "JEWEL_OWNER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Run loyalty's daily work now, or as of a given day (points lapse,
    /// tiers at their anniversary, birthday and anniversary points); prints
    /// what it did as JSON. The server runs it by itself every day.
    LoyaltyDaily {
        /// A day (`2028-12-31`, taken at 00:00 UTC) or a moment
        /// (`2028-12-31T18:00:00Z`); now when not given.
        #[arg(long, value_name = "DAY|MOMENT", value_parser = moment)]
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Fill an empty database with a shop for the benchmarks: branches and
    /// their staff, a year of rates, customers, pieces and interactions,
    /// the same for the same seed.
    Seed {
        /// S: 10k customers and 5k pieces; M: 100k and 50k; L: 1M and 200k.
        #[arg(long, value_enum, ignore_case = true)]
        tier: jewel_api::seed::Tier,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply pending migrations (all, or the next N).
    Up {
        #[arg(long, value_name = "N")]
        steps: Option<u32>,
    },
    /// Roll back the last migration (or the last N).
    Down {
        #[arg(long, value_name = "N")]
        steps: Option<u32>,
    },
    /// List applied and pending migrations.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::render(&openapi::document()));
        return ExitCode::SUCCESS;
    }
    let mut settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("jewel-crm: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("jewel-crm: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match cli.command {
            Command::Serve { bind, no_migrate } => {
                if let Some(bind) = bind {
                    settings.server.bind = bind;
                }
                if no_migrate {
                    settings.database.run_migrations = false;
                }
                Application::build(settings)
                    .await?
                    .run_until_stopped()
                    .await?;
                tracing::info!("stopped");
                Ok(())
            }
            Command::Migrate { action } => migrate(&settings, action).await,
            Command::CreateOwner {
                email,
                name,
                password,
            } => create_owner(&settings, &email, &name, password).await,
            Command::Openapi => Ok(()),
            Command::Seed { tier, seed } => seed_database(&settings, tier, seed).await,
            Command::LoyaltyDaily { as_of } => loyalty_daily(&settings, as_of).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = ?error, "jewel-crm failed");
            eprintln!("jewel-crm: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let database = Database::connect(&settings.database.options()).await?;
    match action {
        MigrateAction::Up { steps } => database.migrate_up(steps).await?,
        MigrateAction::Down { steps } => database.migrate_down(steps).await?,
        MigrateAction::Status => {}
    }
    let state = database.migration_state().await?;
    for name in &state.applied {
        println!("applied  {name}");
    }
    for name in &state.pending {
        println!("pending  {name}");
    }
    println!(
        "{} applied, {} pending ({})",
        state.applied.len(),
        state.pending.len(),
        database.kind().as_str()
    );
    database.close().await?;
    Ok(())
}

async fn create_owner(
    settings: &Settings,
    email: &str,
    name: &str,
    password: Option<String>,
) -> anyhow::Result<()> {
    let password = match password {
        Some(password) => password,
        None => read_password()?,
    };
    let database = Database::connect(&settings.database.options()).await?;
    database.migrate_up(None).await?;
    let owner = jewel_api::auth::accounts::create_owner(&database, email, name, &password)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!(
        "created owner {} <{}> ({})",
        owner.name, owner.email, owner.id
    );
    database.close().await?;
    Ok(())
}

async fn seed_database(
    settings: &Settings,
    tier: jewel_api::seed::Tier,
    seed: u64,
) -> anyhow::Result<()> {
    let database = Database::connect(&settings.database.options()).await?;
    database.migrate_up(None).await?;
    let seeded = jewel_api::seed::seed(&database, tier, seed).await?;
    let counts = seeded.counts;
    println!(
        "seeded {} branches, {} staff, {} rates, {} customers, {} pieces, {} interactions, {} bills with {} lines in {} ms; every seeded login's password is \"{}\" (owner: owner@seed.example)",
        counts.branches,
        seeded.staff,
        seeded.rates,
        counts.customers,
        counts.pieces,
        counts.interactions,
        seeded.invoices,
        counts.invoice_lines,
        seeded.took.as_millis(),
        jewel_api::seed::STAFF_PASSWORD,
    );
    database.close().await?;
    Ok(())
}

/// A day (at 00:00 UTC) or an RFC 3339 moment.
fn moment(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.to_utc())
        .map_err(|_| "a day (2028-12-31) or a moment (2028-12-31T18:00:00Z)".to_owned())
}

async fn loyalty_daily(
    settings: &Settings,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<()> {
    let database = Database::connect(&settings.database.options()).await?;
    database.migrate_up(None).await?;
    let run = jewel_services::loyalty::run_daily(&database, as_of.unwrap_or_else(chrono::Utc::now))
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!("{}", serde_json::to_string(&run)?);
    database.close().await?;
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "give the password with --password or JEWEL_OWNER_PASSWORD"
    );
    eprint!("password (at least 10 characters, shown as you type): ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
