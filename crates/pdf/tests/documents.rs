//! Documents built through the public API and read back with poppler-utils:
//! what a reader extracts is what was put in, on the pages it should be on.

mod support;

use pdf::{
    Align, Cell, Column, Document, Heading, Margins, PdfError, Stroke, Table, TextStyle, mm,
};
use support::{sample, tools};

const TITLE: &str = "Тренінг з моделей регулювання секс-роботи";
const LETTERS: &str = "Ukrainian letters: ї, є, ґ, і; Ї, Є, Ґ, І; ’ апостроф";

/// Squeezes all whitespace so text compares regardless of how pdftotext
/// spaced or broke it.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn cyrillic_text_round_trips_through_pdftotext() {
    let mut doc = Document::builder(TITLE, "uk").build().unwrap();
    doc.heading(Heading::Title, TITLE);
    doc.paragraph(LETTERS);
    doc.key_values(&[("Місто", "Київ"), ("Область", "Івано-Франківська")]);
    let mut table = Table::new(vec![Column::new("Ґрунт", 1.0), Column::new("Їжа", 1.0)]);
    table.push_row(vec![Cell::text("єдність"), Cell::text("ґанок")]);
    doc.table(&table).unwrap();
    let pdf = tools::save("cyrillic", &doc.finish().unwrap());

    let text = squeeze(&tools::pages_text(&pdf).concat());
    for expected in [
        TITLE,
        LETTERS,
        "Місто Київ",
        "Область Івано-Франківська",
        "Ґрунт",
        "Їжа",
        "єдність",
        "ґанок",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
}

#[test]
fn metadata_names_the_title_language_and_kolo_as_creator() {
    let bytes = Document::builder(TITLE, "uk")
        .build()
        .unwrap()
        .finish()
        .unwrap();
    let pdf = tools::save("metadata", &bytes);
    assert_eq!(tools::info(&pdf, "Title"), TITLE);
    assert_eq!(tools::info(&pdf, "Creator"), "Kolo");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Lang(uk)"), "no /Lang(uk) in the catalog");
}

#[test]
fn both_fonts_are_embedded_as_subsets_with_unicode_maps() {
    let mut doc = Document::builder("Шрифти", "uk").build().unwrap();
    doc.heading(Heading::Section, "Жирний заголовок");
    doc.paragraph("Звичайний текст");
    let pdf = tools::save("fonts", &doc.finish().unwrap());

    let fonts = tools::fonts(&pdf);
    assert_eq!(fonts.len(), 2, "{fonts:#?}");
    for font in &fonts {
        let columns: Vec<&str> = font.split_whitespace().collect();
        // name, type..., encoding, emb, sub, uni, object, generation
        let flags = &columns[columns.len() - 5..columns.len() - 2];
        assert_eq!(flags, ["yes", "yes", "yes"], "not embedded subset: {font}");
    }
    assert!(fonts.iter().any(|font| font.contains("+NotoSans-Regular")));
    assert!(fonts.iter().any(|font| font.contains("+NotoSans-Bold")));
}

/// A table of `rows` rows whose second column is a unique marker per row.
fn numbered_table(rows: usize) -> Table {
    let mut table = Table::new(vec![
        Column::new("№", 1.0).align(Align::Right),
        Column::new("Позначка рядка", 3.0),
        Column::new("Підпис", 3.0),
    ])
    .min_row_height(mm(8.0));
    for row in 1..=rows {
        table.push_row(vec![
            Cell::text(row.to_string()),
            Cell::text(format!("рядок-{row:04}")),
            Cell::Empty,
        ]);
    }
    table
}

/// Row markers ("рядок-0001") in the order they appear on `page`.
fn markers(page: &str) -> Vec<usize> {
    page.split_whitespace()
        .filter_map(|word| word.strip_prefix("рядок-"))
        .map(|number| number.parse().expect("a row number"))
        .collect()
}

#[test]
fn a_300_row_table_repeats_its_header_on_every_page_and_loses_or_repeats_no_row() {
    let mut doc = Document::builder("Таблиця", "uk")
        .page_numbers("Сторінка")
        .build()
        .unwrap();
    doc.heading(Heading::Title, "Список");
    doc.table(&numbered_table(300)).unwrap();
    let pdf = tools::save("table-300", &doc.finish().unwrap());

    let pages = tools::pages_text(&pdf);
    assert_eq!(pages.len(), tools::page_count(&pdf));
    assert!(
        pages.len() >= 5,
        "300 rows of 8 mm fit on {} pages",
        pages.len()
    );
    let mut seen = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let text = squeeze(page);
        assert!(
            text.contains("Позначка рядка") && text.contains("Підпис"),
            "page {} has no header row:\n{text}",
            index + 1
        );
        let on_page = markers(page);
        assert!(!on_page.is_empty(), "page {} has no rows", index + 1);
        seen.extend(on_page);
    }
    assert_eq!(seen, (1..=300).collect::<Vec<_>>());
}

