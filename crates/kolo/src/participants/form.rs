//! Adding a participant (the code computed from answers, near-duplicates
//! proposed before anything is saved) and editing a record (consents, and
//! the personal details they allow).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{EventAccess, NewRegistration, ParticipantAccess, RegistrationId};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use kolo_core::participants::{
    AgeBand, Consents, DuplicateCandidate, FieldUpdate, Gender, Group, NewParticipant, Nickname,
    ParticipantChange, ParticipantId, ParticipantProfile, PersonalDetails, Sex, Uic, UicAnswers,
    UicScheme, check_personal, fields_to_erase, near_duplicates,
};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{age_choices, crypto, gender_choices, group_choices, participant_for, scheme};
use crate::app::AppState;
use crate::events::{Choice, event_for, oblast_choices};
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageParticipants);
    RouteTable::new()
        .get("/participants/new", manage, new_form)
        .post("/participants/new", manage, create)
        .get("/participants/{id}/edit", manage, edit_form)
        .post("/participants/{id}/edit", manage, update)
}

/// The new-participant form as typed. The answers for the code are read,
/// used, and forgotten: only the code is stored.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct NewForm {
    pub mother_name: String,
    pub mother_unknown: Option<String>,
    pub father_name: String,
    pub father_unknown: Option<String>,
    pub sex: String,
    pub birth_date: String,
    /// A distinguishing number 2 to 9, when someone else has the same code.
    pub suffix: String,
    pub nickname: String,
    pub oblast: String,
    pub group: String,
    pub gender: String,
    pub age_band: String,
    pub consent_contact: Option<String>,
    pub consent_certificate: Option<String>,
    pub real_name: String,
    pub phone: String,
    pub messenger: String,
    /// Set when the person confirmed that the proposed records are someone else.
    pub confirm_new: Option<String>,
    /// The event to register the new participant to (inline addition).
    pub event: String,
}

/// A valid new participant, before encryption.
pub(crate) struct Checked {
    pub uic: Uic,
    pub profile: ParticipantProfile,
    pub consents: Consents,
    pub personal: PersonalDetails,
}

/// Checks the whole form; every problem is tied to its field.
pub(crate) fn check_new(
    lang: Lang,
    scheme: &UicScheme,
    form: &NewForm,
) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    let birth_date = kolo_core::events::parse_day(&form.birth_date);
    if birth_date.is_none() && !form.birth_date.trim().is_empty() {
        errors.add("birth_date", i18n::text(lang, "event-date-invalid"));
    }
    let answers = UicAnswers {
        mother_name: form
            .mother_unknown
            .is_none()
            .then(|| form.mother_name.clone()),
        father_name: form
            .father_unknown
            .is_none()
            .then(|| form.father_name.clone()),
        sex: Sex::parse(&form.sex),
        birth_date,
    };
    let uic = match scheme.compute(&answers, crate::events::today()) {
        Ok(uic) => match form.suffix.trim() {
            "" => Some(uic),
            text => match text.parse::<u8>().ok().and_then(|n| uic.with_suffix(n)) {
                Some(uic) => Some(uic),
                None => {
                    errors.add("suffix", i18n::text(lang, "participant-suffix-invalid"));
                    None
                }
            },
        },
        Err(problems) => {
            for (field, problem) in problems {
                if errors.get(field).is_none() {
                    errors.add(field, i18n::text(lang, problem.message_id()));
                }
            }
            None
        }
    };
    let profile = check_profile(
        lang,
        &form.nickname,
        &form.oblast,
        &form.group,
        &form.gender,
        &form.age_band,
        &mut errors,
    );
    let consents = Consents {
        contact: form.consent_contact.is_some(),
        certificate: form.consent_certificate.is_some(),
    };
    let personal = match check_personal(consents, &form.real_name, &form.phone, &form.messenger) {
        Ok(personal) => Some(personal),
        Err(problems) => {
            for (field, problem) in problems {
                errors.add(field, i18n::text(lang, problem.message_id()));
            }
            None
        }
    };
    match (uic, profile, personal, errors.is_empty()) {
        (Some(uic), Some(profile), Some(personal), true) => Ok(Checked {
            uic,
            profile,
            consents,
            personal,
        }),
        _ => Err(errors),
    }
}

