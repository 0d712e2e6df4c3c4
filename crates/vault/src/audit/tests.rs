use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::keys::ServerKey;

fn log_of(len: u64) -> Vec<StoredEntry> {
    let mut head = ChainHead::EMPTY;
    let mut log = Vec::new();
    for i in 0..len {
        let stored = head.append(NewEntry {
            at_unix_ms: 1_700_000_000_000 + i as i64 * 1000,
            actor: format!("user:{}", i % 3),
            action: if i % 2 == 0 {
                "login".to_owned()
            } else {
                "record.special.read".to_owned()
            },
            target: format!("case:{i}"),
            address: Some(truncate_address("203.0.113.77".parse().unwrap())),
            details: AuditDetails::new(&json!({"attempt": i})).unwrap(),
        });
        head = stored.head();
        log.push(stored);
    }
    log
}

fn broken(seq: u64, reason: BreakReason) -> Result<ChainHead, BrokenLink> {
    Err(BrokenLink { seq, reason })
}

#[test]
fn an_untouched_log_verifies_to_its_last_entry() {
    let log = log_of(10);
    assert_eq!(verify_chain(log.clone()), Ok(log[9].head()));
    assert_eq!(verify_chain(Vec::new()), Ok(ChainHead::EMPTY));
    assert_eq!(log[0].prev_hash, ChainHash::GENESIS);
    assert_eq!(log[0].entry.address.as_deref(), Some("203.0.113.0/24"));
}

#[test]
fn an_edited_entry_is_named() {
    let mut log = log_of(10);
    log[4].entry.action = "login.failed".to_owned();
    assert_eq!(verify_chain(log), broken(5, BreakReason::ContentChanged));
}

#[test]
fn an_edited_and_rehashed_entry_is_caught_by_the_next_one() {
    let mut log = log_of(10);
    log[4].entry.target = "case:other".to_owned();
    log[4].hash = entry_hash(&log[4].prev_hash, &log[4].entry);
    assert_eq!(
        verify_chain(log),
        broken(6, BreakReason::PreviousChanged { previous: 5 })
    );
}

#[test]
fn a_deleted_entry_is_named() {
    let mut log = log_of(10);
    log.remove(6);
    assert_eq!(
        verify_chain(log.clone()),
        broken(7, BreakReason::Missing { first: 7, last: 7 })
    );
    log.drain(2..4);
    assert_eq!(
        verify_chain(log),
        broken(3, BreakReason::Missing { first: 3, last: 4 })
    );
}

#[test]
fn deleting_the_first_entries_is_detected() {
    let mut log = log_of(5);
    log.remove(0);
    assert_eq!(
        verify_chain(log),
        broken(1, BreakReason::Missing { first: 1, last: 1 })
    );
}

#[test]
fn reordered_entries_are_named() {
    let mut log = log_of(10);
    log.swap(3, 4);
    assert_eq!(
        verify_chain(log),
        broken(5, BreakReason::OutOfOrder { after: 3 })
    );
}

#[test]
fn swapping_sequence_numbers_in_place_is_detected() {
    let mut log = log_of(10);
    let (a, b) = (log[3].entry.seq, log[4].entry.seq);
    log[3].entry.seq = b;
    log[4].entry.seq = a;
    log.sort_by_key(|s| s.entry.seq);
    assert!(verify_chain(log).is_err_and(|e| e.seq == 4));
}

#[test]
fn a_duplicated_entry_is_named() {
    let mut log = log_of(5);
    log.insert(3, log[2].clone());
    assert_eq!(
        verify_chain(log),
        broken(3, BreakReason::OutOfOrder { after: 3 })
    );
}

#[test]
fn a_replaced_beginning_is_detected() {
    let mut log = log_of(3);
    log[0].prev_hash = ChainHash::from_bytes([1; 32]);
    assert_eq!(verify_chain(log), broken(1, BreakReason::NotTheFirst));
}

#[test]
fn a_deleted_tail_is_detected_with_the_head_file() {
    let log = log_of(10);
    let recorded = log[9].head();
    let cut: Vec<_> = log[..7].to_vec();
    assert_eq!(
        verify_chain(cut.clone()),
        Ok(log[6].head()),
        "the cut log is consistent on its own"
    );
    assert_eq!(
        verify_chain_with_head(ChainHead::EMPTY, recorded, cut),
        Err(BrokenLink {
            seq: 8,
            reason: BreakReason::TailDeleted {
                last: 7,
                recorded: 10
            }
        })
    );
    assert_eq!(
        verify_chain_with_head(ChainHead::EMPTY, recorded, Vec::new()),
        Err(BrokenLink {
            seq: 1,
            reason: BreakReason::TailDeleted {
                last: 0,
                recorded: 10
            }
        })
    );
}

