//! The submissions of a form as a table (paged; sorted by any column, the
//! headers being links; filtered by date, app user and review state; the
//! form's fields as columns with their labels in the reader's language), one
//! submission's page with every answer, its files and its edit history, and
//! its review.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form as FormBody, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::clm::{
    AppUser, AppUserId, Form, Project, ProjectAccess, ReviewState, SortColumn, SubmissionDetail,
    SubmissionFilter, SubmissionId, SubmissionSort,
};
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;
use odk_data::{FieldId, FieldKind, FormSchema, Submission};
use serde::Deserialize;

use super::{Choice, form_href, form_language, form_of, project_for, schema_of, visible_app_users};
use crate::app::AppState;
use crate::clm::sort_values::{self, Column, columns};
use crate::web::format::datetime;
use crate::web::url::encode_component;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

/// Rows per page of the table.
const PAGE_SIZE: u32 = 50;

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewClmSubmissions);
    RouteTable::new()
        .get(
            "/clm/projects/{project}/forms/{form}/submissions",
            view,
            table,
        )
        .get(
            "/clm/projects/{project}/forms/{form}/submissions/{submission}",
            view,
            submission_page,
        )
        .get(
            "/clm/projects/{project}/forms/{form}/submissions/{submission}/files/{name}",
            view,
            file,
        )
        .post(
            "/clm/projects/{project}/forms/{form}/submissions/{submission}/review",
            Access::Staff(Action::ReviewClmSubmissions),
            review,
        )
}

/// The table's filters as they come in the query string.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct Filters {
    pub from: String,
    pub until: String,
    pub app_user: String,
    pub state: String,
    /// `received` (the default), `app_user`, `state`, or `field:` and a
    /// field's path (`field:/data/oblast`); `newest` and `oldest` are the
    /// older spellings of the date order.
    pub sort: String,
    /// `asc` or `desc`; blank for the column's usual direction.
    pub dir: String,
    pub page: u32,
}

/// What the table can be sorted by, as the query string names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SortKey {
    Received,
    AppUser,
    State,
    Field(String),
}

impl SortKey {
    fn parse(text: &str) -> Option<SortKey> {
        match text {
            "" | "received" | "newest" | "oldest" => Some(SortKey::Received),
            "app_user" => Some(SortKey::AppUser),
            "state" => Some(SortKey::State),
            other => other
                .strip_prefix("field:")
                .filter(|path| path.starts_with('/'))
                .map(|path| SortKey::Field(path.to_owned())),
        }
    }

    fn as_param(&self) -> String {
        match self {
            SortKey::Received => "received".to_owned(),
            SortKey::AppUser => "app_user".to_owned(),
            SortKey::State => "state".to_owned(),
            SortKey::Field(path) => format!("field:{path}"),
        }
    }

    /// Dates newest first; names, states and answers from A (or 0) up.
    fn descending_by_default(&self) -> bool {
        *self == SortKey::Received
    }
}

/// A day (`2024-05-01`) as the start of that day in Kyiv.
pub(crate) fn day_start(text: &str) -> Option<Timestamp> {
    let day: jiff::civil::Date = text.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get("Europe/Kyiv").unwrap_or(jiff::tz::TimeZone::UTC);
    let start = zone
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .ok()?;
    Some(Timestamp(start.as_second()))
}

impl Filters {
    /// The sort asked for and its direction; `None` when the parameter names
    /// nothing the table has.
    pub(crate) fn sort_key(&self) -> Option<(SortKey, bool)> {
        let key = SortKey::parse(self.sort.trim())?;
        let descending = match (self.dir.as_str(), self.sort.as_str()) {
            ("desc", _) | ("", "newest") => true,
            ("asc", _) | ("", "oldest") => false,
            _ => key.descending_by_default(),
        };
        Some((key, descending))
    }

