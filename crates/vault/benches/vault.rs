//! Benchmarks of the vault's costs, reported as medians.
//!
//! Run with `cargo bench -p kolo-vault`. Each figure is the median of several samples; a
//! sample times a batch of operations, so clock resolution does not matter. Nothing here is
//! asserted: the figures go to docs/PERFORMANCE.md with the machine and the date.

use std::hint::black_box;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use vault::audit::{AuditDetails, ChainHead, NewEntry, truncate_address, verify_chain};
use vault::backup::{BackupSecret, BackupWriter, verify};
use vault::blind::{BlindIndex, normalise};
use vault::keys::{KeyRing, LoadedKeys, Protection};
use vault::totp::{TotpSecret, verify as verify_totp};
use vault::{FieldContext, KdfParams, SecretString};

fn main() {
    let data = tempfile::tempdir().expect("a temporary directory for the key ring");
    let mut ring =
        KeyRing::create(&data.path().join("keys"), Protection::KeyFile).expect("a new key ring");
    println!("kolo-vault benchmarks (medians)");
    field_values(&ring);
    rotation(&mut ring);
    blind_index(&ring);
    totp();
    audit_chain();
    backups(&ring);
    unlock(data.path());
}

fn field_values(ring: &KeyRing) {
    let cipher = ring.field_cipher();
    let place = FieldContext::new(
        "participant",
        "phone",
        "9f2c1e7a-0b4d-4c55-8a61-2f0e4b1c9d33",
    );
    let phone = b"+380 67 123 45 67 (Viber only)"; // 30 bytes
    let narrative = narrative(2048);
    for (label, value) in [
        ("30-byte phone", &phone[..]),
        ("2 KB narrative", &narrative[..]),
    ] {
        let sealed = cipher.encrypt(value, &place);
        let encrypt = per_op(21, 2000, || {
            black_box(cipher.encrypt(black_box(value), &place));
        });
        let decrypt = per_op(21, 2000, || {
            black_box(
                cipher
                    .decrypt(black_box(&sealed), &place)
                    .expect("decrypts"),
            );
        });
        println!("field encrypt, {label}: {}", micros(encrypt));
        println!("field decrypt, {label}: {}", micros(decrypt));
    }
}

fn rotation(ring: &mut KeyRing) {
    const VALUES: usize = 100_000;
    let before = ring.field_cipher();
    let places: Vec<FieldContext> = (0..VALUES)
        .map(|i| FieldContext::new("participant", if i % 2 == 0 { "phone" } else { "name" }, i))
        .collect();
    let stored: Vec<Vec<u8>> = places
        .iter()
        .enumerate()
        .map(|(i, place)| {
            before.encrypt(
                format!("+380 67 {:03} {:02} {:02}", i % 1000, i % 97, i % 89).as_bytes(),
                place,
            )
        })
        .collect();
    ring.add_data_key().expect("a new data key");
    let after = ring.field_cipher();
    let times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut rotated = 0usize;
            for (value, place) in stored.iter().zip(&places) {
                if after.needs_rotation(value) {
                    black_box(after.reencrypt(value, place).expect("re-encrypts"));
                    rotated += 1;
                }
            }
            assert_eq!(rotated, VALUES);
            start.elapsed()
        })
        .collect();
    println!(
        "re-encrypt {VALUES} short values to a new key (crypto only, no database): {}",
        millis(median(times))
    );
}

fn blind_index(ring: &KeyRing) {
    let phones = BlindIndex::new(ring, "participant.phone", normalise::ua_phone);
    let time = per_op(21, 5000, || {
        black_box(phones.index(black_box("+380 (67) 123-45-67")));
    });
    println!("blind index of a phone: {}", micros(time));
}

fn totp() {
    let secret = TotpSecret::generate();
    let now = 1_700_000_000;
    let code = secret.code_at(now);
    let time = per_op(21, 2000, || {
        black_box(verify_totp(&secret, black_box(&code), now, None));
    });
    println!("TOTP verify (3 candidate steps): {}", micros(time));
}

fn audit_chain() {
    const ENTRIES: u64 = 100_000;
    let mut head = ChainHead::EMPTY;
    let mut log = Vec::with_capacity(ENTRIES as usize);
    let append_start = Instant::now();
    for i in 0..ENTRIES {
        let stored = head.append(NewEntry {
            at_unix_ms: 1_700_000_000_000 + i as i64,
            actor: format!("user:{}", i % 40),
            action: "record.special.read".to_owned(),
            target: format!("case:{i}"),
            address: Some(truncate_address(
                "203.0.113.77".parse().expect("an address"),
            )),
            details: AuditDetails::none(),
        });
        head = stored.head();
        log.push(stored);
    }
    let append = append_start.elapsed();
    let times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(verify_chain(log.iter().cloned()).expect("an intact chain"));
            start.elapsed()
        })
        .collect();
    println!(
        "audit: append {ENTRIES} entries (hashing only): {}",
        millis(append)
    );
    println!(
        "audit: verify a chain of {ENTRIES} entries: {}",
        millis(median(times))
    );
}

