//! The demo's programme: the 2024 events of the organisation described in
//! the product brief, a few online events of earlier years, fictional
//! funders, and fictional participants with codes computed from fictional
//! answers. Some agreed to a name on certificates and to be contacted, with
//! made-up phone numbers in the non-existent `+380 00` range, so the
//! encrypted fields can be seen working.

use std::collections::HashMap;

use jiff::civil::Date;
use kolo_core::Store;
use kolo_core::auth::UserId;
use kolo_core::events::{
    AttendanceUpdate, Currency, EventDetails, EventFormat, EventId, EventStatus, Funder, Money,
    NewRegistration, RegistrationId, Trainer, days_between,
};
use kolo_core::ids::new_id;
use kolo_core::org::Oblast;
use kolo_core::participants::{
    AgeBand, Consents, Gender, Group, NewParticipant, Nickname, ParticipantId, ParticipantProfile,
    PersonalDetails, Phone, Sex, UicAnswers, UicScheme,
};
use kolo_core::time::Timestamp;

use crate::participants::crypto;
use crate::vault::Vault;

const MOTHERS: [&str; 20] = [
    "Оксана",
    "Галина",
    "Наталія",
    "Тетяна",
    "Людмила",
    "Ольга",
    "Ірина",
    "Світлана",
    "Валентина",
    "Надія",
    "Любов",
    "Марія",
    "Катерина",
    "Віра",
    "Лариса",
    "Ніна",
    "Алла",
    "Зоя",
    "Євгенія",
    "Юлія",
];
const FATHERS: [&str; 20] = [
    "Іван",
    "Петро",
    "Микола",
    "Василь",
    "Олександр",
    "Сергій",
    "Володимир",
    "Андрій",
    "Юрій",
    "Михайло",
    "Богдан",
    "Віктор",
    "Григорій",
    "Степан",
    "Тарас",
    "Олег",
    "Ярослав",
    "Євген",
    "Анатолій",
    "Дмитро",
];
const NICKNAMES: [&str; 24] = [
    "Ластівка",
    "Зірка",
    "Калина",
    "Вишня",
    "Сонечко",
    "Лиска",
    "Пташка",
    "Орися",
    "Мальва",
    "Ружа",
    "Ягідка",
    "Хмаринка",
    "Барвінок",
    "Чайка",
    "Квітка",
    "Ромашка",
    "Весна",
    "Зоряна",
    "Тиша",
    "Лілея",
    "Роса",
    "Мавка",
    "Леся",
    "Іскра",
];
/// Made-up first names and surnames for people who agreed to a name.
const NAMES: [&str; 12] = [
    "Олена Демоненко",
    "Марта Вигаданко",
    "Ірина Прикладна",
    "Дарина Зразкова",
    "Софія Уявна",
    "Віта Демченко-Вигадана",
    "Анна Небувала",
    "Ліда Тестова",
    "Яна Примірна",
    "Ніна Казкова",
    "Уляна Вигадана",
    "Христина Уявленко",
];
const OBLASTS: [Oblast; 8] = [
    Oblast::KyivCity,
    Oblast::Kharkiv,
    Oblast::Odesa,
    Oblast::Lviv,
    Oblast::Dnipropetrovsk,
    Oblast::Poltava,
    Oblast::Mykolaiv,
    Oblast::Chernihiv,
];

/// A small deterministic generator, so every demo has the same people.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct DemoEvent {
    title: &'static str,
    type_id: &'static str,
    format: EventFormat,
    start: (i16, i8, i8),
    end: (i16, i8, i8),
    oblast: Option<Oblast>,
    city: &'static str,
    venue: &'static str,
    topics: &'static [&'static str],
    trainers: &'static [&'static str],
    external: &'static [&'static str],
    funders: &'static [usize],
    budget: Option<i64>,
    planned: u32,
    /// Participants drawn from the register, by group.
    people: usize,
    partner_staff: bool,
    agenda: &'static str,
    notes: &'static str,
}

