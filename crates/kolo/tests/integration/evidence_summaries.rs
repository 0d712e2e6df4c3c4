//! The evidence page reads per-event summaries (migration 0007), kept up to
//! date by every write, instead of every response. These tests hold the
//! figures to the ones computed the old way, straight from the raw responses
//! and attendance marks, on varied data (invalid and unpaired scores, small
//! events, cancelled events, filters), after each kind of write, and check
//! that the migration's backfill gives the same summaries.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;
use kolo::outcomes::evidence::{FormatFigures, compare};
use kolo_core::Store;
use kolo_core::events::{
    AttendanceUpdate, EventDetails, EventFilter, EventFormat, EventId, EventStatus,
    NewRegistration, RegistrationId,
};
use kolo_core::ids::new_id;
use kolo_core::outcomes::{
    Answer, FEEDBACK_ITEMS, Instrument, InstrumentKind, NewResponse, ResponseSource, ShortCode,
};
use kolo_core::participants::{
    Consents, NewParticipant, Nickname, ParticipantId, ParticipantProfile, SealedPersonal, Uic,
};
use kolo_core::time::Timestamp;
use stats::{
    Attendance, Likert, MinimumN, Recommendation, Score, ScorePair, follow_up, learning_outcomes,
    likert_summary, recommendation_summary, retention,
};

use crate::common::TestApp;

/// A small deterministic generator: the same varied data on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(n.max(1))) as u32
    }
}

fn uic(n: usize) -> Uic {
    Uic::parse(&format!("AABBF{n:06}")).expect("a code")
}

struct Built {
    events: Vec<(EventId, EventDetails, Vec<Instrument>)>,
    participants: Vec<ParticipantId>,
}

fn details(n: usize, start: Date) -> EventDetails {
    let length = 1 + n % 3;
    let days: Vec<Date> = (0..length)
        .map(|d| start.checked_add((d as i64).days()).expect("a day"))
        .collect();
    EventDetails {
        title: format!("Тренінг {n}"),
        type_id: if n % 4 == 3 { "workshop" } else { "training" }.into(),
        topics: vec![
            if n.is_multiple_of(2) {
                "Права"
            } else {
                "Здоров'я"
            }
            .into(),
        ],
        format: EventFormat::ALL[n % 3],
        start,
        end: *days.last().expect("a day"),
        days,
        oblast: None,
        city: String::new(),
        venue: String::new(),
        trainers: vec![],
        funder_ids: vec![],
        budget: None,
        agenda: String::new(),
        planned_participants: None,
        actual_participants: None,
        status: if n == 7 {
            EventStatus::Cancelled
        } else {
            EventStatus::Held
        },
        notes: String::new(),
    }
}

fn response(instrument: &Instrument, person: usize, rng: &mut Lcg) -> NewResponse {
    let (points, max_points, answers) = match instrument.kind {
        InstrumentKind::PreTest | InstrumentKind::PostTest => {
            let max = [10, 12, 12, 0][rng.below(4) as usize];
            // Now and then a score beyond the maximum, or none: neither pairs.
            let points = match rng.below(12) {
                0 => None,
                1 => Some(max + 1),
                _ => Some(rng.below(max + 1)),
            };
            (points, Some(max), vec![])
        }
        InstrumentKind::Feedback => {
            let mut answers = Vec::new();
            for item in FEEDBACK_ITEMS {
                if rng.below(6) != 0 {
                    answers.push(Answer {
                        item: format!("likert.{item}"),
                        // 6 is out of range: ignored, as before.
                        value: (1 + rng.below(6)).to_string(),
                        correct: None,
                    });
                }
            }
            answers.push(Answer {
                item: "recommend".into(),
                value: rng.below(11).to_string(),
                correct: None,
            });
            (None, None, answers)
        }
        InstrumentKind::FollowUp => (
            None,
            None,
            vec![Answer {
                item: "used".into(),
                value: if rng.below(3) == 0 { "no" } else { "yes" }.into(),
                correct: None,
            }],
        ),
    };
    NewResponse {
        id: new_id(),
        instrument_id: instrument.id.clone(),
        uic: uic(person),
        source: ResponseSource::Paper,
        answers,
        points,
        max_points,
        comment: None,
        recorded_by: None,
        submitted_at: Timestamp::now(),
    }
}

