//! The `linli` command line.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use linli_domain::access::RoleKind;
use linli_domain::access::admin::Label;
use linli_domain::org::NodeKind;
use linli_domain::text::{Password, Username};
use linli_persistence::users::{self, NewUser, RoleBinding};
use linli_persistence::{StoreError, org};

use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::Db;
use crate::startup::{Application, open_database};

/// Linli Grid (邻里格): neighbourhood grid governance backend.
#[derive(Debug, Parser)]
#[command(name = "linli", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the HTTP server (migrating the database first).
    Serve {
        /// Seed the Daxing East Road demo community into an empty database, generate the secrets
        /// if missing, and turn development login on.
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending database migrations and exits.
    Migrate,
    /// Prints the OpenAPI document as YAML (needs no database or secret).
    Openapi,
    /// Manages accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manages districts, the tops of the org tree.
    District {
        #[command(subcommand)]
        command: DistrictCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DistrictCommand {
    /// Creates a district (区). A real deployment starts here: then `user add` gives it an
    /// admin, who builds the streets and communities below it over the API.
    Add {
        /// Its name, unique among districts, e.g. "莲湖区".
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Creates an account with one role. The password is read from stdin, or generated and
    /// printed once when stdin is a terminal or empty.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role: district_admin, street_staff, community_staff, grid_worker, butler, volunteer.
        #[arg(long)]
        role: String,
        /// The org node the role is bound to, as a path of names from the district down,
        /// e.g. "莲湖区/红庙坡街道", or a node id.
        #[arg(long)]
        node: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi => {
            print!("{}", crate::openapi::yaml());
            Ok(())
        }
        Command::Serve { demo } => {
            let settings = Settings::from_env(demo)?;
            crate::telemetry::init(settings.log_format);
            let app = Application::build(&settings, Arc::new(SystemClock)).await?;
            print_welcome(&settings, app.port());
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env(false).or_else(|_| Settings::from_env(true))?;
            crate::telemetry::init(settings.log_format);
            open_database(&settings).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    node,
                    name,
                },
        } => {
            let settings = Settings::from_env(false).or_else(|_| Settings::from_env(true))?;
            let password = read_password()?;
            let added = add_user(
                &settings,
                AddUser {
                    username: username.clone(),
                    role: role.clone(),
                    node,
                    name,
                    password,
                },
            )
            .await?;
            println!(
                "created user {username} (id {}) as {role} of {}",
                added.id, added.node_name
            );
            if let Some(pw) = added.generated_password {
                println!("password (shown once): {pw}");
            }
            Ok(())
        }
        Command::District {
            command: DistrictCommand::Add { name },
        } => {
            let settings = Settings::from_env(false).or_else(|_| Settings::from_env(true))?;
            let district = add_district(&settings, &name).await?;
            println!("created district {} (id {})", district.name, district.id.0);
            Ok(())
        }
    }
}

fn print_welcome(settings: &Settings, port: u16) {
    let host = settings.bind.ip();
    let base = format!("http://{host}:{port}");
    println!("Linli Grid is serving at {base}");
    println!("  API docs:  {base}/docs/");
    if settings.demo {
        println!("  Demo community: 大兴东路社区 (Daxing East Road), 红庙坡街道, 莲湖区");
        println!(
            "  Log in:    POST {base}/api/v1/auth/login {{\"username\": \"community\", \"password\": \"<LINLI_DEMO_PASSWORD, default linli-demo>\"}}"
        );
        println!(
            "  Accounts:  admin, street, community, grid1..grid3, and others listed in README.md"
        );
        println!(
            "  Residents: POST {base}/api/v1/auth/dev/login {{\"openid\": \"demo-resident-1\"}}"
        );
    }
}

/// An account to add from the command line.
#[derive(Debug, Clone)]
pub struct AddUser {
    /// Login name.
    pub username: String,
    /// Role identifier.
    pub role: String,
    /// Node id or path of names.
    pub node: String,
    /// Display name.
    pub name: Option<String>,
    /// The password; `None` generates one.
    pub password: Option<String>,
}

/// The account `add_user` created.
#[derive(Debug)]
pub struct AddedUser {
    /// Its id.
    pub id: linli_domain::UserId,
    /// The node its role is bound to.
    pub node_name: String,
    /// The password, when it was generated (to print once).
    pub generated_password: Option<String>,
}

fn read_password() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    Ok((!line.is_empty()).then_some(line))
}