    /// The store's filter for this form, narrowed to the app users the person
    /// may read (`allowed`, `None` for all). Sorts by date, app user or state;
    /// a sort by a field needs its values read first (see `table`), so it is
    /// added there.
    pub(crate) fn to_filter(
        &self,
        form: &Form,
        allowed: Option<Vec<AppUserId>>,
    ) -> SubmissionFilter {
        let chosen = (!self.app_user.is_empty()).then(|| AppUserId(self.app_user.clone()));
        let app_users = match (allowed, chosen) {
            (None, None) => None,
            (None, Some(one)) => Some(vec![one]),
            (Some(mine), None) => Some(mine),
            (Some(mine), Some(one)) => Some(mine.into_iter().filter(|a| *a == one).collect()),
        };
        let (key, descending) = self.sort_key().unwrap_or((SortKey::Received, true));
        let column = match key {
            SortKey::AppUser => Some(SortColumn::AppUser),
            SortKey::State => Some(SortColumn::ReviewState),
            SortKey::Received | SortKey::Field(_) => None,
        };
        SubmissionFilter {
            form_id: Some(form.id.clone()),
            app_users,
            review_state: ReviewState::parse(&self.state),
            from: day_start(&self.from),
            // The whole of the last day.
            until: day_start(&self.until).map(|t| t.plus_seconds(86_400)),
            oldest_first: key == SortKey::Received && !descending,
            after: None,
            sort: column.map(|column| SubmissionSort { column, descending }),
            offset: self.page.saturating_sub(1).saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
        }
    }

    fn query(&self, page: u32) -> String {
        self.query_sorted(&self.sort, &self.dir, page)
    }

    /// The query string with these filters and another sort.
    fn query_sorted(&self, sort: &str, dir: &str, page: u32) -> String {
        format!(
            "?from={}&until={}&app_user={}&state={}&sort={}&dir={}&page={page}",
            encode_component(&self.from),
            encode_component(&self.until),
            encode_component(&self.app_user),
            encode_component(&self.state),
            encode_component(sort),
            encode_component(dir),
        )
    }

    /// A column header's link: sorts by `key`, the other way round when the
    /// table is sorted by it already; with `aria-sort`'s value.
    fn header_link(&self, key: &SortKey, current: &(SortKey, bool)) -> (String, &'static str) {
        let (descending, shown) = if *key == current.0 {
            let state = if current.1 { "descending" } else { "ascending" };
            (!current.1, state)
        } else {
            (key.descending_by_default(), "none")
        };
        let dir = if descending { "desc" } else { "asc" };
        (self.query_sorted(&key.as_param(), dir, 1), shown)
    }
}