#[test]
fn a_row_is_never_split_across_pages() {
    // Rows of four wrapped lines each, so a page boundary would cut one if the
    // table let it.
    let mut table = Table::new(vec![Column::new("Текст", 1.0), Column::new("№", 4.0)]);
    for row in 1..=80 {
        table.push_row(vec![
            Cell::text(format!("початок{row} середина1 середина2 кінець{row}")),
            Cell::text(row.to_string()),
        ]);
    }
    let mut doc = Document::builder("Рядки", "uk").build().unwrap();
    doc.table(&table).unwrap();
    let pdf = tools::save("rows-whole", &doc.finish().unwrap());

    let words = tools::words(&pdf);
    let page_of = |word: &str| {
        let found: Vec<usize> = words
            .iter()
            .filter(|w| w.text == word)
            .map(|w| w.page)
            .collect();
        assert_eq!(found.len(), 1, "`{word}` appears {} times", found.len());
        found[0]
    };
    let pages = tools::page_count(&pdf);
    assert!(pages >= 3, "the test needs page breaks, got {pages} pages");
    for row in 1..=80 {
        assert_eq!(
            page_of(&format!("початок{row}")),
            page_of(&format!("кінець{row}")),
            "row {row} is split"
        );
    }
    // The first column really wraps: its first and last word are on
    // different lines.
    let start = words.iter().find(|w| w.text == "початок1").unwrap();
    let end = words.iter().find(|w| w.text == "кінець1").unwrap();
    assert!(end.y_min > start.y_min + 5.0, "cell text did not wrap");
}

#[test]
fn page_numbers_say_n_of_the_real_page_count_on_every_page() {
    let mut doc = Document::builder("Нумерація", "uk")
        .footer_note("Конфіденційно")
        .page_numbers("Сторінка")
        .build()
        .unwrap();
    doc.table(&numbered_table(120)).unwrap();
    doc.paragraph("Кінець.");
    let pdf = tools::save("page-numbers", &doc.finish().unwrap());

    let count = tools::page_count(&pdf);
    assert!(count > 2);
    for (index, page) in tools::pages_text(&pdf).iter().enumerate() {
        let text = squeeze(page);
        let expected = format!("Сторінка {} / {count}", index + 1);
        assert!(
            text.contains(&expected),
            "page {}: no `{expected}` in\n{text}",
            index + 1
        );
        assert!(text.contains("Конфіденційно"));
    }
}

#[test]
fn an_empty_page_label_numbers_pages_without_a_word() {
    let mut doc = Document::builder("Pages", "en")
        .page_numbers("")
        .build()
        .unwrap();
    doc.paragraph("one");
    doc.page_break();
    doc.paragraph("two");
    let pdf = tools::save("page-label", &doc.finish().unwrap());
    assert_eq!(tools::page_count(&pdf), 2);
    // pdftotext's reading-order mode glues "2 / 2" into "2/2"; the word
    // boxes show the three words as drawn.
    let footer: Vec<String> = tools::words(&pdf)
        .into_iter()
        .filter(|word| word.page == 2 && word.y_min > 700.0)
        .map(|word| word.text)
        .collect();
    assert_eq!(footer, ["2", "/", "2"]);
}

