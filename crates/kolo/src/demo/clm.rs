//! The demo's community-led monitoring: a project for the 2024 annual regional
//! survey of HIV and harm-reduction services, its XLSForm (written here,
//! compiled by the XLSForm compiler when the demo is created, then published),
//! one app user per demo monitor, and a few hundred fictional submissions from
//! their oblasts with varied reviews and a few edits. All of it is invented.

use std::collections::HashMap;
use std::path::Path;

use kolo_core::Store;
use kolo_core::auth::UserId;
use kolo_core::clm::{
    AppUserId, FormVersion, NewAppUser, NewSubmission, Project, ProjectId, ProjectRole,
    ReviewState, SubmissionId, SubmissionVersionId, SubmitOutcome, parse_submission,
};
use kolo_core::ids::{hex, new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use sha2::{Digest, Sha256};

use crate::clm::blobs::BlobStore;
use crate::clm::publish;

pub const PROJECT_NAME: &str = "CLM 2024: HIV and harm-reduction services";

/// The survey, as an XLSForm in a markdown table (the compiler reads it like a
/// workbook): availability, accessibility, acceptability and quality of
/// services, stigma and waiting times; a group, a repeat, a select_multiple
/// and a geopoint; labels in Ukrainian and English.
pub const SURVEY: &str = "\
| survey |
| | type | name | label::Українська (uk) | label::English (en) | required | relevant | constraint |
| | begin group | site | Пункт послуг | Service point | | | |
| | select_one oblast | oblast | Область | Oblast | yes | | |
| | select_one facility | facility | Тип закладу | Type of facility | yes | | |
| | geopoint | location | Розташування | Location | | | |
| | end group | | | | | | |
| | begin group | access | Доступність і наявність | Availability and accessibility | | | |
| | select_multiple service | available | Які послуги доступні? | Which services are available? | yes | | |
| | select_one yes_no | hours_ok | Чи зручний графік роботи? | Are the opening hours convenient? | yes | | |
| | select_one yes_no | paid | Чи просили доплатити? | Were you asked to pay extra? | yes | | |
| | integer | waiting | Час очікування (хвилин) | Waiting time (minutes) | yes | | . >= 0 and . <= 600 |
| | end group | | | | | | |
| | begin group | experience | Прийнятність і якість | Acceptability and quality | | | |
| | select_one rating | acceptability | Наскільки послуги прийнятні для вас? | How acceptable are the services to you? | yes | | |
| | select_one rating | quality | Як ви оцінюєте якість? | How do you rate the quality? | yes | | |
| | select_one yes_no | stigma | Чи стикалися зі стигмою чи дискримінацією? | Did you face stigma or discrimination? | yes | | |
| | text | stigma_details | Що сталося? | What happened? | | ${stigma} = 'yes' | |
| | end group | | | | | | |
| | begin repeat | visit | Отримана послуга | Service received | | | |
| | select_one service | visit_service | Послуга | Service | yes | | |
| | integer | visit_waiting | Очікування (хвилин) | Waiting (minutes) | | | . >= 0 |
| | select_one yes_no | visit_satisfied | Чи задоволені? | Satisfied? | | | |
| | end repeat | | | | | | |
| | text | comments | Коментарі монітора | Monitor's comments | | | |
| choices |
| | list_name | name | label::Українська (uk) | label::English (en) |
| | oblast | UA-51 | Одеська | Odesa |
| | oblast | UA-63 | Харківська | Kharkiv |
| | oblast | UA-46 | Львівська | Lviv |
| | oblast | UA-12 | Дніпропетровська | Dnipropetrovsk |
| | oblast | UA-53 | Полтавська | Poltava |
| | oblast | UA-48 | Миколаївська | Mykolaiv |
| | oblast | UA-74 | Чернігівська | Chernihiv |
| | facility | aids_centre | Центр СНІДу | AIDS centre |
| | facility | ngo | Громадська організація | NGO |
| | facility | clinic | Поліклініка | Clinic |
| | facility | mobile | Мобільна амбулаторія | Mobile clinic |
| | service | testing | Тестування на ВІЛ | HIV testing |
| | service | art | АРТ | ART |
| | service | prep | ДКП | PrEP |
| | service | ost | ЗПТ | OST |
| | service | needles | Обмін шприців | Needle exchange |
| | service | naloxone | Налоксон | Naloxone |
| | yes_no | yes | Так | Yes |
| | yes_no | no | Ні | No |
| | rating | 1 | Дуже погано | Very poor |
| | rating | 2 | Погано | Poor |
| | rating | 3 | Задовільно | Fair |
| | rating | 4 | Добре | Good |
| | rating | 5 | Дуже добре | Very good |
| settings |
| | form_title | form_id | version | default_language |
| | CLM 2024: щорічне регіональне опитування (демо) | clm_2024_regional | 2024010101 | Українська (uk) |
";

/// The demo monitors' logins, their oblast code and a point in their city.
const MONITORS: &[(&str, &str, &str, (f64, f64))] = &[
    ("monitor", "Харків, пристрій 1", "UA-63", (49.99, 36.23)),
    (
        "monitor.odesa",
        "Одеса, пристрій 1",
        "UA-51",
        (46.48, 30.72),
    ),
    ("monitor.lviv", "Львів, пристрій 1", "UA-46", (49.84, 24.03)),
    (
        "monitor.dnipro",
        "Дніпро, пристрій 1",
        "UA-12",
        (48.46, 35.05),
    ),
    (
        "monitor.poltava",
        "Полтава, пристрій 1",
        "UA-53",
        (49.59, 34.55),
    ),
    (
        "monitor.mykolaiv",
        "Миколаїв, пристрій 1",
        "UA-48",
        (46.97, 31.99),
    ),
    (
        "monitor.chernihiv",
        "Чернігів, пристрій 1",
        "UA-74",
        (51.49, 31.29),
    ),
];

/// How many fictional submissions the demo holds.
pub const SUBMISSIONS: usize = 315;

/// A small deterministic generator: the demo is the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // A linear congruential generator (Knuth's MMIX constants).
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SERVICES: &[&str] = &["testing", "art", "prep", "ost", "needles", "naloxone"];
const FACILITIES: &[&str] = &["aids_centre", "ngo", "clinic", "mobile"];
const STIGMA_NOTES: &[&str] = &[
    "Медсестра коментувала зовнішність (вигадано для демо)",
    "Відмовили без паспорта (вигадано для демо)",
    "Лікар говорив про роботу при інших пацієнтах (вигадано для демо)",
];
const COMMENTS: &[&str] = &[
    "",
    "",
    "Черга зранку велика (демо)",
    "Немає окремого входу (демо)",
    "Персонал привітний (демо)",
];

/// One fictional filled-in survey.
fn survey_xml(
    dice: &mut Dice,
    root: &str,
    version: &str,
    instance: &str,
    deprecated: Option<&str>,
    oblast: &str,
    (lat, lon): (f64, f64),
) -> String {
    let mut available: Vec<&str> = SERVICES
        .iter()
        .copied()
        .filter(|_| dice.below(3) > 0)
        .collect();
    if available.is_empty() {
        available.push("testing");
    }
    let waiting = 5 + dice.below(120);
    let stigma = dice.below(4) == 0;
    let visits: String = (0..1 + dice.below(3))
        .map(|_| {
            format!(
                "<visit><visit_service>{}</visit_service><visit_waiting>{}</visit_waiting>\
                 <visit_satisfied>{}</visit_satisfied></visit>",
                dice.pick(&available),
                dice.below(90),
                if dice.below(4) == 0 { "no" } else { "yes" }
            )
        })
        .collect();
    let deprecated = deprecated
        .map(|d| format!("<deprecatedID>{d}</deprecatedID>"))
        .unwrap_or_default();
    let jitter = |d: &mut Dice| (d.below(200) as f64 - 100.0) / 1000.0;
    format!(
        "<{root} xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" \
         id=\"clm_2024_regional\" version=\"{version}\">\
         <site><oblast>{oblast}</oblast><facility>{facility}</facility>\
         <location>{lat:.5} {lon:.5} 120 8</location></site>\
         <access><available>{available}</available><hours_ok>{hours}</hours_ok><paid>{paid}</paid>\
         <waiting>{waiting}</waiting></access>\
         <experience><acceptability>{acceptability}</acceptability><quality>{quality}</quality>\
         <stigma>{stigma}</stigma><stigma_details>{details}</stigma_details></experience>\
         {visits}<comments>{comments}</comments>\
         <meta><instanceID>{instance}</instanceID>{deprecated}</meta></{root}>",
        facility = dice.pick(FACILITIES),
        lat = lat + jitter(dice),
        lon = lon + jitter(dice),
        available = available.join(" "),
        hours = if dice.below(3) == 0 { "no" } else { "yes" },
        paid = if dice.below(6) == 0 { "yes" } else { "no" },
        acceptability = 1 + dice.below(5),
        quality = 1 + dice.below(5),
        stigma = if stigma { "yes" } else { "no" },
        details = if stigma { dice.pick(STIGMA_NOTES) } else { "" },
        comments = dice.pick(COMMENTS),
    )
}

/// One fictional survey from Odesa, the same for the same seed: for
/// benchmarks that need submissions of a realistic shape.
pub fn sample_submission(seed: u64, root: &str, version: &str, instance: &str) -> String {
    survey_xml(
        &mut Dice(seed),
        root,
        version,
        instance,
        None,
        "UA-51",
        (46.48, 30.72),
    )
}

fn new_submission(
    version: &FormVersion,
    app_user: &AppUserId,
    xml: String,
    received_at: Timestamp,
) -> anyhow::Result<NewSubmission> {
    let meta = parse_submission(&xml).map_err(|e| anyhow::anyhow!("demo submission: {e}"))?;
    Ok(NewSubmission {
        submission_id: SubmissionId::new(),
        version_id: SubmissionVersionId::new(),
        form_id: version.form_id.clone(),
        form_version_id: version.id.clone(),
        form_version: version.version.clone(),
        app_user_id: Some(app_user.clone()),
        meta,
        xml_sha256: hex(&Sha256::digest(xml.as_bytes())),
        xml: xml.into_bytes(),
        expected_files: Vec::new(),
        files: Vec::new(),
        received_at,
        device_id: None,
        // Read before the table is first sorted by a field.
        sort_values: None,
    })
}

pub async fn create(
    store: &dyn Store,
    data_dir: &Path,
    staff: &HashMap<&'static str, UserId>,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let project = Project {
        id: ProjectId::new(),
        name: PROJECT_NAME.to_owned(),
        description: "Щорічне регіональне опитування про доступність, прийнятність і якість послуг \
                      з ВІЛ і зменшення шкоди. Усі дані вигадані для демонстрації. / Annual regional \
                      survey of HIV and harm-reduction services. All data are fictional."
            .to_owned(),
        archived: false,
        created_at: now,
    };
    store.create_project(&project).await?;
    if let Some(trainer) = staff.get("trainer") {
        store
            .set_project_staff(&project.id, trainer, Some(ProjectRole::DataViewer))
            .await?;
    }
    let blobs = BlobStore::new(data_dir);
    let coordinator = staff.get("coordinator");
    let draft = publish::save_draft(
        store,
        &blobs,
        &project.id,
        "clm_2024_regional.md",
        SURVEY.as_bytes(),
        coordinator,
    )
    .await
    .map_err(|e| match e {
        publish::PublishError::Form(errors, _) => anyhow::anyhow!(
            "the demo survey does not compile: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("the demo survey: {other}"),
    })?;
    let version = publish::publish(store, &blobs, &draft.form_id).await?;

    let mut devices = Vec::new();
    for (login, name, oblast, point) in MONITORS {
        let Some(user) = staff.get(login) else {
            continue;
        };
        let id = AppUserId::new();
        store
            .create_app_user(&NewAppUser {
                id: id.clone(),
                project_id: project.id.clone(),
                display_name: (*name).to_owned(),
                user_id: Some(user.clone()),
                // The demo's devices get fresh tokens nobody sees: staff make a
                // new app user on the page to try Collect.
                token_hash: token_hash(&new_secret_token()),
                created_by: coordinator.cloned(),
                created_at: now,
            })
            .await?;
        devices.push((id, *oblast, *point));
    }
    anyhow::ensure!(!devices.is_empty(), "the demo has no monitors");

    let mut dice = Dice(2024);
    // Over the 2024 survey round, 1 March to 30 November (Kyiv, roughly).
    let start = Timestamp(1_709_244_000);
    let span = 275 * 86_400;
    let mut stored = Vec::new();
    for n in 0..SUBMISSIONS {
        let (device, oblast, point) = &devices[n % devices.len()];
        let instance = format!("uuid:demo-2024-{n:04}");
        let xml = survey_xml(
            &mut dice,
            &version.root_name,
            &version.version,
            &instance,
            None,
            oblast,
            *point,
        );
        let received = start.plus_seconds((dice.below(span)) as i64);
        let submission = new_submission(&version, device, xml, received)?;
        match store.submit(&submission).await? {
            SubmitOutcome::Created(id) => {
                stored.push((id, device.clone(), *oblast, *point, instance, received))
            }
            other => anyhow::bail!("demo submission {n}: {other:?}"),
        }
    }
    // A few edits: monitors corrected what they sent.
    for (_, device, oblast, point, instance, received) in stored.iter().step_by(40) {
        let edited = format!("{instance}-edit");
        let xml = survey_xml(
            &mut dice,
            &version.root_name,
            &version.version,
            &edited,
            Some(instance),
            oblast,
            *point,
        );
        let submission = new_submission(&version, device, xml, received.plus_seconds(86_400))?;
        store.submit(&submission).await?;
    }
    // Reviews: most approved, some with issues, a few rejected.
    for (i, (id, ..)) in stored.iter().enumerate() {
        let (state, comment) = match i % 10 {
            0..=5 => (ReviewState::Approved, ""),
            6 => (
                ReviewState::HasIssues,
                "Перевірити час очікування з монітором (демо)",
            ),
            7 => (ReviewState::Rejected, "Дубль іншої анкети (демо)"),
            _ => continue,
        };
        store
            .review_submission(id, state, comment, coordinator, now)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_survey_compiles_with_both_languages() {
        let out = xlsform::convert(SURVEY.as_bytes(), &xlsform::Options::default())
            .unwrap_or_else(|failed| panic!("{failed}"));
        assert_eq!(out.form_id, "clm_2024_regional");
        let schema = odk_data::FormSchema::from_xform(&out.xform).unwrap();
        assert_eq!(schema.languages.len(), 2);
        assert_eq!(schema.tables.len(), 2, "one repeat");
        // Every generated submission reads back against the form without surprises.
        let mut dice = Dice(7);
        let root = &schema.root().name;
        for n in 0..50 {
            let xml = survey_xml(
                &mut dice,
                root,
                "2024010101",
                &format!("uuid:{n}"),
                None,
                "UA-51",
                (46.4, 30.7),
            );
            let parsed = odk_data::Submission::parse(&schema, &xml).unwrap();
            assert!(parsed.unknown.is_empty(), "{:?}", parsed.unknown);
        }
    }
}