/// A value as a person reads it: choice labels for selects.
fn shown_value(schema: &FormSchema, id: FieldId, value: &str, language: Option<&str>) -> String {
    let field = schema.field(id);
    if field.choices.is_empty() {
        return value.to_owned();
    }
    let default = schema.default_language.as_deref();
    value
        .split_whitespace()
        .map(|v| {
            field
                .choice_label(v, language, default)
                .unwrap_or(v)
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The labels of the groups around a field, outermost first, then its own.
fn label_path(schema: &FormSchema, id: FieldId, language: Option<&str>) -> String {
    let mut parts = vec![schema.label(id, language).to_owned()];
    let mut parent = schema.field(id).parent;
    while let Some(p) = parent {
        if schema.field(p).kind == FieldKind::Root {
            break;
        }
        parts.push(schema.label(p, language).to_owned());
        parent = schema.field(p).parent;
    }
    parts.reverse();
    parts.join(" › ")
}

struct Row {
    href: String,
    received: String,
    app_user: String,
    state: String,
    edits: u32,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "clm_submissions.html")]
struct TablePage {
    page: Page,
    project: Project,
    form_href: String,
    title: String,
    headers: Vec<Header>,
    rows: Vec<Row>,
    total: u64,
    filters: Filters,
    app_users: Vec<Choice>,
    states: Vec<Choice>,
    previous: Option<String>,
    next: Option<String>,
    exports: bool,
    no_version: bool,
    /// Set when the sort asked for is not one the table has.
    sort_problem: Option<String>,
}

/// A column header: a link that sorts by the column.
struct Header {
    label: String,
    href: String,
    /// `aria-sort`: `ascending`, `descending` or `none`.
    sorted: &'static str,
}

pub(crate) fn app_user_names(app_users: &[AppUser]) -> HashMap<AppUserId, String> {
    app_users
        .iter()
        .map(|a| (a.id.clone(), a.display_name.clone()))
        .collect()
}

fn state_label(lang: Lang, state: ReviewState) -> String {
    i18n::text(lang, state.message_id())
}

async fn table(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
    Query(mut filters): Query<Filters>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::OwnSubmissions).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    filters.page = filters.page.max(1);
    let allowed = visible_app_users(&app, &staff.user, &project.id, access).await?;
    let project_users = app.store.app_users(&project.id).await?;
    let names = app_user_names(&project_users);
    let href = form_href(&project.id, &form.xml_form_id);
    let version = form.current.as_ref().or(form.draft.as_ref());
    let schema = match version {
        Some(v) => {
            let schema = schema_of(&app, &v.id).await?;
            let language = form_language(&schema, lang);
            Some((schema, language))
        }
        None => None,
    };
    let field_paths: Vec<String> = schema
        .as_ref()
        .map(|(schema, _)| {
            columns(schema)
                .iter()
                .map(|c| schema.field(c.field()).path.clone())
                .collect()
        })
        .unwrap_or_default();

    // A sort the table does not have falls back to the date, and says so.
    let mut sort_problem = None;
    let sort = match filters.sort_key() {
        Some((SortKey::Field(path), _)) if !field_paths.contains(&path) => None,
        other => other,
    };
    let sort = sort.unwrap_or_else(|| {
        sort_problem = Some(i18n::text(lang, "clm-sort-unknown"));
        filters.sort.clear();
        filters.dir.clear();
        (SortKey::Received, true)
    });
    let mut filter = filters.to_filter(&form, allowed.clone());
    if let (SortKey::Field(path), descending) = &sort {
        sort_values::catch_up(&app, &form.id).await?;
        filter.sort = Some(SubmissionSort {
            column: SortColumn::Field(path.clone()),
            descending: *descending,
        });
    }
    let total = app.store.count_submissions(&filter).await?;
    let summaries = app.store.submissions(&filter).await?;

    let header = |label: String, key: SortKey| {
        let (href, sorted) = filters.header_link(&key, &sort);
        Header {
            label,
            href,
            sorted,
        }
    };
    let mut headers = vec![
        header(i18n::text(lang, "clm-received"), SortKey::Received),
        header(i18n::text(lang, "clm-app-user-name"), SortKey::AppUser),
        header(i18n::text(lang, "clm-review-state"), SortKey::State),
    ];
    if let Some((schema, language)) = &schema {
        for (column, path) in columns(schema).iter().zip(&field_paths) {
            headers.push(header(
                label_path(schema, column.field(), language.as_deref()),
                SortKey::Field(path.clone()),
            ));
        }
    }
    let mut rows = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let link = format!("{href}/submissions/{}", summary.id);
        let mut cells = Vec::new();
        if let Some((schema, language)) = &schema
            && !summary.encrypted
        {
            let xml = app
                .store
                .submission_xml(&summary.current_version_id)
                .await?
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&xml);
            // A submission that no longer matches the form shows blank cells;
            // its page still shows the XML's values that can be read.
            if let Ok(parsed) = Submission::parse(schema, &text) {
                for column in columns(schema) {
                    cells.push(match column {
                        Column::Value(id) => parsed
                            .value(schema, id)
                            .map(|v| shown_value(schema, id, v, language.as_deref()))
                            .unwrap_or_default(),
                        Column::Repeat { slot, .. } => {
                            let count = parsed.root.repeats.get(slot).map_or(0, Vec::len);
                            i18n::text_with(
                                lang,
                                "clm-repeat-count",
                                &[("count", count.to_string())],
                            )
                        }
                    });
                }
            }
        }
        rows.push(Row {
            href: link,
            received: datetime(summary.created_at),
            app_user: summary
                .app_user_id
                .as_ref()
                .and_then(|a| names.get(a).cloned())
                .unwrap_or_default(),
            state: state_label(lang, summary.review_state),
            edits: summary.edits,
            cells,
        });
    }
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let page_no = u64::from(filters.page);
    let previous = (filters.page > 1).then(|| filters.query(filters.page - 1));
    let next = (page_no < pages).then(|| filters.query(filters.page + 1));
    let app_users = project_users
        .iter()
        .filter(|a| allowed.as_ref().is_none_or(|mine| mine.contains(&a.id)))
        .map(|a| Choice::new(&a.id.0, &a.display_name, a.id.0 == filters.app_user))
        .collect();
    let states = ReviewState::ALL
        .iter()
        .map(|s| {
            Choice::new(
                s.as_str(),
                state_label(lang, *s),
                s.as_str() == filters.state,
            )
        })
        .collect();
    let page = TablePage {
        page: Page::new(&app, &ctx, "clm-submissions-title"),
        title: version.map(|v| v.title.clone()).unwrap_or_default(),
        project,
        form_href: href,
        headers,
        rows,
        total,
        filters,
        app_users,
        states,
        previous,
        next,
        exports: access >= ProjectAccess::Data && staff.user.may(Action::ExportClmSubmissions),
        no_version: version.is_none(),
        sort_problem,
    };
    Ok(Html(page.render()?))
}