/// Creates a staff account with one role bound to a node.
pub async fn add_user(settings: &Settings, req: AddUser) -> anyhow::Result<AddedUser> {
    let username =
        Username::parse(&req.username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let role = RoleKind::parse(&req.role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let Some(kind) = role.node_kind().filter(|_| role != RoleKind::Resident) else {
        anyhow::bail!("--role: {} accounts are not created here", role.as_str());
    };
    let generated = req.password.is_none();
    let password = req.password.unwrap_or_else(crate::auth::password::generate);
    let password = Password::parse(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = {
        let pw = password.as_str().to_owned();
        tokio::task::spawn_blocking(move || crate::auth::password::hash(&pw)).await??
    };
    let pools = open_database(settings).await?;
    let db = Db::new(pools)?;
    let node = req.node.clone();
    let now = SystemClock.now();
    let uname = username.as_str().to_owned();
    let display = req.name.unwrap_or_else(|| uname.clone());
    let (user, target) = db
        .write(move |conn| {
            linli_persistence::tx::transaction(conn, |conn| {
                let target = resolve_node(conn, &node)?;
                if target.kind != kind {
                    return Err(crate::error::ApiError::internal(anyhow::anyhow!(
                        "--node: a {} is bound to a {}, but {} is a {}",
                        role.as_str(),
                        kind.as_str(),
                        target.name,
                        target.kind.as_str()
                    )));
                }
                let user = users::create_user(
                    conn,
                    &NewUser {
                        username: Some(uname.clone()),
                        password_hash: Some(hash.clone()),
                        display_name: display.clone(),
                        openid: None,
                        contact_phone: None,
                    },
                    now,
                )?;
                users::add_role(conn, user.id, role, RoleBinding::Node(target.id), now)?;
                Ok((user, target))
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    Ok(AddedUser {
        id: user.id,
        node_name: target.name,
        generated_password: generated.then(|| password.as_str().to_owned()),
    })
}

/// Creates a district: a root of the org tree.
pub async fn add_district(settings: &Settings, name: &str) -> anyhow::Result<org::OrgNode> {
    let name = Label::parse(name)
        .map_err(|e| anyhow::anyhow!("name: {e}"))?
        .into_inner();
    let db = Db::new(open_database(settings).await?)?;
    let now = SystemClock.now();
    let wanted = name.clone();
    db.write(move |conn| {
        Ok(org::create_node(
            conn,
            &org::NewNode {
                parent: None,
                kind: NodeKind::District,
                name: wanted,
                code: None,
                latitude: None,
                longitude: None,
                property_company_id: None,
            },
            now,
        )?)
    })
    .await
    .map_err(|e| match e.code() {
        "conflict.duplicate" => anyhow::anyhow!("a district named {name} exists"),
        _ => anyhow::anyhow!("{}", describe(&e)),
    })
}

fn describe(e: &crate::error::ApiError) -> String {
    use std::error::Error;
    match e.source() {
        Some(s) => s.to_string(),
        None => e.to_string(),
    }
}

/// A node by id, or by a path of names from a root down ("莲湖区/红庙坡街道").
fn resolve_node(
    conn: &mut linli_persistence::DbConnection,
    spec: &str,
) -> Result<org::OrgNode, crate::error::ApiError> {
    let not_found = || {
        crate::error::ApiError::internal(anyhow::anyhow!(
            "--node: no node `{spec}` (a new deployment first creates its district: linli district add NAME)"
        ))
    };
    if let Ok(id) = spec.parse::<i64>() {
        return org::get_node(conn, linli_domain::OrgNodeId(id)).map_err(|e| match e {
            StoreError::NotFound => not_found(),
            e => e.into(),
        });
    }
    let mut current: Option<org::OrgNode> = None;
    for name in spec.split('/').map(str::trim).filter(|s| !s.is_empty()) {
        let candidates = match &current {
            None => org::roots(conn)?,
            Some(n) => org::children(conn, n.id)?,
        };
        current = Some(
            candidates
                .into_iter()
                .find(|c| c.name == name)
                .ok_or_else(not_found)?,
        );
    }
    current.ok_or_else(not_found)
}