const EVENTS: &[DemoEvent] = &[
    DemoEvent {
        title: "Стратегічна сесія: оцінка плану 2021–2023 і план на 2024–2026",
        type_id: "strategic_session",
        format: EventFormat::InPerson,
        start: (2024, 1, 25),
        end: (2024, 1, 26),
        oblast: Some(Oblast::KyivCity),
        city: "Київ",
        venue: "Конференц-зала готелю (демо)",
        topics: &["стратегічне планування", "оцінка"],
        trainers: &["coordinator"],
        external: &["Фасилітаторка з партнерської мережі (вигадана)"],
        funders: &[0, 2],
        budget: Some(18_000_000),
        planned: 20,
        people: 18,
        partner_staff: false,
        agenda: "День 1: що з плану 2021–2023 зроблено, зроблено частково, не зроблено, втратило сенс через війну.\nДень 2: пріоритети, заходи, завдання й цільові групи на 2024–2026.",
        notes: "Вдалося: чесна оцінка, кожна регіональна лідерка мала слово. Не вдалося: бракувало часу на бюджет заходів.",
    },
    DemoEvent {
        title: "Представництво спільноти в національних і регіональних координаційних радах з ТБ/ВІЛ",
        type_id: "workshop",
        format: EventFormat::InPerson,
        start: (2024, 2, 20),
        end: (2024, 2, 20),
        oblast: Some(Oblast::Dnipropetrovsk),
        city: "Дніпро",
        venue: "Офіс партнерської організації (демо)",
        topics: &["адвокація", "координаційні ради"],
        trainers: &["monitor.dnipro"],
        external: &[],
        funders: &[1],
        budget: Some(4_500_000),
        planned: 15,
        people: 14,
        partner_staff: false,
        agenda: "Як працюють координаційні ради; як готуватися до засідання; як говорити від імені спільноти.",
        notes: "",
    },
    DemoEvent {
        title: "Моделі регулювання секс-роботи: криміналізація, легалізація, шведська модель, декриміналізація",
        type_id: "training",
        format: EventFormat::InPerson,
        start: (2024, 3, 12),
        end: (2024, 3, 13),
        oblast: Some(Oblast::KyivCity),
        city: "Київ",
        venue: "Навчальний центр (демо)",
        topics: &["право", "декриміналізація"],
        trainers: &["trainer"],
        external: &["Запрошена юристка (вигадана)"],
        funders: &[0],
        budget: Some(9_800_000),
        planned: 25,
        people: 22,
        partner_staff: false,
        agenda: "Чотири моделі регулювання і їхній вплив на здоров'я, безпеку й права людей; досвід країн.",
        notes: "Вдалося: жваве обговорення. Не вдалося: двоє людей не змогли приїхати через тривоги.",
    },
    DemoEvent {
        title: "Консультація спільноти: бажані й небажані зміни для законопроєкту про декриміналізацію",
        type_id: "consultation",
        format: EventFormat::InPerson,
        start: (2024, 3, 14),
        end: (2024, 3, 14),
        oblast: Some(Oblast::KyivCity),
        city: "Київ",
        venue: "Навчальний центр (демо)",
        topics: &["право", "консультація"],
        trainers: &["coordinator"],
        external: &[],
        funders: &[0],
        budget: Some(3_200_000),
        planned: 25,
        people: 20,
        partner_staff: false,
        agenda: "Сфера за сферою (праця, поліція, здоров'я, соціальний захист): що змінити й чого уникнути.",
        notes: "",
    },
    DemoEvent {
        title: "Моніторинг, який веде спільнота: роль спільноти у зборі й використанні даних",
        type_id: "training",
        format: EventFormat::InPerson,
        start: (2024, 4, 16),
        end: (2024, 4, 17),
        oblast: Some(Oblast::Kharkiv),
        city: "Харків",
        venue: "Зала громадського центру (демо)",
        topics: &["CLM", "дані"],
        trainers: &["trainer"],
        external: &[],
        funders: &[2],
        budget: Some(7_600_000),
        planned: 18,
        people: 16,
        partner_staff: false,
        agenda: "Навіщо громаді власні дані; опитувальники XLSForm; щорічний збір даних про послуги в регіонах.",
        notes: "",
    },
    DemoEvent {
        title: "Лідерство й профілактика вигорання",
        type_id: "training",
        format: EventFormat::InPerson,
        start: (2024, 5, 21),
        end: (2024, 5, 22),
        oblast: Some(Oblast::Lviv),
        city: "Львів",
        venue: "Простір для зустрічей (демо)",
        topics: &["лідерство", "вигорання"],
        trainers: &["trainer"],
        external: &["Психологиня (вигадана)"],
        funders: &[1],
        budget: Some(6_900_000),
        planned: 16,
        people: 15,
        partner_staff: false,
        agenda: "Лідерство в спільноті; ознаки вигорання; підтримка одна одної.",
        notes: "Вдалося: група підтримки після тренінгу. Не вдалося: мало часу на практику.",
    },
    DemoEvent {
        title: "Протидія насильству, зменшення шкоди й профілактика ВІЛ у роботі з секс-працівницями: тренінг для працівників партнерських НУО",
        type_id: "partner_training",
        format: EventFormat::InPerson,
        start: (2024, 7, 9),
        end: (2024, 7, 11),
        oblast: Some(Oblast::Odesa),
        city: "Одеса",
        venue: "Конференц-зала (демо)",
        topics: &["насильство", "зменшення шкоди", "ВІЛ"],
        trainers: &["trainer", "monitor.dnipro"],
        external: &[],
        funders: &[0, 2],
        budget: Some(21_000_000),
        planned: 24,
        people: 20,
        partner_staff: true,
        agenda: "День 1: насильство й реагування. День 2: зменшення шкоди. День 3: профілактика ВІЛ і робота з секс-працівницями без стигми.",
        notes: "",
    },
    DemoEvent {
        title: "Онлайн-тренінг з цифрової безпеки",
        type_id: "training",
        format: EventFormat::Online,
        start: (2022, 11, 15),
        end: (2022, 11, 15),
        oblast: None,
        city: "",
        venue: "Онлайн",
        topics: &["цифрова безпека"],
        trainers: &["trainer"],
        external: &[],
        funders: &[1],
        budget: None,
        planned: 30,
        people: 12,
        partner_staff: false,
        agenda: "Безпечні месенджери, паролі, що робити з телефоном під час перевірки.",
        notes: "Не вдалося: половина групи вимкнула камери й відпала після першої години.",
    },
    DemoEvent {
        title: "Онлайн-вебінар: права під час перевірок поліції",
        type_id: "training",
        format: EventFormat::Online,
        start: (2023, 6, 6),
        end: (2023, 6, 6),
        oblast: None,
        city: "",
        venue: "Онлайн",
        topics: &["право", "поліція"],
        trainers: &["coordinator"],
        external: &["Запрошена адвокатка (вигадана)"],
        funders: &[1],
        budget: None,
        planned: 40,
        people: 14,
        partner_staff: false,
        agenda: "",
        notes: "",
    },
    DemoEvent {
        title: "Онлайн-зустріч спільноти: підсумки року",
        type_id: "community_meeting",
        format: EventFormat::Online,
        start: (2023, 12, 12),
        end: (2023, 12, 12),
        oblast: None,
        city: "",
        venue: "Онлайн",
        topics: &["спільнота"],
        trainers: &["coordinator"],
        external: &[],
        funders: &[],
        budget: None,
        planned: 30,
        people: 17,
        partner_staff: false,
        agenda: "",
        notes: "",
    },
];