/// The submission if the person may read it: 404 when it is not this form's
/// or, for a monitor, not sent by one of their devices.
async fn readable_submission(
    app: &AppState,
    staff: &Staff,
    project_id: &str,
    xml_form_id: &str,
    submission: &str,
    needed: ProjectAccess,
) -> Result<(Project, ProjectAccess, Form, SubmissionDetail), AppError> {
    let (project, access) = project_for(app, staff, project_id, needed).await?;
    let form = form_of(app, &project, xml_form_id).await?;
    let detail = app
        .store
        .submission(&SubmissionId(submission.to_owned()))
        .await?
        .filter(|d| d.summary.form_id == form.id)
        .ok_or(AppError::NotFound)?;
    if let Some(mine) = visible_app_users(app, &staff.user, &project.id, access).await?
        && !detail
            .summary
            .app_user_id
            .as_ref()
            .is_some_and(|a| mine.contains(a))
    {
        return Err(AppError::NotFound);
    }
    Ok((project, access, form, detail))
}

struct AnswerRow {
    label: String,
    path: String,
    value: String,
}

struct FileRow {
    href: String,
    name: String,
    image: bool,
    present: bool,
}

struct VersionRow {
    instance_id: String,
    deprecated_id: String,
    form_version: String,
    received: String,
    current: bool,
}

struct ReviewRow {
    state: String,
    comment: String,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "clm_submission.html")]
struct SubmissionPage {
    page: Page,
    project: Project,
    form_href: String,
    instance_id: String,
    /// The `deviceID` the first version came with.
    device_id: Option<String>,
    received: String,
    app_user: String,
    state: String,
    encrypted: bool,
    unreadable: bool,
    answers: Vec<AnswerRow>,
    files: Vec<FileRow>,
    versions: Vec<VersionRow>,
    reviews: Vec<ReviewRow>,
    may_review: bool,
    states: Vec<Choice>,
    notice: bool,
    submission_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Notice {
    notice: String,
}

/// Whether a stored content type may be shown inside the page. SVG may hold
/// script, so it is only ever downloaded.
fn inline_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    )
}

async fn submission_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id, submission)): Path<(String, String, String)>,
    Query(notice): Query<Notice>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (project, access, form, detail) = readable_submission(
        &app,
        &staff,
        &id,
        &xml_form_id,
        &submission,
        ProjectAccess::OwnSubmissions,
    )
    .await?;
    let summary = &detail.summary;
    let href = form_href(&project.id, &form.xml_form_id);
    let names = app_user_names(&app.store.app_users(&project.id).await?);
    let users = app.store.users().await?;

    // The answers, read against the form version the submission was made with.
    let versions_of_form = app.store.form_versions(&form.id).await?;
    let made_with = detail
        .versions
        .iter()
        .find(|v| v.current)
        .map(|v| v.form_version_id.clone());
    let form_version = made_with
        .as_ref()
        .and_then(|id| versions_of_form.iter().find(|v| &v.id == id))
        .or(form.current.as_ref());
    let mut answers = Vec::new();
    let mut unreadable = false;
    if let (Some(version), false) = (form_version, summary.encrypted) {
        let schema = schema_of(&app, &version.id).await?;
        let language = form_language(&schema, lang);
        let xml = app
            .store
            .submission_xml(&summary.current_version_id)
            .await?
            .unwrap_or_default();
        match Submission::parse(&schema, &String::from_utf8_lossy(&xml)) {
            Ok(parsed) => {
                for (path, field, value) in parsed.values(&schema) {
                    if schema.field(field).is_metadata {
                        continue;
                    }
                    let shown_path = path.split('/').skip(2).collect::<Vec<_>>().join(" / ");
                    answers.push(AnswerRow {
                        label: label_path(&schema, field, language.as_deref()),
                        path: shown_path,
                        value: shown_value(&schema, field, value, language.as_deref()),
                    });
                }
            }
            Err(_) => unreadable = true,
        }
    }
    let files = app
        .store
        .submission_attachments(&summary.current_version_id)
        .await?
        .into_iter()
        .map(|f| FileRow {
            href: format!(
                "{href}/submissions/{}/files/{}",
                summary.id,
                encode_component(&f.name)
            ),
            image: f.blob.is_some() && f.content_type.as_deref().is_some_and(inline_image),
            present: f.blob.is_some(),
            name: f.name,
        })
        .collect();
    let versions = detail
        .versions
        .iter()
        .rev()
        .map(|v| VersionRow {
            instance_id: v.instance_id.clone(),
            deprecated_id: v.deprecated_id.clone().unwrap_or_default(),
            form_version: v.form_version.clone(),
            received: datetime(v.received_at),
            current: v.current,
        })
        .collect();
    let reviews = detail
        .reviews
        .iter()
        .rev()
        .map(|r| ReviewRow {
            state: state_label(lang, r.state),
            comment: r.comment.clone(),
            by: r
                .by
                .as_ref()
                .and_then(|b| users.iter().find(|u| &u.id == b))
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            at: datetime(r.at),
        })
        .collect();
    let page = SubmissionPage {
        page: Page::new(&app, &ctx, "clm-submission-title"),
        project,
        form_href: href,
        instance_id: summary.instance_id.clone(),
        device_id: summary.device_id.clone(),
        received: datetime(summary.created_at),
        app_user: summary
            .app_user_id
            .as_ref()
            .and_then(|a| names.get(a).cloned())
            .unwrap_or_default(),
        state: state_label(lang, summary.review_state),
        encrypted: summary.encrypted,
        unreadable,
        answers,
        files,
        versions,
        reviews,
        may_review: access == ProjectAccess::Manage && staff.user.may(Action::ReviewClmSubmissions),
        states: ReviewState::ALL
            .iter()
            .map(|s| {
                Choice::new(
                    s.as_str(),
                    state_label(lang, *s),
                    *s == summary.review_state,
                )
            })
            .collect(),
        notice: notice.notice == "reviewed",
        submission_id: summary.id.0.clone(),
    };
    Ok(Html(page.render()?))
}

