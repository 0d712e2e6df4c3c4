//! Attendance: a grid of participants by day that a trainer fills on a phone
//! or with the keyboard (Tab and Space), and the entry of a paper sign-in
//! sheet after an event without devices (type codes row by row, with the
//! browser's completion, tick the days).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::events::{
    AttendanceUpdate, Event, EventAccess, NewRegistration, Registration, RegistrationId,
    check_attendance,
};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::participants::{Participant, Uic};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::changes::{self, AttendanceSource};
use super::event_for;
use super::short_day;
use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageEvents);
    RouteTable::new()
        .get("/events/{id}/attendance", manage, grid)
        .post("/events/{id}/attendance", manage, save_grid)
        .get("/events/{id}/paper", manage, paper)
        .post("/events/{id}/paper", manage, save_paper)
}

struct Day {
    value: String,
    label: String,
}

struct GridRow {
    id: String,
    uic: String,
    nickname: String,
    /// `(mark value, ticked)` per day.
    marks: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "events_attendance.html")]
struct GridPage {
    page: Page,
    id: String,
    title: String,
    days: Vec<Day>,
    rows: Vec<GridRow>,
    errors: Vec<String>,
    notice: Option<String>,
}

fn days_of(lang: Lang, event: &Event) -> Vec<Day> {
    event
        .details
        .days
        .iter()
        .map(|day| Day {
            value: day.to_string(),
            label: short_day(lang, *day),
        })
        .collect()
}

