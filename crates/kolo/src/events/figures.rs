//! Figures about events for everyone who may see figures (viewers see only
//! these): events held, and participations by type and format, with small
//! counts hidden by `stats::suppression` so no one can be singled out.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use jiff::civil::Date;
use kolo_core::auth::Action;
use kolo_core::events::{EventFilter, EventFormat, EventStatus};
use serde::Deserialize;
use stats::suppression::{Cell, SuppressionRule, suppress_count, suppress_table};

use super::{range_label, type_name};
use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new().get(
        "/figures/events",
        Access::Staff(Action::ViewEventFigures),
        figures,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    /// A year, or empty for the current one, or `all`.
    year: String,
}

/// A shown count or the mark for a hidden one.
fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Shown(n) => n.to_string(),
        Cell::Suppressed => "<5".to_owned(),
    }
}

struct TableRow {
    label: String,
    cells: Vec<String>,
    total: String,
}

struct EventLine {
    title: String,
    dates: String,
    kind: String,
    format: String,
    people: String,
}

#[derive(Template)]
#[template(path = "events_figures.html")]
struct FiguresPage {
    page: Page,
    year: String,
    formats: Vec<String>,
    held: Vec<TableRow>,
    held_total: usize,
    participations: Vec<TableRow>,
    participation_totals: Vec<String>,
    participation_total: String,
    unique_people: String,
    events: Vec<EventLine>,
}

/// Figures computed from the store; every count of people is suppressed.
pub(crate) struct EventFigures {
    pub types: Vec<(String, String)>,
    /// `held[type][format]`: events held (not people).
    pub held: Vec<Vec<usize>>,
    /// Participations (a person at an event) by type and format, suppressed.
    pub participations: stats::suppression::SuppressedTable,
    pub unique_people: Cell,
    /// Per event: title, dates, type id, format, people present (suppressed).
    pub events: Vec<(kolo_core::events::EventListItem, Cell)>,
}

pub(crate) async fn compute(
    app: &AppState,
    lang: kolo_core::lang::Lang,
    filter: &EventFilter,
) -> Result<EventFigures, AppError> {
    let rule = SuppressionRule::DEFAULT;
    let types = app.store.event_types().await?;
    let events: Vec<_> = app
        .store
        .events(filter)
        .await?
        .into_iter()
        .filter(|e| e.status != EventStatus::Cancelled)
        .collect();
    let attendees = app.store.attendees(filter).await?;
    let formats = EventFormat::ALL;
    let type_index = |id: &str| types.iter().position(|t| t.id == id);
    let format_index = |f: EventFormat| formats.iter().position(|x| *x == f).unwrap_or(0);
    let mut held = vec![vec![0usize; formats.len()]; types.len()];
    for event in &events {
        if event.status == EventStatus::Held
            && let Some(t) = type_index(&event.type_id)
        {
            held[t][format_index(event.format)] += 1;
        }
    }
    let counted: HashSet<&str> = events.iter().map(|e| e.id.0.as_str()).collect();
    let mut participations = vec![vec![0usize; formats.len()]; types.len()];
    let mut people = HashSet::new();
    for fact in attendees
        .iter()
        .filter(|a| counted.contains(a.event_id.0.as_str()))
    {
        if let Some(t) = type_index(&fact.type_id) {
            participations[t][format_index(fact.format)] += 1;
        }
        people.insert(fact.participant_id.0.as_str());
    }
    let participations = suppress_table(&participations, rule)
        .map_err(|e| AppError::Internal(format!("suppressing figures: {e}")))?;
    let per_event = events
        .into_iter()
        .map(|e| {
            let count = attendees.iter().filter(|a| a.event_id == e.id).count();
            (e, suppress_count(count, rule))
        })
        .collect();
    Ok(EventFigures {
        types: types
            .iter()
            .map(|t| (t.id.clone(), t.name(lang).to_owned()))
            .collect(),
        held,
        participations,
        unique_people: suppress_count(people.len(), rule),
        events: per_event,
    })
}

/// The events of a year (or of every year).
pub(crate) fn year_filter(year: &str) -> (EventFilter, String) {
    let year = year.trim();
    if year == "all" {
        return (EventFilter::default(), "all".to_owned());
    }
    let number = year
        .parse::<i16>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| super::today().year());
    let filter = EventFilter {
        from: Date::new(number, 1, 1).ok(),
        until: Date::new(number, 12, 31).ok(),
        ..EventFilter::default()
    };
    (filter, number.to_string())
}

async fn figures(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (filter, year) = year_filter(&query.year);
    let figures = compute(&app, lang, &filter).await?;
    let types = app.store.event_types().await?;
    let held = figures
        .types
        .iter()
        .zip(&figures.held)
        .map(|((_, name), counts)| TableRow {
            label: name.clone(),
            cells: counts.iter().map(ToString::to_string).collect(),
            total: counts.iter().sum::<usize>().to_string(),
        })
        .collect();
    let table = &figures.participations;
    let participations = figures
        .types
        .iter()
        .zip(table.cells.iter().zip(&table.row_totals))
        .map(|((_, name), (cells, total))| TableRow {
            label: name.clone(),
            cells: cells.iter().copied().map(cell_text).collect(),
            total: cell_text(*total),
        })
        .collect();
    let page = FiguresPage {
        page: Page::new(&app, &ctx, "figures-title"),
        year,
        formats: EventFormat::ALL
            .iter()
            .map(|f| i18n::text(lang, f.message_id()))
            .collect(),
        held,
        held_total: figures.held.iter().flatten().sum(),
        participations,
        participation_totals: table.column_totals.iter().copied().map(cell_text).collect(),
        participation_total: cell_text(table.grand_total),
        unique_people: cell_text(figures.unique_people),
        events: figures
            .events
            .iter()
            .map(|(e, people)| EventLine {
                title: e.title.clone(),
                dates: range_label(lang, e.start, e.end),
                kind: type_name(&types, &e.type_id, lang),
                format: i18n::text(lang, e.format.message_id()),
                people: cell_text(*people),
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}