/// A submission's file, to staff who may read the submission: images of
/// known types inline, everything else as a download.
async fn file(
    State(app): State<AppState>,
    staff: Staff,
    Path((id, xml_form_id, submission, name)): Path<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let (_, _, _, detail) = readable_submission(
        &app,
        &staff,
        &id,
        &xml_form_id,
        &submission,
        ProjectAccess::OwnSubmissions,
    )
    .await?;
    let files = app
        .store
        .submission_attachments(&detail.summary.current_version_id)
        .await?;
    let found = files
        .iter()
        .find(|f| f.name == name)
        .ok_or(AppError::NotFound)?;
    let blob = found.blob.as_ref().ok_or(AppError::NotFound)?;
    let opened = app
        .blobs
        .open(&blob.sha256)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let stored_type = found.content_type.as_deref().unwrap_or_default();
    let (content_type, disposition) = if inline_image(stored_type) {
        (stored_type, "inline")
    } else {
        ("application/octet-stream", "attachment")
    };
    let mut response = Response::new(super::exports::file_body(opened));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    let disposition = format!(
        "{disposition}; filename=\"file\"; filename*=UTF-8''{}",
        encode_component(&found.name)
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    comment: String,
}

async fn review(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id, submission)): Path<(String, String, String)>,
    FormBody(body): FormBody<ReviewForm>,
) -> Result<Response, AppError> {
    let (project, _, form, detail) = readable_submission(
        &app,
        &staff,
        &id,
        &xml_form_id,
        &submission,
        ProjectAccess::Manage,
    )
    .await?;
    let state =
        ReviewState::parse(&body.state).ok_or(AppError::BadRequest("clm-review-unknown"))?;
    let comment = body.comment.trim();
    if comment.chars().count() > 2000 {
        return Err(AppError::BadRequest("clm-review-comment-long"));
    }
    app.store
        .review_submission(
            &detail.summary.id,
            state,
            comment,
            Some(&staff.user.id),
            Timestamp::now(),
        )
        .await?;
    // The comment may describe a person: only its length is recorded.
    app.audit(
        &ctx,
        "clm.submission.review",
        &format!("clm_submission:{}", detail.summary.id),
        serde_json::json!({
            "from": detail.summary.review_state.as_str(),
            "state": state.as_str(),
            "comment_chars": comment.chars().count(),
        }),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}/submissions/{}?notice=reviewed",
        form_href(&project.id, &form.xml_form_id),
        detail.summary.id
    ))
    .into_response())
}
