//! Printable documents of an event, made in-process with `kolo-pdf`: the
//! sign-in sheet (one signature column per day) for venues without devices,
//! and certificates of attendance for participants who agreed to their name
//! on one. Both in Ukrainian or English.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kolo_core::auth::Action;
use kolo_core::events::{Event, EventAccess};
use kolo_core::lang::Lang;
use kolo_core::participants::ParticipantId;
use pdf::{
    Align, Cell, Column, Document, Heading, Margins, PdfError, Stroke, Table, TextStyle, mm,
};
use serde::Deserialize;

use super::{event_for, oblast_name, range_label, short_day, type_name};
use crate::app::AppState;
use crate::participants::crypto;
use crate::web::{Access, AppError, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageEvents);
    RouteTable::new()
        .get("/events/{id}/sign-in.pdf", manage, sign_in_sheet)
        .get("/events/{id}/certificates.pdf", manage, certificates)
}

/// Everything a sign-in sheet prints, already in the sheet's language.
pub struct SheetData {
    pub lang: Lang,
    pub organisation: String,
    pub title: String,
    pub type_name: String,
    pub dates: String,
    pub place: String,
    pub funders: Vec<String>,
    /// Day labels for the column headers.
    pub days: Vec<String>,
    /// Code and nickname of each registered participant.
    pub rows: Vec<(String, String)>,
    /// Empty rows at the end for people who come without registering.
    pub blank_rows: usize,
}

/// A landscape A4 sign-in sheet: number, code, nickname, and a signature box
/// per day; the header names the organisation and the event on every page.
pub fn sign_in_sheet_pdf(data: &SheetData) -> Result<Vec<u8>, PdfError> {
    let t = |id: &str| i18n::text(data.lang, id);
    let mut doc = Document::builder(
        format!("{} — {}", t("sign-in-sheet"), data.title),
        data.lang.code(),
    )
    .landscape()
    .margins(Margins::all(mm(12.0)))
    .header(data.organisation.clone(), data.title.clone())
    .footer_note(t("pdf-confidential"))
    .page_numbers(t("pdf-page"))
    .build()?;
    doc.heading(Heading::Title, &t("sign-in-sheet"));
    let mut facts = vec![
        (
            t("pdf-event"),
            format!("{} ({})", data.title, data.type_name),
        ),
        (t("event-dates"), data.dates.clone()),
    ];
    if !data.place.is_empty() {
        facts.push((t("event-place"), data.place.clone()));
    }
    if !data.funders.is_empty() {
        facts.push((t("pdf-funders"), data.funders.join("; ")));
    }
    doc.key_values(&facts);
    let mut columns = vec![
        Column::new("№", 0.6).align(Align::Right),
        Column::new(t("participant-uic"), 1.9),
        Column::new(t("participant-nickname"), 2.4),
    ];
    let day_width = if data.days.len() > 5 { 1.0 } else { 1.8 };
    columns.extend(data.days.iter().enumerate().map(|(i, day)| {
        Column::new(
            i18n::text_with(
                data.lang,
                "pdf-day-column",
                &[("n", (i + 1).to_string()), ("day", day.clone())],
            ),
            day_width,
        )
    }));
    let mut table = Table::new(columns).min_row_height(mm(9.0)).striped();
    let total = data.rows.len() + data.blank_rows;
    for index in 0..total {
        let mut cells = vec![Cell::text((index + 1).to_string())];
        match data.rows.get(index) {
            Some((uic, nickname)) => {
                cells.push(Cell::text(uic.clone()));
                cells.push(Cell::text(nickname.clone()));
            }
            None => {
                cells.push(Cell::Empty);
                cells.push(Cell::Empty);
            }
        }
        cells.extend(data.days.iter().map(|_| Cell::Empty));
        table.push_row(cells);
    }
    doc.table(&table)?;
    doc.finish()
}

/// One certificate: who, which event, which days.
pub struct CertificateData {
    pub name: String,
    pub days_present: usize,
}

