//! Keys held outside the crate (a KMS, an HSM, a non-extractable WebCrypto key): the crate builds
//! the signing input, the signer returns only the signature, and `UnsignedJwt::assemble` lets a
//! JWT exist only when that signature is one RSA signature that verifies under the public key
//! with the header's algorithm. Here the "outside" signer is the test's own key, used directly.

use crate::fixtures::*;
use govuk_one_login_tokens::onelogin::{
    client_assertion_input, sign_client_assertion, ClientAssertionOptions, Environment,
    RsaSigningKey, ServicePublicKey, SigningAlgorithm, UnsignedJwt, WebCryptoSigning,
};
use govuk_one_login_tokens::{jwt, Error, ErrorCode, SignerFailureReason};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
use serde_json::{json, Value};
use sha2::{Sha256, Sha512};

const NOW_SECS: u64 = 1_700_000_000;

fn public_key() -> Result<ServicePublicKey, Error> {
    ServicePublicKey::from_jwk(&RsaKey::shared().jwk(Some("kms-key-1")).to_string())
}

fn assertion(alg: SigningAlgorithm) -> Result<UnsignedJwt, Error> {
    let mut options =
        ClientAssertionOptions::new(CLIENT_ID, Environment::Integration.token_url(), NOW_SECS);
    options.alg = alg;
    client_assertion_input(&public_key()?, &options)
}

/// What a KMS answers for RSASSA_PKCS1_V1_5_SHA_256 over `message`.
fn pkcs1_sha256(message: &[u8]) -> Vec<u8> {
    rsa::pkcs1v15::SigningKey::<Sha256>::new(RsaKey::shared().private.clone())
        .sign(message)
        .to_vec()
}

fn signer_reason(
    result: Result<impl std::fmt::Debug, Error>,
) -> Option<(ErrorCode, Option<SignerFailureReason>)> {
    result.err().map(|e| (e.code(), e.signer_reason()))
}

#[test]
fn an_outside_signature_that_verifies_makes_the_jwt() -> TestResult {
    let unsigned = assertion(SigningAlgorithm::Rs256)?;
    let input = unsigned.signing_input().to_owned();
    let jwt = unsigned.assemble(&pkcs1_sha256(input.as_bytes()))?;
    assert!(jwt.as_str().starts_with(&format!("{input}.")));
    // The JWT is what the crate's own key would have made: it verifies, names the kid.
    let keys = key_set(&[with(
        RsaKey::shared().jwk(Some("kms-key-1")),
        json!({"alg": "RS256"}),
    )]);
    let mut verify = jwt::VerifyOptions::at(NOW_SECS as f64);
    verify.claims.issuer = Some(CLIENT_ID.into());
    let verified = jwt::verify(jwt.as_str(), &keys, &verify)?;
    assert_eq!(verified.header.kid.as_deref(), Some("kms-key-1"));
    assert_eq!(verified.claims.get("sub"), Some(&Value::from(CLIENT_ID)));
    // The header is the same the crate's own key signs.
    let own =
        RsaSigningKey::from_pkcs8_pem(&RsaKey::shared().private.to_pkcs8_pem(LineEnding::LF)?)?;
    let mut options =
        ClientAssertionOptions::new(CLIENT_ID, Environment::Integration.token_url(), NOW_SECS);
    options.kid = Some("kms-key-1".into());
    let signed_here = sign_client_assertion(&own, &options)?;
    assert_eq!(signed_here.split('.').next(), input.split('.').next());
    Ok(())
}

