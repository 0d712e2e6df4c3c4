//! `/admin/audit`: the audit log with filters (person, action, period), and its
//! export as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use kolo_core::audit::{AuditFilter, StoredEntry};
use kolo_core::auth::Action;
use serde::Deserialize;

use super::{Actor, AuditEvent, record};
use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff};

const PAGE_SIZE: u32 = 100;
/// An export is bounded so one request cannot hold the whole log in memory.
const EXPORT_LIMIT: u32 = 100_000;

pub fn routes() -> RouteTable {
    let admin = Access::Staff(Action::ViewAudit);
    RouteTable::new()
        .get("/admin/audit", admin, list)
        .get("/admin/audit.csv", admin, export)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FilterForm {
    user: String,
    action: String,
    /// `YYYY-MM-DD`, in UTC.
    from: String,
    until: String,
    before: Option<u64>,
}

impl FilterForm {
    fn to_filter(&self, limit: u32) -> Result<AuditFilter, AppError> {
        let day_ms = |text: &str| -> Result<Option<i64>, AppError> {
            if text.is_empty() {
                return Ok(None);
            }
            let date: jiff::civil::Date = text
                .parse()
                .map_err(|_| AppError::BadRequest("audit-bad-date"))?;
            let ts = date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_err(|_| AppError::BadRequest("audit-bad-date"))?
                .timestamp();
            Ok(Some(ts.as_millisecond()))
        };
        Ok(AuditFilter {
            actor: (!self.user.is_empty()).then(|| format!("user:{}", self.user)),
            action_prefix: (!self.action.trim().is_empty()).then(|| self.action.trim().to_owned()),
            from_ms: day_ms(&self.from)?,
            // The "until" day is included: the filter ends at the next midnight.
            until_ms: day_ms(&self.until)?.map(|ms| ms + 24 * 3600 * 1000),
            before_seq: self.before,
            limit,
        })
    }

    fn query_string(&self) -> String {
        use crate::web::url::encode_component as enc;
        format!(
            "user={}&action={}&from={}&until={}",
            enc(&self.user),
            enc(&self.action),
            enc(&self.from),
            enc(&self.until)
        )
    }
}

struct Row {
    seq: u64,
    when: String,
    actor: String,
    action: String,
    target: String,
    address: String,
    details: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Page,
    filter: FilterForm,
    users: Vec<(String, String)>,
    rows: Vec<Row>,
    older: Option<u64>,
    query: String,
}

async fn list(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(form): Query<FilterForm>,
) -> Result<Html<String>, AppError> {
    let entries = app.store.audit_entries(&form.to_filter(PAGE_SIZE)?).await?;
    let users = app.store.users().await?;
    let name_of = |actor: &str| {
        actor
            .strip_prefix("user:")
            .and_then(|id| users.iter().find(|u| u.id.0 == id))
            .map_or_else(|| actor.to_owned(), |u| u.login.to_string())
    };
    let older = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|e| e.entry.seq))
        .flatten();
    let rows = entries
        .iter()
        .map(|stored| {
            let e = &stored.entry;
            Row {
                seq: e.seq,
                when: crate::web::format::datetime(kolo_core::time::Timestamp(
                    e.at_unix_ms.div_euclid(1000),
                )),
                actor: name_of(&e.actor),
                action: e.action.clone(),
                target: e.target.clone(),
                address: e.address.clone().unwrap_or_default(),
                details: e.details.as_str().to_owned(),
            }
        })
        .collect();
    let page = AuditPage {
        page: Page::new(&app, &ctx, "audit-title"),
        query: form.query_string(),
        filter: form,
        users: users
            .iter()
            .map(|u| (u.id.0.clone(), u.login.to_string()))
            .collect(),
        rows,
        older,
    };
    Ok(Html(page.render()?))
}

/// The filtered log as CSV. Exporting the log is itself recorded.
async fn export(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Query(form): Query<FilterForm>,
) -> Result<Response, AppError> {
    let entries = app
        .store
        .audit_entries(&form.to_filter(EXPORT_LIMIT)?)
        .await?;
    record(
        &*app.store,
        &app.vault,
        AuditEvent {
            actor: &Actor::User(staff.user.id.clone()),
            address: Some(&ctx.client_addr),
            action: "export.audit",
            target: "audit_log",
            details: serde_json::json!({ "entries": entries.len() }),
        },
    )
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut csv =
        String::from("seq,at_utc_ms,actor,action,target,address,details,prev_hash,hash\r\n");
    for stored in &entries {
        csv.push_str(&csv_line(stored));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kolo-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

fn csv_line(stored: &StoredEntry) -> String {
    let e = &stored.entry;
    let fields = [
        e.seq.to_string(),
        e.at_unix_ms.to_string(),
        e.actor.clone(),
        e.action.clone(),
        e.target.clone(),
        e.address.clone().unwrap_or_default(),
        e.details.as_str().to_owned(),
        stored.prev_hash.to_hex(),
        stored.hash.to_hex(),
    ];
    let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    format!("{}\r\n", quoted.join(","))
}

/// Quotes a CSV field, and defuses text a spreadsheet would run as a formula.
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}
