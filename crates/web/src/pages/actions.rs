//! Action forms shared by the area pages: a form posts to an action, which
//! either redirects with a flash message or shows the page again with the
//! submitted values and each error beside its field (the macros of
//! `templates/partials/forms.html`).

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{PageError, PageResult};
use crate::error::ApiError;
use crate::excel::{ImportFailure, ImportProblem};
use crate::AppState;
use axum::http::StatusCode;

/// The values and errors of the one action form that was rejected (or
/// opened with some of its values filled in, see [`FormState::prefilled`]).
#[derive(Default)]
pub struct FormState {
    pub form: String,
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    /// Fields without a value show their defaults (a form opened filled in,
    /// not posted back, where an empty field was typed empty).
    defaults: bool,
}

impl FormState {
    /// `form` opened with these values; its other fields keep their defaults.
    pub fn prefilled<K: Into<String>>(
        form: &str,
        values: impl IntoIterator<Item = (K, String)>,
    ) -> Self {
        FormState {
            form: form.into(),
            values: values.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            defaults: true,
            ..Default::default()
        }
    }
    /// A rejected submission of `form`: field errors go under their field,
    /// anything else under `_form`.
    pub fn rejected(form: &str, pairs: Vec<(String, String)>, e: &ApiError) -> Self {
        let mut errors = HashMap::new();
        match e.details.get("fields").and_then(|f| f.as_object()) {
            Some(m) if !m.is_empty() => {
                for (k, v) in m {
                    errors.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
                }
            }
            _ => {
                errors.insert("_form".into(), e.message.clone());
            }
        }
        FormState {
            form: form.into(),
            values: pairs.into_iter().collect(),
            errors,
            defaults: false,
        }
    }
    /// The error of `field` in `form` (empty when none).
    pub fn err(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.errors.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
    /// The submitted value of `field` in `form`, else `default`.
    pub fn val(&self, form: &str, field: &str, default: &str) -> String {
        match self.values.get(field) {
            _ if self.form != form => default.to_string(),
            Some(v) => v.clone(),
            None if self.defaults => default.to_string(),
            None => String::new(),
        }
    }
    /// Whether the submitted (or default) value of `field` is `v`, for selects.
    pub fn is_val(&self, form: &str, field: &str, default: &str, v: &str) -> bool {
        self.val(form, field, default) == v
    }
    pub fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// An edit form's state and version: what was just posted back (its
    /// version as posted), else the record's `values` and `version`.
    pub fn for_edit<K: Into<String>>(
        form: &str,
        posted: Option<FormState>,
        values: impl IntoIterator<Item = (K, String)>,
        version: i32,
    ) -> (FormState, i32) {
        match posted {
            Some(f) => {
                let v = f.val(form, "version", "").parse().unwrap_or(version);
                (f, v)
            }
            None => (
                FormState {
                    form: form.into(),
                    values: values.into_iter().map(|(k, v)| (k.into(), v)).collect(),
                    errors: Default::default(),
                    defaults: false,
                },
                version,
            ),
        }
    }
}

/// Decode submitted form pairs as a draft (numbers parse from text).
pub fn draft<D: DeserializeOwned>(pairs: &[(String, String)]) -> Result<D, ApiError> {
    let q = serde_urlencoded::to_string(pairs).map_err(ApiError::internal)?;
    serde_urlencoded::from_str(&q)
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidForm, format!("表单内容有误：{e}")))
}

/// Submitted pairs with the values of a repeated name (a multiple select)
/// joined by commas under that name, as the drafts' id lists expect.
pub fn join_repeated(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match out.iter_mut().find(|(ok, _)| *ok == k) {
            Some((_, ov)) if !v.is_empty() => {
                if !ov.is_empty() {
                    ov.push(',');
                }
                ov.push_str(&v);
            }
            Some(_) => {}
            None => out.push((k, v)),
        }
    }
    out
}

/// The value of one submitted field.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The record version an edit form carries (a 400 when it is missing).
pub fn version(pairs: &[(String, String)]) -> Result<i32, ApiError> {
    field(pairs, "version").parse().map_err(|_| {
        ApiError::bad_request(ErrorCode::InvalidForm, "缺少记录版本号，请刷新页面后重试")
    })
}

/// After a successful action: back to `to` with a flash message.
pub fn done(to: &str, flash: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}flash={flash}")).into_response()
}