fn grid_page(
    app: &AppState,
    ctx: &RequestContext,
    event: &Event,
    registrations: &[Registration],
    ticked: Option<&[String]>,
    errors: Vec<String>,
) -> GridPage {
    GridPage {
        page: Page::new(app, ctx, "attendance-title"),
        id: event.id.0.clone(),
        title: event.details.title.clone(),
        days: days_of(ctx.lang, event),
        rows: registrations
            .iter()
            .map(|r| GridRow {
                id: r.id.0.clone(),
                uic: r.uic.to_string(),
                nickname: r.nickname.clone(),
                marks: event
                    .details
                    .days
                    .iter()
                    .map(|day| {
                        let value = format!("{}:{day}", r.id);
                        let on = match ticked {
                            Some(ticked) => ticked.contains(&value),
                            None => r.present.contains(day),
                        };
                        (value, on)
                    })
                    .collect(),
            })
            .collect(),
        errors,
        notice: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    notice: String,
}

async fn grid(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let registrations = app.store.registrations(&event.id).await?;
    let mut page = grid_page(&app, &ctx, &event, &registrations, None, Vec::new());
    if query.notice == "saved" {
        page.notice = Some(i18n::text(ctx.lang, "attendance-saved"));
    }
    Ok(Html(page.render()?))
}

async fn save_grid(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let registrations = app.store.registrations(&event.id).await?;
    let values = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let rows = values("row");
    let mut marks = values("p");
    // "Everyone present on this day" ticks the whole column.
    for day in values("all") {
        for row in &rows {
            let mark = format!("{row}:{day}");
            if !marks.contains(&mark) {
                marks.push(mark);
            }
        }
    }
    match check_attendance(&event, &registrations, &rows, &marks) {
        Ok(update) => {
            changes::save_attendance(
                &app,
                &ctx,
                &staff,
                &event.id,
                &[],
                &update,
                AttendanceSource::Grid,
            )
            .await?;
            Ok(Redirect::to(&format!("/events/{id}/attendance?notice=saved")).into_response())
        }
        Err(problems) => {
            let errors = problems
                .iter()
                .map(|p| {
                    let detail = match p {
                        kolo_core::events::AttendanceProblem::UnknownRegistration(v)
                        | kolo_core::events::AttendanceProblem::DayOutside(v)
                        | kolo_core::events::AttendanceProblem::Malformed(v) => v.clone(),
                    };
                    i18n::text_with(ctx.lang, p.message_id(), &[("value", detail)])
                })
                .collect();
            let page = grid_page(&app, &ctx, &event, &registrations, Some(&marks), errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}

/// How many rows the paper entry offers at first; `?rows=` asks for more.
const PAPER_ROWS: usize = 30;
const MAX_PAPER_ROWS: usize = 400;

struct PaperRow {
    index: usize,
    uic: String,
    /// `(day value, ticked)` per day.
    days: Vec<(String, bool)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "events_paper.html")]
struct PaperPage {
    page: Page,
    id: String,
    title: String,
    days: Vec<Day>,
    known: Vec<(String, String)>,
    rows: Vec<PaperRow>,
    count: usize,
    more: usize,
    has_errors: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RowsQuery {
    rows: usize,
}

fn paper_page(
    app: &AppState,
    ctx: &RequestContext,
    event: &Event,
    registrations: &[Registration],
    rows: Vec<PaperRow>,
) -> PaperPage {
    let count = rows.len();
    PaperPage {
        page: Page::new(app, ctx, "paper-title"),
        id: event.id.0.clone(),
        title: event.details.title.clone(),
        days: days_of(ctx.lang, event),
        known: registrations
            .iter()
            .map(|r| (r.uic.to_string(), r.nickname.clone()))
            .collect(),
        has_errors: rows.iter().any(|r| r.error.is_some()),
        rows,
        count,
        more: (count + PAPER_ROWS).min(MAX_PAPER_ROWS),
    }
}

fn empty_rows(event: &Event, count: usize) -> Vec<PaperRow> {
    (0..count)
        .map(|index| PaperRow {
            index,
            uic: String::new(),
            days: event
                .details
                .days
                .iter()
                .map(|d| (d.to_string(), false))
                .collect(),
            error: None,
        })
        .collect()
}

async fn paper(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<RowsQuery>,
) -> Result<Html<String>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let registrations = app.store.registrations(&event.id).await?;
    let count = if query.rows == 0 {
        PAPER_ROWS.max(registrations.len())
    } else {
        query.rows
    }
    .min(MAX_PAPER_ROWS);
    let page = paper_page(
        &app,
        &ctx,
        &event,
        &registrations,
        empty_rows(&event, count),
    );
    Ok(Html(page.render()?))
}

/// Saves the typed rows: each code must be in the register; people not yet
/// registered are registered; each typed row's days become exactly the ticked
/// ones. Any problem stops everything and marks its row.
async fn save_paper(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let registrations = app.store.registrations(&event.id).await?;
    let count = pairs
        .iter()
        .find(|(k, _)| k == "count")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_PAPER_ROWS);
    let mut rows = empty_rows(&event, count);
    for (key, value) in &pairs {
        if let Some(index) = key
            .strip_prefix("uic_")
            .and_then(|i| i.parse::<usize>().ok())
            && let Some(row) = rows.get_mut(index)
        {
            row.uic = value.trim().to_owned();
        }
        if let Some(index) = key
            .strip_prefix("day_")
            .and_then(|i| i.parse::<usize>().ok())
            && let Some(row) = rows.get_mut(index)
        {
            match row.days.iter_mut().find(|(day, _)| day == value) {
                Some(day) => day.1 = true,
                None => {
                    row.error = Some(i18n::text_with(
                        lang,
                        "attendance-day-outside",
                        &[("value", value.clone())],
                    ))
                }
            }
        }
    }
    let now = Timestamp::now();
    let mut new = Vec::new();
    let mut update = AttendanceUpdate::default();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for row in rows.iter_mut() {
        let ticked = row.days.iter().any(|(_, on)| *on);
        if row.uic.is_empty() {
            if ticked && row.error.is_none() {
                row.error = Some(i18n::text(lang, "paper-code-missing"));
            }
            continue;
        }
        if row.error.is_some() {
            continue;
        }
        let participant = match find_typed(&app, &registrations, &row.uic).await? {
            Typed::Found(p) => p,
            Typed::Invalid => {
                row.error = Some(i18n::text(lang, "paper-code-invalid"));
                continue;
            }
            Typed::Unknown(code) => {
                row.error = Some(i18n::text_with(
                    lang,
                    "paper-code-unknown",
                    &[("code", code)],
                ));
                continue;
            }
            Typed::Ambiguous(codes) => {
                row.error = Some(i18n::text_with(
                    lang,
                    "paper-code-ambiguous",
                    &[("codes", codes.join(", "))],
                ));
                continue;
            }
        };
        if let Some((_, first)) = seen.iter().find(|(id, _)| *id == participant.id.0) {
            row.error = Some(i18n::text_with(
                lang,
                "paper-code-repeated",
                &[("row", (first + 1).to_string())],
            ));
            continue;
        }
        seen.push((participant.id.0.clone(), row.index));
        let registration = match registrations
            .iter()
            .find(|r| r.participant_id == participant.id)
        {
            Some(r) => r.id.clone(),
            None => {
                let id = RegistrationId(new_id());
                new.push(NewRegistration {
                    id: id.clone(),
                    event_id: event.id.clone(),
                    participant_id: participant.id.clone(),
                    by: Some(staff.user.id.clone()),
                    at: now,
                });
                id
            }
        };
        update.rows.push(registration.clone());
        for (day, on) in &row.days {
            if *on && let Some(day) = kolo_core::events::parse_day(day) {
                update.present.push((registration.clone(), day));
            }
        }
    }
    if rows.iter().any(|r| r.error.is_some()) {
        let page = paper_page(&app, &ctx, &event, &registrations, rows);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    changes::save_attendance(
        &app,
        &ctx,
        &staff,
        &event.id,
        &new,
        &update,
        AttendanceSource::Paper,
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{id}?notice=attendance#participants")).into_response())
}

/// The shortest start of a code that completes it on the paper page.
const MIN_PREFIX: usize = 3;

/// Who a typed code on a paper row is.
enum Typed {
    Found(Box<Participant>),
    Invalid,
    Unknown(String),
    Ambiguous(Vec<String>),
}

/// A whole code is looked up in the register. Otherwise the start of the
/// code of someone registered to the event completes it when only one code
/// starts so: a trainer typing from the printed sheet stops after a few
/// characters, as with the browser's completion, and with JavaScript off.
async fn find_typed(
    app: &AppState,
    registrations: &[Registration],
    typed: &str,
) -> Result<Typed, AppError> {
    let typed = typed.trim().to_ascii_uppercase();
    let whole = Uic::parse(&typed);
    if let Some(uic) = &whole
        && let Some(participant) = app.store.participant_by_uic(uic).await?
    {
        return Ok(Typed::Found(Box::new(participant)));
    }
    let starting: Vec<&Registration> = if typed.len() >= MIN_PREFIX {
        registrations
            .iter()
            .filter(|r| r.uic.as_str().starts_with(&typed))
            .collect()
    } else {
        Vec::new()
    };
    match starting.as_slice() {
        [one] => match app.store.participant(&one.participant_id).await? {
            Some(participant) => Ok(Typed::Found(Box::new(participant))),
            None => Ok(Typed::Unknown(typed)),
        },
        [] if whole.is_some() => Ok(Typed::Unknown(typed)),
        [] => Ok(Typed::Invalid),
        many => Ok(Typed::Ambiguous(
            many.iter().take(5).map(|r| r.uic.to_string()).collect(),
        )),
    }
}
