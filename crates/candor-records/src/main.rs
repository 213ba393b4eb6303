//! `candor-records --config records.toml`: runs the receipt collector until
//! Ctrl+C or SIGTERM. See the crate documentation and
//! `records.example.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

use candor_records::Settings;

const USAGE: &str = "\
candor-records: keeps Candor's proof-of-consent receipts on the shop's side

usage: candor-records [--config FILE] [--stop-when-stdin-closes]

  --config FILE   the service's settings (TOML; default ./records.toml),
                  see records.example.toml beside the crate's Cargo.toml
  --stop-when-stdin-closes
                  also stop when standard input closes (a parent process
                  that holds the other end, like `cargo xtask serve`, ended)
  DATABASE_URL    overrides database_url (sqlite://FILE or postgres://…)
";

fn main() -> ExitCode {
    let mut config = PathBuf::from("records.toml");
    let mut watch_stdin = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => match args.next() {
                Some(path) => config = PathBuf::from(path),
                None => return usage("--config needs a file"),
            },
            "--stop-when-stdin-closes" => watch_stdin = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("candor-records: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, watch_stdin)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("candor-records: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("candor-records: {problem}\n\n{USAGE}");
    ExitCode::from(2)
}

async fn run(config: PathBuf, watch_stdin: bool) -> Result<(), candor_records::Error> {
    let settings = Settings::load(&config)?;
    let database = settings
        .database_url
        .split('@')
        .next_back()
        .unwrap_or_default()
        .to_string();
    let service = candor_records::start(settings).await?;
    let db = service.db().kind();
    // One line the demo and the load test wait for.
    println!(
        "candor-records listening on http://{} ({db}: {database})",
        service.addr()
    );
    let stdin_closed = async move {
        if !watch_stdin {
            return std::future::pending::<()>().await;
        }
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        })
        .await;
    };
    service
        .run_until(async {
            tokio::select! {
                _ = shutdown_signal() => {}
                _ = stdin_closed => {}
            }
        })
        .await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