#[test]
fn a_pss_signature_assembles_for_ps256_only() -> TestResult {
    let unsigned = assertion(SigningAlgorithm::Ps256)?;
    let input = unsigned.signing_input().as_bytes().to_vec();
    let pss = rsa::pss::BlindedSigningKey::<Sha256>::new(RsaKey::shared().private.clone())
        .sign_with_rng(&mut rand_core::OsRng, &input)
        .to_vec();
    assert!(unsigned.assemble(&pss).is_ok());
    // A PKCS#1 v1.5 signature for a PS256 header, and a PSS one for RS256: another algorithm.
    assert_eq!(
        signer_reason(unsigned.assemble(&pkcs1_sha256(&input))),
        Some((
            ErrorCode::SignerFailed,
            Some(SignerFailureReason::BadSignature)
        ))
    );
    let rs256 = assertion(SigningAlgorithm::Rs256)?;
    let pss_for_rs = rsa::pss::BlindedSigningKey::<Sha256>::new(RsaKey::shared().private.clone())
        .sign_with_rng(&mut rand_core::OsRng, rs256.signing_input().as_bytes())
        .to_vec();
    assert_eq!(
        signer_reason(rs256.assemble(&pss_for_rs)),
        Some((
            ErrorCode::SignerFailed,
            Some(SignerFailureReason::BadSignature)
        ))
    );
    Ok(())
}

#[test]
fn a_signature_of_the_wrong_length_hash_input_or_key_is_refused_with_its_reason() -> TestResult {
    let unsigned = assertion(SigningAlgorithm::Rs256)?;
    let input = unsigned.signing_input().as_bytes().to_vec();
    let good = pkcs1_sha256(&input);
    let wrong_length = Some((
        ErrorCode::SignerFailed,
        Some(SignerFailureReason::WrongLength),
    ));
    let bad = Some((
        ErrorCode::SignerFailed,
        Some(SignerFailureReason::BadSignature),
    ));
    // Not one RSA signature: empty, one byte short, one byte long, base64 text of the signature.
    let base64_text = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &good);
    for signature in [
        Vec::new(),
        good.get(1..).unwrap_or_default().to_vec(),
        [good.clone(), vec![0]].concat(),
        base64_text.into_bytes(),
    ] {
        assert_eq!(signer_reason(unsigned.assemble(&signature)), wrong_length);
    }
    // The right length, but not a signature of this input with this key and algorithm.
    let sha512 = rsa::pkcs1v15::SigningKey::<Sha512>::new(RsaKey::shared().private.clone())
        .sign(&input)
        .to_vec();
    let mut flipped = good.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 1;
    }
    for signature in [
        sha512,
        pkcs1_sha256(b"another signing input"),
        flipped,
        vec![0; good.len()],
        vec![0xff; good.len()],
    ] {
        assert_eq!(signer_reason(unsigned.assemble(&signature)), bad);
    }
    // Another key of the same size: generated, so its signature is genuine but not this key's.
    let other = RsaKey::generate(2048);
    let by_other = rsa::pkcs1v15::SigningKey::<Sha256>::new(other.private.clone())
        .sign(&input)
        .to_vec();
    assert_eq!(signer_reason(unsigned.assemble(&by_other)), bad);
    // The crate's own key refuses to sign what awaits another key's signature.
    let own = RsaSigningKey::from_pkcs8_pem(&other.private.to_pkcs8_pem(LineEnding::LF)?)?;
    assert_eq!(
        error_code(own.sign_unsigned(&unsigned)),
        Some(ErrorCode::InvalidArgument)
    );
    Ok(())
}