/// Options for a select of organisations (id, name), sorted by name.
pub async fn org_choices(st: &AppState, kinds: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
    use kechuang_store::orgs::{self, OrgFilter};
    let mut out = vec![];
    for k in kinds {
        let f = OrgFilter {
            kind: kechuang_domain::org::OrgKind::parse(k),
            ..Default::default()
        };
        for o in orgs::list_all(&st.db, &kechuang_store::Scope::All, &f, 5_000).await? {
            out.push((o.id, o.name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// Answer an action form: the page `result` (a redirect, usually from
/// [`done`]) on success; on a 409 or 422 the page again, from `again`, with
/// the submitted values and each error beside its field, and the rejection's
/// status; any other error as the error page.
pub async fn answer<Fut, E>(
    result: Result<Response, ApiError>,
    form: &str,
    pairs: Vec<(String, String)>,
    again: impl FnOnce(FormState) -> Fut,
) -> PageResult
where
    Fut: std::future::Future<Output = Result<Response, E>>,
    PageError: From<E>,
{
    match result {
        Ok(r) => Ok(r),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
            let status = e.status;
            let r = again(FormState::rejected(form, pairs, &e)).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

/// A re-rendered form keeps the status of its rejection (409, 422).
pub fn with_status(mut r: Response, s: StatusCode) -> Response {
    *r.status_mut() = s;
    r
}

/// `?flash=` after a redirect.
#[derive(Deserialize, Default)]
pub struct FlashQuery {
    pub flash: Option<String>,
}

/// The 导入 Excel panel of a list page (templates/partials/import_panel.html).
#[derive(Clone)]
pub struct ImportPanel {
    /// The collapse's id, which the page's 导入 Excel button opens.
    pub id: &'static str,
    /// Where the upload posts.
    pub action: &'static str,
    /// The template's download address.
    pub template: &'static str,
    /// How the columns are read.
    pub hint: &'static str,
    pub error: String,
    pub problems: Vec<ImportProblem>,
}

impl ImportPanel {
    pub fn new(
        (id, action, template, hint): (&'static str, &'static str, &'static str, &'static str),
        fs: &FormState,
        problems: Vec<ImportProblem>,
    ) -> Self {
        ImportPanel {
            id,
            action,
            template,
            hint,
            error: fs.err("import", "_form"),
            problems,
        }
    }
    /// Open after a refusal.
    pub fn open(&self) -> bool {
        !self.error.is_empty() || !self.problems.is_empty()
    }
}

/// A refused Excel import shown on its list page: the message under the
/// form "import" and the bad cells; a 403, 404 or server error is the
/// error page.
pub fn import_refusal(
    r: ImportFailure,
) -> Result<(StatusCode, FormState, Vec<ImportProblem>), ApiError> {
    match r {
        ImportFailure::Invalid(problems) => {
            let e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ImportInvalid,
                format!(
                    "发现{}处错误，未导入任何数据，请修改后重新上传",
                    problems.len()
                ),
            );
            Ok((
                e.status,
                FormState::rejected("import", vec![], &e),
                problems,
            ))
        }
        ImportFailure::Other(e)
            if e.status.is_client_error()
                && e.status != StatusCode::FORBIDDEN
                && e.status != StatusCode::NOT_FOUND =>
        {
            Ok((e.status, FormState::rejected("import", vec![], &e), vec![]))
        }
        ImportFailure::Other(e) => Err(e),
    }
}

/// The answer to an Excel import posted from a list page: back to `list`
/// with 导入完成, or the list again (`refused` draws it from the refusal's
/// form state and bad cells) with the refusal's status.
pub async fn import_answer<Fut>(
    r: Result<usize, ImportFailure>,
    list: &str,
    refused: impl FnOnce(FormState, Vec<ImportProblem>) -> Fut,
) -> PageResult
where
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done(list, "imported")),
        Err(e) => import_refusal(e)?,
    };
    Ok(with_status(refused(fs, problems).await?, status))
}

#[cfg(test)]
mod tests {
    use super::join_repeated;

    fn p(k: &str, v: &str) -> (String, String) {
        (k.into(), v.into())
    }

    #[test]
    fn repeated_names_join_in_order_and_single_ones_stay() {
        let got = join_repeated(vec![
            p("title", "两城汇"),
            p("ids", "a"),
            p("x", ""),
            p("ids", ""),
            p("ids", "b"),
        ]);
        assert_eq!(got, vec![p("title", "两城汇"), p("ids", "a,b"), p("x", "")]);
    }
}
