//! `linli-load`: drives a running Linli server with concurrent clients for a fixed time and
//! reports throughput and latency percentiles. Bounded in count and time; loopback only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use serde_json::{Value, json};

/// The six default service categories, cycled through like real reports.
const CATEGORIES: [&str; 6] = [
    "property",
    "home_life",
    "mediation",
    "social_org",
    "legal",
    "care",
];

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Scenario {
    /// `POST /api/v1/requests` as a resident.
    Submit,
    /// `GET /api/v1/requests/{id}` as community staff.
    Read,
}

#[derive(Debug, Parser)]
#[command(about = "Load generator for Linli Grid (run against a `linli serve --demo`)")]
struct Args {
    /// Base URL of the server (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// What to measure.
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds of measurement (after a one-second warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Upper bound on requests sent, whatever the time.
    #[arg(long, default_value_t = 2_000_000)]
    max_requests: u64,
    /// Password of the demo staff accounts.
    #[arg(long, default_value = "linli-demo")]
    password: String,
    /// Drive `linli-baseline` (the bare handlers) instead of the real API.
    #[arg(long)]
    baseline: bool,
}

async fn token(
    client: &reqwest::Client,
    url: &str,
    path: &str,
    body: Value,
) -> anyhow::Result<String> {
    let res = client
        .post(format!("{url}{path}"))
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    let v: Value = res.json().await?;
    if !status.is_success() {
        bail!("login at {path} failed: {status} {v}");
    }
    Ok(v["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned())
}

fn check_loopback(url: &str) -> anyhow::Result<()> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or("");
    if !(host == "localhost" || host.starts_with("127.") || host == "[") {
        bail!("only loopback targets are allowed, got {host}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    check_loopback(&args.url)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let url = args.url.trim_end_matches('/').to_owned();
    // The demo's 34 buildings: compounds 1, 6 have 4; 2, 7 have 3; the others 2.
    let buildings: Vec<String> = (1..=14)
        .flat_map(|c: u32| {
            let n = match c {
                1 | 6 => 4,
                2 | 7 => 3,
                _ => 2,
            };
            (1..=n).map(move |b| format!("DX-{c:02}-{b}"))
        })
        .collect();
    let (bearer, ids) = match args.scenario {
        _ if args.baseline => {
            let mut ids = Vec::new();
            for _ in 0..200 {
                let v: Value = client
                    .post(format!("{url}/baseline/requests"))
                    .send()
                    .await?
                    .json()
                    .await?;
                ids.push(
                    v["id"]
                        .as_i64()
                        .context("seeding a baseline request failed")?,
                );
            }
            (String::new(), ids)
        }
        Scenario::Submit => {
            let t = token(
                &client,
                &url,
                "/api/v1/auth/dev/login",
                json!({"openid": "load-resident"}),
            )
            .await?;
            (t, Vec::new())
        }
        Scenario::Read => {
            let resident = token(
                &client,
                &url,
                "/api/v1/auth/dev/login",
                json!({"openid": "load-resident"}),
            )
            .await?;
            let mut ids = Vec::new();
            for i in 0..200 {
                let res = client
                    .post(format!("{url}/api/v1/requests"))
                    .bearer_auth(&resident)
                    .json(&json!({"category": "property", "description": format!("读压测数据 {i}"), "building_code": buildings[i % buildings.len()], "contact_phone": "13812345678"}))
                    .send()
                    .await?;
                let v: Value = res.json().await?;
                ids.push(v["id"].as_i64().context("seeding a request failed")?);
            }
            let staff = token(
                &client,
                &url,
                "/api/v1/auth/login",
                json!({"username": "community", "password": args.password}),
            )
            .await?;
            (staff, ids)
        }
    };
    let bearer = Arc::new(bearer);
    let ids = Arc::new(ids);
    let buildings = Arc::new(buildings);
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let (client, url, bearer, ids, buildings) = (
            client.clone(),
            url.clone(),
            bearer.clone(),
            ids.clone(),
            buildings.clone(),
        );
        let (measuring, stop, sent) = (measuring.clone(), stop.clone(), sent.clone());
        let (scenario, max, baseline) = (args.scenario, args.max_requests, args.baseline);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut i = worker;
            while !stop.load(Ordering::Relaxed) && sent.fetch_add(1, Ordering::Relaxed) < max {
                i = i.wrapping_mul(31).wrapping_add(7);
                let req = match scenario {
                    Scenario::Submit if baseline => client.post(format!("{url}/baseline/requests")),
                    Scenario::Read if baseline => {
                        client.get(format!("{url}/baseline/requests/{}", ids[i % ids.len()]))
                    }
                    Scenario::Submit => {
                        client.post(format!("{url}/api/v1/requests")).json(&json!({
                            "category": CATEGORIES[i % CATEGORIES.len()],
                            "description": "压测：楼道灯不亮",
                            "building_code": buildings[i % buildings.len()],
                            "contact_phone": "13812345678",
                        }))
                    }
                    Scenario::Read => {
                        client.get(format!("{url}/api/v1/requests/{}", ids[i % ids.len()]))
                    }
                };
                let started = Instant::now();
                let req = if baseline {
                    req
                } else {
                    req.bearer_auth(bearer.as_str())
                };
                let ok = match req.send().await {
                    Ok(res) => {
                        let good = res.status().is_success();
                        let _ = res.bytes().await;
                        good
                    }
                    Err(_) => false,
                };
                if measuring.load(Ordering::Relaxed) {
                    if ok {
                        latencies.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    println!(
        "{}scenario={:?} concurrency={} ok={} errors={} req/s={:.0} p50={:.1}ms p90={:.1}ms p99={:.1}ms",
        if args.baseline { "baseline " } else { "" },
        args.scenario,
        args.concurrency,
        all.len(),
        errors,
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
    );
    Ok(())
}
