use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = linli_api::cli::Cli::parse();
    match linli_api::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: {e:#}");
            ExitCode::FAILURE
        }
    }
}
