//! An event's tests and forms: setting them up from a template, their codes
//! (open, close early, reopen), the projector page and the printable handout.

use askama::Template as _;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{Event, EventAccess, EventFormat};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{
    ACTIONS, BARRIERS, FEEDBACK_ITEMS, Instrument, InstrumentKind, InstrumentState, Question,
    QuestionKind, ShortCode, instrument_window, option_letter,
};
use kolo_core::time::Timestamp;
use pdf::{Align, Document, Heading, Margins, QrMatrix, TextStyle};
use serde::Deserialize;

use super::{answer_address, event_instruments, instrument_of, questions_of, shuffled};
use crate::app::AppState;
use crate::events::{Choice, range_label, today};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n, qr};

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewOutcomes);
    let manage = Access::Staff(Action::ManageOutcomes);
    RouteTable::new()
        .get("/events/{id}/outcomes", view, overview)
        .post("/events/{id}/outcomes/setup", manage, set_up)
        .post("/events/{id}/outcomes/{kind}/close", manage, close)
        .post("/events/{id}/outcomes/{kind}/reopen", manage, reopen)
        .get("/events/{id}/outcomes/{kind}/projector", manage, projector)
        .get("/events/{id}/outcomes/{kind}/handout.pdf", manage, handout)
}

struct InstrumentRow {
    kind: String,
    label: String,
    code: String,
    window: String,
    state: String,
    open: bool,
    closed_early: bool,
    responses: usize,
    refused: u32,
}

#[derive(askama::Template)]
#[template(path = "outcomes_event.html")]
struct OverviewPage {
    page: Page,
    id: String,
    title: String,
    manage: bool,
    rows: Vec<InstrumentRow>,
    templates: Vec<Choice>,
    weeks: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    notice: String,
}

async fn overview(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let notice = match query.notice.as_str() {
        "set-up" => Some("outcomes-setup-done"),
        "closed" => Some("outcomes-closed-notice"),
        "reopened" => Some("outcomes-reopened-notice"),
        "imported" => Some("outcomes-imported-notice"),
        _ => None,
    };
    render_overview(
        &app,
        &ctx,
        &staff,
        &id,
        None,
        notice.map(|n| i18n::text(ctx.lang, n)),
    )
    .await
}