/// A landscape certificate of attendance per person, one page each.
pub fn certificate_pdf(sheet: &SheetData, people: &[CertificateData]) -> Result<Vec<u8>, PdfError> {
    let lang = sheet.lang;
    let t = |id: &str| i18n::text(lang, id);
    let mut doc = Document::builder(
        format!("{} — {}", t("certificate-title"), sheet.title),
        lang.code(),
    )
    .landscape()
    .margins(Margins::all(mm(15.0)))
    .build()?;
    for person in people {
        doc.page_break();
        let height = doc.remaining_height();
        doc.figure(height, |canvas| {
            let (width, height) = (canvas.width(), canvas.height());
            let frame = pdf::Color::rgb(122, 31, 92);
            canvas.rect(0.0, 0.0, width, height, Stroke::new(frame, 2.0));
            canvas.rect(
                6.0,
                6.0,
                width - 12.0,
                height - 12.0,
                Stroke::new(frame, 0.6),
            );
            let centred = TextStyle::body().align(Align::Center);
            let inner = width - 120.0;
            let mut y = 60.0;
            y += canvas.text_box(60.0, y, inner, &sheet.organisation, centred.size(12.0));
            y += 30.0;
            y += canvas.text_box(
                60.0,
                y,
                inner,
                &t("certificate-heading"),
                centred.size(36.0).bold().color(frame),
            );
            y += canvas.text_box(
                60.0,
                y,
                inner,
                &t("certificate-subheading"),
                centred.size(15.0),
            );
            y += 26.0;
            y += canvas.text_box(60.0, y, inner, &person.name, centred.size(26.0).bold());
            y += 14.0;
            let body = i18n::text_with(
                lang,
                "certificate-body",
                &[
                    ("kind", sheet.type_name.clone()),
                    ("title", sheet.title.clone()),
                    ("dates", sheet.dates.clone()),
                    ("present", person.days_present.to_string()),
                    ("days", sheet.days.len().to_string()),
                ],
            );
            y += canvas.text_box(90.0, y, width - 180.0, &body, centred.size(13.0));
            if !sheet.funders.is_empty() {
                let funders = i18n::text_with(
                    lang,
                    "certificate-funders",
                    &[("funders", sheet.funders.join("; "))],
                );
                canvas.text_box(90.0, y + 10.0, width - 180.0, &funders, centred.size(10.0));
            }
            let line_y = height - 70.0;
            let label = TextStyle::body().size(10.0).align(Align::Center);
            for (x, role) in [
                (90.0, t("certificate-signature-organisation")),
                (width - 290.0, t("certificate-signature-trainer")),
            ] {
                canvas.line((x, line_y), (x + 200.0, line_y), Stroke::black(0.7));
                canvas.text(x + 100.0, line_y + 14.0, &role, label);
            }
        })?;
    }
    doc.finish()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LangQuery {
    lang: String,
}

/// The sheet's contents for an event, in `lang`.
async fn sheet_data(app: &AppState, event: &Event, lang: Lang) -> Result<SheetData, AppError> {
    let d = &event.details;
    let types = app.store.event_types().await?;
    let funders = app.store.funders().await?;
    let registrations = app.store.registrations(&event.id).await?;
    let place = [d.city.clone(), d.venue.clone(), oblast_name(lang, d.oblast)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(SheetData {
        lang,
        organisation: app.org().name(lang).to_owned(),
        title: d.title.clone(),
        type_name: type_name(&types, &d.type_id, lang),
        dates: range_label(lang, d.start, d.end),
        place,
        funders: d
            .funder_ids
            .iter()
            .filter_map(|id| funders.iter().find(|f| &f.id == id))
            .map(|f| f.name.clone())
            .collect(),
        days: d.days.iter().map(|day| short_day(lang, *day)).collect(),
        rows: registrations
            .iter()
            .map(|r| (r.uic.to_string(), r.nickname.clone()))
            .collect(),
        blank_rows: 10,
    })
}

fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn document_lang(query: &LangQuery, ctx: &RequestContext) -> Lang {
    Lang::from_tag(&query.lang).unwrap_or(ctx.lang)
}

async fn sign_in_sheet(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let data = sheet_data(&app, &event, document_lang(&query, &ctx)).await?;
    let bytes =
        tokio::task::spawn_blocking(move || sign_in_sheet_pdf(&data).map(|b| (b, data.rows.len())))
            .await
            .map_err(|e| AppError::Internal(format!("making a sign-in sheet: {e}")))?
            .map_err(|e| AppError::Internal(format!("making a sign-in sheet: {e}")))?;
    app.audit(
        &ctx,
        "event.sign_in_sheet",
        &format!("event:{}", event.id),
        serde_json::json!({ "participants": bytes.1 }),
    )
    .await?;
    Ok(pdf_response(bytes.0, "sign-in-sheet.pdf"))
}

async fn certificates(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let lang = document_lang(&query, &ctx);
    let sheet = sheet_data(&app, &event, lang).await?;
    let mut people = Vec::new();
    for registration in app.store.registrations(&event.id).await? {
        if !registration.certificate_consent || registration.present.is_empty() {
            continue;
        }
        let Some(participant) = app
            .store
            .participant(&ParticipantId(registration.participant_id.0.clone()))
            .await?
        else {
            continue;
        };
        if let Some(name) = crypto::open(&app.vault, &participant)?.real_name {
            people.push(CertificateData {
                name,
                days_present: registration.present.len(),
            });
        }
    }
    if people.is_empty() {
        return Err(AppError::BadRequest("certificates-none"));
    }
    let count = people.len();
    let bytes = tokio::task::spawn_blocking(move || certificate_pdf(&sheet, &people))
        .await
        .map_err(|e| AppError::Internal(format!("making certificates: {e}")))?
        .map_err(|e| AppError::Internal(format!("making certificates: {e}")))?;
    app.audit(
        &ctx,
        "event.certificates",
        &format!("event:{}", event.id),
        serde_json::json!({ "certificates": count }),
    )
    .await?;
    Ok(pdf_response(bytes, "certificates.pdf"))
}
