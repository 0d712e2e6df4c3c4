//! Sample documents with fictional participants, shared by the tests, the
//! example that writes them to disk and the benchmark. Everything here is made
//! up: no real person, code or nickname.

#![allow(dead_code)] // Each user of this module takes only some of it.

use pdf::{Align, Cell, Column, Document, Heading, PdfError, Stroke, Table, TextStyle, mm};

pub const ORGANISATION: &str = "ГО «Коло» — спільнота за права секс-працівників";
pub const EVENT: &str = "Тренінг з моделей регулювання секс-роботи";
pub const FUNDERS: &str = "Фонд «Відкриті обрії», Регіональна мережа «Рівність», Глобальний фонд";

/// A participant as a sign-in sheet shows one: pseudonymous.
pub struct Participant {
    pub uic: String,
    pub nickname: String,
}

/// `count` fictional participants with distinct UICs. The UIC follows the
/// shape of Kolo's default scheme (letters of the mother's and father's first
/// names, sex, date of birth) but is generated from the index.
pub fn participants(count: usize) -> Vec<Participant> {
    const LETTERS: [char; 16] = [
        'А', 'Б', 'В', 'Г', 'Ґ', 'Д', 'Є', 'Ж', 'І', 'Ї', 'К', 'Л', 'М', 'О', 'С', 'Т',
    ];
    const NICKNAMES: [&str; 12] = [
        "Ластівка",
        "Зірка",
        "Ґердана",
        "Їжачок",
        "Єва",
        "Marta",
        "Соняшник",
        "Калина",
        "Віра-Надія",
        "Лис",
        "Орися",
        "Пташка",
    ];
    (0..count)
        .map(|index| {
            let letters: String = [index, index / 16, index / 7 + 3, index / 11 + 5]
                .iter()
                .map(|n| LETTERS[n % LETTERS.len()])
                .collect();
            let sex = 1 + index % 2;
            let day = 1 + index % 28;
            let month = 1 + index % 12;
            let year = 70 + index % 35;
            Participant {
                uic: format!("{letters}{sex}{day:02}{month:02}{year:02}"),
                nickname: format!("{} {}", NICKNAMES[index % NICKNAMES.len()], index + 1),
            }
        })
        .collect()
}

/// A landscape sign-in sheet: No, UIC, nickname, and one signature box per
/// event day, 9 mm tall.
pub fn sign_in_sheet(participants: &[Participant], days: &[&str]) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::builder(format!("Реєстраційний лист — {EVENT}"), "uk")
        .landscape()
        .margins(pdf::Margins::all(mm(12.0)))
        .header(ORGANISATION, EVENT)
        .footer_note("Конфіденційно: зберігати в зачиненій шафі, не фотографувати")
        .page_numbers("Сторінка")
        .build()?;
    doc.heading(Heading::Title, "Реєстраційний лист учасників і учасниць");
    doc.key_values(&[
        ("Подія", EVENT),
        ("Дати", "12–14 березня 2024 року"),
        ("Місце", "Київ"),
        ("Фінансування", FUNDERS),
    ]);
    let mut columns = vec![
        Column::new("№", 0.6).align(Align::Right),
        Column::new("UIC", 1.6),
        Column::new("Псевдонім", 2.4),
    ];
    columns.extend(
        days.iter()
            .enumerate()
            .map(|(index, day)| Column::new(format!("День {}\n{day}\nпідпис", index + 1), 1.8)),
    );
    let mut table = Table::new(columns).min_row_height(mm(9.0)).striped();
    for (index, participant) in participants.iter().enumerate() {
        let mut cells = vec![
            Cell::text((index + 1).to_string()),
            Cell::text(participant.uic.clone()),
            Cell::text(participant.nickname.clone()),
        ];
        cells.extend(days.iter().map(|_| Cell::Empty));
        table.push_row(cells);
    }
    doc.table(&table)?;
    doc.finish()
}

/// A landscape certificate of attendance for one participant who consented
/// to their name on it.
pub fn certificate(name: &str) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::builder(format!("Сертифікат — {name}"), "uk")
        .landscape()
        .margins(pdf::Margins::all(mm(15.0)))
        .build()?;
    let height = doc.remaining_height();
    doc.figure(height, |canvas| {
        let (width, height) = (canvas.width(), canvas.height());
        let frame = pdf::Color::rgb(40, 70, 120);
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
        let mut y = 70.0;
        y += canvas.text_box(60.0, y, inner, ORGANISATION, centred.size(12.0));
        y += 30.0;
        y += canvas.text_box(
            60.0,
            y,
            inner,
            "СЕРТИФІКАТ",
            centred.size(40.0).bold().color(frame),
        );
        y += canvas.text_box(60.0, y, inner, "про участь у навчанні", centred.size(16.0));
        y += 30.0;
        y += canvas.text_box(60.0, y, inner, "засвідчує, що", centred.size(12.0));
        y += 8.0;
        y += canvas.text_box(60.0, y, inner, name, centred.size(26.0).bold());
        y += 12.0;
        let body = format!(
            "взяла участь у тренінгу «{EVENT}», що відбувся 12–14 березня 2024 року в \
             Києві (24 академічні години): моделі криміналізації, легалізації, шведська \
             модель і декриміналізація; їхній вплив на здоров'я, безпеку й права людей."
        );
        canvas.text_box(90.0, y, width - 180.0, &body, centred.size(12.5));

        let signature_y = height - 80.0;
        let label = TextStyle::body().size(10.0).align(Align::Center);
        for (x, role) in [
            (90.0, "Директорка організації"),
            (width - 290.0, "Тренерка"),
        ] {
            canvas.line(
                (x, signature_y),
                (x + 200.0, signature_y),
                Stroke::black(0.7),
            );
            canvas.text(x + 100.0, signature_y + 14.0, role, label);
        }
        canvas.text(
            width / 2.0,
            height - 40.0,
            "Київ, 14 березня 2024 року",
            label,
        );
    })?;
    doc.finish()
}
