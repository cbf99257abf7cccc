//! Inspection over the shared simulator vectors: the happy flows inspect as valid with every
//! check passing, and each error injection fails the check its verifier fails, first. Without
//! `../shared/vectors` the tests skip with a message, except under CI (`CI` set).

use govuk_one_login_tokens::checks::Status;
use govuk_one_login_tokens::jwt;
use govuk_one_login_tokens::onelogin::inspect::{inspect_token, InspectOptions, Verdict};
use govuk_one_login_tokens::onelogin::{
    verify_core_identity, verify_id_token, CoreIdentityOptions, CustomEnvironment, DidDocument,
    Environment, IdTokenOptions, NonceCheck, Vtr,
};
use govuk_one_login_tokens::KeySet;
use serde_json::Value;
use std::path::{Path, PathBuf};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/simulator");

fn vectors() -> Result<Option<PathBuf>, String> {
    let dir = PathBuf::from(VECTORS);
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if std::env::var_os("CI").is_some() {
        return Err(format!("CI is set but {VECTORS} is missing"));
    }
    println!("skipping: the vectors folder {VECTORS} is absent");
    Ok(None)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// One journey's tokens and parameters, with the time pinned to the access token's `iat`.
struct Flow {
    params: Value,
    environment: Environment,
    id_token: String,
    access_token: String,
    core_identity: String,
    now: f64,
}

impl Flow {
    fn load(dir: &Path) -> Result<Flow, Box<dyn std::error::Error>> {
        let params: Value = serde_json::from_str(&read(&dir.join("flow-params.json"))?)?;
        let base = params
            .get("sim_public_url")
            .and_then(Value::as_str)
            .ok_or("sim_public_url")?;
        let access_token = read(&dir.join("access_token.jwt"))?;
        let now = jwt::decode_unverified(&access_token, 64 * 1024)?
            .claims
            .get("iat")
            .and_then(Value::as_f64)
            .ok_or("access token iat")?;
        Ok(Flow {
            environment: Environment::Custom(CustomEnvironment::simulator(base)?),
            id_token: read(&dir.join("id_token.jwt"))?,
            core_identity: read(&dir.join("coreIdentityJWT.jwt"))?,
            access_token,
            now,
            params,
        })
    }

    fn param(&self, name: &str) -> Result<String, String> {
        self.params
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("flow param {name}"))
    }

    fn inspect_options<'a>(
        &self,
        keys: &'a KeySet,
        did: &'a DidDocument,
        sub: Option<String>,
    ) -> Result<InspectOptions<'a>, String> {
        Ok(InspectOptions {
            keys: Some(keys),
            did: Some(did),
            environment: Some(self.environment.clone()),
            client_id: Some(self.param("client_id")?),
            nonce: Some(NonceCheck::Expected(self.param("nonce")?)),
            vtr: Some(self.param("vtr")?),
            access_token: Some(self.access_token.clone()),
            sub,
            ..InspectOptions::at(self.now)
        })
    }

    fn id_token_options(&self) -> Result<IdTokenOptions, String> {
        let mut o = IdTokenOptions::new(
            &self.environment,
            &self.param("client_id")?,
            NonceCheck::Expected(self.param("nonce")?),
            self.now,
        );
        o.vtr = Some(self.param("vtr")?);
        o.access_token = Some(self.access_token.clone());
        Ok(o)
    }
}

fn keys(root: &Path) -> Result<(KeySet, DidDocument), Box<dyn std::error::Error>> {
    Ok((
        KeySet::from_json(&read(&root.join("es256/jwks.json"))?)?,
        DidDocument::from_json(&read(&root.join("es256/did.json"))?)?,
    ))
}

#[test]
fn simulator_tokens_inspect_as_valid() -> TestResult {
    let Some(root) = vectors()? else {
        return Ok(());
    };
    for name in ["es256", "rs256"] {
        let dir = root.join(name);
        let flow = Flow::load(&dir)?;
        let keys = KeySet::from_json(&read(&dir.join("jwks.json"))?)?;
        let did = DidDocument::from_json(&read(&dir.join("did.json"))?)?;
        let id = inspect_token(&flow.id_token, &flow.inspect_options(&keys, &did, None)?)?;
        assert_eq!(id.verdict(), Verdict::Valid, "{name}: {:?}", id.checks);
        let sub = id
            .claims
            .as_ref()
            .and_then(|c| c.get("sub"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let core = inspect_token(
            &flow.core_identity,
            &flow.inspect_options(&keys, &did, sub)?,
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
    let Some(root) = vectors()? else {
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
                let mut o = CoreIdentityOptions::new(
                    &flow.environment,
                    &flow.param("client_id")?,
                    &id.sub,
                    flow.now,
                );
                o.levels_of_confidence = Vtr::parse(&flow.param("vtr")?)?.levels_of_confidence();
                let v = verify_core_identity(&flow.core_identity, &did, &o);
                (&flow.core_identity, v.err(), Some(id.sub))
            };
            let err = verified.ok_or_else(|| format!("{} verified", dir.display()))?;
            let inspection = inspect_token(token, &flow.inspect_options(&keys, &did, sub)?)?;
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