/// Nine events of the three formats, one to three days long, one cancelled,
/// with tests, feedback, follow-up, registrations and attendance marks.
async fn build(store: &dyn Store) -> Built {
    let mut rng = Lcg(7);
    let participants: Vec<ParticipantId> = (0..24).map(|_| ParticipantId(new_id())).collect();
    let records: Vec<NewParticipant> = participants
        .iter()
        .enumerate()
        .map(|(n, id)| NewParticipant {
            id: id.clone(),
            uic: uic(n),
            uic_scheme: "test".into(),
            profile: ParticipantProfile {
                nickname: Nickname::parse(&format!("Учасниця {n}")).expect("a nickname"),
                oblast: None,
                group: None,
                gender: None,
                age_band: None,
            },
            consents: Consents::default(),
            personal: SealedPersonal::default(),
        })
        .collect();
    store
        .create_participants(&records, &[], None, Timestamp::now())
        .await
        .expect("participants");
    let start: Date = "2024-03-04".parse().unwrap();
    let mut events = Vec::new();
    for n in 0..9 {
        let id = EventId(new_id());
        let day = start.checked_add(((n * 20) as i64).days()).unwrap();
        let details = details(n, day);
        store
            .create_event(&id, &details, None, Timestamp::now())
            .await
            .expect("an event");
        // The fourth event has no post-test: nothing of it pairs.
        let kinds: Vec<InstrumentKind> = InstrumentKind::ALL
            .iter()
            .copied()
            .filter(|k| n != 3 || *k != InstrumentKind::PostTest)
            .collect();
        let instruments: Vec<Instrument> = kinds
            .iter()
            .map(|&kind| Instrument {
                id: new_id(),
                event_id: id.clone(),
                kind,
                code: ShortCode::generate(),
                opens_on: day,
                closes_on: day,
                closed_at: None,
                question_ids: vec![],
                follow_up_weeks: 0,
                refused_attempts: 0,
                created_at: Timestamp::now(),
            })
            .collect();
        store
            .create_instruments(&instruments)
            .await
            .expect("instruments");
        // From 2 people (too few for most figures) to 22.
        let people = 2 + (n * 5) % 21;
        let mut batch = Vec::new();
        for instrument in &instruments {
            for person in 0..people {
                // Some answer one test only.
                if rng.below(8) == 0 {
                    continue;
                }
                batch.push(response(instrument, person, &mut rng));
            }
        }
        store.save_responses(&batch).await.expect("responses");
        // Registrations with marks; the second event's register is never kept.
        let registrations: Vec<NewRegistration> = participants
            .iter()
            .take(people)
            .map(|p| NewRegistration {
                id: RegistrationId(new_id()),
                event_id: id.clone(),
                participant_id: p.clone(),
                by: None,
                at: Timestamp::now(),
            })
            .collect();
        let present: Vec<(RegistrationId, Date)> = if n == 1 {
            vec![]
        } else {
            registrations
                .iter()
                .flat_map(|r| details.days.iter().map(move |d| (r.id.clone(), *d)))
                .filter(|_| rng.below(5) != 0)
                .collect()
        };
        let update = AttendanceUpdate {
            rows: registrations.iter().map(|r| r.id.clone()).collect(),
            present,
        };
        store
            .save_attendance(&id, &registrations, &update, None, Timestamp::now())
            .await
            .expect("attendance");
        events.push((id, details, instruments));
    }
    Built {
        events,
        participants,
    }
}

