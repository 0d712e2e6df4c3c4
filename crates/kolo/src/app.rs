//! The application: shared state, the router with its layers, and serving.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use kolo_core::Store;
use kolo_core::auth::TwoFactorPolicy;
use kolo_core::lang::Lang;
use kolo_core::org::setting;
use kolo_core::time::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::catch_panic::CatchPanicLayer;

use crate::audit::{Actor, AuditEvent};
use crate::config::ServerConfig;
use crate::vault::Vault;
use crate::web::errors::{panic_response, render_errors};
use crate::web::guard::guard;
use crate::web::routes::RouteIndex;
use crate::web::security::add_security_headers;
use crate::web::{Access, AppError, RequestContext, RouteTable, assets};
use crate::{
    account, admin, api, audit, auth, clm, dashboard, events, outcomes, participants, privacy,
    vault,
};

/// The organisation as pages show it. Read from settings and refreshed
/// periodically, so every process of a PostgreSQL deployment follows changes.
#[derive(Clone, Debug, Default)]
pub struct OrgProfile {
    pub name_uk: String,
    pub name_en: String,
    pub demo: bool,
}

impl OrgProfile {
    pub fn name(&self, lang: Lang) -> &str {
        let name = match lang {
            Lang::Uk => &self.name_uk,
            Lang::En => &self.name_en,
        };
        if name.is_empty() { "Kolo" } else { name }
    }

    pub async fn load(store: &dyn Store) -> Result<OrgProfile, kolo_core::StoreError> {
        Ok(OrgProfile {
            name_uk: store
                .setting(setting::ORG_NAME_UK)
                .await?
                .unwrap_or_default(),
            name_en: store
                .setting(setting::ORG_NAME_EN)
                .await?
                .unwrap_or_default(),
            demo: store.setting(setting::DEMO).await?.as_deref() == Some("true"),
        })
    }
}

pub struct AppInner {
    pub store: Arc<dyn Store>,
    pub vault: Arc<Vault>,
    pub config: ServerConfig,
    pub routes: RouteIndex,
    /// Files of forms and submissions (`DATA/blobs`).
    pub blobs: crate::clm::blobs::BlobStore,
    /// Form schemas already read (see `clm::schemas`).
    pub schemas: crate::clm::schemas::SchemaCache,
    org: RwLock<OrgProfile>,
}

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

impl Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl AppState {
    /// Records an action by the person behind `ctx` in the audit log. What cannot
    /// be recorded is refused.
    pub async fn audit(
        &self,
        ctx: &RequestContext,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let actor = ctx
            .staff
            .as_ref()
            .map_or(Actor::Anonymous, |s| Actor::User(s.user.id.clone()));
        self.audit_as(&actor, Some(&ctx.client_addr), action, target, details)
            .await
    }

    /// Records an action by a given actor.
    pub async fn audit_as(
        &self,
        actor: &Actor,
        address: Option<&str>,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let event = AuditEvent {
            actor,
            address,
            action,
            target,
            details,
        };
        crate::audit::record(&*self.store, &self.vault, event).await?;
        Ok(())
    }

    /// Which roles must sign in with a second factor.
    pub async fn two_factor_policy(&self) -> Result<TwoFactorPolicy, AppError> {
        let setting = self.store.setting(setting::TWO_FACTOR_ROLES).await?;
        Ok(TwoFactorPolicy::from_setting(setting.as_deref()))
    }

    pub fn org(&self) -> OrgProfile {
        self.org.read().map(|org| org.clone()).unwrap_or_default()
    }

    async fn refresh_org(&self) {
        match OrgProfile::load(&*self.store).await {
            Ok(profile) => {
                if let Ok(mut org) = self.org.write() {
                    *org = profile;
                }
            }
            Err(error) => tracing::warn!(%error, "could not refresh the organisation's settings"),
        }
    }
}

/// Every route of Kolo, each with its declared access.
pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/healthz", Access::Public, healthz)
        .merge(assets::routes())
        .merge(auth::routes())
        .merge(dashboard::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(audit::routes())
        .merge(vault::routes())
        .merge(api::routes())
        .merge(events::routes())
        .merge(participants::routes())
        .merge(outcomes::routes())
        .merge(privacy::routes())
        .merge(clm::openrosa::routes())
        .merge(clm::web::routes())
}

