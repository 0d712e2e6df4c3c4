//! The evidence across events: in person, online and hybrid side by side
//! (normalised gain, score change, retention, satisfaction, follow-up action
//! rate), each figure with its n, a plain statement of what the data can and
//! cannot show, and CSV and XLSX exports. Viewers see figures resting on
//! fewer than five people hidden (`stats::suppression`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use kolo_core::auth::{Action, Role, User};
use kolo_core::events::{EventFilter, EventFormat, parse_day};
use kolo_core::lang::Lang;
use kolo_core::outcomes::{AttendanceCount, EvidenceFacts, FEEDBACK_ITEMS};
use serde::Deserialize;
use stats::suppression::{Cell, SuppressionRule, suppress_count, suppress_figure, suppress_list};
use stats::{
    Attendance, Figure, FollowUp, LearningOutcomes, Likert, LikertSummary, MAX_EVENT_DAYS,
    MinimumN, Recommendation, RecommendationSummary, Retention, Score, ScorePair, Share, follow_up,
    learning_outcomes, likert_summary, recommendation_summary, retention,
};

use super::one_decimal;
use super::results::figure_text;
use super::xlsx::{XlsxCell, workbook};
use crate::app::AppState;
use crate::events::{Choice, type_name};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewEvidence);
    RouteTable::new()
        .get("/outcomes/evidence", view, page)
        .get("/outcomes/evidence.csv", view, csv)
        .get("/outcomes/evidence.xlsx", view, xlsx)
}

