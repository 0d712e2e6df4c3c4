//! The vault's figures on a realistic load: the register scaled to 100,000
//! participants with an encrypted name and phone each, then the time to rotate
//! the data key over all of them, and to back the installation up and restore
//! it (with the sizes). Run with `cargo bench -p kolo --bench vault`.
//! `KOLO_BENCH_PARTICIPANTS` changes the count.

use std::time::Instant;

use kolo::backup::restore::RestoreSecret;
use kolo::backup::{create_backup, restore_backup};
use kolo::storage::open_store;
use kolo::vault::Vault;
use kolo_core::ids::new_id;
use kolo_core::participants::{
    Consents, NewParticipant, Nickname, ParticipantId, ParticipantProfile, Sealed, SealedPersonal,
    Uic,
};
use kolo_core::time::Timestamp;
use vault::{FieldContext, SecretString};

const BATCH: usize = 1_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = std::env::var("KOLO_BENCH_PARTICIPANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let store = open_store(&data, None).await?;
    let vault = Vault::open(&data)?;

    let started = Instant::now();
    let mut made = 0;
    while made < count {
        let batch: Vec<NewParticipant> = (made..(made + BATCH).min(count))
            .map(|i| participant(&vault, i))
            .collect::<anyhow::Result<_>>()?;
        made += batch.len();
        store
            .create_participants(&batch, &[], None, Timestamp::now())
            .await?;
    }
    let filled = started.elapsed();

    let started = Instant::now();
    let rotation = kolo::vault::rotation::rotate(&*store, &vault).await?;
    let rotated = started.elapsed();

    let backup_file = dir.path().join("kolo.backup");
    let passphrase = SecretString::new("a benchmark passphrase".to_owned());
    let started = Instant::now();
    let summary = create_backup(
        &*store,
        &vault,
        &data,
        &backup_file,
        Some(passphrase.clone()),
    )
    .await?;
    let backed_up = started.elapsed();
    let database_bytes = std::fs::metadata(data.join("kolo.db"))?.len();

    let started = Instant::now();
    let restored = restore_backup(
        &backup_file,
        Some(RestoreSecret::Passphrase(passphrase)),
        &dir.path().join("restored"),
        None,
    )
    .await?;
    let restore_time = started.elapsed();

    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| participants, each with an encrypted name and phone | {count} |");
    println!(
        "| filling the register (batches of {BATCH}, one transaction each) | {:.1} s |",
        filled.as_secs_f64()
    );
    println!(
        "| key rotation: values re-encrypted | {} |",
        rotation.reencrypted
    );
    println!(
        "| key rotation: time | {:.1} s ({:.1} µs a value) |",
        rotated.as_secs_f64(),
        rotated.as_secs_f64() * 1e6 / rotation.reencrypted.max(1) as f64
    );
    println!("| database file | {:.1} MB |", database_bytes as f64 / 1e6);
    println!("| backup: time | {:.1} s |", backed_up.as_secs_f64());
    println!(
        "| backup: file size | {:.1} MB ({} entries) |",
        summary.bytes as f64 / 1e6,
        summary.entries
    );
    println!(
        "| restore (verify, extract, verify the audit chain): time | {:.1} s ({} audit entries) |",
        restore_time.as_secs_f64(),
        restored.audit_entries
    );
    Ok(())
}

/// A fictional participant with an encrypted name and phone.
fn participant(vault: &Vault, i: usize) -> anyhow::Result<NewParticipant> {
    let id = ParticipantId(new_id());
    let seal = |column: &str, value: &str| -> anyhow::Result<Sealed> {
        Ok(Sealed(vault.encrypt_str(
            value,
            &FieldContext::new("participants", column, &id),
        )?))
    };
    Ok(NewParticipant {
        uic: Uic::parse(&format!("BENCH{i:06}")).ok_or_else(|| anyhow::anyhow!("a valid code"))?,
        uic_scheme: "bench".to_owned(),
        profile: ParticipantProfile {
            nickname: Nickname::parse(&format!("Учасниця {i}"))
                .ok_or_else(|| anyhow::anyhow!("a nickname"))?,
            oblast: None,
            group: None,
            gender: None,
            age_band: None,
        },
        consents: Consents {
            contact: true,
            certificate: true,
        },
        personal: SealedPersonal {
            real_name: Some(seal("real_name", &format!("Вигадана Учасниця №{i}"))?),
            phone: Some(seal("phone", &format!("+38050{i:07}"))?),
            messenger: None,
            phone_index: None,
        },
        id,
    })
}