#[test]
fn webcrypto_keys_must_match_the_algorithm_size_and_usage() -> TestResult {
    let ok = WebCryptoSigning::check_key(
        SigningAlgorithm::Ps256,
        "RSA-PSS",
        Some("SHA-256"),
        Some(2048.0),
        true,
    )?;
    assert_eq!((ok.name, ok.salt_length), ("RSA-PSS", Some(32)));
    let rs = WebCryptoSigning::check_key(
        SigningAlgorithm::Rs512,
        "RSASSA-PKCS1-v1_5",
        Some("SHA-512"),
        Some(4096.0),
        true,
    )?;
    assert_eq!(rs.salt_length, None);
    let refused = [
        (
            SigningAlgorithm::Rs256,
            "RSA-PSS",
            Some("SHA-256"),
            Some(2048.0),
            true,
        ),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            Some("SHA-384"),
            Some(2048.0),
            true,
        ),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            None,
            Some(2048.0),
            true,
        ),
        (SigningAlgorithm::Rs256, "ECDSA", None, None, true),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            Some("SHA-256"),
            Some(1024.0),
            true,
        ),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            Some("SHA-256"),
            Some(8192.0),
            true,
        ),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            Some("SHA-256"),
            Some(f64::NAN),
            true,
        ),
        (
            SigningAlgorithm::Rs256,
            "RSASSA-PKCS1-v1_5",
            Some("SHA-256"),
            Some(2048.0),
            false,
        ),
    ];
    for (alg, name, hash, bits, can_sign) in refused {
        let result = WebCryptoSigning::check_key(alg, name, hash, bits, can_sign);
        assert_eq!(
            result
                .err()
                .map(|e| (e.code(), e.option_name().map(str::to_owned))),
            Some((ErrorCode::InvalidArgument, Some("privateKey".to_owned()))),
            "{name} {hash:?} {bits:?} {can_sign}"
        );
    }
    Ok(())
}

/// A `private_key_jwt` client at integration signing PS256, as `OneLoginClient.create` resolves it.
fn ps256_client(
) -> Result<govuk_one_login_tokens::onelogin::ClientConfig, Box<dyn std::error::Error>> {
    let options = json!({"environment": "integration", "clientId": CLIENT_ID, "redirectUri": "https://rp.example/cb", "privateKey": {}, "clientAssertionAlg": "PS256", "requestObject": true});
    Ok(
        serde_json::from_value::<govuk_one_login_tokens::options::OneLoginClientOptions>(options)?
            .resolve()?,
    )
}

#[test]
fn a_prepared_sign_in_takes_only_its_own_request_object_signed() -> TestResult {
    use govuk_one_login_tokens::onelogin::{prepare_sign_in, SignInOptions};
    let client = ps256_client()?;
    let public = public_key()?;
    let pss = |input: &str| {
        rsa::pss::BlindedSigningKey::<Sha256>::new(RsaKey::shared().private.clone())
            .sign_with_rng(&mut rand_core::OsRng, input.as_bytes())
            .to_vec()
    };
    // The client's default sends a request object, signed with its alg and the key's kid.
    let prepared = prepare_sign_in(
        &client,
        &SignInOptions::default(),
        Some((&public, NOW_SECS)),
    )?;
    let unsigned = prepared
        .request_object()
        .ok_or("a request object is due")?
        .clone();
    assert_eq!(unsigned.alg(), SigningAlgorithm::Ps256);
    let header_segment = unsigned
        .signing_input()
        .split('.')
        .next()
        .unwrap_or_default();
    let header_bytes = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        header_segment,
    )
    .map_err(|e| e.to_string())?;
    let header: Value = serde_json::from_slice(&header_bytes)?;
    assert_eq!(header, json!({"alg": "PS256", "kid": "kms-key-1"}));
    // Another sign-in's request object, even validly signed, is not this one's.
    let other = prepare_sign_in(
        &client,
        &SignInOptions::default(),
        Some((&public, NOW_SECS)),
    )?;
    let other_unsigned = other.request_object().ok_or("a request object is due")?;
    let foreign = other_unsigned.assemble(&pss(other_unsigned.signing_input()))?;
    assert_eq!(
        error_code(prepared.clone().finish(Some(foreign))),
        Some(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        error_code(prepared.clone().finish(None)),
        Some(ErrorCode::InvalidArgument)
    );
    // Its own, checked: the URL carries it.
    let own = unsigned.assemble(&pss(unsigned.signing_input()))?;
    let signed_in = prepared.finish(Some(own.clone()))?;
    assert!(signed_in.url.contains(&format!("request={}", own.as_str())));
    // Without a key there is no request object to prepare.
    assert_eq!(
        error_code(prepare_sign_in(&client, &SignInOptions::default(), None)),
        Some(ErrorCode::InvalidArgument)
    );
    Ok(())
}
