//! Events at the size of a large training: 300 registered participants over 3
//! days. Measures, through a real server on a loopback port: the event page
//! (bytes, latency), the attendance grid page, saving the whole grid
//! (300 x 3 marks), and the sign-in sheet PDF; and the PDF made in-process.
//! Runs on SQLite, then on PostgreSQL when `KOLO_BENCH_DATABASE_URL` names a
//! server (a scratch database is created and dropped).
//!
//! Run with `cargo bench -p kolo --bench events`. `KOLO_BENCH_ROUNDS` changes
//! the number of requests per figure. Nothing is asserted: the figures go to
//! docs/PERFORMANCE.md with the machine and the date.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kolo::app::start;
use kolo::config::ServerConfig;
use kolo::events::{SheetData, sign_in_sheet_pdf};
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::Store;
use kolo_core::auth::{LoginName, NewUser, Password, Role, RoleSet, hash_password};
use kolo_core::events::{EventId, NewRegistration, RegistrationId};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::participants::{
    Consents, NewParticipant, Nickname, ParticipantId, ParticipantProfile, SealedPersonal, Uic,
};
use kolo_core::time::Timestamp;
use kolo_store_postgres::scratch::ScratchDatabase;
use reqwest::redirect::Policy;
use tokio::net::TcpListener;

const PARTICIPANTS: usize = 300;
const DAYS: [&str; 3] = ["2024-10-01", "2024-10-02", "2024-10-03"];
const PASSWORD: &str = "a long benchmark passphrase";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("KOLO_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    pdf_in_process(rounds)?;
    run("SQLite", None, rounds).await?;
    match std::env::var("KOLO_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(server) => {
            let scratch = ScratchDatabase::create(&server).await?;
            let outcome = run("PostgreSQL", Some(scratch.url()), rounds).await;
            scratch.drop_database().await?;
            outcome?;
        }
        None => println!("\n(PostgreSQL skipped: set KOLO_BENCH_DATABASE_URL to measure it)"),
    }
    Ok(())
}

/// Latencies of `rounds` runs, sorted.
struct Timings(Vec<Duration>);

impl Timings {
    fn new(mut all: Vec<Duration>) -> Timings {
        all.sort();
        Timings(all)
    }

    fn percentile(&self, p: f64) -> f64 {
        let index = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[index.min(self.0.len() - 1)].as_secs_f64() * 1e3
    }

    fn line(&self) -> String {
        format!(
            "p50 {:.1} ms, p99 {:.1} ms ({} runs)",
            self.percentile(0.5),
            self.percentile(0.99),
            self.0.len()
        )
    }
}

fn sheet() -> SheetData {
    SheetData {
        lang: Lang::Uk,
        organisation: "Вигадана організація (демо)".to_owned(),
        title: "Тренінг для персоналу партнерських НУО".to_owned(),
        type_name: "Тренінг".to_owned(),
        dates: "01.10.2024 – 03.10.2024".to_owned(),
        place: "Одеська область, Одеса".to_owned(),
        funders: vec!["Вигаданий фонд".to_owned()],
        days: vec!["01.10".to_owned(), "02.10".to_owned(), "03.10".to_owned()],
        rows: (0..PARTICIPANTS)
            .map(|i| (code(i), format!("Учасниця {}", i + 1)))
            .collect(),
        blank_rows: 5,
    }
}

fn pdf_in_process(rounds: usize) -> anyhow::Result<()> {
    let data = sheet();
    let mut bytes = 0;
    let mut all = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        bytes = sign_in_sheet_pdf(&data)?.len();
        all.push(started.elapsed());
    }
    println!("## Sign-in sheet PDF in-process ({PARTICIPANTS} rows x 3 days)\n");
    println!("| figure | value |\n| --- | --- |");
    println!("| size | {:.1} KB |", bytes as f64 / 1e3);
    println!("| time | {} |", Timings::new(all).line());
    Ok(())
}

/// A fictional participant's code, unique per index.
fn code(i: usize) -> String {
    format!("BNCHF{:06}", 10_000 + i)
}

