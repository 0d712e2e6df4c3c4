use proptest::prelude::*;

use super::*;

fn cipher_with(active: u32, usable: &[(u32, &Key32)], retired: &[u32]) -> FieldCipher {
    FieldCipher::new(
        KeyId(active),
        usable.iter().map(|(id, key)| (KeyId(*id), *key)).collect(),
        retired.iter().map(|id| KeyId(*id)).collect(),
    )
}

fn phone_place() -> FieldContext {
    FieldContext::new("participant", "phone", 42)
}

#[test]
fn a_value_decrypts_at_the_place_it_was_encrypted_for() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let sealed = cipher.encrypt_str("+380 67 123 45 67", &phone_place());
    assert_eq!(
        cipher
            .decrypt_string(&sealed, &phone_place())
            .unwrap()
            .expose(),
        "+380 67 123 45 67"
    );
    assert_eq!(sealed.len(), "+380 67 123 45 67".len() + OVERHEAD);
}

#[test]
fn encrypting_the_same_value_twice_gives_different_bytes() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    assert_ne!(
        cipher.encrypt(b"same", &phone_place()),
        cipher.encrypt(b"same", &phone_place())
    );
}

#[test]
fn a_value_moved_to_another_row_column_or_table_fails_to_decrypt() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let sealed = cipher.encrypt(b"Oksana", &FieldContext::new("participant", "name", 7));
    for elsewhere in [
        FieldContext::new("participant", "name", 8),
        FieldContext::new("participant", "nickname", 7),
        FieldContext::new("staff", "name", 7),
    ] {
        assert_eq!(
            cipher.decrypt(&sealed, &elsewhere),
            Err(FieldError::AuthenticationFailed {
                key: KeyId(1),
                context: elsewhere.clone()
            })
        );
    }
}

#[test]
fn context_parts_cannot_be_shifted_into_each_other() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let sealed = cipher.encrypt(b"x", &FieldContext::new("ab", "c", 1));
    assert!(
        cipher
            .decrypt(&sealed, &FieldContext::new("a", "bc", 1))
            .is_err()
    );
    let sealed = cipher.encrypt(b"x", &FieldContext::new("t", "c", "12"));
    assert!(
        cipher
            .decrypt(&sealed, &FieldContext::new("t", "c1", "2"))
            .is_err()
    );
}

#[test]
fn a_value_decrypts_only_with_its_own_key() {
    let (mine, theirs) = (Key32::random(), Key32::random());
    let sealed = cipher_with(1, &[(1, &mine)], &[]).encrypt(b"secret", &phone_place());
    let other_installation = cipher_with(1, &[(1, &theirs)], &[]);
    assert!(matches!(
        other_installation.decrypt(&sealed, &phone_place()),
        Err(FieldError::AuthenticationFailed { key: KeyId(1), .. })
    ));
}

#[test]
fn a_shortened_value_is_refused() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let sealed = cipher.encrypt(b"narrative", &phone_place());
    assert!(matches!(
        cipher.decrypt(&sealed[..sealed.len() - 1], &phone_place()),
        Err(FieldError::AuthenticationFailed { .. })
    ));
    assert_eq!(
        cipher.decrypt(&sealed[..10], &phone_place()),
        Err(FieldError::Truncated { len: 10 })
    );
    assert_eq!(
        cipher.decrypt(b"", &phone_place()),
        Err(FieldError::NotEncrypted { len: 0 })
    );
}

#[test]
fn plain_text_stored_by_mistake_is_reported_as_not_encrypted() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let error = cipher
        .decrypt(b"+380671234567", &phone_place())
        .unwrap_err();
    assert_eq!(error, FieldError::NotEncrypted { len: 13 });
    assert!(error.to_string().contains("plain text"));
    let long_text = "a narrative typed straight into the database by someone".as_bytes();
    assert_eq!(
        cipher.decrypt(long_text, &phone_place()),
        Err(FieldError::NotEncrypted {
            len: long_text.len()
        })
    );
}

#[test]
fn an_unknown_format_version_is_named() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let mut sealed = cipher.encrypt(b"x", &phone_place());
    sealed[0] = 2;
    assert_eq!(
        cipher.decrypt(&sealed, &phone_place()),
        Err(FieldError::UnsupportedVersion(2))
    );
    assert_eq!(
        cipher.decrypt(&[0x00], &phone_place()),
        Err(FieldError::UnsupportedVersion(0))
    );
    let cyrillic = "Оксана".as_bytes();
    assert_eq!(
        cipher.decrypt(cyrillic, &phone_place()),
        Err(FieldError::NotEncrypted {
            len: cyrillic.len()
        })
    );
}

