//! Property: what goes into a submission comes back out of the exported CSVs unchanged,
//! whatever the text holds (commas, quotes, line breaks, CR, Cyrillic, spaces at the ends).

mod common;

use common::generate::{BARRIERS, Generated, SERVICES, escape};
use common::{read_csv, row, unzip};
use odk_data::export::{CsvZipExport, ExportLayout, ExportOptions, MemorySpools};
use odk_data::{FormSchema, Submission};
use proptest::prelude::*;

const FORM: &str = include_str!("fixtures/clm_hiv_services.xml");

/// Text an XML 1.0 document can carry, biased towards what CSV must quote.
fn text() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just(','),
        Just('"'),
        Just('\n'),
        Just('\r'),
        Just(' '),
        Just('\t'),
        Just('і'),
        Just('='),
        Just('<'),
        Just('&'),
    ];
    let ordinary = any::<char>().prop_filter(
        "a character XML can hold",
        |c| !matches!(*c as u32, 0..=0x8 | 0xB | 0xC | 0xE..=0x1F | 0xFFFE | 0xFFFF),
    );
    proptest::collection::vec(prop_oneof![special, ordinary], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

fn subset(all: &'static [&'static str; 5]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(any::<bool>(), 5).prop_map(move |mask| {
        all.iter()
            .zip(mask)
            .filter(|(_, m)| *m)
            .map(|(s, _)| *s)
            .collect()
    })
}

fn generated() -> impl Strategy<Value = Generated> {
    let interview = (0u32..120, text(), subset(&BARRIERS));
    (
        text(),
        subset(&SERVICES),
        proptest::option::of(0u32..600),
        text(),
        proptest::collection::vec(interview, 0..4),
        text(),
        0u64..1_000_000,
    )
        .prop_map(
            |(facility, services, wait, note, interviews, comments, n)| Generated {
                instance_id: format!("uuid:{n}"),
                facility,
                location: "50.45 30.52".into(),
                services,
                wait_minutes: wait,
                stigma_note: note,
                interviews,
                comments,
            },
        )
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn values_survive_export_and_reading_back(subs in proptest::collection::vec(generated(), 1..6)) {
        let schema = FormSchema::from_xform(FORM).unwrap();
        let parsed: Vec<Submission> = subs
            .iter()
            .map(|g| Submission::parse(&schema, &g.xml()).unwrap())
            .collect();
        let layout = ExportLayout::new(&schema, "clm_hiv_services", &ExportOptions::default());
        let mut export = CsvZipExport::new(Vec::new(), layout, &mut MemorySpools).unwrap();
        let keys: Vec<String> = subs.iter().enumerate().map(|(i, _)| format!("uuid:key-{i}")).collect();
        for (s, key) in parsed.iter().zip(&keys) {
            export.push(&row(s, key, 0)).unwrap();
        }
        let files = unzip(&export.finish().unwrap());
        let main = read_csv(std::str::from_utf8(&files[0].1).unwrap());
        let interview = read_csv(std::str::from_utf8(&files[1].1).unwrap());

        prop_assert_eq!(main.len(), subs.len() + 1);
        let h = &main[0];
        for (i, g) in subs.iter().enumerate() {
            let r = &main[i + 1];
            prop_assert_eq!(r.len(), h.len());
            prop_assert_eq!(&r[column(h, "visit-facility")], &g.facility);
            prop_assert_eq!(&r[column(h, "access-stigma_note")], &g.stigma_note);
            prop_assert_eq!(&r[column(h, "comments")], &g.comments);
            prop_assert_eq!(&r[column(h, "access-services")], &g.services.join(" "));
            prop_assert_eq!(
                &r[column(h, "access-wait_minutes")],
                &g.wait_minutes.map(|w| w.to_string()).unwrap_or_default()
            );
            for option in SERVICES {
                let chosen = if g.services.contains(&option) { "1" } else { "0" };
                prop_assert_eq!(&r[column(h, &format!("access-services/{option}"))], chosen);
            }
            prop_assert_eq!(&r[column(h, "KEY")], &keys[i]);
            prop_assert_eq!(&r[column(h, "meta-instanceID")], &g.instance_id);
        }

        let ih = &interview[0];
        let mut at = 1;
        for (i, g) in subs.iter().enumerate() {
            for (n, (age, quote, barriers)) in g.interviews.iter().enumerate() {
                let r = &interview[at];
                at += 1;
                prop_assert_eq!(&r[column(ih, "age")], &age.to_string());
                prop_assert_eq!(&r[column(ih, "quote")], quote);
                prop_assert_eq!(&r[column(ih, "barriers")], &barriers.join(" "));
                prop_assert_eq!(&r[column(ih, "PARENT_KEY")], &keys[i]);
                prop_assert_eq!(&r[column(ih, "KEY")], &format!("{}/interview[{}]", keys[i], n + 1));
            }
        }
        prop_assert_eq!(at, interview.len());
    }

    #[test]
    fn the_xml_escape_used_here_is_read_back_exactly(t in text()) {
        let schema = FormSchema::from_xform(FORM).unwrap();
        let xml = format!("<data><comments>{}</comments></data>", escape(&t));
        let s = Submission::parse(&schema, &xml).unwrap();
        prop_assert_eq!(s.value_at(&schema, "/data/comments"), Some(t.as_str()));
    }
}