async fn run(name: &str, database_url: Option<String>, rounds: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let store = open_store(&data, database_url.as_deref()).await?;
    let vault = Arc::new(Vault::open(&data)?);
    store
        .set_setting(kolo_core::org::setting::TWO_FACTOR_ROLES, "")
        .await?;
    let password = Password::new(PASSWORD, "olena").map_err(|p| anyhow::anyhow!("{p:?}"))?;
    store
        .create_user(
            &NewUser {
                login: LoginName::parse("olena").map_err(|p| anyhow::anyhow!("{p:?}"))?,
                display_name: "Benchmark coordinator".to_owned(),
                roles: RoleSet::of(&[Role::Coordinator]),
                oblast: None,
                password_hash: hash_password(&password),
            },
            Timestamp::now(),
        )
        .await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let config = ServerConfig::new(data.clone(), database_url, listener.local_addr()?);
    let server = start(store.clone(), vault.clone(), config, listener).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    sign_in(&client, &base).await?;

    let csrf = csrf_of(&client.get(format!("{base}/")).send().await?.text().await?)?;
    let mut form = vec![
        ("_csrf", csrf.clone()),
        ("title", "Тренінг для персоналу партнерських НУО".to_owned()),
        ("type_id", "training".to_owned()),
        ("format", "in_person".to_owned()),
        ("start_date", DAYS[0].to_owned()),
        ("end_date", DAYS[2].to_owned()),
        ("oblast", "UA-51".to_owned()),
        ("city", "Одеса".to_owned()),
        ("status", "held".to_owned()),
    ];
    form.push(("venue", "Вигаданий готель".to_owned()));
    let created = client
        .post(format!("{base}/events/new"))
        .form(&form)
        .send()
        .await?;
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow::anyhow!("the event was not created: {}", created.status()))?;
    let event = location
        .trim_start_matches("/events/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let registrations = fill(&*store, &event).await?;

    // Saving the whole grid: everyone on every day, then two days of three,
    // so each save changes what is stored.
    let mut saves = Vec::new();
    for round in 0..rounds {
        let mut body: Vec<(&str, String)> = vec![("_csrf", csrf.clone())];
        for (i, registration) in registrations.iter().enumerate() {
            body.push(("row", registration.0.clone()));
            for (d, day) in DAYS.iter().enumerate() {
                if round % 2 == 0 || (i + d) % 3 != 0 {
                    body.push(("p", format!("{}:{day}", registration.0)));
                }
            }
        }
        let started = Instant::now();
        let response = client
            .post(format!("{base}/events/{event}/attendance"))
            .form(&body)
            .send()
            .await?;
        saves.push(started.elapsed());
        anyhow::ensure!(
            response.status() == reqwest::StatusCode::SEE_OTHER,
            "saving attendance answered {}",
            response.status()
        );
    }
    let marks = store
        .registrations(&EventId(event.clone()))
        .await?
        .iter()
        .map(|r| r.present.len())
        .sum::<usize>();

    let (page_bytes, page) = get_many(&client, &format!("{base}/events/{event}"), rounds).await?;
    let (grid_bytes, grid) = get_many(
        &client,
        &format!("{base}/events/{event}/attendance"),
        rounds,
    )
    .await?;
    let (pdf_bytes, pdf) = get_many(
        &client,
        &format!("{base}/events/{event}/sign-in.pdf?lang=uk"),
        rounds,
    )
    .await?;

    println!("\n## {name}: event with {PARTICIPANTS} participants x 3 days, over HTTP\n");
    println!("| figure | value |\n| --- | --- |");
    println!(
        "| event page: size | {:.1} KB (uncompressed HTML) |",
        page_bytes as f64 / 1e3
    );
    println!("| event page: latency | {} |", page.line());
    println!(
        "| attendance grid page: size | {:.1} KB |",
        grid_bytes as f64 / 1e3
    );
    println!("| attendance grid page: latency | {} |", grid.line());
    println!(
        "| attendance save, {PARTICIPANTS} rows x 3 days (one transaction, audited) | {} |",
        Timings::new(saves).line()
    );
    println!("| marks stored after the last save | {marks} |");
    println!(
        "| sign-in sheet PDF: size | {:.1} KB |",
        pdf_bytes as f64 / 1e3
    );
    println!("| sign-in sheet PDF: latency | {} |", pdf.line());
    server.shutdown().await;
    Ok(())
}

async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf_of(&page)?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "olena"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == reqwest::StatusCode::SEE_OTHER,
        "signing in answered {}",
        response.status()
    );
    Ok(())
}

fn csrf_of(page: &str) -> anyhow::Result<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = page
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no CSRF token"))?
        + marker.len();
    let end = page[start..]
        .find('"')
        .ok_or_else(|| anyhow::anyhow!("an unterminated CSRF token"))?;
    Ok(page[start..start + end].to_owned())
}

/// `rounds` GETs of a URL: the size of the last body and the latencies,
/// reading each body in full.
async fn get_many(
    client: &reqwest::Client,
    url: &str,
    rounds: usize,
) -> anyhow::Result<(usize, Timings)> {
    let mut all = Vec::new();
    let mut bytes = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let response = client.get(url).send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        bytes = response.bytes().await?.len();
        all.push(started.elapsed());
    }
    Ok((bytes, Timings::new(all)))
}

/// 300 fictional participants registered to the event, in one transaction.
async fn fill(store: &dyn Store, event: &str) -> anyhow::Result<Vec<RegistrationId>> {
    let now = Timestamp::now();
    let mut participants = Vec::new();
    let mut registrations = Vec::new();
    for i in 0..PARTICIPANTS {
        let id = ParticipantId(new_id());
        participants.push(NewParticipant {
            uic: Uic::parse(&code(i)).ok_or_else(|| anyhow::anyhow!("a valid code"))?,
            uic_scheme: "mother=2;father=2;sex=yes;birth=ddmmyy".to_owned(),
            profile: ParticipantProfile {
                nickname: Nickname::parse(&format!("Учасниця {}", i + 1))
                    .ok_or_else(|| anyhow::anyhow!("a nickname"))?,
                oblast: None,
                group: None,
                gender: None,
                age_band: None,
            },
            consents: Consents::default(),
            personal: SealedPersonal::default(),
            id: id.clone(),
        });
        registrations.push(NewRegistration {
            id: RegistrationId(new_id()),
            event_id: EventId(event.to_owned()),
            participant_id: id,
            by: None,
            at: now,
        });
    }
    store
        .create_participants(&participants, &registrations, None, now)
        .await?;
    Ok(registrations.into_iter().map(|r| r.id).collect())
}