async fn render_overview(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    id: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (event, instruments) = event_instruments(app, staff, id, EventAccess::Participants).await?;
    let manage = kolo_core::events::event_access(&staff.user, &event) >= EventAccess::Manage
        && staff.user.may(Action::ManageOutcomes);
    let today = today();
    let mut rows = Vec::with_capacity(instruments.len());
    for instrument in &instruments {
        let state = instrument.state(today);
        rows.push(InstrumentRow {
            kind: instrument.kind.as_str().to_owned(),
            label: i18n::text(lang, instrument.kind.message_id()),
            code: instrument.code.to_string(),
            window: range_label(lang, instrument.opens_on, instrument.closes_on),
            state: i18n::text(lang, state.message_id()),
            open: state == InstrumentState::Open,
            closed_early: instrument.closed_at.is_some(),
            responses: app.store.responses(&instrument.id).await?.len(),
            refused: instrument.refused_attempts,
        });
    }
    let templates = if rows.is_empty() && manage {
        app.store
            .templates()
            .await?
            .iter()
            .map(|t| Choice::new(&t.id, t.name(lang), false))
            .collect()
    } else {
        Vec::new()
    };
    let page = OverviewPage {
        page: Page::new(app, ctx, "outcomes-title"),
        id: event.id.0.clone(),
        title: event.details.title.clone(),
        manage,
        rows,
        templates,
        weeks: "6".into(),
        error,
        notice,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SetUpForm {
    template: String,
    weeks: String,
}

async fn set_up(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<SetUpForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let fail = |key: &str| Some(i18n::text(lang, key));
    if !instruments.is_empty() {
        return Ok(
            render_overview(&app, &ctx, &staff, &id, fail("outcomes-setup-exists"), None)
                .await?
                .into_response(),
        );
    }
    let weeks = match form.weeks.trim().parse::<u32>() {
        Ok(w) if (1..=52).contains(&w) => w,
        _ => {
            return Ok(render_overview(
                &app,
                &ctx,
                &staff,
                &id,
                fail("bank-template-weeks-invalid"),
                None,
            )
            .await?
            .into_response());
        }
    };
    let templates = app.store.templates().await?;
    let Some(template) = templates.iter().find(|t| t.id == form.template) else {
        return Ok(render_overview(
            &app,
            &ctx,
            &staff,
            &id,
            fail("outcomes-setup-no-template"),
            None,
        )
        .await?
        .into_response());
    };
    let bank = app.store.questions().await?;
    let questions: Vec<String> = template
        .question_ids
        .iter()
        .filter(|id| bank.iter().any(|q| &q.id == *id && !q.retired))
        .cloned()
        .collect();
    if questions.is_empty() {
        return Ok(render_overview(
            &app,
            &ctx,
            &staff,
            &id,
            fail("outcomes-setup-empty-template"),
            None,
        )
        .await?
        .into_response());
    }
    create_instruments(&app, &event, &questions, weeks).await?;
    app.audit(
        &ctx,
        "outcomes.set_up",
        &format!("event:{}", event.id),
        serde_json::json!({ "template": template.id, "questions": questions.len(), "follow_up_weeks": weeks }),
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{}/outcomes?notice=set-up", event.id)).into_response())
}

/// Creates the four instruments of an event: the tests with the questions in
/// two different random orders, each instrument with a fresh code. A code
/// already taken (one in 244 million) is drawn again.
pub(crate) async fn create_instruments(
    app: &AppState,
    event: &Event,
    questions: &[String],
    weeks: u32,
) -> Result<Vec<Instrument>, AppError> {
    let now = Timestamp::now();
    for _attempt in 0..5 {
        let instruments: Vec<Instrument> = InstrumentKind::ALL
            .iter()
            .map(|&kind| {
                let (opens_on, closes_on) = instrument_window(kind, event, weeks);
                Instrument {
                    id: new_id(),
                    event_id: event.id.clone(),
                    kind,
                    code: ShortCode::generate(),
                    opens_on,
                    closes_on,
                    closed_at: None,
                    question_ids: if kind.is_test() {
                        shuffled(questions)
                    } else {
                        Vec::new()
                    },
                    follow_up_weeks: if kind == InstrumentKind::FollowUp {
                        weeks
                    } else {
                        0
                    },
                    refused_attempts: 0,
                    created_at: now,
                }
            })
            .collect();
        match app.store.create_instruments(&instruments).await {
            Ok(()) => return Ok(instruments),
            Err(StoreError::Conflict("code")) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Internal(
        "no free instrument code after five draws".into(),
    ))
}

async fn close(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, &kind)?;
    app.store
        .set_instrument_closed(&instrument.id, Some(Timestamp::now()))
        .await?;
    app.audit(
        &ctx,
        "outcomes.close",
        &format!("event:{}", event.id),
        serde_json::json!({ "instrument": instrument.kind.as_str() }),
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{}/outcomes?notice=closed", event.id)).into_response())
}

async fn reopen(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let mut instrument = instrument_of(&instruments, &kind)?;
    instrument.closed_at = None;
    // Reopening gives back the days of the window, never more.
    if instrument.state(today()) != InstrumentState::Open {
        let error = Some(i18n::text(ctx.lang, "outcomes-reopen-outside"));
        return Ok(render_overview(&app, &ctx, &staff, &id, error, None)
            .await?
            .into_response());
    }
    app.store
        .set_instrument_closed(&instrument.id, None)
        .await?;
    app.audit(
        &ctx,
        "outcomes.reopen",
        &format!("event:{}", event.id),
        serde_json::json!({ "instrument": instrument.kind.as_str() }),
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{}/outcomes?notice=reopened", event.id)).into_response())
}

#[derive(askama::Template)]
#[template(path = "outcomes_projector.html")]
struct ProjectorPage {
    page: Page,
    id: String,
    label: String,
    title: String,
    address: String,
    code: String,
    qr: String,
}

async fn projector(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, &kind)?;
    let address = answer_address(&ctx, &headers);
    let link = format!("{address}/{}", instrument.code);
    let page = ProjectorPage {
        page: Page::new(&app, &ctx, "projector-title"),
        id: event.id.0.clone(),
        label: i18n::text(ctx.lang, instrument.kind.message_id()),
        title: event.details.title.clone(),
        qr: qr::svg(&link, 320, &link).unwrap_or_default(),
        address,
        code: instrument.code.to_string(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LangQuery {
    lang: String,
}

async fn handout(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
) -> Result<Response, AppError> {
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, &kind)?;
    let bank = app.store.questions().await?;
    let questions = questions_of(&bank, &instrument);
    let lang = Lang::from_tag(&query.lang).unwrap_or(ctx.lang);
    let address = answer_address(&ctx, &headers);
    let organisation = app.org().name(lang).to_owned();
    let file = format!("{}-{}.pdf", instrument.kind.as_str(), instrument.code);
    let bytes = tokio::task::spawn_blocking(move || {
        handout_pdf(
            lang,
            &organisation,
            &event,
            &instrument,
            &questions,
            &address,
        )
    })
    .await
    .map_err(|e| AppError::Internal(format!("making a handout: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The QR code of a link as the PDF crate draws it.
fn qr_matrix(link: &str) -> Result<QrMatrix, AppError> {
    let code = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    QrMatrix::new(
        code.width(),
        code.to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect(),
    )
    .map_err(|e| AppError::Internal(format!("QR code: {e}")))
}

/// The printable form: how to answer online (address, code, QR), the UIC
/// questions, and the instrument's items with letters to circle.
pub(crate) fn handout_pdf(
    lang: Lang,
    organisation: &str,
    event: &Event,
    instrument: &Instrument,
    questions: &[Question],
    address: &str,
) -> Result<Vec<u8>, AppError> {
    let t = |id: &str| i18n::text(lang, id);
    let pdf_error = |e: pdf::PdfError| AppError::Internal(format!("making a handout: {e}"));
    let form = t(instrument.kind.message_id());
    let title = i18n::text_with(
        lang,
        "handout-title",
        &[
            ("form", form.clone()),
            ("event", event.details.title.clone()),
        ],
    );
    let mut doc = Document::builder(title.clone(), lang.code())
        .margins(Margins::all(40.0))
        .header(organisation.to_owned(), form.clone())
        .page_numbers(t("pdf-page"))
        .build()
        .map_err(pdf_error)?;
    doc.heading(Heading::Title, &title);
    doc.paragraph(&range_label(lang, event.details.start, event.details.end));
    let code = instrument.code.to_string();
    doc.paragraph(&i18n::text_with(
        lang,
        "handout-how",
        &[("address", address.to_owned()), ("code", code.clone())],
    ));
    doc.text(&code, TextStyle::body().size(28.0).bold());
    doc.qr_code(&qr_matrix(&format!("{address}/{code}"))?, 90.0, Align::Left)
        .map_err(pdf_error)?;
    doc.heading(Heading::Section, &t("uic-answers"));
    doc.paragraph(&t("handout-uic"));
    for key in ["uic-mother", "uic-father", "uic-sex", "uic-birth"] {
        doc.paragraph(&format!("{}: ______________________", t(key)));
    }
    doc.heading(Heading::Section, &t("handout-questions"));
    let circle = |labels: Vec<String>| {
        labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| format!("   {}) {l}", option_letter(i)))
            .collect::<Vec<_>>()
    };
    match instrument.kind {
        InstrumentKind::PreTest | InstrumentKind::PostTest => {
            doc.paragraph(&t("handout-mark"));
            for (n, question) in questions.iter().enumerate() {
                doc.text(
                    &format!("{}. {}", n + 1, question.text(lang)),
                    TextStyle::body().bold(),
                );
                if question.kind == QuestionKind::Numeric {
                    doc.paragraph(&format!("   {}: __________", t("answer-number")));
                } else {
                    let labels = question
                        .options
                        .iter()
                        .map(|o| o.text(lang).to_owned())
                        .collect();
                    for line in circle(labels) {
                        doc.paragraph(&line);
                    }
                }
                doc.space(4.0);
            }
        }
        InstrumentKind::Feedback => {
            doc.paragraph(&t("feedback-likert-hint"));
            for item in FEEDBACK_ITEMS {
                if item == "venue" && event.details.format == EventFormat::Online {
                    continue;
                }
                doc.text(&t(&format!("feedback-{item}")), TextStyle::body().bold());
                doc.paragraph("   1    2    3    4    5");
            }
            doc.text(&t("feedback-recommend"), TextStyle::body().bold());
            doc.paragraph("   0   1   2   3   4   5   6   7   8   9   10");
            doc.text(&t("feedback-comment"), TextStyle::body().bold());
            doc.space(60.0);
        }
        InstrumentKind::FollowUp => {
            doc.text(&t("follow-up-used"), TextStyle::body().bold());
            for line in circle(vec![t("follow-up-yes"), t("follow-up-no")]) {
                doc.paragraph(&line);
            }
            doc.text(&t("follow-up-actions"), TextStyle::body().bold());
            let labels = ACTIONS
                .iter()
                .map(|a| t(&format!("follow-up-action-{a}")))
                .collect();
            for line in circle(labels) {
                doc.paragraph(&line);
            }
            doc.text(&t("follow-up-barriers"), TextStyle::body().bold());
            let labels = BARRIERS
                .iter()
                .map(|b| t(&format!("follow-up-barrier-{b}")))
                .collect();
            for line in circle(labels) {
                doc.paragraph(&line);
            }
            doc.text(&t("follow-up-comment"), TextStyle::body().bold());
            doc.space(60.0);
        }
    }
    doc.finish().map_err(pdf_error)
}