/// Nickname and the descriptive fields, shared by the new and edit forms.
fn check_profile(
    lang: Lang,
    nickname: &str,
    oblast: &str,
    group: &str,
    gender: &str,
    age_band: &str,
    errors: &mut FieldErrors,
) -> Option<ParticipantProfile> {
    let nickname = Nickname::parse(nickname);
    if nickname.is_none() {
        errors.add("nickname", i18n::text(lang, "participant-nickname-invalid"));
    }
    let mut choice = |value: &str, field: &'static str, known: bool| {
        if !value.trim().is_empty() && !known {
            errors.add(field, i18n::text(lang, "participant-choice-unknown"));
        }
    };
    let oblast_value = Oblast::from_code(oblast);
    choice(oblast, "oblast", oblast_value.is_some());
    let group_value = Group::parse(group);
    choice(group, "group", group_value.is_some());
    let gender_value = Gender::parse(gender);
    choice(gender, "gender", gender_value.is_some());
    let age_value = AgeBand::parse(age_band);
    choice(age_band, "age_band", age_value.is_some());
    Some(ParticipantProfile {
        nickname: nickname?,
        oblast: oblast_value,
        group: group_value,
        gender: gender_value,
        age_band: age_value,
    })
}

pub(crate) struct CandidateLine {
    pub id: String,
    pub uic: String,
    pub nickname: String,
    pub reasons: String,
}

