//! Static assets (vendored CSS/JS/fonts) embedded in the binary. URLs carry
//! `?v=<hash of all assets>`, so they can be cached for a year.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;
use sha2::{Digest, Sha256};

#[derive(Embed)]
#[folder = "static/"]
struct Static;

/// Hash of every embedded file, computed once.
pub fn version() -> String {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let mut h = Sha256::new();
        let mut names: Vec<_> = Static::iter().collect();
        names.sort();
        for n in names {
            h.update(n.as_bytes());
            if let Some(f) = Static::get(&n) {
                h.update(f.metadata.sha256_hash());
            }
        }
        hex::encode(h.finalize())[..12].to_string()
    })
    .clone()
}

pub async fn serve(Path(path): Path<String>) -> Response {
    match Static::get(&path) {
        Some(f) => (
            [
                (header::CONTENT_TYPE, f.metadata.mimetype().to_string()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_string(),
                ),
            ],
            f.data,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
