//! Writes the seed corpora for every target into `fuzz/corpus/<target>/` (not committed:
//! run this, or `scripts/fuzz.sh`, to recreate them). Seeds are valid documents and tokens
//! plus a few near misses, so libFuzzer starts from inputs that reach deep code.

use govuk_one_login_tokens_fuzz::{did_document, fixture, AUDIENCE, ISSUER, NOW};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

fn corpus(root: &Path, target: &str) -> PathBuf {
    let dir = root.join(target);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    dir
}

fn main() {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let f = fixture();

    // RFC 7515 A.2 and A.3 as well as our own tokens.
    let rfc = [
        "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
        "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UifQ.",
        "a.b.c.d.e",
    ];
    let decode = corpus(&root, "decode");
    for (i, token) in f.tokens.iter().map(String::as_str).chain(rfc).enumerate() {
        write(&decode, &format!("token-{i}"), token.as_bytes());
    }

    let jwks = corpus(&root, "jwks");
    write(&jwks, "fixture", f.jwks.as_bytes());
    write(&jwks, "empty", br#"{"keys":[]}"#);
    write(&jwks, "rfc7515-a3", br#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","key_ops":["verify"]}]}"#);

    let did = corpus(&root, "did");
    let parsed: Value = serde_json::from_str(&f.jwks).unwrap_or(Value::Null);
    for (i, jwk) in parsed["keys"].as_array().into_iter().flatten().enumerate() {
        write(&did, &format!("did-{i}"), did_document(jwk).as_bytes());
        write(&did, &format!("jwk-{i}"), jwk.to_string().as_bytes());
    }

    let verify = corpus(&root, "verify");
    for (i, token) in f.tokens.iter().enumerate() {
        let mut raw = vec![0u8];
        raw.extend_from_slice(token.as_bytes());
        write(&verify, &format!("raw-{i}"), &raw);
        // Mode 6: token i with one harmless-looking edit (which must still fail).
        write(&verify, &format!("edit-{i}"), &[6, i as u8, 0, 5, b'A']);
    }
    let headers = [
        json!({"alg": "ES256", "kid": "ec-1"}),
        json!({"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}),
        json!({"alg": "ES256", "kid": "p384", "crit": ["b64"], "b64": true}),
    ];
    let payload = json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "s", "exp": NOW + 600.0, "iat": NOW,
                         "vc": {"credentialSubject": {"name": [{"nameParts": [{"value": "A"}]}]}}});
    for (i, header) in headers.iter().enumerate() {
        for mode in [2u8, 5] {
            let mut raw = vec![mode];
            raw.extend_from_slice(header.to_string().as_bytes());
            raw.push(0);
            raw.extend_from_slice(payload.to_string().as_bytes());
            write(&verify, &format!("signed-{mode}-{i}"), &raw);
        }
    }

    // The sign-in flow's parsers: one valid input each, and the shapes One Login sends.
    let options = corpus(&root, "options");
    let option_seeds: [(u8, Value); 12] = [
        (0, json!({"maxTokenSize": 4096})),
        (
            1,
            json!({"issuer": ISSUER, "audience": AUDIENCE, "algorithms": ["ES256"], "clockTolerance": 30}),
        ),
        (
            2,
            json!({"environment": "integration", "clientId": AUDIENCE, "nonce": "n", "vtr": ["Cl.Cm.P2"], "maxAge": 600, "accessToken": "a"}),
        ),
        (
            3,
            json!({"environment": "production", "clientId": AUDIENCE, "sub": "s", "vtr": "[\"P2\"]"}),
        ),
        (
            4,
            json!({"issuer": ISSUER, "clientId": AUDIENCE, "now": NOW}),
        ),
        (
            5,
            json!({"clientId": AUDIENCE, "audience": "https://oidc.integration.account.gov.uk/token", "alg": "PS256", "lifetime": 300}),
        ),
        (
            6,
            json!({"environment": "integration", "clientId": AUDIENCE, "redirectUri": "https://rp.example/cb", "state": "s", "nonce": "n", "codeChallenge": "c", "scope": ["openid", "email"], "claims": {"userinfo": {"https://vocab.account.gov.uk/v1/address": null}}}),
        ),
        (
            7,
            json!({"environment": {"issuer": ISSUER, "jwksUrl": "https://x/jwks"}, "clientId": AUDIENCE, "redirectUri": "https://rp.example/cb", "state": "s", "nonce": "n", "codeChallenge": "c"}),
        ),
        (
            8,
            json!({"kind": "id_token", "jwks": {"keys": []}, "environment": "integration", "nonce": null}),
        ),
        (
            9,
            json!({"vtr": ["Cl.Cm.P2"], "scope": "openid email", "claims": ["coreIdentityJWT", "address"], "uiLocales": "cy", "prompt": "login", "maxAge": 0, "responseMode": "fragment"}),
        ),
        (
            10,
            json!({"idTokenHint": "a.b.c", "postLogoutRedirectUri": "https://rp.example/out", "state": "s", "uiLocales": "en"}),
        ),
        (
            11,
            json!({"state": "s", "nonce": "n", "codeVerifier": "v", "redirectUri": "https://rp.example/cb", "vtr": "[\"Cl.Cm.P2\"]", "maxAge": 60, "claims": []}),
        ),
    ];
    for (which, value) in option_seeds {
        let mut raw = vec![which];
        raw.extend_from_slice(value.to_string().as_bytes());
        write(&options, &format!("options-{which}"), &raw);
    }

    let callback = corpus(&root, "callback");
    for (i, text) in [
        "https://rp.example/callback?code=abc&state=s7Vd4Pq0w3r9W7Lz",
        "/callback?error=access_denied&error_description=Access%20denied&state=s7Vd4Pq0w3r9W7Lz",
        "code=abc&state=s7Vd4Pq0w3r9W7Lz",
        "https://rp.example/callback#code=abc&state=s7Vd4Pq0w3r9W7Lz",
        "?state=s7Vd4Pq0w3r9W7Lz&state=x",
    ]
    .iter()
    .enumerate()
    {
        write(&callback, &format!("callback-{i}"), text.as_bytes());
    }
    // Just under and just over the callback's size cap (src/limits.rs).
    let long_state = "s".repeat(16 * 1024 - 20);
    write(&callback, "at-cap", format!("?code=a&state={long_state}").as_bytes());
    write(&callback, "over-cap", format!("?code=abc&state={long_state}xxxxxxxx").as_bytes());

    let form = corpus(&root, "form");
    for (i, text) in ["a=1&b=%41%2b+c", "logout_token=a.b.c", "%+1", "x=%zz&y", "%C3%A9=%E2%82%AC"]
        .iter()
        .enumerate()
    {
        write(&form, &format!("form-{i}"), text.as_bytes());
    }

    let token_response = corpus(&root, "token_response");
    let token = f.tokens.first().cloned().unwrap_or_default();
    let ok = json!({"access_token": token, "token_type": "Bearer", "expires_in": 180, "id_token": token});
    write(
        &token_response,
        "ok",
        &[&[0u8, 200][..], ok.to_string().as_bytes()].concat(),
    );
    write(
        &token_response,
        "error",
        &[
            &[1u8, 144][..],
            br#"{"error":"invalid_grant","error_description":"Invalid grant"}"#,
        ]
        .concat(),
    );

    let userinfo = corpus(&root, "userinfo");
    let info = json!({
        "sub": "urn:fdc:gov.uk:2022:fuzz", "email": "a@example.com", "email_verified": true,
        "phone_number": "+447700900123", "phone_number_verified": true, "wallet_subject_id": "urn:x",
        "https://vocab.account.gov.uk/v1/address": [{"uprn": 100120472196u64, "buildingNumber": "26", "streetName": "FRAMPTON ROAD", "addressLocality": "GLOUCESTER", "postalCode": "GL1 5QB", "addressCountry": "GB", "validFrom": "2000-01-01"}],
        "https://vocab.account.gov.uk/v1/passport": [{"documentNumber": "123456789", "icaoIssuerCode": "GBR", "expiryDate": "2029-02-02"}],
        "https://vocab.account.gov.uk/v1/drivingPermit": [{"personalNumber": "DOE99802085J99FG", "expiryDate": "2033-01-18", "issueNumber": "5", "issuedBy": "DVLA", "issueDate": "2023-01-18"}],
        "https://vocab.account.gov.uk/v1/returnCode": [{"code": "A"}],
        "https://vocab.account.gov.uk/v1/coreIdentityJWT": token,
    });
    for selector in 0u8..10 {
        write(
            &userinfo,
            &format!("userinfo-{selector}"),
            &[&[selector, b'\n'][..], info.to_string().as_bytes()].concat(),
        );
    }
    write(
        &userinfo,
        "401",
        &[
            &[0x80u8][..],
            br#"Bearer error="invalid_token", error_description="Invalid access token""#,
            b"\n",
        ]
        .concat(),
    );

    let discovery = corpus(&root, "discovery");
    let doc = json!({"issuer": "https://oidc.integration.account.gov.uk/", "authorization_endpoint": "https://oidc.integration.account.gov.uk/authorize",
        "token_endpoint": "https://oidc.integration.account.gov.uk/token", "jwks_uri": "https://oidc.integration.account.gov.uk/.well-known/jwks.json",
        "userinfo_endpoint": "https://oidc.integration.account.gov.uk/userinfo", "end_session_endpoint": "https://oidc.integration.account.gov.uk/logout",
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256"]});
    write(&discovery, "integration", doc.to_string().as_bytes());

    let logout_body = corpus(&root, "logout_body");
    write(
        &logout_body,
        "form",
        format!("logout_token={token}").as_bytes(),
    );
    write(&logout_body, "token", token.as_bytes());
    println!("seed corpora written under {}", root.display());
}