/// The figures computed the old way: every response and every attendance
/// mark read back, paired by code, counted in Rust.
async fn from_raw(
    store: &dyn Store,
    filter: &EventFilter,
    topic: Option<&str>,
) -> Vec<FormatFigures> {
    let minimum = MinimumN::STANDARD;
    let mut figures = Vec::new();
    for &format in EventFormat::ALL.iter() {
        let mut pairs = Vec::new();
        let mut events = 0;
        let (mut likert, mut recommend, mut used) = (HashMap::new(), Vec::new(), Vec::new());
        let mut registered = 0;
        let mut longest = 1;
        let mut patterns = Vec::new();
        for item in store.events(filter).await.unwrap() {
            let event = store.event(&item.id).await.unwrap().unwrap();
            if item.format != format
                || item.status == EventStatus::Cancelled
                || topic.is_some_and(|t| !event.details.topics.iter().any(|x| x == t))
            {
                continue;
            }
            let mut tests: HashMap<String, (Option<Score>, Option<Score>)> = HashMap::new();
            for instrument in store.instruments(&item.id).await.unwrap() {
                for r in store.responses(&instrument.id).await.unwrap() {
                    let entry = tests.entry(r.uic.to_string()).or_default();
                    let score = r
                        .points
                        .zip(r.max_points)
                        .and_then(|(p, m)| Score::from_points(f64::from(p), f64::from(m)).ok());
                    let value = |item: &str| {
                        r.answers
                            .iter()
                            .find(|a| a.item == item)
                            .map(|a| a.value.clone())
                    };
                    match instrument.kind {
                        InstrumentKind::PreTest => entry.0 = score,
                        InstrumentKind::PostTest => entry.1 = score,
                        InstrumentKind::Feedback => {
                            for name in FEEDBACK_ITEMS {
                                if let Some(Ok(l)) = value(&format!("likert.{name}"))
                                    .map(|v| Likert::new(v.parse().unwrap()))
                                {
                                    likert.entry(name).or_insert_with(Vec::new).push(l);
                                }
                            }
                            if let Some(v) = value("recommend") {
                                recommend.push(Recommendation::new(v.parse().unwrap()).unwrap());
                            }
                        }
                        InstrumentKind::FollowUp => {
                            if let Some(v) = value("used") {
                                used.push(v == "yes");
                            }
                        }
                    }
                }
            }
            let before = pairs.len();
            pairs.extend(tests.values().filter_map(|(pre, post)| {
                Some(ScorePair {
                    pre: (*pre)?,
                    post: (*post)?,
                })
            }));
            events += usize::from(pairs.len() > before);
            let days = &event.details.days;
            let registrations = store.registrations(&item.id).await.unwrap();
            registered += registrations.len();
            let masks: Vec<u64> = registrations
                .iter()
                .map(|r| {
                    r.present
                        .iter()
                        .filter_map(|d| days.iter().position(|x| x == d))
                        .fold(0, |mask, i| mask | 1 << i)
                })
                .collect();
            if masks.iter().any(|m| *m != 0) {
                longest = longest.max(days.len());
                patterns.extend(masks.into_iter().map(|m| (days.len(), m)));
            }
        }
        pairs.sort_by(|a, b| {
            (a.pre.percent(), a.post.percent())
                .partial_cmp(&(b.pre.percent(), b.post.percent()))
                .unwrap()
        });
        let mut attendance = Attendance::new(longest).unwrap();
        for (days, mask) in patterns {
            attendance.register_pattern(days, mask, 1).unwrap();
        }
        figures.push(FormatFigures {
            format,
            events,
            outcomes: learning_outcomes(&pairs, &minimum),
            retention: retention(&attendance, &minimum),
            satisfaction: FEEDBACK_ITEMS
                .iter()
                .map(|&item| {
                    let answers = likert.get(item).cloned().unwrap_or_default();
                    (item, likert_summary(&answers, &minimum))
                })
                .collect(),
            recommendation: recommendation_summary(&recommend, &minimum),
            follow_up: follow_up(registered.max(used.len()), &used, &minimum).unwrap(),
        });
    }
    figures
}

