//! Demo learning outcomes: a small bilingual question bank and a template,
//! and for the 2024 in-person events and the earlier online ones the tests,
//! feedback and follow-up answered by their registered (fictional) people.
//! The numbers are invented to look like real trainings: people usually
//! improve, in person a little more than online; they say nothing true.

use jiff::ToSpan;
use kolo_core::Store;
use kolo_core::events::{EventFilter, EventFormat, EventStatus};
use kolo_core::ids::new_id;
use kolo_core::outcomes::{
    AnswerOption, FEEDBACK_ITEMS, Instrument, InstrumentKind, NewResponse, Question, QuestionKind,
    ResponseSource, ShortCode, Template, instrument_window, likert_field, question_field,
};
use kolo_core::participants::Sealed;
use kolo_core::time::Timestamp;
use vault::FieldContext;

use crate::vault::Vault;

/// (topic, Ukrainian, English, options as (uk, en, correct), points)
type DemoQuestion = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
    u32,
);

const QUESTIONS: &[DemoQuestion] = &[
    (
        "Права",
        "Чи може поліцейський вимагати документи без законної підстави?",
        "May a police officer demand documents without a lawful reason?",
        &[
            ("Так", "Yes", false),
            ("Ні", "No", true),
            ("Лише вночі", "Only at night", false),
        ],
        1,
    ),
    (
        "Права",
        "Куди можна звернутися по безоплатну правову допомогу?",
        "Where can one get free legal aid?",
        &[
            (
                "Центр безоплатної правничої допомоги",
                "A free legal aid centre",
                true,
            ),
            (
                "Лише до приватного адвоката",
                "Only a private lawyer",
                false,
            ),
            ("Нікуди", "Nowhere", false),
        ],
        1,
    ),
    (
        "Здоров'я",
        "Які способи захищають від ВІЛ? (кілька відповідей)",
        "Which of these protect against HIV? (several answers)",
        &[
            ("Презерватив", "Condom", true),
            ("ПрЕП", "PrEP", true),
            ("Антибіотики", "Antibiotics", false),
            ("Душ після контакту", "A shower afterwards", false),
        ],
        2,
    ),
    (
        "Здоров'я",
        "ПКП треба почати якнайшвидше, не пізніше ніж через 72 години.",
        "PEP must start as soon as possible, within 72 hours.",
        &[("Правда", "True", true), ("Неправда", "False", false)],
        1,
    ),
    (
        "Безпека",
        "Що з цього допомагає безпеці під час зустрічі з новим клієнтом?",
        "Which of these helps safety when meeting a new client?",
        &[
            (
                "Повідомити подрузі, де ви",
                "Tell a friend where you are",
                true,
            ),
            ("Вимкнути телефон", "Switch the phone off", false),
            (
                "Зустрітися в безлюдному місці",
                "Meet in a deserted place",
                false,
            ),
        ],
        1,
    ),
    (
        "Безпека",
        "Документувати порушення прав варто одразу, поки деталі свіжі.",
        "Rights violations are best documented at once, while details are fresh.",
        &[("Правда", "True", true), ("Неправда", "False", false)],
        1,
    ),
];

const COMMENTS: &[&str] = &[
    "Дуже корисно, особливо частина про права під час затримання. (демо)",
    "Хотілося б більше часу на практику. (демо)",
    "Дякую, тепер знаю, куди звертатися по допомогу. (демо)",
    "Онлайн важко зосередитися, але матеріали гарні. (демо)",
];

/// A small deterministic generator, so every demo has the same answers.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

