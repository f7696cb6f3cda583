//! Files in and out of the web layer: the field `file` of a multipart form
//! (case attachments, a talent's documents, a loan's documents, Excel
//! imports) and a download answer with the file's own name.

use kechuang_domain::ErrorCode;

use crate::error::{ApiError, ApiResult};

/// A file from a multipart form's field `file`: its name, type and bytes.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Read the field `file` of a multipart form (400 `invalid_upload` without
/// it, saying `missing`).
pub async fn read_upload(mut mp: axum::extract::Multipart, missing: &str) -> ApiResult<Upload> {
    let failed = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(ErrorCode::InvalidUpload, format!("上传失败：{e}"))
    };
    while let Some(field) = mp.next_field().await.map_err(failed)? {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("附件").to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field.bytes().await.map_err(failed)?;
            return Ok(Upload {
                filename,
                content_type,
                bytes: bytes.to_vec(),
            });
        }
    }
    Err(ApiError::bad_request(ErrorCode::InvalidUpload, missing))
}

/// A multipart form as its text fields and its files: every field named
/// `file` with a file chosen (an empty file input sends a part with no file
/// name, which is skipped).
pub async fn read_form(
    mut mp: axum::extract::Multipart,
) -> ApiResult<(Vec<(String, String)>, Vec<Upload>)> {
    let failed = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(ErrorCode::InvalidUpload, format!("上传失败：{e}"))
    };
    let (mut pairs, mut uploads) = (vec![], vec![]);
    while let Some(field) = mp.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if name == "file" => {
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(failed)?;
                if !filename.is_empty() || !bytes.is_empty() {
                    uploads.push(Upload {
                        filename,
                        content_type,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            Some(_) => {}
            None => {
                // Checked as the input layer checks urlencoded forms: UTF-8
                // (never replaced silently), no control characters.
                let bytes = field.bytes().await.map_err(failed)?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    crate::input::text_error(kechuang_domain::text::TextError::InvalidUtf8)
                })?;
                kechuang_domain::text::check(&text).map_err(crate::input::text_error)?;
                pairs.push((name, text));
            }
        }
    }
    Ok((pairs, uploads))
}

/// The usual answer when the form had no file.
pub const MISSING_FILE: &str = "请选择要上传的文件（表单字段名 file）";

/// A stored file as a download under its own name (UTF-8, RFC 6266).
pub fn download(filename: &str, content_type: String, bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let encoded = crate::auth::urlencode(filename).replace('+', "%20");
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"file\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
