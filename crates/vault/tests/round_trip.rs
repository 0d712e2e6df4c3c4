//! The vault's pieces used together, as the server will: keys, fields, blind index, audit
//! chain with its head file, then a passphrase backup restored on "another machine".

use std::fs;

use vault::audit::{
    AuditDetails, ChainHead, NewEntry, StoredEntry, read_head, truncate_address,
    verify_chain_with_head, write_head,
};
use vault::backup::{BackupSecret, BackupWriter, restore_into};
use vault::blind::{BlindIndex, normalise};
use vault::keys::{KeyRing, Protection};
use vault::{FieldContext, KdfParams, SecretString};

/// Cheap Argon2id parameters: the test is about the flow, not the cost.
const FAST_KDF: KdfParams = KdfParams {
    memory_kib: 256,
    iterations: 1,
    parallelism: 1,
};

struct Row {
    id: String,
    phone: Vec<u8>,
    phone_index: [u8; 32],
    narrative: Vec<u8>,
}

#[test]
fn records_and_audit_survive_a_passphrase_backup_restored_on_a_new_machine() {
    let old_machine = tempfile::tempdir().unwrap();
    let data = old_machine.path().join("data");
    fs::create_dir(&data).unwrap();
    let ring = KeyRing::create(&data.join("keys"), Protection::KeyFile).unwrap();
    let cipher = ring.field_cipher();
    let phones = BlindIndex::new(&ring, "participant.phone", normalise::ua_phone);

    let rows: Vec<Row> = [("p-1", "+380 67 111 22 33"), ("p-2", "050 444 55 66")]
        .into_iter()
        .map(|(id, phone)| Row {
            id: id.to_owned(),
            phone: cipher.encrypt_str(phone, &FieldContext::new("participant", "phone", id)),
            phone_index: *phones.index(phone).unwrap().as_bytes(),
            narrative: cipher.encrypt_str(
                "Narrative: stopped near the station",
                &FieldContext::new("case", "narrative", id),
            ),
        })
        .collect();
    let database = encode_rows(&rows);

    let mut head = ChainHead::EMPTY;
    let mut log: Vec<StoredEntry> = Vec::new();
    for (action, target) in [
        ("login", "user:1"),
        ("record.special.read", "case:p-1"),
        ("backup", "system"),
    ] {
        let stored = head.append(NewEntry {
            at_unix_ms: 1_700_000_000_000,
            actor: "user:1".to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            address: Some(truncate_address("198.51.100.23".parse().unwrap())),
            details: AuditDetails::none(),
        });
        head = stored.head();
        write_head(&data.join("audit.head"), &head, ring.server_key()).unwrap();
        log.push(stored);
    }
    for needle in ["111 22 33", "444 55 66", "station"] {
        assert!(
            !contains(&database, needle.as_bytes()),
            "{needle} is in the database in clear"
        );
    }

    let backup_passphrase = SecretString::from("correct horse battery staple");
    let mut writer =
        BackupWriter::with_passphrase(Vec::new(), &backup_passphrase, FAST_KDF).unwrap();
    writer.add_entry("kolo.db", database.as_slice()).unwrap();
    writer
        .add_entry(
            "audit.head",
            fs::File::open(data.join("audit.head")).unwrap(),
        )
        .unwrap();
    // The whole key directory goes in, so the backup restores without the old machine.
    for name in ["master.key", "data.keys", "server.key", "backup.key"] {
        writer
            .add_entry(
                &format!("keys/{name}"),
                fs::File::open(data.join("keys").join(name)).unwrap(),
            )
            .unwrap();
    }
    let (backup, manifest) = writer.finish().unwrap();

    let new_machine = tempfile::tempdir().unwrap();
    let file = new_machine.path().join("nightly.kolo");
    fs::write(&file, &backup).unwrap();
    let restored_dir = new_machine.path().join("data");
    let restored = restore_into(
        &file,
        BackupSecret::Passphrase(&backup_passphrase),
        &restored_dir,
    )
    .unwrap();
    assert_eq!(restored, manifest);

    let ring = KeyRing::open(&restored_dir.join("keys"), None).unwrap();
    let cipher = ring.field_cipher();
    let rows = decode_rows(&fs::read(restored_dir.join("kolo.db")).unwrap());
    let phone = cipher
        .decrypt_string(
            &rows[1].phone,
            &FieldContext::new("participant", "phone", &rows[1].id),
        )
        .unwrap();
    assert_eq!(phone.expose(), "050 444 55 66");
    let phones = BlindIndex::new(&ring, "participant.phone", normalise::ua_phone);
    assert_eq!(
        phones.index("+380504445566").map(|i| *i.as_bytes()),
        Some(rows[1].phone_index)
    );
    let narrative = cipher
        .decrypt_string(
            &rows[0].narrative,
            &FieldContext::new("case", "narrative", "p-1"),
        )
        .unwrap();
    assert_eq!(narrative.expose(), "Narrative: stopped near the station");

    let recorded = read_head(&restored_dir.join("audit.head"), ring.server_key()).unwrap();
    let verified = verify_chain_with_head(ChainHead::EMPTY, recorded, log).unwrap();
    assert_eq!(verified.head, head);
    assert_eq!(verified.beyond_head_file, 0);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A stand-in for the database file: length-prefixed columns.
fn encode_rows(rows: &[Row]) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows {
        for column in [
            row.id.as_bytes(),
            &row.phone,
            &row.phone_index,
            &row.narrative,
        ] {
            out.extend_from_slice(&(column.len() as u32).to_be_bytes());
            out.extend_from_slice(column);
        }
    }
    out
}

fn decode_rows(mut bytes: &[u8]) -> Vec<Row> {
    fn take(bytes: &mut &[u8]) -> Vec<u8> {
        let len = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        let column = bytes[4..4 + len].to_vec();
        *bytes = &bytes[4 + len..];
        column
    }
    let mut rows = Vec::new();
    while !bytes.is_empty() {
        let id = String::from_utf8(take(&mut bytes)).unwrap();
        let phone = take(&mut bytes);
        let phone_index = take(&mut bytes).try_into().unwrap();
        let narrative = take(&mut bytes);
        rows.push(Row {
            id,
            phone,
            phone_index,
            narrative,
        });
    }
    rows
}
