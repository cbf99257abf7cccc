//! Inspection over the shared simulator vectors: the happy flows inspect as valid with every
//! check passing, and each error injection fails the check its verifier fails, first. Without
//! `../shared/vectors` the tests skip with a message, except under CI (`CI` set).

use govuk_one_login_tokens::checks::Status;
use govuk_one_login_tokens::onelogin::inspect::{inspect_token, InspectOptions, Verdict};
use govuk_one_login_tokens::onelogin::{
    verify_core_identity, verify_id_token, DidDocument, NonceCheck,
};
use govuk_one_login_tokens::KeySet;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::vectors::{read, text, Flow, TestResult};

/// The simulator folder of the shared vectors, or `None` to skip (see `vectors::vectors`).
fn simulator() -> Result<Option<PathBuf>, String> {
    Ok(crate::vectors::vectors()?.map(|root| root.join("simulator")))
}

fn inspect_options<'a>(
    flow: &Flow,
    keys: &'a KeySet,
    did: &'a DidDocument,
    sub: Option<String>,
) -> Result<InspectOptions<'a>, String> {
    Ok(InspectOptions {
        keys: Some(keys),
        did: Some(did),
        environment: Some(flow.environment.clone()),
        client_id: Some(text(&flow.params, "/client_id")?.to_owned()),
        nonce: Some(NonceCheck::Expected(
            text(&flow.params, "/nonce")?.to_owned(),
        )),
        vtr: Some(text(&flow.params, "/vtr")?.to_owned()),
        access_token: Some(flow.access_token.clone()),
        sub,
        ..InspectOptions::at(flow.now)
    })
}

fn keys(root: &Path) -> Result<(KeySet, DidDocument), Box<dyn std::error::Error>> {
    Ok((
        KeySet::from_json(&read(&root.join("es256/jwks.json"))?)?,
        DidDocument::from_json(&read(&root.join("es256/did.json"))?)?,
    ))
}

#[test]
fn simulator_tokens_inspect_as_valid() -> TestResult {
    let Some(root) = simulator()? else {
        return Ok(());
    };
    for name in ["es256", "rs256"] {
        let dir = root.join(name);
        let flow = Flow::load(&dir)?;
        let keys = KeySet::from_json(&read(&dir.join("jwks.json"))?)?;
        let did = DidDocument::from_json(&read(&dir.join("did.json"))?)?;
        let id = inspect_token(&flow.id_token, &inspect_options(&flow, &keys, &did, None)?)?;
        assert_eq!(id.verdict(), Verdict::Valid, "{name}: {:?}", id.checks);
        let sub = id
            .claims
            .as_ref()
            .and_then(|c| c.get("sub"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let core = inspect_token(
            &flow.core_identity,
            &inspect_options(&flow, &keys, &did, sub)?,
        )?;
        assert_eq!(core.verdict(), Verdict::Valid, "{name}: {:?}", core.checks);
        assert!(core.identity.is_some());
    }
    Ok(())
}

fn first_failure(
    checks: &[govuk_one_login_tokens::checks::CheckResult],
) -> Option<(String, Option<String>)> {
    checks.iter().find_map(|c| match &c.status {
        Status::Fail(e) => Some((
            e.code().as_str().to_owned(),
            e.claim_name().map(str::to_owned),
        )),
        _ => None,
    })
}

#[test]
fn each_simulator_negative_fails_first_where_its_verifier_fails() -> TestResult {
    let Some(root) = simulator()? else {
        return Ok(());
    };
    let (keys, did) = keys(&root)?;
    for kind in ["id_token", "core_identity"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("negative-es256").join(kind))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        dirs.sort();
        assert!(!dirs.is_empty(), "{kind} cases");
        for dir in dirs {
            let flow = Flow::load(&dir)?;
            let (token, verified, sub) = if kind == "id_token" {
                let v = verify_id_token(&flow.id_token, &keys, &flow.id_token_options()?);
                (&flow.id_token, v.err(), None)
            } else {
                let id = verify_id_token(&flow.id_token, &keys, &flow.id_token_options()?)?;
                let options = flow.core_identity_options(&id.sub)?;
                let v = verify_core_identity(&flow.core_identity, &did, &options);
                (&flow.core_identity, v.err(), Some(id.sub))
            };
            let err = verified.ok_or_else(|| format!("{} verified", dir.display()))?;
            let inspection = inspect_token(token, &inspect_options(&flow, &keys, &did, sub)?)?;
            assert_eq!(inspection.verdict(), Verdict::Invalid, "{}", dir.display());
            assert_eq!(
                first_failure(&inspection.checks),
                Some((
                    err.code().as_str().to_owned(),
                    err.claim_name().map(str::to_owned)
                )),
                "{}",
                dir.display()
            );
        }
    }
    Ok(())
}
