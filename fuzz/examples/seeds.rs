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
    println!("seed corpora written under {}", root.display());
}