#[test]
fn a_log_rewritten_consistently_is_detected_with_the_head_file() {
    let log = log_of(10);
    let recorded = log[9].head();
    let mut forged: Vec<_> = log[..5].to_vec();
    let mut head = forged[4].head();
    for original in &log[5..] {
        let mut entry = original.entry.clone();
        entry.actor = "user:innocent".to_owned();
        let hash = entry_hash(&head.hash, &entry);
        forged.push(StoredEntry {
            entry,
            prev_hash: head.hash,
            hash,
        });
        head = forged.last().unwrap().head();
    }
    assert!(verify_chain(forged.clone()).is_ok());
    assert_eq!(
        verify_chain_with_head(ChainHead::EMPTY, recorded, forged),
        Err(BrokenLink {
            seq: 10,
            reason: BreakReason::DiffersFromHeadFile
        })
    );
}

#[test]
fn entries_after_the_head_file_are_counted() {
    let log = log_of(10);
    let verified = verify_chain_with_head(ChainHead::EMPTY, log[8].head(), log.clone()).unwrap();
    assert_eq!(
        verified,
        Verified {
            head: log[9].head(),
            beyond_head_file: 1
        }
    );
    let verified = verify_chain_with_head(ChainHead::EMPTY, log[9].head(), log).unwrap();
    assert_eq!(verified.beyond_head_file, 0);
}

#[test]
fn a_log_shortened_by_retention_verifies_from_its_checkpoint() {
    let log = log_of(10);
    let checkpoint = log[3].head();
    let kept: Vec<_> = log[4..].to_vec();
    assert!(
        verify_chain(kept.clone()).is_err(),
        "without the checkpoint the start looks deleted"
    );
    let verified = verify_chain_with_head(checkpoint, log[9].head(), kept.clone()).unwrap();
    assert_eq!(verified.head, log[9].head());
    let wrong_checkpoint = ChainHead {
        seq: 4,
        hash: ChainHash::from_bytes([9; 32]),
    };
    assert_eq!(
        verify_chain_with_head(wrong_checkpoint, log[9].head(), kept),
        Err(BrokenLink {
            seq: 5,
            reason: BreakReason::PreviousChanged { previous: 4 }
        })
    );
}

#[test]
fn broken_links_read_as_sentences() {
    let error = BrokenLink {
        seq: 7,
        reason: BreakReason::Missing { first: 7, last: 9 },
    };
    assert_eq!(
        error.to_string(),
        "audit log broken at entry 7: entries 7 to 9 are missing (deleted)"
    );
}

#[test]
fn the_head_file_round_trips_and_refuses_edits_and_other_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.head");
    let key = ServerKey::for_tests(5);
    assert!(matches!(
        read_head(&path, &key),
        Err(HeadError::Missing { .. })
    ));
    let head = log_of(3)[2].head();
    write_head(&path, &head, &key).unwrap();
    assert_eq!(read_head(&path, &key).unwrap(), head);
    assert!(matches!(
        read_head(&path, &ServerKey::for_tests(6)),
        Err(HeadError::Forged { .. })
    ));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("seq 3", "seq 2")).unwrap();
    assert!(matches!(
        read_head(&path, &key),
        Err(HeadError::Forged { .. })
    ));
    std::fs::write(&path, "seq 3\n").unwrap();
    assert!(matches!(
        read_head(&path, &key),
        Err(HeadError::Malformed { .. })
    ));
    std::fs::write(&path, text.replace("hash ", "hash zz")).unwrap();
    assert!(matches!(
        read_head(&path, &key),
        Err(HeadError::Malformed {
            detail: "bad `hash` line",
            ..
        })
    ));
}

#[derive(Debug, Clone)]
enum Tamper {
    Edit(usize),
    Delete(usize),
    Swap(usize),
}

proptest! {
    #[test]
    fn any_single_edit_deletion_or_swap_is_found_at_or_next_to_its_place(
        len in 2u64..40, tamper in prop_oneof![
            any::<prop::sample::Index>().prop_map(|i| Tamper::Edit(i.index(usize::MAX))),
            any::<prop::sample::Index>().prop_map(|i| Tamper::Delete(i.index(usize::MAX))),
            any::<prop::sample::Index>().prop_map(|i| Tamper::Swap(i.index(usize::MAX))),
        ],
    ) {
        let mut log = log_of(len);
        let recorded = log.last().unwrap().head();
        let n = log.len();
        let place = match tamper {
            Tamper::Edit(i) => { let i = i % n; log[i].entry.at_unix_ms += 1; i as u64 + 1 }
            Tamper::Delete(i) => { let i = i % n; log.remove(i); i as u64 + 1 }
            Tamper::Swap(i) => { let i = i % (n - 1); log.swap(i, i + 1); i as u64 + 1 }
        };
        let error = verify_chain_with_head(ChainHead::EMPTY, recorded, log).unwrap_err();
        prop_assert!(error.seq == place || error.seq == place + 1, "{error} for tamper at {place}");
    }
}
