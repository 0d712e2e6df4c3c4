//! Importing participant lists: every problem by row and column, nothing
//! imported until each row is valid or excluded, Windows-1251 detected and
//! read, XLSX workbooks, and files that are not tables refused.

use std::io::Write;

use kolo_core::auth::Role;
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, location};
use crate::fixtures;

async fn upload(browser: &Browser, name: &str, bytes: &[u8]) -> reqwest::Response {
    fixtures::upload(
        browser,
        "/participants/import",
        "file",
        name,
        "text/csv",
        bytes,
    )
    .await
}

/// Uploads a file and returns the preview's address.
async fn staged(browser: &Browser, name: &str, bytes: &[u8]) -> String {
    let response = upload(browser, name, bytes).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap_or_default()
    );
    location(&response)
}

const LIST: &str = "mother_name;father_name;стать;дата народження;нікнейм;область;phone;consent_contact\n\
Оксана;Іван;ж;15.03.1990;Ластівка;UA-46;067 123 45 67;так\n\
Юлія;Жорж;ч;31.02.2001;Зірка;UA-46;;ні\n\
Галина;Петро;ж;09.07.1985;Калина;Марс;;\n\
Марта;-;ж;1999-01-31;Марта;Одеська;;\n";

#[tokio::test]
async fn every_problem_is_listed_by_row_and_column_and_nothing_is_imported_until_resolved() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("root", &[Role::Admin]).await;
    let browser = app.signed_in("olena").await;
    let preview = staged(&browser, "list.csv", LIST.as_bytes()).await;
    let page = browser.text(&preview).await;
    assert!(page.contains("Файл прочитано як текст UTF-8."));
    assert!(
        page.contains("Правильних рядків: 2") && page.contains("Рядків із проблемами: 2"),
        "{page}"
    );
    assert!(
        page.contains("стовпець «дата народження»: «31.02.2001» не є датою"),
        "{page}"
    );
    assert!(page.contains("стовпець «область»: «Марс» не є одним із відомих значень"));
    assert!(page.contains("id=\"row-3\"") && page.contains("id=\"row-4\""));

    let refused = browser
        .post(&preview, &[("action", "import"), ("exclude", "3")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("У деяких рядках ще є проблеми")
    );
    assert!(
        browser.text("/participants").await.contains("Знайдено: 0"),
        "nothing half-imported"
    );

    let recheck = browser
        .post(
            &preview,
            &[("action", "check"), ("exclude", "3"), ("exclude", "4")],
        )
        .await;
    assert!(
        recheck
            .text()
            .await
            .unwrap()
            .contains("value=\"4\" aria-label=\"Пропустити 4\" checked")
    );
    let done = browser
        .post(
            &preview,
            &[("action", "import"), ("exclude", "3"), ("exclude", "4")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/participants/import?done=2");
    let list = browser.text("/participants").await;
    assert!(
        list.contains("OKIVF150390") && list.contains("MAXXF310199") && !list.contains("HAPE"),
        "{list}"
    );
    let search = browser.text("/participants?q=OKIV").await;
    let code = search
        .find("<code>OKIVF150390")
        .expect("the imported record is listed");
    let start = search[..code].rfind("/participants/").unwrap();
    let record = &search[start..start + search[start..].find('"').unwrap()];
    assert!(
        browser
            .text(&format!("{record}/contact"))
            .await
            .contains("+380671234567")
    );
    assert_eq!(
        browser.get(&preview).await.status(),
        StatusCode::NOT_FOUND,
        "the upload is gone"
    );
    let admin = app.signed_in("root").await;
    assert!(
        admin
            .text("/admin/audit?action=participant.import")
            .await
            .contains("participant.import")
    );
    app.finish().await;
}

#[tokio::test]
async fn a_windows_1251_file_is_detected_read_and_said_so() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let (bytes, _, _) =
        encoding_rs::WINDOWS_1251.encode("uic,nickname,oblast\nOKIVF150390,Ластівка,Львівська\n");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file is really not UTF-8"
    );
    let preview = staged(&browser, "з Excel.csv", &bytes).await;
    let page = browser.text(&preview).await;
    assert!(page.contains("Windows-1251"), "{page}");
    assert!(page.contains("Ластівка") && page.contains("Правильних рядків: 1"));
    let done = browser.post(&preview, &[("action", "import")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let list = browser.text("/participants").await;
    assert!(list.contains("Ластівка") && list.contains("Львівська область"));
    app.finish().await;
}

pub(crate) fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut sheet = String::from(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, value) in row.iter().enumerate() {
            let cell = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            if !value.is_empty() && value.chars().all(|ch| ch.is_ascii_digit()) {
                sheet.push_str(&format!("<c r=\"{cell}\"><v>{value}</v></c>"));
            } else {
                sheet.push_str(&format!(
                    "<c r=\"{cell}\" t=\"inlineStr\"><is><t>{value}</t></is></c>"
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_owned()),
        ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_owned()),
        ("xl/workbook.xml", "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Учасники\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_owned()),
        ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_owned()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("a zip entry");
        writer
            .write_all(content.as_bytes())
            .expect("the entry is written");
    }
    writer.finish().expect("the zip is complete").into_inner()
}

#[tokio::test]
async fn an_xlsx_workbook_is_read_from_its_first_sheet() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let workbook = xlsx(&[
        &[
            "Ім'я матері",
            "Ім'я батька",
            "Стать",
            "Дата народження",
            "Нікнейм",
            "Телефон",
            "Згода на контакт",
        ],
        &[
            "Оксана",
            "Іван",
            "F",
            "15.03.1990",
            "Ластівка",
            "380671234567",
            "так",
        ],
        &["Юлія", "Жорж", "M", "01.12.2001", "Зірка", "", "ні"],
    ]);
    let preview = staged(&browser, "учасники.xlsx", &workbook).await;
    let page = browser.text(&preview).await;
    assert!(page.contains("Файл прочитано як книгу Excel"), "{page}");
    assert!(page.contains("Правильних рядків: 2"), "{page}");
    assert_eq!(
        browser
            .post(&preview, &[("action", "import")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let list = browser.text("/participants").await;
    assert!(list.contains("OKIVF150390") && list.contains("YUZHM011201"));
    app.finish().await;
}

#[tokio::test]
async fn files_that_are_not_tables_and_unknown_columns_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    app.user("ira", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    let binary = upload(&browser, "photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").await;
    assert_eq!(binary.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        binary
            .text()
            .await
            .unwrap()
            .contains("Це не файл CSV чи XLSX")
    );
    let empty = upload(&browser, "empty.csv", b"").await;
    assert!(empty.text().await.unwrap().contains("Файл порожній"));
    let preview = staged(
        &browser,
        "odd.csv",
        "nickname,telephone\nОля,0671234567\n".as_bytes(),
    )
    .await;
    let page = browser.text(&preview).await;
    assert!(page.contains("Стовпця «telephone» Коло не читає"), "{page}");
    let refused = browser.post(&preview, &[("action", "import")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another coordinator cannot open this person's upload.
    let other = app.signed_in("ira").await;
    assert_eq!(other.get(&preview).await.status(), StatusCode::NOT_FOUND);
    let template = browser.get("/participants/import/template.csv").await;
    assert!(
        template
            .text()
            .await
            .unwrap()
            .contains("uic,mother_name,father_name,sex,birth_date,nickname")
    );
    app.finish().await;
}

#[tokio::test]
async fn an_oversized_list_is_refused_with_the_limit_and_nothing_is_staged() {
    let app = TestApp::spawn().await;
    app.user("olena", &[Role::Coordinator]).await;
    let browser = app.signed_in("olena").await;
    // A valid header, then rows past the 5 MB limit.
    let mut big = String::from("uic,nickname\n");
    let mut i = 0;
    while big.len() <= 5 * 1024 * 1024 {
        big.push_str(&format!("BIGXF{:06},Учасниця {i}\n", i % 1_000_000));
        i += 1;
    }
    let refused = upload(&browser, "big.csv", big.as_bytes()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Файл більший за 5 MB"), "{page}");
    assert!(
        browser.text("/participants").await.contains("Знайдено: 0"),
        "nothing imported"
    );
    app.finish().await;
}
