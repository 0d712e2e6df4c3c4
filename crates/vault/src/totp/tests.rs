use super::*;

/// The SHA-1 seed of RFC 6238, appendix B.
const RFC_SEED: &[u8] = b"12345678901234567890";

#[test]
fn codes_match_the_rfc_6238_sha1_test_vectors() {
    let vectors = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];
    let secret = TotpSecret::from_bytes(RFC_SEED).unwrap();
    for (time, expected) in vectors {
        assert_eq!(hotp(RFC_SEED, step_at(time), 8), expected, "T = {time}");
        // Six digits are the last six of the eight: the value modulo 10^6.
        assert_eq!(secret.code_at(time), expected[2..], "T = {time}");
        assert_eq!(
            verify(&secret, &expected[2..], time, None),
            Some(step_at(time))
        );
    }
}

#[test]
fn a_code_from_one_step_either_side_is_accepted_and_two_steps_are_not() {
    let secret = TotpSecret::generate();
    let now = 1_700_000_000;
    let step = step_at(now);
    assert_eq!(
        verify(&secret, &secret.code_at(now - 30), now, None),
        Some(step - 1)
    );
    assert_eq!(
        verify(&secret, &secret.code_at(now + 30), now, None),
        Some(step + 1)
    );
    assert_eq!(verify(&secret, &secret.code_at(now - 60), now, None), None);
    assert_eq!(verify(&secret, &secret.code_at(now + 60), now, None), None);
}

#[test]
fn a_code_cannot_be_used_twice() {
    let secret = TotpSecret::generate();
    let now = 1_700_000_000;
    let code = secret.code_at(now);
    let used = verify(&secret, &code, now, None).unwrap();
    assert_eq!(verify(&secret, &code, now, Some(used)), None);
    assert_eq!(verify(&secret, &code, now + 29, Some(used)), None);
    assert_eq!(
        verify(&secret, &secret.code_at(now + 30), now + 30, Some(used)),
        Some(used + 1)
    );
}

#[test]
fn an_older_code_is_refused_after_a_newer_one_was_used() {
    let secret = TotpSecret::generate();
    let now = 1_700_000_000;
    let newer = verify(&secret, &secret.code_at(now + 30), now, None).unwrap();
    assert_eq!(
        verify(&secret, &secret.code_at(now), now, Some(newer)),
        None
    );
}

#[test]
fn malformed_codes_are_refused() {
    let secret = TotpSecret::from_bytes(RFC_SEED).unwrap();
    for typed in ["", "28708", "2870820", "abcdef", "２８７０８２", "287 08x"] {
        assert_eq!(verify(&secret, typed, 59, None), None, "{typed:?}");
    }
    assert_eq!(verify(&secret, " 287 082 ", 59, None), Some(1));
}

#[test]
fn verification_at_the_start_of_time_does_not_underflow() {
    let secret = TotpSecret::from_bytes(RFC_SEED).unwrap();
    assert_eq!(verify(&secret, &secret.code_at(0), 0, None), Some(0));
    assert_eq!(verify(&secret, &secret.code_at(0), 0, Some(0)), None);
}

#[test]
fn a_generated_secret_round_trips_through_its_manual_key() {
    let secret = TotpSecret::generate();
    assert_eq!(secret.as_bytes().len(), SECRET_LEN);
    let typed = secret.to_base32();
    assert_eq!(typed.len(), 32);
    assert!(!typed.expose().contains('='));
    let spaced: String = typed
        .expose()
        .to_lowercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        TotpSecret::from_base32(&spaced).unwrap().as_bytes(),
        secret.as_bytes()
    );
}

#[test]
fn unusable_secrets_are_refused() {
    assert_eq!(
        TotpSecret::from_bytes(&[1; 10]).err(),
        Some(TotpError::BadLength(10))
    );
    assert_eq!(
        TotpSecret::from_bytes(&[1; 65]).err(),
        Some(TotpError::BadLength(65))
    );
    assert_eq!(
        TotpSecret::from_base32("not base32!").err(),
        Some(TotpError::NotBase32)
    );
}

#[test]
fn the_otpauth_url_names_issuer_and_account_and_carries_the_secret() {
    let secret = TotpSecret::from_bytes(RFC_SEED).unwrap();
    let url = secret.otpauth_url("Kolo Київ", "olena@example.org");
    assert_eq!(
        url.expose(),
        "otpauth://totp/Kolo%20%D0%9A%D0%B8%D1%97%D0%B2:olena%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=Kolo%20%D0%9A%D0%B8%D1%97%D0%B2&algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(format!("{url}"), "[redacted]");
    assert_eq!(format!("{secret:?}"), "TotpSecret([redacted])");
}