#[test]
fn values_under_unknown_or_retired_keys_name_the_key() {
    let (k1, k2) = (Key32::random(), Key32::random());
    let sealed_k1 = cipher_with(1, &[(1, &k1)], &[]).encrypt(b"x", &phone_place());
    let after_retirement = cipher_with(2, &[(2, &k2)], &[1]);
    assert_eq!(
        after_retirement.decrypt(&sealed_k1, &phone_place()),
        Err(FieldError::RetiredKey(KeyId(1)))
    );
    let sealed_k2 = after_retirement.encrypt(b"x", &phone_place());
    let older_snapshot = cipher_with(1, &[(1, &k1)], &[]);
    assert_eq!(
        older_snapshot.decrypt(&sealed_k2, &phone_place()),
        Err(FieldError::UnknownKey(KeyId(2)))
    );
}

#[test]
fn rotation_moves_a_value_to_the_active_key_and_keeps_its_place() {
    let (k1, k2) = (Key32::random(), Key32::random());
    let before = cipher_with(1, &[(1, &k1)], &[]);
    let sealed = before.encrypt(b"Kyiv, 2024: narrative", &phone_place());
    let during = cipher_with(2, &[(1, &k1), (2, &k2)], &[]);
    assert_eq!(key_id_of(&sealed), Ok(KeyId(1)));
    assert!(during.needs_rotation(&sealed));
    let rotated = during.reencrypt(&sealed, &phone_place()).unwrap();
    assert_eq!(key_id_of(&rotated), Ok(KeyId(2)));
    assert!(!during.needs_rotation(&rotated));
    let after = cipher_with(2, &[(2, &k2)], &[1]);
    assert_eq!(
        after.decrypt(&rotated, &phone_place()).unwrap().as_slice(),
        b"Kyiv, 2024: narrative"
    );
    assert!(
        during
            .reencrypt(&sealed, &FieldContext::new("participant", "phone", 43))
            .is_err()
    );
}

#[test]
fn unreadable_values_are_offered_to_rotation_so_it_reports_them() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    assert!(cipher.needs_rotation(b"\x01\x00\x00"));
    assert_eq!(
        cipher.reencrypt(b"\x01\x00\x00", &phone_place()),
        Err(FieldError::Truncated { len: 3 })
    );
    assert!(cipher.needs_rotation(b"plain text"));
}

#[test]
fn bytes_that_are_not_text_are_refused_as_a_string() {
    let key = Key32::random();
    let cipher = cipher_with(1, &[(1, &key)], &[]);
    let sealed = cipher.encrypt(&[0xff, 0x00], &phone_place());
    assert_eq!(
        cipher.decrypt_string(&sealed, &phone_place()).unwrap_err(),
        FieldError::NotText(phone_place())
    );
}

#[test]
fn key_ids_are_written_and_read_as_k_and_a_number() {
    assert_eq!(KeyId(12).to_string(), "k12");
    assert_eq!("k12".parse(), Ok(KeyId(12)));
    for bad in ["12", "k", "k-1", "k01", "K1", "k1 ", "k99999999999"] {
        assert!(bad.parse::<KeyId>().is_err(), "{bad}");
    }
}

#[test]
fn the_cipher_debug_output_names_keys_but_shows_no_key_material() {
    let key = Key32::from_bytes([0xab; 32]);
    let debug = format!("{:?}", cipher_with(1, &[(1, &key)], &[]));
    assert!(debug.contains("KeyId(1)"));
    assert!(!debug.to_lowercase().contains("ab, ab") && !debug.contains("171"));
}

proptest! {
    #[test]
    fn any_value_round_trips_at_any_place(
        plaintext in proptest::collection::vec(any::<u8>(), 0..512),
        table in "[a-z_]{1,12}", column in "[a-z_]{1,12}", row in any::<u64>(),
    ) {
        let key = Key32::from_bytes([3; 32]);
        let cipher = cipher_with(5, &[(5, &key)], &[]);
        let place = FieldContext::new(&table, &column, row);
        let sealed = cipher.encrypt(&plaintext, &place);
        prop_assert_eq!(key_id_of(&sealed), Ok(KeyId(5)));
        let opened = cipher.decrypt(&sealed, &place).unwrap();
        prop_assert_eq!(opened.as_slice(), plaintext.as_slice());
    }

    #[test]
    fn flipping_any_bit_makes_decryption_fail(
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        position in any::<prop::sample::Index>(), bit in 0u8..8,
    ) {
        let key = Key32::from_bytes([4; 32]);
        let cipher = cipher_with(1, &[(1, &key)], &[]);
        let mut sealed = cipher.encrypt(&plaintext, &phone_place());
        let at = position.index(sealed.len());
        sealed[at] ^= 1 << bit;
        prop_assert!(cipher.decrypt(&sealed, &phone_place()).is_err());
    }
}
