//! Learning-outcome figures at scale: 10,000 events of 30 participants each.
//! First the statistics of every event on its own (kolo-stats: paired scores,
//! normalised gain, signed-rank test), then the evidence page over all of
//! them on a real store: reading the per-event summaries, comparing the
//! formats, and the page itself through a real server on a loopback port.
//! SQLite, then PostgreSQL when `KOLO_BENCH_DATABASE_URL` names a server.
//! Run with `cargo bench -p kolo --bench outcomes`; `KOLO_BENCH_EVENTS` and
//! `KOLO_BENCH_PARTICIPANTS` change the sizes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::ToSpan;
use jiff::civil::Date;
use kolo::app::start;
use kolo::config::ServerConfig;
use kolo::outcomes::evidence::compare;
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::Store;
use kolo_core::auth::{LoginName, NewUser, Password, Role, RoleSet, hash_password};
use kolo_core::events::{EventDetails, EventFilter, EventFormat, EventId, EventStatus};
use kolo_core::ids::new_id;
use kolo_core::outcomes::{Instrument, InstrumentKind, NewResponse, ResponseSource, ShortCode};
use kolo_core::participants::Uic;
use kolo_core::time::Timestamp;
use kolo_store_postgres::scratch::ScratchDatabase;
use stats::{MinimumN, ScorePair, learning_outcomes};
use tokio::net::TcpListener;

const PASSWORD: &str = "a long benchmark passphrase";

/// A small deterministic generator, so every run scores the same people.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(below)) as u32
    }
}

const MAX_POINTS: u32 = 12;