fn backups(ring: &KeyRing) {
    const SIZE: u64 = 64 * 1024 * 1024;
    let key = ring.backup_key();
    for (label, make) in [
        (
            "text-like (compresses)",
            TextLike::boxed as fn(u64) -> Box<dyn Read>,
        ),
        (
            "random (does not compress, like ciphertext or photos)",
            Noise::boxed as fn(u64) -> Box<dyn Read>,
        ),
    ] {
        let mut written = Vec::new();
        let write_times: Vec<Duration> = (0..3)
            .map(|_| {
                let start = Instant::now();
                let mut writer =
                    BackupWriter::new(Vec::with_capacity(SIZE as usize), key).expect("a writer");
                writer
                    .add_entry("kolo.sqlite", make(SIZE))
                    .expect("an entry");
                written = writer.finish().expect("a finished backup").0;
                start.elapsed()
            })
            .collect();
        let verify_times: Vec<Duration> = (0..3)
            .map(|_| {
                let start = Instant::now();
                black_box(verify(written.as_slice(), BackupSecret::Key(key)).expect("verifies"));
                start.elapsed()
            })
            .collect();
        let mb = SIZE as f64 / 1e6;
        println!(
            "backup write, 64 MiB {label}: {:.0} MB/s, file {:.1} MB ({:.0}% of input)",
            mb / median(write_times).as_secs_f64(),
            written.len() as f64 / 1e6,
            written.len() as f64 * 100.0 / SIZE as f64
        );
        println!(
            "backup verify, 64 MiB {label}: {:.0} MB/s",
            mb / median(verify_times).as_secs_f64()
        );
    }
}

fn unlock(data: &std::path::Path) {
    let keys = data.join("locked-keys");
    let passphrase = SecretString::from("a passphrase long enough");
    KeyRing::create(
        &keys,
        Protection::Passphrase {
            passphrase: passphrase.clone(),
            params: KdfParams::RECOMMENDED,
        },
    )
    .expect("a passphrase key ring");
    let times: Vec<Duration> = (0..3)
        .map(|_| {
            let LoadedKeys::Locked(locked) = KeyRing::load(&keys).expect("loads") else {
                unreachable!("a passphrase ring loads locked")
            };
            let start = Instant::now();
            black_box(locked.unlock(&passphrase).expect("unlocks"));
            start.elapsed()
        })
        .collect();
    println!(
        "unlock with passphrase (Argon2id {} MiB, {} passes): {}",
        KdfParams::RECOMMENDED.memory_kib / 1024,
        KdfParams::RECOMMENDED.iterations,
        millis(median(times))
    );
}

/// Median time per operation over `samples` batches of `batch` operations.
fn per_op(samples: usize, batch: u32, mut operation: impl FnMut()) -> Duration {
    for _ in 0..batch / 10 {
        operation();
    }
    let times = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                operation();
            }
            start.elapsed() / batch
        })
        .collect();
    median(times)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn micros(time: Duration) -> String {
    format!("{:.2} µs", time.as_secs_f64() * 1e6)
}

fn millis(time: Duration) -> String {
    format!("{:.0} ms", time.as_secs_f64() * 1e3)
}

fn narrative(len: usize) -> Vec<u8> {
    "Вона розповіла, що в березні двоє чоловіків у формі зупинили її біля вокзалу. "
        .bytes()
        .cycle()
        .take(len)
        .collect()
}

/// Rows of a table as text, like a database dump: compresses about 4 to 1.
struct TextLike {
    remaining: u64,
    row: u64,
    pending: Vec<u8>,
}

impl TextLike {
    fn boxed(size: u64) -> Box<dyn Read> {
        Box::new(Self {
            remaining: size,
            row: 0,
            pending: Vec::new(),
        })
    }
}

impl Read for TextLike {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.row += 1;
            self.pending = format!(
                "{}|UIC-{:06}|nick{}|2024-0{}-1{}|event {}|score {}|consent yes\n",
                self.row,
                self.row * 7919 % 1_000_000,
                self.row % 5000,
                self.row % 9 + 1,
                self.row % 10,
                self.row % 300,
                self.row % 100
            )
            .into_bytes();
        }
        let n = buf
            .len()
            .min(self.pending.len())
            .min(self.remaining as usize);
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Pseudo-random bytes: the worst case for compression.
struct Noise {
    remaining: u64,
    state: u64,
}

impl Noise {
    fn boxed(size: u64) -> Box<dyn Read> {
        Box::new(Self {
            remaining: size,
            state: 0x9E37_79B9_7F4A_7C15,
        })
    }
}

impl Read for Noise {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.remaining as usize);
        for chunk in buf[..n].chunks_mut(8) {
            // xorshift64*: fast and incompressible enough for a benchmark.
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            let word = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}