pub(crate) fn candidate_lines(lang: Lang, candidates: &[DuplicateCandidate]) -> Vec<CandidateLine> {
    candidates
        .iter()
        .map(|c| CandidateLine {
            id: c.id.0.clone(),
            uic: c.uic.to_string(),
            nickname: c.nickname.clone(),
            reasons: c
                .reasons
                .iter()
                .map(|r| i18n::text(lang, r.message_id()))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "participants_form.html")]
pub(crate) struct NewPage {
    pub page: Page,
    pub form: NewForm,
    pub sexes: Vec<Choice>,
    pub oblasts: Vec<Choice>,
    pub groups: Vec<Choice>,
    pub genders: Vec<Choice>,
    pub ages: Vec<Choice>,
    pub errors: FieldErrors,
    pub candidates: Vec<CandidateLine>,
    /// The code the answers give, shown with the candidates.
    pub computed: Option<String>,
    pub event_title: Option<String>,
    pub scheme_hint: String,
}

impl NewPage {
    pub(crate) fn new(
        app: &AppState,
        ctx: &RequestContext,
        form: NewForm,
        errors: FieldErrors,
        scheme: &UicScheme,
    ) -> NewPage {
        let lang = ctx.lang;
        NewPage {
            page: Page::new(app, ctx, "participants-new"),
            sexes: Sex::ALL
                .iter()
                .map(|s| {
                    Choice::new(
                        s.as_str(),
                        i18n::text(lang, s.message_id()),
                        s.as_str() == form.sex,
                    )
                })
                .collect(),
            oblasts: oblast_choices(lang, &form.oblast),
            groups: group_choices(lang, &form.group),
            genders: gender_choices(lang, &form.gender),
            ages: age_choices(lang, &form.age_band),
            form,
            errors,
            candidates: Vec::new(),
            computed: None,
            event_title: None,
            scheme_hint: super::uic_admin::describe(lang, scheme),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    event: String,
}

async fn new_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Query(query): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    let scheme = scheme(&app).await?;
    let mut page = NewPage::new(
        &app,
        &ctx,
        NewForm {
            event: query.event.clone(),
            oblast: staff
                .user
                .oblast
                .map(|o| o.code().to_owned())
                .unwrap_or_default(),
            ..NewForm::default()
        },
        FieldErrors::default(),
        &scheme,
    );
    if !query.event.is_empty() {
        let (event, _) = event_for(&app, &staff, &query.event, EventAccess::Manage).await?;
        page.event_title = Some(event.details.title);
    }
    Ok(Html(page.render()?))
}

/// What happened to a new participant's details.
pub(crate) enum Added {
    Done(ParticipantId),
    Invalid(FieldErrors),
    /// Records that may be the same person; nothing was saved. `taken` when
    /// one has exactly the computed code.
    Duplicates {
        computed: Uic,
        candidates: Vec<DuplicateCandidate>,
        taken: bool,
    },
}

/// Checks, proposes near-duplicates, encrypts and stores a new participant,
/// registered to `form.event` when given, in one transaction. Shared by the
/// form, the registration page and the API.
pub(crate) async fn add_participant(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    form: &NewForm,
) -> Result<Added, AppError> {
    let lang = ctx.lang;
    let scheme = scheme(app).await?;
    let event = if form.event.is_empty() {
        None
    } else {
        Some(
            event_for(app, staff, &form.event, EventAccess::Manage)
                .await?
                .0,
        )
    };
    let checked = match check_new(lang, &scheme, form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(Added::Invalid(errors)),
    };
    let phone_index = checked
        .personal
        .phone
        .as_ref()
        .map(|p| crypto::phone_index(&app.vault, p))
        .transpose()?
        .flatten();
    let register = app.store.participant_codes().await?;
    let candidates = near_duplicates(
        &scheme,
        &checked.uic,
        checked.profile.nickname.as_str(),
        phone_index.as_deref(),
        &register,
    );
    let taken = candidates.iter().any(|c| c.uic == checked.uic);
    if taken || (!candidates.is_empty() && form.confirm_new.is_none()) {
        return Ok(Added::Duplicates {
            computed: checked.uic,
            candidates,
            taken,
        });
    }
    let id = ParticipantId(new_id());
    let now = Timestamp::now();
    let participant = NewParticipant {
        personal: crypto::seal(&app.vault, &id, &checked.personal)?,
        id: id.clone(),
        uic: checked.uic.clone(),
        uic_scheme: scheme.encode(),
        profile: checked.profile,
        consents: checked.consents,
    };
    let registrations: Vec<NewRegistration> = event
        .iter()
        .map(|event| NewRegistration {
            id: RegistrationId(new_id()),
            event_id: event.id.clone(),
            participant_id: id.clone(),
            by: Some(staff.user.id.clone()),
            at: now,
        })
        .collect();
    match app
        .store
        .create_participants(&[participant], &registrations, Some(&staff.user.id), now)
        .await
    {
        Ok(()) => {
            tracing::info!(participant = %id, "participant added");
            app.audit(
                ctx,
                "participant.create",
                &format!("participant:{id}"),
                serde_json::json!({
                    "contact": checked.consents.contact,
                    "certificate": checked.consents.certificate,
                }),
            )
            .await?;
            for registration in &registrations {
                crate::events::audit_registered(app, ctx, registration).await?;
            }
            Ok(Added::Done(id))
        }
        // Someone registered the same code a moment ago.
        Err(StoreError::Conflict(_)) => Ok(Added::Duplicates {
            computed: checked.uic,
            candidates: Vec::new(),
            taken: true,
        }),
        Err(error) => Err(error.into()),
    }
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (errors, candidates, computed) = match add_participant(&app, &ctx, &staff, &form).await? {
        Added::Done(id) if form.event.is_empty() => {
            return Ok(Redirect::to(&format!("/participants/{id}?notice=created")).into_response());
        }
        Added::Done(_) => {
            let event = &form.event;
            return Ok(
                Redirect::to(&format!("/events/{event}/register?notice=added")).into_response(),
            );
        }
        Added::Invalid(errors) => (errors, Vec::new(), None),
        Added::Duplicates {
            computed,
            candidates,
            taken,
        } => {
            let mut errors = FieldErrors::default();
            if taken {
                errors.add("uic", i18n::text(lang, "participant-code-taken"));
            }
            (errors, candidates, Some(computed.to_string()))
        }
    };
    let scheme = scheme(&app).await?;
    let event_title = if form.event.is_empty() {
        None
    } else {
        Some(
            event_for(&app, &staff, &form.event, EventAccess::Manage)
                .await?
                .0
                .details
                .title,
        )
    };
    let mut page = NewPage::new(&app, &ctx, form, errors, &scheme);
    page.candidates = candidate_lines(lang, &candidates);
    page.computed = computed;
    page.event_title = event_title;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EditForm {
    pub nickname: String,
    pub oblast: String,
    pub group: String,
    pub gender: String,
    pub age_band: String,
    pub consent_contact: Option<String>,
    pub consent_certificate: Option<String>,
    /// A new value, or empty to keep what is stored.
    pub real_name: String,
    pub phone: String,
    pub messenger: String,
    pub erase_real_name: Option<String>,
    pub erase_phone: Option<String>,
    pub erase_messenger: Option<String>,
}

#[derive(Template)]
#[template(path = "participants_edit.html")]
struct EditPage {
    page: Page,
    id: String,
    uic: String,
    form: EditForm,
    oblasts: Vec<Choice>,
    groups: Vec<Choice>,
    genders: Vec<Choice>,
    ages: Vec<Choice>,
    stored_name: bool,
    stored_phone: bool,
    stored_messenger: bool,
    errors: FieldErrors,
}

impl EditPage {
    fn new(
        app: &AppState,
        ctx: &RequestContext,
        participant: &kolo_core::participants::Participant,
        form: EditForm,
        errors: FieldErrors,
    ) -> EditPage {
        let lang = ctx.lang;
        EditPage {
            page: Page::new(app, ctx, "participants-edit"),
            id: participant.id.0.clone(),
            uic: participant.uic.to_string(),
            oblasts: oblast_choices(lang, &form.oblast),
            groups: group_choices(lang, &form.group),
            genders: gender_choices(lang, &form.gender),
            ages: age_choices(lang, &form.age_band),
            form,
            stored_name: participant.personal.real_name.is_some(),
            stored_phone: participant.personal.phone.is_some(),
            stored_messenger: participant.personal.messenger.is_some(),
            errors,
        }
    }
}

async fn edit_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (participant, _) = participant_for(&app, &staff, &id, ParticipantAccess::Manage).await?;
    if participant.merged_into.is_some() {
        return Err(AppError::BadRequest("participant-merged-readonly"));
    }
    let p = &participant.profile;
    let form = EditForm {
        nickname: p.nickname.as_str().to_owned(),
        oblast: p.oblast.map(|o| o.code().to_owned()).unwrap_or_default(),
        group: p.group.map(|g| g.as_str().to_owned()).unwrap_or_default(),
        gender: p.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
        age_band: p
            .age_band
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
        consent_contact: participant.consents.contact.then(|| "on".to_owned()),
        consent_certificate: participant.consents.certificate.then(|| "on".to_owned()),
        ..EditForm::default()
    };
    let page = EditPage::new(&app, &ctx, &participant, form, FieldErrors::default());
    Ok(Html(page.render()?))
}

async fn update(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let (participant, _) = participant_for(&app, &staff, &id, ParticipantAccess::Manage).await?;
    if participant.merged_into.is_some() {
        return Err(AppError::BadRequest("participant-merged-readonly"));
    }
    match edit_participant(&app, &ctx, &staff, &participant, &form).await? {
        Ok(()) => Ok(Redirect::to(&format!("/participants/{id}?notice=saved")).into_response()),
        Err(errors) => {
            let page = EditPage::new(&app, &ctx, &participant, form, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}

/// Saves an edit of a record (profile, consents, the personal details the
/// consents allow), shared by the page and the API; every problem is tied to
/// its field and nothing is saved then.
pub(crate) async fn edit_participant(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    participant: &kolo_core::participants::Participant,
    form: &EditForm,
) -> Result<Result<(), FieldErrors>, AppError> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let profile = check_profile(
        lang,
        &form.nickname,
        &form.oblast,
        &form.group,
        &form.gender,
        &form.age_band,
        &mut errors,
    );
    let consents = Consents {
        contact: form.consent_contact.is_some(),
        certificate: form.consent_certificate.is_some(),
    };
    let typed = match check_personal(consents, &form.real_name, &form.phone, &form.messenger) {
        Ok(typed) => Some(typed),
        Err(problems) => {
            for (field, problem) in problems {
                errors.add(field, i18n::text(lang, problem.message_id()));
            }
            None
        }
    };
    let (Some(profile), Some(typed), true) = (profile, typed, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    // What the consents no longer cover goes, whatever the form said.
    let (withdrawn_name, withdrawn_phone, withdrawn_messenger) = fields_to_erase(consents);
    let decide =
        |typed: Option<String>, column: &str, erase: bool, withdrawn: bool, stored: bool| {
            if let Some(value) = typed {
                crypto::seal_one(&app.vault, &participant.id, column, &value).map(FieldUpdate::Set)
            } else if (erase || withdrawn) && stored {
                Ok(FieldUpdate::Erase)
            } else {
                Ok(FieldUpdate::Keep)
            }
        };
    let personal = &participant.personal;
    let real_name = decide(
        typed.real_name.clone(),
        "real_name",
        form.erase_real_name.is_some(),
        withdrawn_name,
        personal.real_name.is_some(),
    )?;
    let phone = decide(
        typed.phone.as_ref().map(|p| p.as_str().to_owned()),
        "phone",
        form.erase_phone.is_some(),
        withdrawn_phone,
        personal.phone.is_some(),
    )?;
    let messenger = decide(
        typed.messenger.clone(),
        "messenger",
        form.erase_messenger.is_some(),
        withdrawn_messenger,
        personal.messenger.is_some(),
    )?;
    let phone_index = match &typed.phone {
        Some(phone) => crypto::phone_index(&app.vault, phone)?,
        None => None,
    };
    let erased: Vec<&str> = [
        ("real_name", &real_name),
        ("phone", &phone),
        ("messenger", &messenger),
    ]
    .iter()
    .filter(|(_, update)| matches!(update, FieldUpdate::Erase))
    .map(|(name, _)| *name)
    .collect();
    let old = &participant.profile;
    let changed: Vec<&str> = [
        ("nickname", old.nickname != profile.nickname),
        ("oblast", old.oblast != profile.oblast),
        ("group", old.group != profile.group),
        ("gender", old.gender != profile.gender),
        ("age_band", old.age_band != profile.age_band),
        ("real_name", matches!(real_name, FieldUpdate::Set(_))),
        ("phone", matches!(phone, FieldUpdate::Set(_))),
        ("messenger", matches!(messenger, FieldUpdate::Set(_))),
    ]
    .iter()
    .filter(|(_, changed)| *changed)
    .map(|(name, _)| *name)
    .collect();
    let change = ParticipantChange {
        profile,
        consents,
        real_name,
        phone,
        messenger,
        phone_index,
    };
    app.store
        .update_participant(
            &participant.id,
            &change,
            Some(&staff.user.id),
            Timestamp::now(),
        )
        .await?;
    if consents != participant.consents {
        app.audit(
            ctx,
            "participant.consent",
            &format!("participant:{}", participant.id),
            serde_json::json!({ "contact": consents.contact, "certificate": consents.certificate }),
        )
        .await?;
    }
    if !erased.is_empty() {
        app.audit(
            ctx,
            "participant.erase",
            &format!("participant:{}", participant.id),
            serde_json::json!({ "fields": erased }),
        )
        .await?;
    }
    app.audit(
        ctx,
        "participant.edit",
        &format!("participant:{}", participant.id),
        serde_json::json!({ "fields": changed }),
    )
    .await?;
    Ok(Ok(()))
}
