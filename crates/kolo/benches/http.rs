//! The server's figures as a user of the real binary sees them: resident memory
//! of `kolo serve` on the demo, idle and after 10,000 page requests; dashboard
//! requests per second and latency at 32 concurrent signed-in clients, on SQLite
//! and on PostgreSQL; memory after 64 concurrent failed sign-ins; the bytes of
//! the dashboard with everything it links; the size of the binary.
//!
//! Run with `cargo bench -p kolo --bench http`. The `kolo` binary is the one
//! cargo builds for the bench (release settings), started as a process on a
//! fresh demo data directory. Environment:
//! - `KOLO_BENCH_BIN`: another `kolo` binary to measure;
//! - `KOLO_BENCH_SECONDS` (default 10): length of each throughput run;
//! - `KOLO_BENCH_CLIENTS` (default 32): concurrent connections;
//! - `KOLO_BENCH_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`):
//!   the server on which a scratch database is created and dropped; `none` skips
//!   PostgreSQL.
//!
//! The load generator is our own and deliberately minimal: HTTP/1.1 keep-alive
//! connections on tokio, one request at a time per connection (like a browser
//! tab), all on one thread, so it takes as little as possible of the two cores
//! it shares with the server, and it counts exactly the bytes on the wire.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kolo_store_postgres::scratch::ScratchDatabase;
use reqwest::cookie::{CookieStore, Jar};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A demo account whose role needs no second factor by default.
const LOGIN: &str = "coordinator";
const PASSWORD: &str = "kolo-demo-plan-ahead";
/// Page requests made before the memory is read a second time.
const PAGE_REQUESTS: usize = 10_000;
/// Wrong-password sign-ins sent at once to read the memory they cost.
const FAILED_LOGINS: usize = 64;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let bin = std::env::var_os("KOLO_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kolo")));
    let seconds: u64 = env_number("KOLO_BENCH_SECONDS", 10);
    let clients: usize = env_number("KOLO_BENCH_CLIENTS", 32);
    let postgres = std::env::var("KOLO_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let run = Duration::from_secs(seconds);

    println!("| figure | value |");
    println!("| --- | --- |");
    let size = std::fs::metadata(&bin)
        .with_context(|| format!("reading the size of {}", bin.display()))?
        .len();
    row("binary", bin.display());
    row("binary size", format!("{:.1} MB ({size} bytes)", mb(size)));

    let dir = tempfile::tempdir()?;
    sqlite(&bin, dir.path(), clients, run).await?;
    if postgres != "none" {
        let scratch = ScratchDatabase::create(&postgres)
            .await
            .context("creating a scratch database (KOLO_BENCH_POSTGRES=none skips PostgreSQL)")?;
        let outcome = on_postgres(&bin, dir.path(), &scratch.url(), clients, run).await;
        scratch.drop_database().await?;
        outcome?;
    }
    Ok(())
}

async fn sqlite(bin: &Path, dir: &Path, clients: usize, run: Duration) -> anyhow::Result<()> {
    let data = dir.join("sqlite");
    let data_arg = data.to_str().context("a UTF-8 temporary path")?;
    let created = Instant::now();
    Server::start(bin, "demo", &["--data", data_arg], dir)?
        .ready()
        .await?
        .stop()?;
    row(
        "SQLite: creating the demo (first `kolo demo`)",
        format!("{:.1} s", created.elapsed().as_secs_f64()),
    );

    let server = Server::start(bin, "serve", &["--data", data_arg], dir)?
        .ready()
        .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    row("SQLite: `kolo serve` idle on the demo", server.memory()?);

    let cookie = sign_in(server.addr).await?;
    row(
        "SQLite: after one sign-in (one Argon2id check)",
        server.memory()?,
    );

    let dashboard = page(server.addr, "/", &cookie).await?;
    bytes_of_dashboard(server.addr, &cookie, &dashboard).await?;

    let pages = pages_of(server.addr, &cookie, &dashboard).await?;
    let requests: Vec<Vec<u8>> = pages.iter().map(|p| get(p, &cookie)).collect();
    let stats = load(
        server.addr,
        &requests,
        clients,
        Limit::Requests(PAGE_REQUESTS),
    )
    .await?;
    row(
        format!(
            "SQLite: after {PAGE_REQUESTS} page requests ({} pages in turn: {})",
            pages.len(),
            pages.join(" ")
        ),
        format!("{}; {}", server.memory()?, stats.summary()),
    );

    let stats = dashboard_run(&server, &cookie, clients, run).await?;
    row(
        format!("SQLite: dashboard, {clients} clients, {}s", run.as_secs()),
        stats,
    );
    row("SQLite: after the dashboard run", server.memory()?);

    let (answers, took) = failed_logins(server.addr, FAILED_LOGINS).await?;
    row(
        format!(
            "SQLite: after {FAILED_LOGINS} concurrent failed sign-ins (each an Argon2id check)"
        ),
        format!(
            "{}; all answered in {:.1} s ({answers})",
            server.memory()?,
            took.as_secs_f64()
        ),
    );
    server.stop()
}