#[test]
fn very_long_words_wrap_inside_the_margins() {
    let word = "Ґїєі".repeat(150);
    let margins = Margins::all(mm(20.0));
    let mut doc = Document::builder("Довге слово", "uk")
        .margins(margins)
        .build()
        .unwrap();
    doc.paragraph(&format!("Перед {word} після"));
    let mut table = Table::new(vec![Column::new("Вузька", 1.0), Column::new("Широка", 5.0)]);
    table.push_row(vec![Cell::text(word.clone()), Cell::text("поруч")]);
    doc.table(&table).unwrap();
    let pdf = tools::save("long-word", &doc.finish().unwrap());

    let right_edge = pdf::A4_WIDTH - margins.right;
    let words = tools::words(&pdf);
    for word in &words {
        assert!(
            word.x_min >= margins.left - 0.5 && word.x_max <= right_edge + 0.5,
            "`{}` runs from {} to {}, outside {}..{right_edge}",
            word.text,
            word.x_min,
            word.x_max,
            margins.left,
        );
    }
    // Every letter is there once, in order: the paragraph's pieces and then
    // the table cell's.
    let text: String = words
        .iter()
        .map(|w| w.text.as_str())
        .filter(|w| w.chars().all(|c| "Ґїєі".contains(c)))
        .collect();
    assert_eq!(text, word.repeat(2));
    // The narrow table column (1/6 of the body) holds pieces narrower than
    // itself.
    let column = (right_edge - margins.left) / 6.0;
    let cell_pieces: Vec<&tools::Word> = words
        .iter()
        .skip_while(|w| w.text != "Вузька")
        .filter(|w| w.text.starts_with('Ґ') || w.text.starts_with('ї'))
        .collect();
    assert!(cell_pieces.len() > 10);
    assert!(cell_pieces.iter().all(|w| w.x_max - w.x_min < column));
}

#[test]
fn a_row_taller_than_a_page_is_cut_with_an_ellipsis_instead_of_failing() {
    let long = "дуже довгий псевдонім ".repeat(400);
    let mut table = Table::new(vec![Column::new("№", 1.0), Column::new("Псевдонім", 1.0)]);
    table.push_row(vec![Cell::text("1"), Cell::text(long)]);
    table.push_row(vec![Cell::text("2"), Cell::text("Ластівка")]);
    let mut doc = Document::builder("Довгий рядок", "uk").build().unwrap();
    doc.table(&table).unwrap();
    let pdf = tools::save("tall-row", &doc.finish().unwrap());

    let pages = tools::pages_text(&pdf);
    assert_eq!(
        pages.len(),
        2,
        "the cut row fills one page, the next row the second"
    );
    assert!(squeeze(&pages[0]).contains('…'));
    assert!(squeeze(&pages[1]).contains("Псевдонім 2 Ластівка"));
}

#[test]
fn a_long_header_and_title_are_cut_to_one_line_inside_the_margins() {
    let margins = Margins::default();
    let mut doc = Document::builder("Заголовок", "uk")
        .margins(margins)
        .header("Організація ".repeat(20), "Назва події ".repeat(20))
        .page_numbers("Сторінка")
        .footer_note("Примітка ".repeat(40))
        .build()
        .unwrap();
    doc.paragraph("Текст");
    let pdf = tools::save("long-header", &doc.finish().unwrap());
    let right_edge = pdf::A4_WIDTH - margins.right;
    let words = tools::words(&pdf);
    for word in &words {
        assert!(
            word.x_max <= right_edge + 0.5 && word.x_min >= margins.left - 0.5,
            "{word:?}"
        );
    }
    let text = squeeze(&tools::pages_text(&pdf).concat());
    assert!(text.contains("Сторінка 1 / 1"), "{text}");
    assert_eq!(text.matches('…').count(), 3, "{text}");
}

#[test]
fn tick_boxes_and_empty_cells_leave_room_to_write() {
    let mut table = Table::new(vec![Column::new("", 1.0), Column::new("Варіант", 6.0)])
        .min_row_height(mm(12.0))
        .without_header();
    table.push_row(vec![Cell::TickBox, Cell::text("Так")]);
    table.push_row(vec![Cell::TickBox, Cell::text("Ні")]);
    let mut doc = Document::builder("Форма", "uk").build().unwrap();
    doc.table(&table).unwrap();
    let pdf = tools::save("tick-boxes", &doc.finish().unwrap());

    let words = tools::words(&pdf);
    assert!(
        !words.iter().any(|w| w.text == "Варіант"),
        "header was drawn"
    );
    let yes = words.iter().find(|w| w.text == "Так").unwrap();
    let no = words.iter().find(|w| w.text == "Ні").unwrap();
    // Rows are the minimum height apart.
    assert!((no.y_min - yes.y_min - mm(12.0)).abs() < 1.0);
}

#[test]
fn a_qr_code_drawn_from_a_matrix_scans_back_to_its_text() {
    let url = "https://kolo.example/t/K7PM4X";
    let mut doc = Document::builder("QR", "uk").build().unwrap();
    doc.paragraph("Відскануйте код:");
    doc.qr_code(&sample::qr_matrix(url), mm(35.0), Align::Center)
        .unwrap();
    doc.paragraph("або введіть K7PM4X");
    let pdf = tools::save("qr", &doc.finish().unwrap());
    let png = tools::render_png(&pdf, 1, 150);
    assert_eq!(tools::scan_qr_codes(&png), [url]);
}

