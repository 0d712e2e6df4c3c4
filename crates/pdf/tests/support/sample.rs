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

/// The QR matrix of `text`, made with the `qrcode` crate as Kolo's server does.
pub fn qr_matrix(text: &str) -> pdf::QrMatrix {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("a short text fits a QR code");
    let dark = code
        .to_colors()
        .iter()
        .map(|color| *color == qrcode::Color::Dark)
        .collect();
    pdf::QrMatrix::new(code.width(), dark).expect("qrcode gives width x width modules")
}

/// A paper pre-test: questions with tick boxes, and a QR code to answer online.
pub fn paper_test() -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::builder("Вхідний тест", "uk")
        .header(ORGANISATION, EVENT)
        .page_numbers("Сторінка")
        .build()?;
    doc.heading(Heading::Title, "Вхідний тест");
    doc.key_values(&[
        ("Подія", EVENT),
        (
            "Ваш UIC",
            "____________________  (питання для коду — на звороті)",
        ),
    ]);
    doc.paragraph(
        "Позначте одну відповідь у кожному питанні. Тест анонімний: ми порівнюємо \
         відповіді до і після тренінгу лише за кодом UIC, без імен.",
    );
    doc.qr_code(
        &qr_matrix("https://kolo.example/t/K7PM4X"),
        mm(30.0),
        Align::Left,
    )?;
    doc.text(
        "Можна відповісти з телефона: відскануйте код або відкрийте kolo.example/t і \
         введіть код K7PM4X.",
        TextStyle::body().size(9.0),
    );
    let questions: [(&str, [&str; 4]); 3] = [
        (
            "1. Яка модель регулювання карає лише клієнтів секс-працівників?",
            [
                "Криміналізація",
                "Легалізація",
                "Шведська модель",
                "Декриміналізація",
            ],
        ),
        (
            "2. Що означає декриміналізація секс-роботи?",
            [
                "Скасування кримінальних і адміністративних покарань за секс-роботу за згодою дорослих",
                "Обов'язкова реєстрація та медогляди",
                "Дозвіл лише в окремих зонах",
                "Не знаю",
            ],
        ),
        (
            "3. Чи є у вашій області ґрунтовні дані моніторингу, які веде спільнота?",
            ["Так", "Ні", "Частково", "Не знаю"],
        ),
    ];
    for (question, answers) in questions {
        doc.heading(Heading::Subsection, question);
        let mut table = Table::new(vec![Column::new("", 0.5), Column::new("", 9.5)])
            .font_size(10.0)
            .without_header();
        for (letter, answer) in ["А", "Б", "В", "Г"].iter().zip(answers) {
            table.push_row(vec![
                Cell::TickBox,
                Cell::text(format!("{letter}. {answer}")),
            ]);
        }
        doc.table(&table)?;
    }
    doc.finish()
}

/// A report page: a table of figures and a bar chart drawn with the canvas.
pub fn report() -> Result<Vec<u8>, PdfError> {
    let events = [
        ("Стратегічна сесія", 48.0, 71.0, 24),
        ("Координаційні ради", 52.0, 78.0, 18),
        ("Моделі регулювання", 41.0, 80.0, 27),
        ("CLM", 55.0, 74.0, 21),
        ("Лідерство і вигорання", 60.0, 76.0, 16),
        ("Онлайн-курс", 50.0, 58.0, 35),
    ];
    let mut doc = Document::builder("Результати навчання 2024", "uk")
        .header(ORGANISATION, "Результати навчання 2024")
        .footer_note("Дані вигадані для прикладу")
        .page_numbers("Сторінка")
        .build()?;
    doc.heading(Heading::Title, "Результати навчання, 2024");
    doc.paragraph(
        "Середній бал вхідного і вихідного тесту (відсотки) для учасників, які пройшли \
         обидва тести. Дані вигадані.",
    );
    let mut table = Table::new(vec![
        Column::new("Подія", 4.0),
        Column::new("n", 1.0).align(Align::Right),
        Column::new("До, %", 1.2).align(Align::Right),
        Column::new("Після, %", 1.2).align(Align::Right),
        Column::new("Приріст, в. п.", 1.5).align(Align::Right),
    ]);
    for (name, pre, post, n) in events {
        table.push_row(vec![
            Cell::text(name),
            Cell::text(n.to_string()),
            Cell::text(format!("{pre:.0}")),
            Cell::text(format!("{post:.0}")),
            Cell::text(format!("{:+.0}", post - pre)),
        ]);
    }
    doc.table(&table)?;
    doc.heading(Heading::Section, "До і після");
    doc.figure(mm(90.0), |canvas| {
        let (width, height) = (canvas.width(), canvas.height());
        let (left, bottom, top) = (36.0, height - 44.0, 22.0);
        let scale = |percent: f32| bottom - (bottom - top) * percent / 100.0;
        let axis = Stroke::new(pdf::Color::gray(60), 0.8);
        let grid = Stroke::new(pdf::Color::gray(215), 0.5);
        let label = TextStyle::body().size(8.0);
        for percent in [0.0, 25.0, 50.0, 75.0, 100.0] {
            canvas.line((left, scale(percent)), (width, scale(percent)), grid);
            canvas.text(
                left - 4.0,
                scale(percent) + 3.0,
                &format!("{percent:.0}"),
                label.align(Align::Right),
            );
        }
        canvas.line((left, top), (left, bottom), axis);
        canvas.line((left, bottom), (width, bottom), axis);
        let slot = (width - left) / events.len() as f32;
        let before = pdf::Color::rgb(170, 185, 210);
        let after = pdf::Color::rgb(40, 70, 120);
        for (index, (name, pre, post, _)) in events.iter().enumerate() {
            let x = left + slot * index as f32 + slot * 0.2;
            let bar = slot * 0.28;
            canvas.fill_rect(x, scale(*pre), bar, bottom - scale(*pre), before);
            canvas.fill_rect(x + bar, scale(*post), bar, bottom - scale(*post), after);
            canvas.text_box(
                left + slot * index as f32,
                bottom + 4.0,
                slot,
                name,
                label.align(Align::Center),
            );
        }
        canvas.fill_rect(left, 0.0, 8.0, 8.0, before);
        canvas.text(left + 12.0, 7.0, "До", label);
        canvas.fill_rect(left + 40.0, 0.0, 8.0, 8.0, after);
        canvas.text(left + 52.0, 7.0, "Після", label);
    })?;
    doc.finish()
}
