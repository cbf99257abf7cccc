//! Reading `../shared/vectors/` for the conformance and inspection tests: the folder itself
//! (absent: skip with a message, except under CI), and one simulator journey as a [`Flow`].
#![allow(dead_code)]

use govuk_one_login_tokens::onelogin::{
    CoreIdentityOptions, CustomEnvironment, Environment, IdTokenOptions, NonceCheck, Vtr,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors");

pub fn vectors() -> Result<Option<PathBuf>, String> {
    let dir = PathBuf::from(VECTORS);
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if std::env::var_os("CI").is_some() {
        return Err(format!(
            "CI is set but the vectors folder {VECTORS} is missing"
        ));
    }
    println!("skipping: the vectors folder {VECTORS} is absent");
    Ok(None)
}

pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub fn read_json(path: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&read(path)?)?)
}

pub fn text<'v>(value: &'v Value, pointer: &str) -> Result<&'v str, String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing string at {pointer}"))
}

pub fn number(value: &Value, pointer: &str) -> Result<f64, String> {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("missing number at {pointer}"))
}

/// The simulator's tokens are pinned to the moment they were issued: the access token's `iat`.
pub fn issued_at(access_token: &str) -> Result<f64, Box<dyn std::error::Error>> {
    let decoded = govuk_one_login_tokens::dangerous::decode(access_token, 64 * 1024)?;
    Ok(decoded
        .claims
        .get("iat")
        .and_then(Value::as_f64)
        .ok_or("access token without iat")?)
}

/// One simulator journey: the flow parameters and the tokens it produced.
pub struct Flow {
    pub params: Value,
    pub environment: Environment,
    pub id_token: String,
    pub access_token: String,
    pub core_identity: String,
    pub now: f64,
}

impl Flow {
    pub fn load(dir: &Path) -> Result<Flow, Box<dyn std::error::Error>> {
        let params = read_json(&dir.join("flow-params.json"))?;
        let environment = Environment::Custom(CustomEnvironment::simulator(text(
            &params,
            "/sim_public_url",
        )?)?);
        let access_token = read(&dir.join("access_token.jwt"))?;
        Ok(Flow {
            now: issued_at(&access_token)?,
            environment,
            id_token: read(&dir.join("id_token.jwt"))?,
            core_identity: read(&dir.join("coreIdentityJWT.jwt"))?,
            access_token,
            params,
        })
    }

    pub fn id_token_options(&self) -> Result<IdTokenOptions, String> {
        let mut options = IdTokenOptions::new(
            &self.environment,
            text(&self.params, "/client_id")?,
            NonceCheck::Expected(text(&self.params, "/nonce")?.to_owned()),
            self.now,
        );
        options.vtr = Some(text(&self.params, "/vtr")?.to_owned());
        options.access_token = Some(self.access_token.clone());
        Ok(options)
    }

    pub fn core_identity_options(
        &self,
        sub: &str,
    ) -> Result<CoreIdentityOptions, Box<dyn std::error::Error>> {
        let mut options = CoreIdentityOptions::new(
            &self.environment,
            text(&self.params, "/client_id")?,
            sub,
            self.now,
        );
        options.levels_of_confidence =
            Vtr::parse(text(&self.params, "/vtr")?)?.levels_of_confidence();
        Ok(options)
    }
}