/// The figures of one format.
#[derive(Debug, Clone)]
pub struct FormatFigures {
    pub format: EventFormat,
    /// Events with at least one pre-test and post-test pair.
    pub events: usize,
    pub outcomes: LearningOutcomes,
    /// Attendance at the events whose register was kept, each person
    /// against the days of their own event.
    pub retention: Retention,
    /// Each Likert item of the feedback form, in the order of [`FEEDBACK_ITEMS`].
    pub satisfaction: Vec<(&'static str, LikertSummary)>,
    pub recommendation: RecommendationSummary,
    pub follow_up: FollowUp,
}

/// Compares the formats. Pure: the benchmark runs it over 10,000 events.
/// The facts are already counted per format; the statistics need the
/// individual values (medians, the signed-rank test), so the counts are
/// spread back into them.
pub fn compare(facts: &EvidenceFacts, minimum: &MinimumN) -> Vec<FormatFigures> {
    EventFormat::ALL
        .iter()
        .map(|&format| {
            let mut pairs: Vec<ScorePair> = Vec::new();
            for count in facts.scores.iter().filter(|c| c.format == format) {
                let score = |points: u32, max: u32| Score::from_points(points.into(), max.into());
                if let (Ok(pre), Ok(post)) = (
                    score(count.pre_points, count.pre_max),
                    score(count.post_points, count.post_max),
                ) {
                    pairs.extend(std::iter::repeat_n(ScorePair { pre, post }, count.people));
                }
            }
            // A fixed order, so the figures do not depend on the order of rows.
            pairs.sort_by(|a, b| {
                (a.pre.percent(), a.post.percent())
                    .partial_cmp(&(b.pre.percent(), b.post.percent()))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            let satisfaction = FEEDBACK_ITEMS
                .iter()
                .map(|&item| {
                    let answers: Vec<Likert> = ratings(facts, format, item)
                        .filter_map(|v| Likert::new(v).ok())
                        .collect();
                    (item, likert_summary(&answers, minimum))
                })
                .collect();
            let recommend: Vec<Recommendation> = ratings(facts, format, "recommend")
                .filter_map(|v| Recommendation::new(v).ok())
                .collect();
            let used: Vec<bool> = facts
                .follow_up
                .iter()
                .filter(|f| f.format == format)
                .flat_map(|f| std::iter::repeat_n(f.used, f.people))
                .collect();
            let attendance: Vec<&AttendanceCount> = facts
                .attendance
                .iter()
                .filter(|a| a.format == format)
                .collect();
            // Everyone registered is someone the follow-up was meant for,
            // whether or not the register was kept.
            let registered: usize = attendance.iter().map(|a| a.people).sum();
            let follow = follow_up(registered.max(used.len()), &used, minimum)
                .unwrap_or_else(|_| unreachable_follow_up(used.len()));
            FormatFigures {
                format,
                events: facts
                    .events_with_pairs
                    .iter()
                    .find(|(f, _)| *f == format)
                    .map_or(0, |(_, n)| *n),
                outcomes: learning_outcomes(&pairs, minimum),
                retention: pooled_retention(&attendance, minimum),
                satisfaction,
                recommendation: recommendation_summary(&recommend, minimum),
                follow_up: follow,
            }
        })
        .collect()
}

/// Every answer to one rating item at events of one format.
fn ratings<'a>(
    facts: &'a EvidenceFacts,
    format: EventFormat,
    item: &'a str,
) -> impl Iterator<Item = u8> + 'a {
    facts
        .ratings
        .iter()
        .filter(move |r| r.format == format && r.item == item)
        .flat_map(|r| std::iter::repeat_n(r.value, r.people))
}

/// Retention over the events whose register was kept, each person counted
/// against the days of their own event.
fn pooled_retention(attendance: &[&AttendanceCount], minimum: &MinimumN) -> Retention {
    let kept = || attendance.iter().filter(|a| a.register_kept);
    let longest = kept()
        .map(|a| a.event_days as usize)
        .max()
        .unwrap_or(1)
        .clamp(1, MAX_EVENT_DAYS);
    let mut pooled = Attendance::new(longest).expect("between 1 and the maximum");
    for count in kept() {
        // The store summarises events of 1 to 63 days and marks on their own
        // days only, so a pattern is never refused; were one, it is left out
        // rather than miscounted.
        let _ =
            pooled.register_pattern(count.event_days as usize, count.days_present, count.people);
    }
    retention(&pooled, minimum)
}

/// `follow_up` refuses more answers than people only; the caller passes at
/// least as many people as answers, so this is never reached.
fn unreachable_follow_up(answered: usize) -> FollowUp {
    follow_up(answered, &[], &MinimumN::STANDARD).unwrap_or(FollowUp {
        participants: answered,
        answered: 0,
        response_rate: Figure::TooFew { n: 0, needed: 1 },
        action_rate: Figure::TooFew { n: 0, needed: 1 },
    })
}

/// Whether small figures are hidden from this person: viewers see only
/// figures resting on at least five people.
fn suppressed_for(user: &User) -> bool {
    !(user.roles.contains(Role::Coordinator)
        || user.roles.contains(Role::Trainer)
        || user.roles.contains(Role::Monitor))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct EvidenceQuery {
    from: String,
    until: String,
    #[serde(rename = "type")]
    type_id: String,
    topic: String,
    funder: String,
}

impl EvidenceQuery {
    /// The filter, narrowed for monitors (and nobody else) to their oblast.
    fn filter(&self, user: &User) -> EventFilter {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut filter = EventFilter {
            from: parse_day(&self.from),
            until: parse_day(&self.until),
            type_id: text(&self.type_id),
            funder_id: text(&self.funder),
            ..EventFilter::default()
        };
        let wider = [Role::Coordinator, Role::Trainer, Role::Viewer]
            .iter()
            .any(|r| user.roles.contains(*r));
        if !wider && user.roles.contains(Role::Monitor) {
            // A monitor without an oblast sees no event (an impossible oblast filter).
            filter.oblast = user.oblast;
            if user.oblast.is_none() {
                filter.until = Some(jiff::civil::date(1900, 1, 1));
            }
        }
        filter
    }

    fn topic(&self) -> Option<&str> {
        let topic = self.topic.trim();
        (!topic.is_empty()).then_some(topic)
    }
}

/// One cell of the comparison as printed and exported.
struct Shown {
    text: String,
    value: Option<f64>,
    n: Option<usize>,
}

fn shown<T: Copy>(
    lang: Lang,
    figure: &Figure<T>,
    hide: bool,
    text: impl Fn(&T) -> String,
    number: impl Fn(&T) -> f64,
) -> Shown {
    let cell = if hide {
        suppress_figure(*figure, SuppressionRule::DEFAULT)
    } else {
        Cell::Shown(*figure)
    };
    match cell {
        Cell::Suppressed => Shown {
            text: i18n::text(lang, "evidence-suppressed"),
            value: None,
            n: None,
        },
        Cell::Shown(figure) => Shown {
            text: figure_text(lang, &figure, &text),
            value: figure.value().map(&number),
            n: Some(figure.n()),
        },
    }
}

/// Counts of people as printed: for viewers, through the suppression of
/// small cells (with a second cell hidden when one alone would give it away).
fn counts_text(lang: Lang, counts: &[usize], hide: bool) -> String {
    let cells: Vec<Cell> = if hide {
        suppress_list(counts, SuppressionRule::DEFAULT)
            .map(|list| list.cells)
            .unwrap_or_else(|_| vec![Cell::Suppressed; counts.len()])
    } else {
        counts.iter().map(|&c| Cell::Shown(c)).collect()
    };
    cells
        .iter()
        .map(|cell| match cell {
            Cell::Shown(n) => n.to_string(),
            Cell::Suppressed => i18n::text(lang, "evidence-suppressed"),
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The comparison as rows of (measure, one cell per format).
fn rows(lang: Lang, figures: &[FormatFigures], hide: bool) -> Vec<(String, Vec<Shown>)> {
    let t = |k: &str| i18n::text(lang, k);
    let pct = |s: &Share| format!("{}%", one_decimal(s.percent()));
    let row = |label: String, cell: &dyn Fn(&FormatFigures) -> Shown| {
        (label, figures.iter().map(cell).collect::<Vec<_>>())
    };
    let mut rows = vec![
        row(t("evidence-events"), &|f| Shown {
            text: f.events.to_string(),
            value: Some(f.events as f64),
            n: None,
        }),
        row(t("results-paired"), &|f| {
            let paired = f.outcomes.scores.paired;
            match if hide {
                suppress_count(paired, SuppressionRule::DEFAULT)
            } else {
                Cell::Shown(paired)
            } {
                Cell::Shown(n) => Shown {
                    text: n.to_string(),
                    value: Some(n as f64),
                    n: Some(n),
                },
                Cell::Suppressed => Shown {
                    text: t("evidence-suppressed"),
                    value: None,
                    n: None,
                },
            }
        }),
        row(t("evidence-gain"), &|f| {
            shown(
                lang,
                &f.outcomes.gain.class_average,
                hide,
                |g| format!("{g:.2}"),
                |g| *g,
            )
        }),
        row(t("evidence-difference"), &|f| {
            shown(
                lang,
                &f.outcomes.scores.mean_difference,
                hide,
                |d| {
                    format!(
                        "{} [{}; {}]",
                        one_decimal(d.mean),
                        one_decimal(d.lower),
                        one_decimal(d.upper)
                    )
                },
                |d| d.mean,
            )
        }),
        row(t("evidence-retention"), &|f| {
            shown(lang, &f.retention.present_every_day, hide, pct, |s| {
                s.percent()
            })
        }),
    ];
    // Drop-off: presence on each day, up to the longest event's last day.
    let longest = figures
        .iter()
        .map(|f| f.retention.days.len())
        .max()
        .unwrap_or(0);
    if longest > 1 {
        for day in 0..longest {
            let label = i18n::text_with(lang, "evidence-day", &[("day", (day + 1).to_string())]);
            rows.push(row(label, &|f| match f.retention.days.get(day) {
                Some(d) => shown(lang, &d.share_of_registered, hide, pct, |s| s.percent()),
                None => Shown {
                    text: "—".to_owned(),
                    value: None,
                    n: None,
                },
            }));
        }
    }
    for (index, item) in FEEDBACK_ITEMS.iter().enumerate() {
        let name = t(&format!("evidence-item-{item}"));
        let mean = i18n::text_with(lang, "evidence-satisfaction", &[("item", name.clone())]);
        rows.push(row(mean, &|f| {
            shown(
                lang,
                &f.satisfaction[index].1.mean,
                hide,
                |m| format!("{m:.2}"),
                |m| *m,
            )
        }));
        let spread = i18n::text_with(lang, "evidence-distribution", &[("item", name)]);
        rows.push(row(spread, &|f| Shown {
            text: counts_text(lang, &f.satisfaction[index].1.distribution, hide),
            value: None,
            n: None,
        }));
    }
    rows.push(row(t("results-recommend"), &|f| {
        shown(
            lang,
            &f.recommendation.mean,
            hide,
            |m| format!("{m:.1}"),
            |m| *m,
        )
    }));
    rows.push(row(t("results-nps"), &|f| {
        shown(
            lang,
            &f.recommendation.net_score,
            hide,
            |v| one_decimal(*v),
            |v| *v,
        )
    }));
    rows.push(row(t("results-follow-up"), &|f| {
        shown(lang, &f.follow_up.action_rate, hide, pct, |s| s.percent())
    }));
    rows
}

/// One sentence comparing in person and online, only when both gains exist
/// (and, for viewers, rest on enough people).
fn summary(lang: Lang, figures: &[FormatFigures], hide: bool) -> String {
    let gain = |format: EventFormat| {
        figures.iter().find(|f| f.format == format).and_then(|f| {
            let figure = f.outcomes.gain.class_average;
            if hide && SuppressionRule::DEFAULT.hides(figure.n()) {
                return None;
            }
            figure.value().copied()
        })
    };
    match (gain(EventFormat::InPerson), gain(EventFormat::Online)) {
        (Some(a), Some(b)) => {
            let (better, high, low) = if a >= b {
                (EventFormat::InPerson, a, b)
            } else {
                (EventFormat::Online, b, a)
            };
            i18n::text_with(
                lang,
                "evidence-summary",
                &[
                    ("better", i18n::text(lang, better.message_id())),
                    ("a", format!("{high:.2}")),
                    ("b", format!("{low:.2}")),
                ],
            )
        }
        _ => i18n::text(lang, "evidence-summary-none"),
    }
}

struct Row {
    label: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "outcomes_evidence.html")]
struct EvidencePage {
    page: Page,
    query_string: String,
    from: String,
    until: String,
    topic: String,
    types: Vec<Choice>,
    funders: Vec<Choice>,
    formats: Vec<String>,
    rows: Vec<Row>,
    summary: String,
    hidden: bool,
}

async fn compute(
    app: &AppState,
    user: &User,
    query: &EvidenceQuery,
) -> Result<Vec<FormatFigures>, AppError> {
    let facts = app
        .store
        .evidence_facts(&query.filter(user), query.topic())
        .await?;
    Ok(compare(&facts, &MinimumN::STANDARD))
}

async fn page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: crate::web::Staff,
    Query(query): Query<EvidenceQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let hide = suppressed_for(&staff.user);
    let figures = compute(&app, &staff.user, &query).await?;
    let types = app.store.event_types().await?;
    let funders = app.store.funders().await?;
    let query_string = [
        ("from", &query.from),
        ("until", &query.until),
        ("type", &query.type_id),
        ("topic", &query.topic),
        ("funder", &query.funder),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", crate::web::url::encode_component(v)))
    .collect::<Vec<_>>()
    .join("&");
    let page = EvidencePage {
        page: Page::new(&app, &ctx, "evidence-title"),
        query_string,
        from: query.from.clone(),
        until: query.until.clone(),
        topic: query.topic.clone(),
        types: types
            .iter()
            .map(|t| Choice::new(&t.id, type_name(&types, &t.id, lang), t.id == query.type_id))
            .collect(),
        funders: crate::events::funder_choices(&funders, |f| f.id == query.funder),
        formats: figures
            .iter()
            .map(|f| i18n::text(lang, f.format.message_id()))
            .collect(),
        rows: rows(lang, &figures, hide)
            .into_iter()
            .map(|(label, cells)| Row {
                label,
                cells: cells.into_iter().map(|c| c.text).collect(),
            })
            .collect(),
        summary: summary(lang, &figures, hide),
        hidden: hide,
    };
    Ok(Html(page.render()?))
}

/// The export's rows: format, measure, value, n (long form, one figure a row).
fn export_rows(lang: Lang, figures: &[FormatFigures], hide: bool) -> Vec<Vec<XlsxCell>> {
    let t = |k: &str| i18n::text(lang, k);
    let mut out = vec![vec![
        XlsxCell::Text(t("evidence-format")),
        XlsxCell::Text(t("results-question")),
        XlsxCell::Text("value".into()),
        XlsxCell::Text("n".into()),
        XlsxCell::Text(String::new()),
    ]];
    for (label, cells) in rows(lang, figures, hide) {
        for (figure, cell) in figures.iter().zip(cells) {
            out.push(vec![
                XlsxCell::Text(i18n::text(lang, figure.format.message_id())),
                XlsxCell::Text(label.clone()),
                cell.value.map_or(XlsxCell::Empty, XlsxCell::Number),
                cell.n
                    .map_or(XlsxCell::Empty, |n| XlsxCell::Number(n as f64)),
                XlsxCell::Text(cell.text),
            ]);
        }
    }
    out
}

fn csv_field(text: &str) -> String {
    // Formula injection: a cell starting with = + - @ is text, not a formula.
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

async fn csv(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: crate::web::Staff,
    Query(query): Query<EvidenceQuery>,
) -> Result<Response, AppError> {
    let hide = suppressed_for(&staff.user);
    let figures = compute(&app, &staff.user, &query).await?;
    let mut text = String::from("\u{feff}");
    for row in export_rows(ctx.lang, &figures, hide) {
        let line: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                XlsxCell::Text(t) => csv_field(t),
                XlsxCell::Number(n) => n.to_string(),
                XlsxCell::Empty => String::new(),
            })
            .collect();
        text.push_str(&line.join(","));
        text.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"evidence.csv\"",
            ),
        ],
        text,
    )
        .into_response())
}

async fn xlsx(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: crate::web::Staff,
    Query(query): Query<EvidenceQuery>,
) -> Result<Response, AppError> {
    let hide = suppressed_for(&staff.user);
    let figures = compute(&app, &staff.user, &query).await?;
    let bytes = workbook(
        &i18n::text(ctx.lang, "nav-evidence"),
        &export_rows(ctx.lang, &figures, hide),
    )
    .map_err(|e| AppError::Internal(format!("writing the XLSX export: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"evidence.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