pub async fn create(store: &dyn Store, vault: &Vault) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let mut questions = Vec::new();
    for (i, (topic, uk, en, options, points)) in QUESTIONS.iter().enumerate() {
        let kind = match (options.len(), options.iter().filter(|o| o.2).count()) {
            (2, _) if options[0].0 == "Правда" => QuestionKind::TrueFalse,
            (_, 1) => QuestionKind::Single,
            _ => QuestionKind::Multiple,
        };
        let question = Question {
            id: format!("demo-q{}", i + 1),
            topic: (*topic).to_owned(),
            kind,
            text_uk: (*uk).to_owned(),
            text_en: (*en).to_owned(),
            options: options
                .iter()
                .map(|(uk, en, correct)| AnswerOption {
                    text_uk: (*uk).to_owned(),
                    text_en: (*en).to_owned(),
                    correct: *correct,
                })
                .collect(),
            numeric_answer: None,
            points: *points,
            retired: false,
            updated_at: now,
        };
        store.save_question(&question).await?;
        questions.push(question);
    }
    let ids: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    store
        .save_template(&Template {
            id: "demo-template".into(),
            name_uk: "Права, здоров'я і безпека (демо)".into(),
            name_en: "Rights, health and safety (demo)".into(),
            question_ids: ids.clone(),
            follow_up_weeks: 6,
            created_at: now,
        })
        .await?;

    let mut dice = Dice(55);
    let events = store.events(&EventFilter::default()).await?;
    for item in events {
        let in_person_2024 = item.format == EventFormat::InPerson && item.start.year() == 2024;
        if item.status != EventStatus::Held
            || !(in_person_2024 || item.format == EventFormat::Online)
        {
            continue;
        }
        let Some(event) = store.event(&item.id).await? else {
            continue;
        };
        let mut instruments = Vec::new();
        for kind in InstrumentKind::ALL {
            let (opens_on, closes_on) = instrument_window(kind, &event, 6);
            let mut order = ids.clone();
            if kind == InstrumentKind::PostTest {
                order.reverse();
            }
            instruments.push(Instrument {
                id: new_id(),
                event_id: event.id.clone(),
                kind,
                code: ShortCode::generate(),
                opens_on,
                closes_on,
                closed_at: None,
                question_ids: if kind.is_test() { order } else { Vec::new() },
                follow_up_weeks: if kind == InstrumentKind::FollowUp {
                    6
                } else {
                    0
                },
                refused_attempts: 0,
                created_at: now,
            });
        }
        store.create_instruments(&instruments).await?;
        let online = event.details.format == EventFormat::Online;
        let at = |days: i64| {
            let day = event
                .details
                .start
                .checked_add(days.days())
                .unwrap_or(event.details.start);
            // Ten in the morning, UTC, of that day.
            let days = jiff::civil::date(1970, 1, 1)
                .until(day)
                .map_or(0, |span| i64::from(span.get_days()));
            Timestamp(days * 86_400 + 36_000)
        };
        let mut responses = Vec::new();
        for registration in store.registrations(&event.id).await? {
            // Before: about half right. After: most right in person, fewer online.
            let (before, after) = if online { (45, 65) } else { (45, 80) };
            for (instrument, chance, when) in
                [(&instruments[0], before, 0), (&instruments[1], after, 1)]
            {
                // A few people miss a test: online more often.
                if dice.below(100) < if online { 25 } else { 8 } {
                    continue;
                }
                let (mut points, mut max) = (0, 0);
                let mut answers = Vec::new();
                for question in &questions {
                    max += question.points;
                    let right = dice.below(100) < chance;
                    let correct: Vec<usize> = question.correct_options();
                    let value = if right {
                        correct
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        let wrong = (0..question.options.len())
                            .find(|i| !correct.contains(i))
                            .unwrap_or(0);
                        wrong.to_string()
                    };
                    if right {
                        points += question.points;
                    }
                    answers.push(kolo_core::outcomes::Answer {
                        item: question_field(&question.id),
                        value,
                        correct: Some(right),
                    });
                }
                responses.push(NewResponse {
                    id: new_id(),
                    instrument_id: instrument.id.clone(),
                    uic: registration.uic.clone(),
                    source: if online {
                        ResponseSource::Online
                    } else {
                        ResponseSource::Paper
                    },
                    answers,
                    points: Some(points),
                    max_points: Some(max),
                    comment: None,
                    recorded_by: None,
                    submitted_at: at(when),
                });
            }
            // Feedback from most, with an occasional comment.
            if dice.below(100) < 85 {
                let id = new_id();
                let mut answers = Vec::new();
                for item in FEEDBACK_ITEMS {
                    if item == "venue" && online {
                        continue;
                    }
                    let value = if online {
                        3 + dice.below(2)
                    } else {
                        4 + dice.below(2)
                    };
                    answers.push(kolo_core::outcomes::Answer {
                        item: likert_field(item),
                        value: value.to_string(),
                        correct: None,
                    });
                }
                let recommend = if online {
                    6 + dice.below(4)
                } else {
                    8 + dice.below(3)
                };
                answers.push(kolo_core::outcomes::Answer {
                    item: "recommend".into(),
                    value: recommend.to_string(),
                    correct: None,
                });
                let comment = if dice.below(100) < 20 {
                    let text = COMMENTS[dice.below(COMMENTS.len() as u64) as usize];
                    Some(Sealed(vault.encrypt_str(
                        text,
                        &FieldContext::new("outcome_responses", "comment", &id),
                    )?))
                } else {
                    None
                };
                responses.push(NewResponse {
                    id,
                    instrument_id: instruments[2].id.clone(),
                    uic: registration.uic.clone(),
                    source: ResponseSource::Paper,
                    answers,
                    points: None,
                    max_points: None,
                    comment,
                    recorded_by: None,
                    submitted_at: at(1),
                });
            }
            // The follow-up reaches fewer people; in person more of them acted.
            if dice.below(100) < 55 {
                let used = dice.below(100) < if online { 50 } else { 70 };
                let mut answers = vec![kolo_core::outcomes::Answer {
                    item: "used".into(),
                    value: if used { "yes" } else { "no" }.into(),
                    correct: None,
                }];
                let (item, choices): (&str, &[&str]) = if used {
                    ("action", &["shared", "rights", "safety", "service"])
                } else {
                    ("barrier", &["no_chance", "fear", "forgot"])
                };
                let choice = choices[dice.below(choices.len() as u64) as usize];
                answers.push(kolo_core::outcomes::Answer {
                    item: format!("{item}.{choice}"),
                    value: "1".into(),
                    correct: None,
                });
                responses.push(NewResponse {
                    id: new_id(),
                    instrument_id: instruments[3].id.clone(),
                    uic: registration.uic.clone(),
                    source: ResponseSource::Paper,
                    answers,
                    points: None,
                    max_points: None,
                    comment: None,
                    recorded_by: None,
                    submitted_at: at(45),
                });
            }
        }
        store.save_responses(&responses).await?;
    }
    Ok(())
}