fn date((y, m, d): (i16, i8, i8)) -> anyhow::Result<Date> {
    Ok(Date::new(y, m, d)?)
}

/// A fictional participant as generated.
struct Generated {
    id: ParticipantId,
    partner_staff: bool,
}

/// Fills the demo's programme. `staff` maps demo logins to their accounts.
pub async fn create(
    store: &dyn Store,
    vault: &Vault,
    staff: &HashMap<&'static str, UserId>,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let funders = [
        (
            "Демо-фонд «Відкрите коло» (вигаданий)",
            "DEMO-OK-2024",
            (2024, 1, 1),
            (2024, 12, 31),
        ),
        (
            "Регіональна мережа «Рівні» (вигадана)",
            "DEMO-RN-22",
            (2022, 1, 1),
            (2024, 12, 31),
        ),
        (
            "Глобальний демо-фонд (вигаданий)",
            "DEMO-GF-2426",
            (2024, 1, 1),
            (2026, 12, 31),
        ),
    ];
    let mut funder_ids = Vec::new();
    for (name, code, start, end) in funders {
        let funder = Funder {
            id: new_id(),
            name: name.to_owned(),
            grant_code: code.to_owned(),
            period_start: Some(date(start)?),
            period_end: Some(date(end)?),
        };
        store.save_funder(&funder, now).await?;
        funder_ids.push(funder.id);
    }

    let people = participants(store, vault, now).await?;
    let mut dice = Dice(2024);
    for event in EVENTS {
        let start = date(event.start)?;
        let end = date(event.end)?;
        let mut trainers: Vec<Trainer> = event
            .trainers
            .iter()
            .filter_map(|login| staff.get(login).cloned().map(Trainer::Staff))
            .collect();
        trainers.extend(
            event
                .external
                .iter()
                .map(|name| Trainer::External((*name).to_owned())),
        );
        let details = EventDetails {
            title: event.title.to_owned(),
            type_id: event.type_id.to_owned(),
            topics: event.topics.iter().map(|t| (*t).to_owned()).collect(),
            format: event.format,
            start,
            end,
            days: days_between(start, end),
            oblast: event.oblast,
            city: event.city.to_owned(),
            venue: event.venue.to_owned(),
            trainers,
            funder_ids: event
                .funders
                .iter()
                .filter_map(|i| funder_ids.get(*i).cloned())
                .collect(),
            budget: event.budget.map(|minor| Money {
                minor,
                currency: Currency::Uah,
            }),
            agenda: event.agenda.to_owned(),
            planned_participants: Some(event.planned),
            actual_participants: Some(u32::try_from(event.people).unwrap_or(0)),
            status: EventStatus::Held,
            notes: event.notes.to_owned(),
        };
        let id = EventId(new_id());
        store
            .create_event(&id, &details, staff.get("coordinator"), now)
            .await?;
        let pool: Vec<&Generated> = people
            .iter()
            .filter(|p| p.partner_staff == event.partner_staff)
            .collect();
        let offset = dice.below(pool.len() as u64) as usize;
        let mut new = Vec::new();
        let mut update = AttendanceUpdate::default();
        for i in 0..event.people.min(pool.len()) {
            let person = pool[(offset + i * 7) % pool.len()];
            if new
                .iter()
                .any(|r: &NewRegistration| r.participant_id == person.id)
            {
                continue;
            }
            let registration = RegistrationId(new_id());
            new.push(NewRegistration {
                id: registration.clone(),
                event_id: id.clone(),
                participant_id: person.id.clone(),
                by: staff.get("coordinator").cloned(),
                at: now,
            });
            update.rows.push(registration.clone());
            for day in &details.days {
                // Online events lose people; in person most stay every day.
                let stays = if event.format == EventFormat::Online {
                    70
                } else {
                    90
                };
                if dice.below(100) < stays {
                    update.present.push((registration.clone(), *day));
                }
            }
        }
        store
            .save_attendance(&id, &new, &update, staff.get("coordinator"), now)
            .await?;
    }
    Ok(())
}