/// Builds the router with its layers, from the inside out: panics become 500s,
/// the guard identifies and checks every request, errors become pages, and
/// every response gets the security headers.
pub async fn build(
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    config: ServerConfig,
) -> anyhow::Result<(Router, AppState)> {
    let (router, specs) = routes().into_parts();
    let org = OrgProfile::load(&*store)
        .await
        .context("reading the organisation's settings")?;
    let blobs = crate::clm::blobs::BlobStore::new(&config.data_dir);
    let state = AppState(Arc::new(AppInner {
        store,
        vault,
        config,
        routes: RouteIndex::new(specs),
        blobs,
        schemas: Default::default(),
        org: RwLock::new(org),
    }));
    let router = router
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.clone(), guard))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn(add_security_headers))
        .with_state(state.clone());
    Ok((router, state))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// `GET /healthz`: 200 when the database answers, 503 when not. No data.
async fn healthz(State(app): State<AppState>) -> (StatusCode, &'static str) {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}

/// A server running in this process, stopped by `shutdown` or when dropped.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting connections and waits for open requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves on an already bound listener until `shutdown`, with background upkeep.
pub async fn start(
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    config: ServerConfig,
    listener: TcpListener,
) -> anyhow::Result<RunningServer> {
    let addr = listener
        .local_addr()
        .context("reading the listening address")?;
    let (router, state) = build(store, vault, config).await?;
    recover_blobs(&state).await;
    let (stop, stopped) = oneshot::channel::<()>();
    let upkeep = tokio::spawn(upkeep(state.clone()));
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        upkeep.abort();
        if let Err(error) = result {
            tracing::error!(%error, "the HTTP server stopped");
        }
    });
    Ok(RunningServer {
        addr,
        state,
        stop: Some(stop),
        task,
    })
}

/// Finishes file moves a crash interrupted and deletes abandoned uploads, so
/// the blob store holds only files that rows name.
async fn recover_blobs(state: &AppState) {
    let grace = crate::clm::blobs::STAGING_GRACE;
    match state.blobs.recover(&*state.store, grace).await {
        Ok(done) if done.finished + done.deleted > 0 => tracing::info!(
            finished = done.finished,
            deleted = done.deleted,
            "blob store recovered"
        ),
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "recovering the blob store"),
    }
}

/// Periodic work: follow settings changed by other processes, and delete
/// ended sessions and old failed-login records.
async fn upkeep(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    let mut round: u64 = 0;
    loop {
        tick.tick().await;
        // Once a day (every 2,880 rounds of 30 s), starting a minute after start.
        if round % 2_880 == 2 {
            match crate::retention::apply(&*state.store, &state.vault, Timestamp::now()).await {
                Ok(report) => {
                    tracing::info!(audit_entries = report.audit_entries, "retention applied")
                }
                Err(error) => tracing::error!(%error, "the retention job failed"),
            }
        }

        if round == 4 {
            // Two minutes after start: submissions kept before the table's
            // sort values existed get them, so no page waits for it.
            if let Err(error) = crate::clm::sort_values::catch_up_all(&state).await {
                tracing::error!(%error, "reading the sort values of earlier submissions");
            }
        }
        if round % 120 == 60 {
            // Hourly: abandoned uploads older than the grace period.
            recover_blobs(&state).await;
        }
        state.refresh_org().await;
        // A `kolo admin` command may have added or retired a data key.
        if let Err(error) = state.vault.reload() {
            tracing::error!(%error, "reloading the data keys");
        }
        if round.is_multiple_of(20) {
            let now = Timestamp::now();
            let policy = &state.config.sessions;
            let sessions = state
                .store
                .delete_stale_sessions(
                    now.minus_seconds(policy.idle_timeout_secs),
                    now.minus_seconds(policy.absolute_timeout_secs),
                )
                .await;
            let failures = state
                .store
                .prune_login_failures(now.minus_seconds(state.config.login_throttle.window_secs))
                .await;
            if let Err(error) = sessions.and(failures) {
                tracing::warn!(%error, "upkeep of sessions and failed logins");
            }
        }
        round += 1;
    }
}