/// Pre-test and post-test points of one participant: post a little higher on average.
fn points(rng: &mut Lcg) -> (u32, u32) {
    let pre = rng.next(MAX_POINTS + 1);
    let post = (pre + rng.next(6)).saturating_sub(1).min(MAX_POINTS);
    (pre, post)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let events = env("KOLO_BENCH_EVENTS", 10_000);
    let people = env("KOLO_BENCH_PARTICIPANTS", 30);
    let minimum = MinimumN::STANDARD;

    // 1. Every event's statistics on their own.
    let mut rng = Lcg(42);
    let all: Vec<Vec<ScorePair>> = (0..events)
        .map(|_| {
            (0..people)
                .map(|_| {
                    let (pre, post) = points(&mut rng);
                    ScorePair::new(
                        f64::from(pre) / f64::from(MAX_POINTS) * 100.0,
                        f64::from(post) / f64::from(MAX_POINTS) * 100.0,
                    )
                    .expect("percentages")
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let mut tested = 0usize;
    for pairs in &all {
        let outcomes = learning_outcomes(pairs, &minimum);
        tested += usize::from(outcomes.signed_rank.value().is_some());
    }
    let per_event = started.elapsed();

    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| events × participants | {events} × {people} |");
    println!(
        "| statistics of every event on its own (paired scores, gain, signed-rank test) | {:.0} ms in all, {:.1} µs per event ({tested} events tested) |",
        per_event.as_secs_f64() * 1000.0,
        per_event.as_secs_f64() * 1e6 / events as f64
    );

    // 2. The same load in a real store, and the evidence page over it.
    evidence("SQLite", None, events, people).await?;
    match std::env::var("KOLO_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let scratch = ScratchDatabase::create(&server).await?;
            let outcome = evidence("PostgreSQL", Some(scratch.url()), events, people).await;
            scratch.drop_database().await?;
            outcome?;
        }
        None => println!("\n(PostgreSQL skipped: set KOLO_BENCH_DATABASE_URL to measure it)"),
    }
    Ok(())
}

async fn evidence(
    name: &str,
    database_url: Option<String>,
    events: usize,
    people: usize,
) -> anyhow::Result<()> {
    let minimum = MinimumN::STANDARD;
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = open_store(dir.path(), database_url.as_deref()).await?;
    let start: Date = "2024-01-08".parse()?;
    let started = Instant::now();
    let mut rng = Lcg(42);
    let mut responses: Vec<NewResponse> = Vec::with_capacity(2_000);
    for e in 0..events {
        let day = start.checked_add(((e % 700) as i64).days())?;
        let id = EventId(new_id());
        let details = EventDetails {
            title: format!("Тренінг {e}"),
            type_id: "training".into(),
            topics: vec!["Права".into()],
            format: [
                EventFormat::InPerson,
                EventFormat::Online,
                EventFormat::Hybrid,
            ][e % 3],
            start: day,
            end: day,
            days: vec![day],
            oblast: None,
            city: String::new(),
            venue: String::new(),
            trainers: vec![],
            funder_ids: vec![],
            budget: None,
            agenda: String::new(),
            planned_participants: None,
            actual_participants: None,
            status: EventStatus::Held,
            notes: String::new(),
        };
        store
            .create_event(&id, &details, None, Timestamp::now())
            .await?;
        // Codes are random: with 20,000 of them a repeat is likely, and is
        // drawn again, as the setup page does.
        let instruments = loop {
            let instruments: Vec<Instrument> = [InstrumentKind::PreTest, InstrumentKind::PostTest]
                .iter()
                .map(|&kind| Instrument {
                    id: new_id(),
                    event_id: id.clone(),
                    kind,
                    code: ShortCode::generate(),
                    opens_on: day,
                    closes_on: day,
                    closed_at: None,
                    question_ids: vec![],
                    follow_up_weeks: 0,
                    refused_attempts: 0,
                    created_at: Timestamp::now(),
                })
                .collect();
            match store.create_instruments(&instruments).await {
                Ok(()) => break instruments,
                Err(kolo_core::StoreError::Conflict("code")) => continue,
                Err(other) => return Err(other.into()),
            }
        };
        for p in 0..people {
            let uic = Uic::parse(&format!("AABBF{:06}", p)).expect("a code");
            let (pre, post) = points(&mut rng);
            for (instrument, score) in instruments.iter().zip([pre, post]) {
                responses.push(NewResponse {
                    id: new_id(),
                    instrument_id: instrument.id.clone(),
                    uic: uic.clone(),
                    source: ResponseSource::Paper,
                    answers: vec![],
                    points: Some(score),
                    max_points: Some(MAX_POINTS),
                    comment: None,
                    recorded_by: None,
                    submitted_at: Timestamp::now(),
                });
            }
        }
        if responses.len() >= 1_800 {
            store.save_responses(&responses).await?;
            responses.clear();
        }
    }
    store.save_responses(&responses).await?;
    let filled = started.elapsed();

    let started = Instant::now();
    let facts = store.evidence_facts(&EventFilter::default(), None).await?;
    let read = started.elapsed();
    let started = Instant::now();
    let figures = compare(&facts, &minimum);
    let compared = started.elapsed();
    let paired: usize = figures.iter().map(|f| f.outcomes.scores.paired).sum();
    let page = evidence_page(&store, dir.path(), database_url).await?;

    println!(
        "| {name}: filling the store (events, instruments, {} responses) | {:.1} s |",
        events * people * 2,
        filled.as_secs_f64()
    );
    println!(
        "| {name}: reading the summaries of every event ({} rows of paired scores) | {:.0} ms |",
        facts.scores.len(),
        read.as_secs_f64() * 1000.0
    );
    println!(
        "| {name}: comparing the formats ({paired} pairs) | {:.0} ms |",
        compared.as_secs_f64() * 1000.0
    );
    println!(
        "| {name}: GET /outcomes/evidence through the server, every event (median of 5, min–max) | {:.0} ms ({:.0}–{:.0} ms) |",
        page[2].as_secs_f64() * 1000.0,
        page[0].as_secs_f64() * 1000.0,
        page[4].as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Five timed requests for the evidence page as a coordinator, sorted.
async fn evidence_page(
    store: &Arc<dyn Store>,
    data: &std::path::Path,
    database_url: Option<String>,
) -> anyhow::Result<Vec<Duration>> {
    store
        .create_user(
            &NewUser {
                login: LoginName::parse("coordinator").map_err(|e| anyhow::anyhow!("{e:?}"))?,
                display_name: "Bench coordinator".into(),
                roles: RoleSet::of(&[Role::Coordinator]),
                oblast: None,
                password_hash: hash_password(
                    &Password::new(PASSWORD, "coordinator")
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                ),
            },
            Timestamp::now(),
        )
        .await?;
    store
        .set_setting(kolo_core::org::setting::TWO_FACTOR_ROLES, "")
        .await?;
    let vault = Arc::new(Vault::open(data)?);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let config = ServerConfig::new(data.to_owned(), database_url, listener.local_addr()?);
    let server = start(store.clone(), vault, config, listener).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "coordinator"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    let mut times = Vec::with_capacity(5);
    for _ in 0..5 {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/outcomes/evidence"))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "evidence page: {}",
            response.status()
        );
        let body = response.text().await?;
        anyhow::ensure!(
            body.contains("id=\"evidence\""),
            "the evidence table is missing"
        );
        times.push(started.elapsed());
    }
    server.shutdown().await;
    times.sort();
    Ok(times)
}