/// Sign-ins with a wrong password sent all at once, each from its own browser
/// (own visitor cookie and CSRF token). The address throttle counts failures
/// only after the check, so all of them reach Argon2id: the worst burst one
/// address can send. Returns the answers by status and the time until the last.
async fn failed_logins(addr: SocketAddr, count: usize) -> anyhow::Result<(String, Duration)> {
    let base = format!("http://{addr}");
    let mut ready = Vec::with_capacity(count);
    for _ in 0..count {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let form = client
            .get(format!("{base}/login"))
            .send()
            .await?
            .text()
            .await?;
        let token = attribute_after(&form, "name=\"_csrf\" value=\"")
            .context("a CSRF token on the login page")?;
        ready.push((client, token));
    }
    let started = Instant::now();
    let attempts: Vec<_> = ready
        .into_iter()
        .enumerate()
        .map(|(i, (client, token))| {
            let url = format!("{base}/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("login", LOGIN),
                        ("password", &format!("not the password {i}")),
                        ("next", "/"),
                    ])
                    .send()
                    .await
                    .map(|answer| answer.status().as_u16())
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for attempt in attempts {
        *statuses.entry(attempt.await??).or_default() += 1;
    }
    let took = started.elapsed();
    let answers = statuses
        .iter()
        .map(|(status, n)| format!("{n} × {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok((answers, took))
}

async fn on_postgres(
    bin: &Path,
    dir: &Path,
    url: &str,
    clients: usize,
    run: Duration,
) -> anyhow::Result<()> {
    let data = dir.join("postgres");
    let data_arg = data.to_str().context("a UTF-8 temporary path")?;
    let args = ["--data", data_arg, "--database-url", url];
    Server::start(bin, "demo", &args, dir)?
        .ready()
        .await?
        .stop()?;
    let server = Server::start(bin, "serve", &args, dir)?.ready().await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    row(
        "PostgreSQL: `kolo serve` idle on the demo",
        server.memory()?,
    );
    let cookie = sign_in(server.addr).await?;
    let stats = dashboard_run(&server, &cookie, clients, run).await?;
    row(
        format!(
            "PostgreSQL: dashboard, {clients} clients, {}s",
            run.as_secs()
        ),
        stats,
    );
    row("PostgreSQL: after the dashboard run", server.memory()?);
    server.stop()
}

/// The dashboard requested by `clients` signed-in connections for `run`, after
/// a second of warm-up: throughput and latency, and what each request cost the
/// server in CPU time and context switches (figures that depend less on what
/// else the machine is doing), with the load average before and after.
async fn dashboard_run(
    server: &Server,
    cookie: &str,
    clients: usize,
    run: Duration,
) -> anyhow::Result<String> {
    let dashboard = [get("/", cookie)];
    load(
        server.addr,
        &dashboard,
        clients,
        Limit::Time(Duration::from_secs(1)),
    )
    .await?;
    let load_before = load_average()?;
    let (cpu_before, switches_before) = (server.cpu()?, server.context_switches()?);
    let own_before = cpu_of("self")?;
    let stats = load(server.addr, &dashboard, clients, Limit::Time(run)).await?;
    let requests = stats.latencies.len() as f64;
    let cpu = (server.cpu()? - cpu_before).as_secs_f64();
    let switches = server.context_switches()? - switches_before;
    let own = (cpu_of("self")? - own_before).as_secs_f64();
    Ok(format!(
        "{}; server CPU {:.0} µs and {:.1} context switches a request ({:.2} cores busy), load generator {:.0} µs a request; load average {} before, {} after",
        stats.summary(),
        cpu * 1e6 / requests,
        switches as f64 / requests,
        cpu / stats.elapsed.as_secs_f64(),
        own * 1e6 / requests,
        load_before,
        load_average()?
    ))
}

/// The one-minute load average: how busy the shared machine was.
fn load_average() -> anyhow::Result<String> {
    let text = std::fs::read_to_string("/proc/loadavg")?;
    Ok(text.split(' ').next().unwrap_or("?").to_owned())
}

/// CPU time (user and system) a process has used, from /proc/PID/stat.
fn cpu_of(pid: &str) -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces; the fields we want follow its ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    let ticks = |i: usize| -> anyhow::Result<u64> {
        Ok(fields
            .get(i - 3)
            .context("a field of /proc/PID/stat")?
            .parse()?)
    };
    // The kernel reports in USER_HZ, 100 a second on Linux.
    Ok(Duration::from_millis((ticks(14)? + ticks(15)?) * 10))
}

/// A `kolo` process on a free loopback port.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    fn start(bin: &Path, command: &str, args: &[&str], dir: &Path) -> anyhow::Result<Server> {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = dir.join(format!("kolo-{command}-{}.log", addr.port()));
        let out = std::fs::File::create(&log)?;
        let child = Command::new(bin)
            .arg(command)
            .args(args)
            .args(["--listen", &addr.to_string()])
            .env("KOLO_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        Ok(Server { child, addr, log })
    }

    /// Waits until `/healthz` answers (creating the demo takes a while).
    async fn ready(mut self) -> anyhow::Result<Server> {
        let deadline = Instant::now() + Duration::from_secs(300);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("kolo exited with {status}: {}", self.log_tail());
            }
            if let Ok(mut conn) = Conn::open(self.addr).await
                && let Ok(answer) = conn.send(&get("/healthz", "")).await
                && answer.status == 200
            {
                return Ok(self);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("kolo did not answer in 5 minutes: {}", self.log_tail())
    }

    /// Resident memory now and at its peak, from /proc.
    fn memory(&self) -> anyhow::Result<String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("{name} in /proc/PID/status"))
        };
        Ok(format!(
            "RSS {:.1} MB (peak {:.1} MB)",
            field("VmRSS:")? as f64 / 1024.0,
            field("VmHWM:")? as f64 / 1024.0
        ))
    }

    fn cpu(&self) -> anyhow::Result<Duration> {
        cpu_of(&self.child.id().to_string())
    }

    /// Context switches of all the process's threads so far.
    fn context_switches(&self) -> anyhow::Result<u64> {
        let mut total = 0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.child.id()))? {
            let status = std::fs::read_to_string(task?.path().join("status"))?;
            total += status
                .lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split(':').nth(1)?.trim().parse::<u64>().ok())
                .sum::<u64>();
        }
        Ok(total)
    }

    /// Stops the process as an operator would (SIGTERM) and waits for it.
    fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        bail!("kolo did not stop on SIGTERM within 30 s")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = log.len().saturating_sub(2000);
        log[log.floor_char_boundary(start)..].to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Signs in through the login form and returns the `Cookie` header to send.