async fn assert_same(store: &dyn Store, filter: &EventFilter, topic: Option<&str>, when: &str) {
    let expected = from_raw(store, filter, topic).await;
    let facts = store.evidence_facts(filter, topic).await.unwrap();
    let actual = compare(&facts, &MinimumN::STANDARD);
    for (old, new) in expected.iter().zip(&actual) {
        let what = format!(
            "{when}, {:?}, filter {filter:?}, topic {topic:?}",
            old.format
        );
        assert_eq!(old.events, new.events, "events with pairs: {what}");
        assert_eq!(old.outcomes, new.outcomes, "learning outcomes: {what}");
        assert_eq!(old.retention, new.retention, "retention: {what}");
        assert_eq!(old.satisfaction, new.satisfaction, "satisfaction: {what}");
        assert_eq!(
            old.recommendation, new.recommendation,
            "recommendation: {what}"
        );
        assert_eq!(old.follow_up, new.follow_up, "follow-up: {what}");
    }
    assert_eq!(expected.len(), actual.len());
}

async fn assert_all_filters(store: &dyn Store, when: &str) {
    let from: Date = "2024-04-01".parse().unwrap();
    for (filter, topic) in [
        (EventFilter::default(), None),
        (EventFilter::default(), Some("Права")),
        (
            EventFilter {
                type_id: Some("workshop".into()),
                ..EventFilter::default()
            },
            None,
        ),
        (
            EventFilter {
                from: Some(from),
                until: Some("2024-06-30".parse().unwrap()),
                ..EventFilter::default()
            },
            Some("Здоров'я"),
        ),
    ] {
        assert_same(store, &filter, topic, when).await;
    }
}

#[tokio::test]
async fn the_evidence_from_summaries_equals_the_evidence_from_every_response() {
    let app = TestApp::spawn().await;
    let store = &*app.store;
    let built = build(store).await;
    // The data is varied enough for every figure to exist somewhere.
    let all = compare(
        &store
            .evidence_facts(&EventFilter::default(), None)
            .await
            .unwrap(),
        &MinimumN::STANDARD,
    );
    assert!(all.iter().any(|f| f.outcomes.signed_rank.value().is_some()));
    assert!(
        all.iter()
            .all(|f| f.outcomes.scores.paired > 0 && f.events > 0)
    );
    assert!(all.iter().any(|f| f.retention.days.len() == 3
        && f.retention.days[2].share_of_registered.value().is_some()));
    assert!(
        all.iter()
            .any(|f| f.satisfaction[0].1.mean.value().is_some())
    );
    assert!(
        all.iter()
            .any(|f| f.recommendation.net_score.value().is_some())
    );
    assert!(
        all.iter()
            .any(|f| f.follow_up.action_rate.value().is_some())
    );
    assert_all_filters(store, "as built").await;
    let (event, details, instruments) = &built.events[4];

    // One more answer from the public page (one response at a time).
    for instrument in instruments {
        let mut rng = Lcg(99);
        store
            .save_response(&response(instrument, 40, &mut rng))
            .await
            .unwrap();
    }
    assert_all_filters(store, "after single responses").await;

    // The event loses its last day: marks on it no longer count.
    let mut shorter = details.clone();
    shorter.days.pop();
    shorter.end = *shorter.days.last().unwrap();
    store
        .update_event(event, &shorter, Timestamp::now())
        .await
        .unwrap();
    assert_all_filters(store, "after a day was removed").await;

    // A registration is withdrawn, and two records of the same person merge.
    let registrations = store.registrations(event).await.unwrap();
    store.unregister(event, &registrations[0].id).await.unwrap();
    let outcome = store
        .merge_participants(
            &built.participants[1],
            &built.participants[2],
            None,
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert!(outcome.combined > 0, "the two were at the same events");
    assert_all_filters(store, "after an unregistration and a merge").await;
    app.finish().await;
}

/// The summaries as rows, in a fixed order, for comparing.
const SNAPSHOT: [&str; 3] = [
    "SELECT event_id || ':' || pre_points || '/' || pre_max || ':' || post_points || '/' || post_max || '=' || people \
     FROM outcome_event_scores ORDER BY 1",
    "SELECT event_id || ':' || item || ':' || answer || '=' || people FROM outcome_event_answers ORDER BY 1",
    "SELECT event_id || ':' || event_days || ':' || days_present || '=' || people \
     FROM event_attendance_patterns ORDER BY 1",
];

/// The backfill statements of a migration file (its INSERTs).
fn backfill(migration: &str) -> Vec<String> {
    migration
        .split(';')
        .map(str::trim)
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| s.trim_start().starts_with("INSERT INTO"))
        .collect()
}