#[test]
fn figures_draw_chart_primitives_and_text_at_points() {
    let mut doc = Document::builder("Діаграма", "uk").build().unwrap();
    doc.figure(200.0, |canvas| {
        canvas.line((0.0, 190.0), (canvas.width(), 190.0), Stroke::black(1.0));
        canvas.rect(10.0, 10.0, 100.0, 100.0, Stroke::black(0.5));
        canvas.fill_rect(20.0, 120.0, 30.0, 70.0, pdf::Color::rgb(40, 70, 120));
        canvas.polyline(
            &[(0.0, 0.0), (50.0, 40.0), (100.0, 10.0)],
            Stroke::black(1.0),
        );
        canvas.text(
            300.0,
            100.0,
            "Підпис осі",
            TextStyle::body().align(Align::Right),
        );
        canvas.text_box(
            320.0,
            50.0,
            100.0,
            "Текст у рамці переноситься",
            TextStyle::body(),
        );
    })
    .unwrap();
    let pdf = tools::save("figure", &doc.finish().unwrap());
    let words = tools::words(&pdf);
    let label = words.iter().find(|w| w.text == "осі").unwrap();
    let body_left = Margins::default().left;
    assert!(
        (label.x_max - (body_left + 300.0)).abs() < 1.5,
        "right-aligned text should end at x = 300: {label:?}"
    );
    let lines: std::collections::BTreeSet<i32> = words
        .iter()
        .filter(|w| ["Текст", "у", "рамці", "переноситься"].contains(&w.text.as_str()))
        .map(|w| w.y_min.round() as i32)
        .collect();
    assert!(lines.len() >= 2, "the text box did not wrap");
}

