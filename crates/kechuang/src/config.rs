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
    /// Reverse proxies in front of this replica, by address, comma-separated
    /// (`KECHUANG_TRUSTED_PROXIES` wins): their `X-Forwarded-For` names the
    /// client, whose failed sign-ins the lockout counts.
    pub trusted_proxies: Option<String>,
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

    /// The trusted proxies' addresses; an address that does not read is
    /// refused with what to write.
    pub fn trusted_proxies(&self, env: Option<String>) -> anyhow::Result<Vec<std::net::IpAddr>> {
        let list = env
            .or_else(|| self.trusted_proxies.clone())
            .unwrap_or_default();
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "trusted_proxies 中的“{s}”不是 IP 地址：请写反向代理的地址，以逗号分隔，例如 10.0.0.2,10.0.0.3"
                    )
                })
            })
            .collect()
    }

    pub fn bind(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.bind.clone())
            .unwrap_or_else(|| DEFAULT_BIND.into())
    }
}