#[tokio::test]
async fn the_migration_backfills_the_same_summaries_the_writes_keep() {
    let app = TestApp::spawn().await;
    build(&*app.store).await;
    let tables = [
        "outcome_event_scores",
        "outcome_event_answers",
        "event_attendance_patterns",
    ];
    macro_rules! check {
        ($pool:expr, $migration:expr) => {{
            let pool = $pool;
            let mut kept = Vec::new();
            for query in SNAPSHOT {
                let rows: Vec<String> = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
                assert!(!rows.is_empty(), "{query}");
                kept.push(rows);
            }
            for table in tables {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            let statements = backfill($migration);
            assert_eq!(statements.len(), 3);
            for statement in statements {
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            for (query, rows) in SNAPSHOT.iter().zip(kept) {
                let again: Vec<String> = sqlx::query_scalar(*query).fetch_all(&pool).await.unwrap();
                assert_eq!(again, rows, "{query}");
            }
        }};
    }
    match app.database_url() {
        Some(url) => check!(
            sqlx::PgPool::connect(&url).await.unwrap(),
            include_str!("../../../store-postgres/migrations/0007_outcome_summaries.sql")
        ),
        None => check!(
            sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                app.data_dir().join("kolo.db").display()
            ))
            .await
            .unwrap(),
            include_str!("../../../store-sqlite/migrations/0007_outcome_summaries.sql")
        ),
    }
    app.finish().await;
}

/// The cells of the table rows whose label contains `label`.
fn cells_of<'a>(page: &'a str, label: &str) -> Vec<Vec<&'a str>> {
    page.split("<tr>")
        .filter(|row| {
            row.split("</th>")
                .next()
                .is_some_and(|head| head.contains(label))
        })
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| cell.split("</td>").next().unwrap_or_default())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_page_shows_each_item_and_each_day_and_hides_small_counts_from_viewers() {
    let app = TestApp::spawn().await;
    app.user("olena", &[kolo_core::auth::Role::Coordinator])
        .await;
    app.user("vira", &[kolo_core::auth::Role::Viewer]).await;
    build(&*app.store).await;
    let coordinator = app.signed_in("olena").await;
    let page = coordinator.text("/outcomes/evidence").await;
    for label in [
        "Зміст (1-5)",
        "Тренер (1-5)",
        "Корисність (1-5)",
        "Місце проведення (1-5)",
    ] {
        assert_eq!(cells_of(&page, label).len(), 1, "{label}: {page}");
    }
    assert_eq!(cells_of(&page, "Присутні в день 3").len(), 1, "{page}");
    let spread = cells_of(&page, "відповіді 1 / 2 / 3 / 4 / 5");
    assert_eq!(spread.len(), 4);
    // The coordinator sees every count, small ones too.
    let counts =
        |cell: &str| -> Vec<Option<usize>> { cell.split(" / ").map(|c| c.parse().ok()).collect() };
    assert!(
        spread
            .iter()
            .flatten()
            .flat_map(|cell| counts(cell))
            .any(|n| n.is_some_and(|n| (1..5).contains(&n))),
        "the data has small counts: {spread:?}"
    );

    let viewer = app.signed_in("vira").await;
    let page = viewer.text("/outcomes/evidence").await;
    let spread = cells_of(&page, "відповіді 1 / 2 / 3 / 4 / 5");
    assert_eq!(spread.len(), 4);
    for cell in spread.iter().flatten() {
        for count in counts(cell) {
            assert!(
                count.is_none_or(|n| n == 0 || n >= 5),
                "a count below 5 reached a viewer: {cell}"
            );
        }
        assert_eq!(cell.split(" / ").count(), 5, "{cell}");
    }
    app.finish().await;
}
