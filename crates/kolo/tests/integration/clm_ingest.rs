//! Submissions arriving together. The SQLite store writes those waiting in
//! one transaction, the new ones in a few multi-row statements and the rest
//! one by one; every submission must get the outcome it would get alone.
//! On PostgreSQL the same submissions are stored concurrently.
//!
//! The tests run on a single-threaded runtime: every task below has sent its
//! submission before the store's writer runs, so on SQLite they form one group.

use kolo_core::StoreError;
use kolo_core::clm::{
    AppUserId, BlobRef, FormVersion, NewSubmission, NewSubmissionFile, SortColumn, SortValue,
    SubmissionFilter, SubmissionId, SubmissionSort, SubmissionSummary, SubmissionVersionId,
    SubmitOutcome, expected_files, parse_submission,
};
use kolo_core::ids::hex;
use kolo_core::time::Timestamp;
use sha2::{Digest, Sha256};

use crate::common::TestApp;
use crate::openrosa::{count, setup, visit};

/// The published version "1" of the test form.
async fn version(app: &TestApp, setup: &crate::openrosa::Setup) -> FormVersion {
    let form = app
        .store
        .form(&setup.project, "clm_visit")
        .await
        .unwrap()
        .unwrap();
    app.store
        .published_version(&form.id, "1")
        .await
        .unwrap()
        .unwrap()
}

/// A file's content as the store records it (the bytes themselves are not
/// needed by these tests).
fn content(tag: &str) -> BlobRef {
    BlobRef {
        sha256: hex(&Sha256::digest(tag.as_bytes())),
        size: tag.len() as u64,
        md5: format!("{:032x}", tag.len()),
    }
}

/// A submission of the visit form as the OpenRosa handler builds it.
fn submission(
    version: &FormVersion,
    app_user: &AppUserId,
    xml: &str,
    files: &[(&str, &str)],
) -> NewSubmission {
    let meta = parse_submission(xml).unwrap();
    let waiting = xml
        .split("<waiting>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    NewSubmission {
        submission_id: SubmissionId::new(),
        version_id: SubmissionVersionId::new(),
        form_id: version.form_id.clone(),
        form_version_id: version.id.clone(),
        form_version: version.version.clone(),
        app_user_id: Some(app_user.clone()),
        expected_files: expected_files(xml, &version.binary_fields, false),
        files: files
            .iter()
            .map(|(name, tag)| NewSubmissionFile {
                name: (*name).to_owned(),
                content_type: "image/jpeg".into(),
                blob: content(tag),
            })
            .collect(),
        xml_sha256: hex(&Sha256::digest(xml.as_bytes())),
        xml: xml.as_bytes().to_vec(),
        meta,
        received_at: Timestamp::now(),
        device_id: Some("collect:group-test".into()),
        sort_values: Some(vec![SortValue {
            field: "/data/waiting".into(),
            number: waiting.parse().ok(),
            text: waiting,
        }]),
    }
}