#[test]
fn a_figure_with_a_nan_coordinate_is_an_error_not_a_broken_pdf() {
    let mut doc = Document::builder("NaN", "en").build().unwrap();
    let error = doc
        .figure(100.0, |canvas| {
            canvas.line((0.0, 0.0), (f32::NAN, 10.0), Stroke::black(1.0));
        })
        .unwrap_err();
    assert!(
        matches!(
            error,
            PdfError::InvalidNumber {
                what: "point x",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_figure_taller_than_a_page_is_refused() {
    let mut doc = Document::builder("Tall", "en").build().unwrap();
    let error = doc.figure(2000.0, |_| {}).unwrap_err();
    assert!(
        matches!(error, PdfError::TooTall { what: "figure", .. }),
        "{error}"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_cells_names_the_table_and_row() {
    let mut doc = Document::builder("Errors", "en").build().unwrap();
    doc.table(&numbered_table(2)).unwrap();
    let mut table = numbered_table(3);
    table.push_row(vec![Cell::text("4")]);
    let error = doc.table(&table).unwrap_err();
    assert_eq!(
        error,
        PdfError::RowLength {
            table: 2,
            row: 4,
            expected: 3,
            found: 1
        }
    );
    assert!(error.to_string().starts_with("table 2, row 4: has 1 cells"));
}

#[test]
fn tables_without_columns_or_with_a_zero_width_column_are_refused() {
    let mut doc = Document::builder("Errors", "en").build().unwrap();
    assert_eq!(
        doc.table(&Table::new(vec![])).unwrap_err(),
        PdfError::NoColumns { table: 1 }
    );
    let error = doc
        .table(&Table::new(vec![Column::new("a", 0.0)]))
        .unwrap_err();
    assert!(matches!(
        error,
        PdfError::InvalidNumber {
            what: "column width",
            ..
        }
    ));
}

#[test]
fn margins_that_leave_no_room_are_refused() {
    let error = Document::builder("Margins", "en")
        .margins(Margins::all(mm(100.0)))
        .build()
        .unwrap_err();
    assert!(matches!(error, PdfError::BodyTooSmall { .. }), "{error}");
    let error = Document::builder("Margins", "en")
        .margins(Margins::all(f32::NAN))
        .build()
        .unwrap_err();
    assert!(matches!(error, PdfError::InvalidNumber { .. }), "{error}");
}

#[test]
fn an_empty_document_is_one_blank_page_and_page_breaks_never_add_blank_pages() {
    let mut doc = Document::builder("Empty", "en").build().unwrap();
    doc.page_break().page_break();
    let pdf = tools::save("empty", &doc.finish().unwrap());
    assert_eq!(tools::page_count(&pdf), 1);
}

#[test]
fn landscape_pages_are_a4_turned_sideways() {
    let doc = Document::builder("Landscape", "en")
        .landscape()
        .build()
        .unwrap();
    let pdf = tools::save("landscape", &doc.finish().unwrap());
    assert!(tools::info(&pdf, "Page size").starts_with("841.89 x 595.276 pts (A4)"));
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let build = || sample::certificate("Ірина Ґава").unwrap();
    assert_eq!(build(), build());
}

#[test]
fn the_sample_sign_in_sheet_lists_all_300_participants_with_day_columns() {
    let participants = sample::participants(300);
    let bytes =
        sample::sign_in_sheet(&participants, &["12.03.2024", "13.03.2024", "14.03.2024"]).unwrap();
    let pdf = tools::save("sign-in-sheet", &bytes);
    assert_eq!(tools::info(&pdf, "Page size"), "841.89 x 595.276 pts (A4)");
    let pages = tools::pages_text(&pdf);
    let mut found = 0;
    for (index, page) in pages.iter().enumerate() {
        let text = squeeze(page);
        assert!(
            text.contains("День 3 14.03.2024"),
            "page {}: {text}",
            index + 1
        );
        assert!(text.contains(&format!("Сторінка {} / {}", index + 1, pages.len())));
        found += participants
            .iter()
            .filter(|participant| text.contains(&participant.uic))
            .count();
    }
    assert_eq!(found, 300);
}

#[test]
fn the_sample_certificate_is_one_page_with_the_name_and_event() {
    let pdf = tools::save(
        "certificate",
        &sample::certificate("Олена Ґудзь-Їжакевич").unwrap(),
    );
    let pages = tools::pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let text = squeeze(&pages[0]);
    assert!(text.contains("Олена Ґудзь-Їжакевич"), "{text}");
    assert!(text.contains("СЕРТИФІКАТ"));
    assert!(text.contains(sample::EVENT) || text.contains("Тренінг з моделей регулювання"));
}

#[test]
fn the_sample_paper_test_and_report_build_and_read_back() {
    let test = tools::save("paper-test", &sample::paper_test().unwrap());
    let text = squeeze(&tools::pages_text(&test).concat());
    assert!(text.contains("Г. Декриміналізація"), "{text}");
    let report = tools::save("report", &sample::report().unwrap());
    let text = squeeze(&tools::pages_text(&report).concat());
    assert!(text.contains("Моделі регулювання 27 41 80 +39"), "{text}");
}

#[test]
fn characters_the_font_lacks_neither_fail_nor_hide_the_rest_of_the_text() {
    // Nicknames may hold emoji or letters of scripts Noto Sans lacks.
    let mut doc = Document::builder("Emoji", "uk").build().unwrap();
    doc.paragraph("Лола🌸 та 李 і й (и + \u{306}) кінець");
    let pdf = tools::save("missing-glyphs", &doc.finish().unwrap());
    let text = squeeze(&tools::pages_text(&pdf).concat());
    assert!(text.starts_with("Лола"), "{text}");
    assert!(text.contains("кінець"), "{text}");
    assert!(text.contains("та"), "{text}");
}

#[test]
fn unusual_text_from_outside_builds_a_document_in_every_block() {
    let samples = [
        "\u{301}наголос на початку",
        "нуль\u{0}символ і\tтабуляція\r\nрядок",
        "مرحبا שלום",
        "👩‍👩‍👧 родина",
        "нульова\u{200B}ширина",
        &"довге-слово-з-дефісами-".repeat(30),
        "-",
        "…",
        "",
    ];
    let mut doc = Document::builder(samples.concat(), "uk")
        .header(samples[0], samples[3])
        .footer_note(samples[1])
        .page_numbers(samples[2])
        .build()
        .unwrap();
    let mut table = Table::new(vec![Column::new(samples[4], 1.0), Column::new("", 0.3)]);
    for sample in samples {
        doc.heading(Heading::Section, sample);
        doc.paragraph(sample);
        doc.key_values(&[(sample, sample)]);
        table.push_row(vec![Cell::text(sample), Cell::text(sample)]);
    }
    doc.table(&table).unwrap();
    doc.figure(50.0, |canvas| {
        for sample in samples {
            canvas.text(10.0, 20.0, sample, TextStyle::body());
            canvas.text_box(10.0, 20.0, 50.0, sample, TextStyle::body());
        }
    })
    .unwrap();
    let pdf = tools::save("unusual", &doc.finish().unwrap());
    let text = squeeze(&tools::pages_text(&pdf).concat());
    assert!(text.contains("родина") && text.contains("ширина") && text.contains("рядок"));
}