async fn sign_in(addr: SocketAddr) -> anyhow::Result<String> {
    let base = format!("http://{addr}");
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = attribute_after(&form, "name=\"_csrf\" value=\"")
        .context("a CSRF token on the login page")?;
    let answer = client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("login", LOGIN),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    if answer.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("signing in as {LOGIN} answered {}", answer.status());
    }
    let cookies = jar
        .cookies(&base.parse()?)
        .context("cookies after signing in")?;
    Ok(cookies.to_str()?.to_owned())
}

/// A page fetched once, checked to be a 200.
async fn page(addr: SocketAddr, path: &str, cookie: &str) -> anyhow::Result<Answer> {
    let answer = Conn::open(addr).await?.send(&get(path, cookie)).await?;
    if answer.status != 200 {
        bail!("GET {path} answered {}", answer.status);
    }
    Ok(answer)
}

/// The dashboard and what it links (stylesheet, icon, images, scripts), as
/// sent on the wire, uncompressed and uncached (a first visit).
async fn bytes_of_dashboard(
    addr: SocketAddr,
    cookie: &str,
    dashboard: &Answer,
) -> anyhow::Result<()> {
    let html = String::from_utf8_lossy(&dashboard.body);
    let mut parts = vec![format!(
        "HTML {} B body, {} B on the wire",
        dashboard.body.len(),
        dashboard.wire_bytes
    )];
    let mut total = dashboard.wire_bytes;
    for asset in linked_assets(&html) {
        let answer = page(addr, &asset, cookie).await?;
        total += answer.wire_bytes;
        parts.push(format!(
            "{asset} {} B body, {} B on the wire",
            answer.body.len(),
            answer.wire_bytes
        ));
    }
    row(
        "dashboard with all its assets (first visit, uncompressed)",
        format!(
            "{:.1} KB in total: {}",
            total as f64 / 1000.0,
            parts.join("; ")
        ),
    );
    Ok(())
}

/// Paths of `<link href>` and `src` attributes: what a browser fetches with the page.
fn linked_assets(html: &str) -> Vec<String> {
    let mut assets = Vec::new();
    for (i, _) in html.match_indices("<link ") {
        let tag = &html[i..html[i..].find('>').map_or(html.len(), |end| i + end)];
        if let Some(href) = attribute_after(tag, "href=\"") {
            assets.push(href);
        }
    }
    let mut rest = html;
    while let Some(at) = rest.find(" src=\"") {
        rest = &rest[at + 1..];
        if let Some(src) = attribute_after(rest, "src=\"") {
            assets.push(src);
        }
    }
    assets.dedup();
    assets
}

