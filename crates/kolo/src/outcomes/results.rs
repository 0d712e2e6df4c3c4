//! An event's results: the learning-outcome figures of `kolo-stats` with
//! their n (or "too few to say"), score distributions as SVG, item analysis,
//! retention, satisfaction, follow-up and the feedback comments.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use kolo_core::auth::Action;
use kolo_core::events::EventAccess;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{FEEDBACK_ITEMS, InstrumentKind, StoredResponse};
use stats::{
    Attendance, Figure, Likert, MinimumN, PValueMethod, Recommendation, Score, ScorePair, Share,
    WhyUndefined, follow_up, learning_outcomes, likert_summary, recommendation_summary, retention,
};
use vault::FieldContext;

use super::{charts, event_instruments, one_decimal, questions_of};
use crate::app::AppState;
use crate::events::short_day;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new().get(
        "/events/{id}/outcomes/results",
        Access::Staff(Action::ViewOutcomes),
        results,
    )
}

/// A figure as a page prints it: the value with its n, "too few to say", or
/// why it does not exist.
pub(crate) fn figure_text<T>(
    lang: Lang,
    figure: &Figure<T>,
    show: impl Fn(&T) -> String,
) -> String {
    match figure {
        Figure::Value { value, n } => format!("{} ({})", show(value), n_text(lang, *n)),
        Figure::TooFew { n, needed } => i18n::text_with(
            lang,
            "results-too-few",
            &[("n", n.to_string()), ("needed", needed.to_string())],
        ),
        Figure::Undefined {
            why: WhyUndefined::EveryPreTestPerfect,
            ..
        } => i18n::text(lang, "results-undefined"),
    }
}

pub(crate) fn n_text(lang: Lang, n: usize) -> String {
    i18n::text_with(lang, "results-n", &[("n", n.to_string())])
}

pub(crate) fn share_text(share: &Share) -> String {
    format!(
        "{}% ({} / {})",
        one_decimal(share.percent()),
        share.count,
        share.of
    )
}

/// A p-value as people read it: three significant digits, `< 0.001` below.
pub(crate) fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// Percent scores by code, from a test's responses.
pub(crate) fn scores_by_uic(responses: &[StoredResponse]) -> HashMap<String, Score> {
    responses
        .iter()
        .filter_map(|r| {
            let score = Score::from_points(f64::from(r.points?), f64::from(r.max_points?)).ok()?;
            Some((r.uic.to_string(), score))
        })
        .collect()
}

/// The pre/post pairs of the same codes.
pub(crate) fn pairs(pre: &HashMap<String, Score>, post: &HashMap<String, Score>) -> Vec<ScorePair> {
    let mut uics: Vec<&String> = pre.keys().filter(|u| post.contains_key(*u)).collect();
    uics.sort();
    uics.into_iter()
        .map(|u| ScorePair {
            pre: pre[u],
            post: post[u],
        })
        .collect()
}

struct Line {
    label: String,
    value: String,
}

struct ItemLine {
    question: String,
    pre: String,
    post: String,
}

#[derive(Template)]
#[template(path = "outcomes_results.html")]
struct ResultsPage {
    page: Page,
    id: String,
    title: String,
    set_up: bool,
    received: Vec<Line>,
    outcomes: Vec<Line>,
    chart: String,
    items: Vec<ItemLine>,
    attendance: Vec<Line>,
    satisfaction: Vec<Line>,
    follow_up: Vec<Line>,
    comments: Vec<String>,
}