/// About 90 fictional people: community members across eight oblasts and,
/// separately, partner-NGO staff.
async fn participants(
    store: &dyn Store,
    vault: &Vault,
    now: Timestamp,
) -> anyhow::Result<Vec<Generated>> {
    let scheme = UicScheme::DEFAULT;
    let today = Date::new(2024, 12, 31)?;
    let mut dice = Dice(55);
    let mut generated = Vec::new();
    let mut records = Vec::new();
    let mut codes = std::collections::HashSet::new();
    for index in 0..90usize {
        let partner_staff = index >= 70;
        let answers = UicAnswers {
            mother_name: Some(MOTHERS[index % MOTHERS.len()].to_owned()),
            father_name: Some(FATHERS[(index * 7 + 3) % FATHERS.len()].to_owned()),
            sex: Some(if index % 9 == 4 {
                Sex::Other
            } else {
                Sex::Female
            }),
            birth_date: Date::new(
                1970 + i16::try_from(dice.below(35)).unwrap_or(0),
                1 + i8::try_from(dice.below(12)).unwrap_or(0),
                1 + i8::try_from(dice.below(28)).unwrap_or(0),
            )
            .ok(),
        };
        let Ok(uic) = scheme.compute(&answers, today) else {
            continue;
        };
        if !codes.insert(uic.clone()) {
            continue;
        }
        let id = ParticipantId(new_id());
        let certificate = index % 4 == 0;
        let contact = index % 6 == 0;
        let details = PersonalDetails {
            real_name: (certificate || contact).then(|| NAMES[index % NAMES.len()].to_owned()),
            phone: if contact {
                Phone::parse(&format!(
                    "+380 00 {:03} {:02} {:02}",
                    100 + index,
                    index % 100,
                    (index * 7) % 100
                ))
            } else {
                None
            },
            messenger: (contact && index % 12 == 0).then(|| format!("@demo_handle_{index}")),
        };
        let nickname = format!("{} {}", NICKNAMES[index % NICKNAMES.len()], index + 1);
        records.push(NewParticipant {
            personal: crypto::seal(vault, &id, &details).map_err(|e| anyhow::anyhow!("{e}"))?,
            id: id.clone(),
            uic,
            uic_scheme: scheme.encode(),
            profile: ParticipantProfile {
                nickname: Nickname::parse(&nickname)
                    .ok_or_else(|| anyhow::anyhow!("demo nickname {nickname}"))?,
                oblast: Some(OBLASTS[index % OBLASTS.len()]),
                group: Some(if partner_staff {
                    Group::PartnerNgoStaff
                } else if index % 10 == 1 {
                    Group::PeerLeader
                } else {
                    Group::CommunityMember
                }),
                gender: Some(if index % 9 == 4 {
                    Gender::TransWoman
                } else {
                    Gender::Woman
                }),
                age_band: Some(AgeBand::ALL[1 + index % 5]),
            },
            consents: Consents {
                contact,
                certificate,
            },
        });
        generated.push(Generated { id, partner_staff });
    }
    store.create_participants(&records, &[], None, now).await?;
    Ok(generated)
}