/// The local pages the dashboard links to that answer 200 with HTML: the pages
/// this role reaches from its navigation, the dashboard first.
async fn pages_of(
    addr: SocketAddr,
    cookie: &str,
    dashboard: &Answer,
) -> anyhow::Result<Vec<String>> {
    let html = String::from_utf8_lossy(&dashboard.body);
    let mut pages = vec!["/".to_owned()];
    let mut rest = &*html;
    while let Some(at) = rest.find("<a ") {
        rest = &rest[at + 3..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let Some(href) = attribute_after(tag, "href=\"") else {
            continue;
        };
        let href = href.split('#').next().unwrap_or_default().to_owned();
        if !href.starts_with('/') || href.starts_with("//") || pages.contains(&href) {
            continue;
        }
        let answer = Conn::open(addr).await?.send(&get(&href, cookie)).await?;
        if answer.status == 200 && answer.html {
            pages.push(href);
        }
    }
    Ok(pages)
}

fn attribute_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].replace("&amp;", "&"))
}

/// The bytes of a GET request, as a browser would send them (minus its many
/// headers we do not need).
fn get(path: &str, cookie: &str) -> Vec<u8> {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    stream: BufReader<TcpStream>,
}

struct Answer {
    status: u16,
    html: bool,
    body: Vec<u8>,
    /// Status line, headers and body as received.
    wire_bytes: usize,
}

impl Conn {
    async fn open(addr: SocketAddr) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::with_capacity(64 * 1024, stream),
        })
    }

    async fn read_line(&mut self, line: &mut String) -> anyhow::Result<usize> {
        line.clear();
        let n = self.stream.read_line(line).await?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        Ok(n)
    }

    async fn send(&mut self, request: &[u8]) -> anyhow::Result<Answer> {
        self.stream.get_mut().write_all(request).await?;
        let mut line = String::new();
        let mut wire_bytes = 0;
        wire_bytes += self.read_line(&mut line).await?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("a status line, not {line:?}"))?;
        let (mut length, mut chunked, mut html) = (None, false, false);
        loop {
            wire_bytes += self.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "content-type" => html = value.starts_with("text/html"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                wire_bytes += self.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .context("a chunk size")?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                wire_bytes += chunk.len();
                body.extend_from_slice(&chunk[..size]);
                if size == 0 {
                    break;
                }
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
            wire_bytes += length;
        }
        Ok(Answer {
            status,
            html,
            body,
            wire_bytes,
        })
    }
}

enum Limit {
    /// This many requests in all, shared among the clients.
    Requests(usize),
    /// As many as fit in this time.
    Time(Duration),
}

struct Stats {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

impl Stats {
    fn summary(&self) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |q: usize| sorted[(sorted.len() * q / 100).min(sorted.len() - 1)];
        format!(
            "{} requests in {:.1} s = {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms; {} not 200",
            sorted.len(),
            self.elapsed.as_secs_f64(),
            sorted.len() as f64 / self.elapsed.as_secs_f64(),
            ms(at(50)),
            ms(at(99)),
            ms(sorted[sorted.len() - 1]),
            self.failures
        )
    }
}

/// `clients` connections, each sending the requests in turn, one at a time.
async fn load(
    addr: SocketAddr,
    requests: &[Vec<u8>],
    clients: usize,
    limit: Limit,
) -> anyhow::Result<Stats> {
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(requests.to_vec());
    let issued = Arc::new(AtomicUsize::new(0));
    let (budget, deadline) = match limit {
        Limit::Requests(n) => (n, None),
        Limit::Time(time) => (usize::MAX, Some(Instant::now() + time)),
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (requests, issued) = (requests.clone(), issued.clone());
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await?;
                let mut latencies = Vec::new();
                let mut failures = 0;
                let mut next = client;
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d)
                        || issued.fetch_add(1, Ordering::Relaxed) >= budget
                    {
                        return anyhow::Ok((latencies, failures));
                    }
                    let request = &requests[next % requests.len()];
                    next += 1;
                    let sent = Instant::now();
                    let answer = conn.send(request).await?;
                    latencies.push(sent.elapsed());
                    if answer.status != 200 {
                        failures += 1;
                    }
                }
            })
        })
        .collect();
    let mut stats = Stats {
        latencies: Vec::new(),
        failures: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, failures) = task.await??;
        stats.latencies.extend(latencies);
        stats.failures += failures;
    }
    stats.elapsed = started.elapsed();
    if stats.latencies.is_empty() {
        bail!("no request was answered");
    }
    Ok(stats)
}

fn row(figure: impl std::fmt::Display, value: impl std::fmt::Display) {
    println!("| {figure} | {value} |");
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}