async fn results(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let t = |key: &str| i18n::text(lang, key);
    let minimum = MinimumN::STANDARD;
    let (event, instruments) =
        event_instruments(&app, &staff, &id, EventAccess::Participants).await?;
    let mut responses: HashMap<InstrumentKind, Vec<StoredResponse>> = HashMap::new();
    let mut received = Vec::new();
    for instrument in &instruments {
        let list = app.store.responses(&instrument.id).await?;
        received.push(Line {
            label: t(instrument.kind.message_id()),
            value: list.len().to_string(),
        });
        responses.insert(instrument.kind, list);
    }
    let empty = Vec::new();
    let of = |kind| responses.get(&kind).unwrap_or(&empty);
    let pre = scores_by_uic(of(InstrumentKind::PreTest));
    let post = scores_by_uic(of(InstrumentKind::PostTest));
    let pairs = pairs(&pre, &post);
    let lo = learning_outcomes(&pairs, &minimum);
    let pct = |v: &f64| format!("{}%", one_decimal(*v));
    let mut outcomes = vec![
        Line {
            label: t("results-paired"),
            value: lo.scores.paired.to_string(),
        },
        Line {
            label: format!("{}: {}", t("results-pre"), t("results-mean")),
            value: figure_text(lang, &lo.scores.pre.mean, pct),
        },
        Line {
            label: format!("{}: {}", t("results-pre"), t("results-median")),
            value: figure_text(lang, &lo.scores.pre.median, pct),
        },
        Line {
            label: format!("{}: {}", t("results-post"), t("results-mean")),
            value: figure_text(lang, &lo.scores.post.mean, pct),
        },
        Line {
            label: format!("{}: {}", t("results-post"), t("results-median")),
            value: figure_text(lang, &lo.scores.post.median, pct),
        },
        Line {
            label: t("results-difference"),
            value: figure_text(lang, &lo.scores.mean_difference, |d| {
                format!(
                    "{} [{}; {}]",
                    one_decimal(d.mean),
                    one_decimal(d.lower),
                    one_decimal(d.upper)
                )
            }),
        },
        Line {
            label: t("results-gain-class"),
            value: figure_text(lang, &lo.gain.class_average, |g| format!("{g:.2}")),
        },
        Line {
            label: t("results-gain-individual"),
            value: format!(
                "{} — {}",
                figure_text(lang, &lo.gain.mean_of_individual, |g| format!("{g:.2}")),
                i18n::text_with(
                    lang,
                    "results-perfect-excluded",
                    &[("n", lo.gain.perfect_pre_excluded.to_string())]
                )
            ),
        },
        Line {
            label: t("results-wilcoxon"),
            value: figure_text(lang, &lo.signed_rank, |w| {
                let method = match w.method {
                    PValueMethod::Exact => t("results-exact"),
                    PValueMethod::ExactPermutation => t("results-exact-permutation"),
                    PValueMethod::NormalApproximation { z } => {
                        format!("{}, z = {z:.2}", t("results-approx"))
                    }
                };
                format!(
                    "{} ({method})",
                    i18n::text_with(
                        lang,
                        "results-statistic",
                        &[("w", one_decimal(w.statistic)), ("p", p_text(w.p_value))]
                    )
                )
            }),
        },
        Line {
            label: t("results-effect"),
            value: figure_text(lang, &lo.signed_rank, |w| format!("{:.2}", w.rank_biserial)),
        },
    ];
    if pairs.is_empty() {
        outcomes.truncate(1);
    }
    let chart = charts::score_histogram(
        &charts::bands(pre.values().map(|s| s.percent())),
        &charts::bands(post.values().map(|s| s.percent())),
        [
            &t("results-pre"),
            &t("results-post"),
            &t("results-score-band"),
        ],
    );

    // Item analysis: share correct per question, pre and post.
    let bank = app.store.questions().await?;
    let share_correct = |kind, item: &str| {
        let (mut right, mut answered) = (0usize, 0usize);
        for response in of(kind) {
            if let Some(answer) = response.answers.iter().find(|a| a.item == item) {
                answered += 1;
                right += usize::from(answer.correct == Some(true));
            }
        }
        Share::new(right, answered).map_or_else(|| "—".to_owned(), |s| share_text(&s))
    };
    let items = instruments
        .iter()
        .find(|i| i.kind == InstrumentKind::PreTest)
        .map(|pre_test| {
            questions_of(&bank, pre_test)
                .iter()
                .map(|q| {
                    let item = kolo_core::outcomes::question_field(&q.id);
                    ItemLine {
                        question: q.text(lang).to_owned(),
                        pre: share_correct(InstrumentKind::PreTest, &item),
                        post: share_correct(InstrumentKind::PostTest, &item),
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    // Attendance retention from the register.
    let registrations = app.store.registrations(&event.id).await?;
    let days = &event.details.days;
    let mut attendance = Vec::new();
    let marked = registrations.iter().any(|r| !r.present.is_empty());
    if !registrations.is_empty() && !marked {
        // As on the evidence page: an unmarked register says nothing about
        // who stayed, so it is not read as everyone absent.
        attendance.push(Line {
            label: t("results-retention"),
            value: t("results-register-unmarked"),
        });
    } else if let Ok(mut grid) = Attendance::new(days.len()) {
        for r in &registrations {
            let present: Vec<usize> = r
                .present
                .iter()
                .filter_map(|d| days.iter().position(|x| x == d).map(|i| i + 1))
                .collect();
            grid.register(&present)
                .map_err(|e| AppError::Internal(format!("attendance figures: {e}")))?;
        }
        let retained = retention(&grid, &minimum);
        attendance.push(Line {
            label: t("results-retention"),
            value: figure_text(lang, &retained.present_every_day, share_text),
        });
        for day in &retained.days {
            attendance.push(Line {
                label: format!(
                    "{}: {}",
                    t("results-drop-off"),
                    short_day(lang, days[day.day - 1])
                ),
                value: figure_text(lang, &day.share_of_registered, share_text),
            });
        }
    }

    // Satisfaction.
    let feedback = of(InstrumentKind::Feedback);
    let mut satisfaction = Vec::new();
    for item in FEEDBACK_ITEMS {
        let field = kolo_core::outcomes::likert_field(item);
        let answers: Vec<Likert> = feedback
            .iter()
            .filter_map(|r| r.answers.iter().find(|a| a.item == field))
            .filter_map(|a| a.value.parse().ok().and_then(|v| Likert::new(v).ok()))
            .collect();
        if answers.is_empty() {
            continue;
        }
        let summary = likert_summary(&answers, &minimum);
        satisfaction.push(Line {
            label: t(&format!("feedback-{item}")),
            value: format!(
                "{} · 1–5: {}",
                figure_text(lang, &summary.mean, |m| format!("{m:.2}")),
                summary
                    .distribution
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        });
    }
    let recommend: Vec<Recommendation> = feedback
        .iter()
        .filter_map(|r| r.answers.iter().find(|a| a.item == "recommend"))
        .filter_map(|a| {
            a.value
                .parse()
                .ok()
                .and_then(|v| Recommendation::new(v).ok())
        })
        .collect();
    if !recommend.is_empty() {
        let summary = recommendation_summary(&recommend, &minimum);
        satisfaction.push(Line {
            label: t("results-recommend"),
            value: figure_text(lang, &summary.mean, |m| format!("{m:.1}")),
        });
        satisfaction.push(Line {
            label: t("results-nps"),
            value: figure_text(lang, &summary.net_score, |v| one_decimal(*v)),
        });
    }

    // Follow-up: the action rate among those who answered; the people it was
    // meant for are everyone registered or who answered any form.
    let follow = of(InstrumentKind::FollowUp);
    let used: Vec<bool> = follow
        .iter()
        .filter_map(|r| r.answers.iter().find(|a| a.item == "used"))
        .map(|a| a.value == "yes")
        .collect();
    let mut people: std::collections::HashSet<String> =
        registrations.iter().map(|r| r.uic.to_string()).collect();
    people.extend(responses.values().flatten().map(|r| r.uic.to_string()));
    let mut follow_up_lines = Vec::new();
    if let Ok(figures) = follow_up(people.len(), &used, &minimum) {
        follow_up_lines.push(Line {
            label: t("results-follow-up"),
            value: figure_text(lang, &figures.action_rate, share_text),
        });
    }

    // Comments, decrypted for this page only.
    let mut comments = Vec::new();
    for response in feedback.iter().chain(follow.iter()) {
        if let Some(sealed) = &response.comment {
            let text = app
                .vault
                .decrypt_string(
                    &sealed.0,
                    &FieldContext::new("outcome_responses", "comment", &response.id),
                )
                .map_err(|e| AppError::Internal(format!("a comment does not decrypt: {e}")))?;
            comments.push(text.expose().to_owned());
        }
    }

    let page = ResultsPage {
        page: Page::new(&app, &ctx, "results-title"),
        id: event.id.0.clone(),
        title: event.details.title.clone(),
        set_up: !instruments.is_empty(),
        received,
        outcomes,
        chart,
        items,
        attendance,
        satisfaction,
        follow_up: follow_up_lines,
        comments,
    };
    Ok(Html(page.render()?))
}