/// Sends every submission at once and returns their outcomes in order.
async fn submit_together(
    app: &TestApp,
    submissions: Vec<NewSubmission>,
) -> Vec<Result<SubmitOutcome, StoreError>> {
    let tasks: Vec<_> = submissions
        .into_iter()
        .map(|submission| {
            let store = app.store.clone();
            tokio::spawn(async move { store.submit(&submission).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

/// The form's submissions (a few), newest first or in the given order.
async fn listed(app: &TestApp, sort: Option<SubmissionSort>) -> Vec<SubmissionSummary> {
    app.store
        .submissions(&SubmissionFilter {
            limit: 20,
            sort,
            ..Default::default()
        })
        .await
        .unwrap()
}

/// The XML with another waiting time.
fn waiting(xml: &str, minutes: u32) -> String {
    let (before, rest) = xml.split_once("<waiting>").unwrap();
    let (_, after) = rest.split_once("</waiting>").unwrap();
    format!("{before}<waiting>{minutes}</waiting>{after}")
}

/// What storing did, in a word.
fn kind(outcome: &Result<SubmitOutcome, StoreError>) -> &'static str {
    match outcome {
        Ok(SubmitOutcome::Created(_)) => "created",
        Ok(SubmitOutcome::Edited(_)) => "edited",
        Ok(SubmitOutcome::Repeated { .. }) => "repeated",
        Ok(SubmitOutcome::DifferentXml) => "different",
        Ok(SubmitOutcome::NotCurrent) => "not-current",
        Ok(SubmitOutcome::DeprecatedNotFound) => "deprecated-unknown",
        Err(_) => "error",
    }
}

#[tokio::test]
async fn submissions_arriving_together_each_get_the_outcome_they_would_get_alone() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let version = version(&app, &setup).await;
    let user = &setup.app_user;
    let sqlite = app.store.backend_name() == "sqlite";

    // Stored before the group.
    let held = waiting(&visit("uuid:held", "1", Some("held.jpg"), None), 20);
    let outcome = app
        .store
        .submit(&submission(&version, user, &held, &[]))
        .await
        .unwrap();
    let SubmitOutcome::Created(held_id) = outcome else {
        panic!("{outcome:?}")
    };

    let first = waiting(&visit("uuid:first", "1", Some("a.jpg"), None), 30);
    let twin = waiting(&visit("uuid:twin", "1", Some("b.jpg"), None), 10);
    let clash = waiting(&visit("uuid:clash", "1", None, None), 40);
    let edit = waiting(
        &visit("uuid:first-edit", "1", Some("a.jpg"), Some("uuid:first")),
        35,
    );
    let doubled = waiting(&visit("uuid:doubled", "1", Some("d.jpg"), None), 50);
    let awaited = waiting(&visit("uuid:awaited", "1", Some("later.jpg"), None), 60);
    let group = vec![
        // 0: new, with its photo.
        submission(&version, user, &first, &[("a.jpg", "photo A")]),
        // 1: the same again (Collect retrying): nothing new.
        submission(&version, user, &first, &[("a.jpg", "photo A")]),
        // 2: new, its photo the same bytes as 0's: one content, two names.
        submission(&version, user, &twin, &[("b.jpg", "photo A")]),
        // 3: the held instanceID with other XML: refused, nothing changed.
        submission(&version, user, &waiting(&held, 21), &[]),
        // 4: the held submission again with its awaited photo.
        submission(&version, user, &held, &[("held.jpg", "photo H")]),
        // 5 and 6: one new instanceID twice with different XML.
        submission(&version, user, &clash, &[]),
        submission(&version, user, &waiting(&clash, 41), &[]),
        // 7: an edit of 0, sent in the same group.
        submission(&version, user, &edit, &[]),
        // 8: two files under one name: the first is kept.
        submission(
            &version,
            user,
            &doubled,
            &[("d.jpg", "photo D1"), ("d.jpg", "photo D2")],
        ),
        // 9: its photo still to come.
        submission(&version, user, &awaited, &[]),
    ];
    let ids: Vec<SubmissionId> = group.iter().map(|s| s.submission_id.clone()).collect();
    let outcomes = submit_together(&app, group).await;
    let kinds: Vec<&str> = outcomes.iter().map(kind).collect();
    // The outcomes of those stored or refused (an error has none).
    let outcomes: Vec<Option<SubmitOutcome>> = outcomes.into_iter().map(Result::ok).collect();

    // Where two submissions share an instanceID, which is stored depends on
    // which arrives first: on SQLite the order they were sent in, on
    // PostgreSQL whichever connection commits first.
    let sorted = |mut pair: Vec<&'static str>| {
        pair.sort();
        pair
    };
    assert_eq!(sorted(vec![kinds[0], kinds[1]]), ["created", "repeated"]);
    assert_eq!(sorted(vec![kinds[5], kinds[6]]), ["created", "different"]);
    assert_eq!(kinds[2], "created");
    assert_eq!(outcomes[3], Some(SubmitOutcome::DifferentXml));
    assert_eq!(
        outcomes[4],
        Some(SubmitOutcome::Repeated {
            id: held_id.clone(),
            added_files: 1
        })
    );
    assert_eq!(kinds[8], "created");
    assert_eq!(kinds[9], "created");
    if sqlite {
        assert_eq!(outcomes[0], Some(SubmitOutcome::Created(ids[0].clone())));
        assert_eq!(
            outcomes[1],
            Some(SubmitOutcome::Repeated {
                id: ids[0].clone(),
                added_files: 0
            })
        );
        assert_eq!(kinds[5..7], ["created", "different"]);
        // In one group, the edit comes after the submission it edits.
        assert_eq!(outcomes[7], Some(SubmitOutcome::Edited(ids[0].clone())));
    } else {
        assert!(
            ["edited", "deprecated-unknown"].contains(&kinds[7]),
            "{:?}",
            outcomes[7]
        );
    }

    // held, first, twin, clash, doubled, awaited.
    assert_eq!(count(&app).await, 6);
    let list = listed(&app, None).await;
    let by_instance = |instance: &str| {
        list.iter()
            .find(|s| s.instance_id == instance)
            .unwrap_or_else(|| panic!("{instance} is listed"))
    };
    let files = |instance: &str| {
        let s = by_instance(instance);
        (s.files_present, s.files_expected)
    };
    assert_eq!(files("uuid:held"), (1, 1));
    assert_eq!(files("uuid:twin"), (1, 1));
    assert_eq!(files("uuid:doubled"), (1, 1));
    assert_eq!(files("uuid:awaited"), (0, 1));
    assert_eq!(
        by_instance("uuid:twin").device_id.as_deref(),
        Some("collect:group-test")
    );
    let doubled_files = app
        .store
        .submission_attachments(&by_instance("uuid:doubled").current_version_id)
        .await
        .unwrap();
    assert_eq!(
        doubled_files[0].blob.as_ref().map(|b| b.sha256.clone()),
        Some(content("photo D1").sha256)
    );
    let held_xml = app
        .store
        .submission_xml(&by_instance("uuid:held").current_version_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held_xml, held.as_bytes());
    if sqlite {
        // The edit's version is current and keeps the photo of the first.
        let edited = by_instance("uuid:first-edit");
        assert_eq!((edited.edits, edited.files_present), (1, 1));
    }

    // The sort values were stored with each new submission: sorting by the
    // waiting time orders them without reading anything later.
    let sorted = listed(
        &app,
        Some(SubmissionSort {
            column: SortColumn::Field("/data/waiting".into()),
            descending: false,
        }),
    )
    .await;
    let minutes: Vec<&str> = sorted.iter().map(|s| s.instance_id.as_str()).collect();
    assert_eq!(minutes[0], "uuid:twin");
    assert_eq!(minutes[1], "uuid:held");
    assert_eq!(minutes.last(), Some(&"uuid:awaited"));
    app.finish().await;
}

#[tokio::test]
async fn a_submission_the_database_refuses_in_a_group_leaves_the_others_stored() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, "1").await;
    let version = version(&app, &setup).await;
    let user = &setup.app_user;
    let good: Vec<NewSubmission> = (0..5)
        .map(|i| {
            let xml = waiting(&visit(&format!("uuid:good-{i}"), "1", None, None), i);
            submission(&version, user, &xml, &[])
        })
        .collect();
    // An app user no longer in the database: the row cannot be written.
    let orphan = submission(
        &version,
        &AppUserId::new(),
        &visit("uuid:orphan", "1", None, None),
        &[],
    );
    let mut group = good.clone();
    group.insert(2, orphan);
    let outcomes = submit_together(&app, group).await;
    assert_eq!(kind(&outcomes[2]), "error");
    for (outcome, submission) in outcomes.iter().filter(|o| o.is_ok()).zip(&good) {
        assert!(
            matches!(outcome, Ok(SubmitOutcome::Created(id)) if *id == submission.submission_id),
            "{outcome:?}"
        );
    }
    assert_eq!(count(&app).await, 5);
    let list = listed(&app, None).await;
    assert!(list.iter().all(|s| s.instance_id != "uuid:orphan"));
    app.finish().await;
}
