//! Configuration: defaults → kechuang.toml → KECHUANG_* environment → flags.
//! (Environment and flags are both read by clap; the file fills what they leave.)

use serde::Deserialize;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/kechuang.db";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<String>,
    pub database_url: Option<String>,
    /// Mark session cookies Secure (set when served over HTTPS).
    pub secure_cookies: Option<bool>,
    /// The address people open, e.g. https://kc.example.gov.cn (links in robot messages).
    pub public_url: Option<String>,
    /// Bearer token that opens /metrics to a scraper on another host
    /// (`KECHUANG_METRICS_TOKEN` wins); without one, /metrics answers only
    /// callers on this machine (loopback).
    pub metrics_token: Option<String>,
}

impl FileConfig {
    /// Read `kechuang.toml` from the working directory if it exists.
    pub fn load() -> anyhow::Result<FileConfig> {
        match std::fs::read_to_string("kechuang.toml") {
            Ok(s) => toml::from_str(&s).map_err(|e| anyhow::anyhow!("kechuang.toml 格式有误：{e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
            Err(e) => Err(anyhow::anyhow!("无法读取 kechuang.toml：{e}")),
        }
    }

    pub fn database_url(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.database_url.clone())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into())
    }

    pub fn bind(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.bind.clone())
            .unwrap_or_else(|| DEFAULT_BIND.into())
    }
}
