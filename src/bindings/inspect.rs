//! Inspection: every One Login check on a token, each with its own result.

use super::options::from_js;
use super::{now_seconds, to_js, token_arg, JsResult};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::inspect::{self, InspectOptions, InspectionView};
use crate::options::InspectTokenOptions;
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// Inspect a token against One Login's rules without stopping at the first failure. Every
/// input is optional; a check whose input is missing is reported as skipped.
#[wasm_bindgen(js_name = inspectToken)]
pub fn inspect_token(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    options: Option<Ts<InspectTokenOptions>>,
) -> JsResult<Ts<InspectionView<'static>>> {
    let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
    let (documents, options) =
        from_js::<InspectTokenOptions>(options.map(|o| o.js_value()))?.resolve(now_seconds)?;
    let (keys, did) = documents.parse()?;
    let service_keys = documents.parse_service_keys()?;
    let options = InspectOptions {
        keys: keys.as_ref(),
        did: did.as_ref(),
        service_keys: service_keys.as_ref(),
        ..options
    };
    let inspection = inspect::inspect_token(&token, &options)?;
    Ok(Ts::new_unchecked(to_js(&inspection.view())?))
}
