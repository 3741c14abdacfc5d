//! Typed settings from the environment. Secrets are wrapped so they never print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono_tz::Tz;
use linli_persistence::DatabaseUrl;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::buildings::link::ReportLink;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Everything the server needs to start.
#[derive(Debug)]
pub struct Settings {
    /// Where to listen.
    pub bind: SocketAddr,
    /// The database.
    pub database_url: DatabaseUrl,
    /// Redis, when several instances share caches (used by later features).
    pub redis_url: Option<SecretString>,
    /// Where the SQLite file and demo secrets live.
    pub data_dir: PathBuf,
    /// Signs access tokens.
    pub jwt_secret: SecretString,
    /// Older signing secrets still accepted while tokens signed with them live.
    pub jwt_previous_secrets: Vec<SecretString>,
    /// Encrypts personal data (32 bytes).
    pub data_key: SecretBox<[u8; 32]>,
    /// `POST /api/v1/auth/dev/login` is served.
    pub dev_login: bool,
    /// The local time zone for days and months.
    pub tz: Tz,
    /// Log format.
    pub log_format: LogFormat,
    /// Seed the demo community into an empty database.
    pub demo: bool,
    /// The demo accounts' password.
    pub demo_password: SecretString,
    /// Seed the demo's request history too (tests turn it off to count from zero).
    pub demo_history: bool,
    /// Database connections (readers on SQLite).
    pub db_connections: u32,
    /// Run the overdue sweep and auto-close in this process.
    pub run_workers: bool,
    /// Days a resolved request waits for a rating before it closes by itself.
    pub auto_close_days: i64,
    /// The H5 report page that buildings' QR codes open (with `?b=CODE`).
    pub h5_report_url: ReportLink,
    /// WeChat, when configured; every WeChat feature is off without it.
    pub wechat: Option<crate::wechat::WechatSettings>,
    /// Content checks: the extra word list, WeChat's text check timeout.
    pub content: crate::content::ContentSettings,
    /// Outbound webhooks: the timeout, whether private addresses may be reached.
    pub webhooks: crate::webhooks::WebhookSettings,
    /// Rate limits: quotas per policy, trusted proxies, the Redis key prefix.
    pub rate_limits: crate::rate_limit::RateLimitSettings,
}

/// A setting that is missing or wrong; start-up stops with it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Named setting is wrong.
    #[error("{name}: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Named setting is required here.
    #[error("{name} is required (outside demo mode): {hint}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// How to provide it.
        hint: &'static str,
    },
    /// The data directory could not be used.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// Which directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.into(),
    }
}

/// Reads a boolean flag: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`.
pub(crate) fn flag(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<bool, ConfigError> {
    match get(name).as_deref().map(str::trim) {
        None | Some("") => Ok(false),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(invalid(
                name,
                format!("expected 1/true or 0/false, got `{v}`"),
            )),
        },
    }
}

fn decode_key(name: &'static str, b64: &str) -> Result<[u8; 32], ConfigError> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|e| invalid(name, format!("not base64: {e}")))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| invalid(name, format!("must be 32 bytes, got {}", b.len())))
}

/// Demo secrets are generated once and kept beside the data, so tokens and encrypted phones
/// survive a restart. Instances starting together on one data directory agree on one secret:
/// each writes its candidate to a file of its own and links it into place, which only the
/// first can do.
fn demo_secret(dir: &Path, file: &str) -> Result<String, ConfigError> {
    let path = dir.join(file);
    let io = |source| ConfigError::DataDir {
        path: path.display().to_string(),
        source,
    };
    if let Ok(s) = std::fs::read_to_string(&path)
        && !s.trim().is_empty()
    {
        return Ok(s.trim().to_owned());
    }
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    let candidate = B64.encode(key);
    let tmp = dir.join(format!(".{file}.{}", uuid::Uuid::new_v4().simple()));
    write_private(&tmp, &candidate).map_err(io)?;
    let linked = std::fs::hard_link(&tmp, &path);
    let outcome = match linked {
        Ok(()) => Ok(candidate),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            match std::fs::read_to_string(&path) {
                Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                // Empty: left by an older version or a full disk; ours replaces it.
                _ => std::fs::rename(&tmp, &path).map(|()| candidate).map_err(io),
            }
        }
        Err(e) => Err(io(e)),
    };
    let _ = std::fs::remove_file(&tmp);
    outcome
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env(demo: bool) -> Result<Self, ConfigError> {
        Self::from_lookup(&|k| std::env::var(k).ok(), demo)
    }

    /// Reads settings through `get` (the environment, or a map in tests).
    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
        demo: bool,
    ) -> Result<Self, ConfigError> {
        let bind = get("LINLI_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|e| invalid("LINLI_BIND", format!("not host:port: {e}")))?;
        let data_dir = PathBuf::from(get("LINLI_DATA_DIR").unwrap_or_else(|| ".".into()));
        std::fs::create_dir_all(&data_dir).map_err(|source| ConfigError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let database_url = match get("DATABASE_URL").filter(|s| !s.trim().is_empty()) {
            Some(url) => {
                DatabaseUrl::parse(&url).map_err(|e| invalid("DATABASE_URL", e.to_string()))?
            }
            None => DatabaseUrl::sqlite_file(data_dir.join("linli.db").display().to_string()),
        };
        let redis_url = get("REDIS_URL").filter(|s| !s.is_empty());
        if let Some(r) = &redis_url
            && !r.starts_with("redis://")
        {
            return Err(invalid(
                "REDIS_URL",
                "must start with redis:// (TLS to Redis, rediss://, is not built in)",
            ));
        }
        let jwt_secret = match get("LINLI_JWT_SECRET").filter(|s| !s.is_empty()) {
            Some(s) if s.len() < 32 => {
                return Err(invalid(
                    "LINLI_JWT_SECRET",
                    "must be at least 32 characters",
                ));
            }
            Some(s) => s,
            None if demo => demo_secret(&data_dir, ".linli-jwt-secret")?,
            None => {
                return Err(ConfigError::Missing {
                    name: "LINLI_JWT_SECRET",
                    hint: "a random string of at least 32 characters, e.g. `openssl rand -base64 48`",
                });
            }
        };
        let jwt_previous_secrets = get("LINLI_JWT_PREVIOUS_SECRETS")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| SecretString::from(s.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let data_key = match get("LINLI_DATA_KEY").filter(|s| !s.is_empty()) {
            Some(s) => decode_key("LINLI_DATA_KEY", &s)?,
            None if demo => decode_key(
                "LINLI_DATA_KEY",
                &demo_secret(&data_dir, ".linli-data-key")?,
            )?,
            None => {
                return Err(ConfigError::Missing {
                    name: "LINLI_DATA_KEY",
                    hint: "base64 of 32 random bytes, e.g. `openssl rand -base64 32`",
                });
            }
        };
        let tz: Tz = get("LINLI_TZ")
            .unwrap_or_else(|| "Asia/Shanghai".into())
            .parse()
            .map_err(|e| invalid("LINLI_TZ", format!("unknown time zone: {e}")))?;
        let log_format = match get("LINLI_LOG_FORMAT").as_deref() {
            None | Some("") | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "LINLI_LOG_FORMAT",
                    format!("`{other}`: use json or pretty"),
                ));
            }
        };
        let h5_report_url = match get("LINLI_H5_REPORT_URL").filter(|s| !s.trim().is_empty()) {
            None => ReportLink::default(),
            Some(url) => ReportLink::parse(&url)
                .map_err(|e| invalid("LINLI_H5_REPORT_URL", e.to_string()))?,
        };
        let number =
            |name: &'static str, default: i64, min: i64, max: i64| -> Result<i64, ConfigError> {
                match get(name).filter(|s| !s.is_empty()) {
                    None => Ok(default),
                    Some(v) => v
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|n| (min..=max).contains(n))
                        .ok_or_else(|| {
                            invalid(
                                name,
                                format!("expected a number from {min} to {max}, got `{v}`"),
                            )
                        }),
                }
            };
        Ok(Settings {
            bind,
            database_url,
            redis_url: redis_url.map(SecretString::from),
            data_dir,
            jwt_secret: SecretString::from(jwt_secret),
            jwt_previous_secrets,
            data_key: SecretBox::new(Box::new(data_key)),
            dev_login: demo || flag(get, "LINLI_DEV_LOGIN")?,
            tz,
            log_format,
            demo,
            demo_password: SecretString::from(
                get("LINLI_DEMO_PASSWORD").unwrap_or_else(|| "linli-demo".into()),
            ),
            demo_history: get("LINLI_DEMO_HISTORY").is_none() || flag(get, "LINLI_DEMO_HISTORY")?,
            db_connections: number("LINLI_DB_CONNECTIONS", 8, 1, 256)? as u32,
            run_workers: !flag(get, "LINLI_NO_WORKERS")?,
            auto_close_days: number("LINLI_AUTO_CLOSE_DAYS", 7, 1, 90)?,
            h5_report_url,
            wechat: crate::wechat::WechatSettings::from_lookup(get)?,
            content: crate::content::ContentSettings::from_lookup(get)?,
            webhooks: crate::webhooks::WebhookSettings::from_lookup(get)?,
            rate_limits: crate::rate_limit::RateLimitSettings::from_lookup(get)?,
        })
    }

    /// The data key's bytes.
    pub fn data_key_bytes(&self) -> &[u8; 32] {
        self.data_key.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)], demo: bool) -> Result<Settings, ConfigError> {
        let dir = std::env::temp_dir().join(format!("linli-cfg-{}", uuid::Uuid::new_v4()));
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("LINLI_DATA_DIR".into(), dir.display().to_string());
        Settings::from_lookup(&|k| map.get(k).cloned(), demo)
    }

    #[test]
    fn secrets_are_required_outside_demo_and_generated_in_it() {
        let e = settings(&[], false).unwrap_err();
        assert!(e.to_string().contains("LINLI_JWT_SECRET"), "{e}");
        let s = settings(&[], true).unwrap();
        assert!(s.dev_login);
        assert_eq!(s.tz, chrono_tz::Asia::Shanghai);
    }

    #[test]
    fn instances_starting_together_agree_on_the_demo_secret() {
        let dir = std::env::temp_dir().join(format!("linli-cfg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let barrier = std::sync::Barrier::new(8);
        let secrets: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        demo_secret(&dir, "secret").unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(secrets.iter().all(|s| s == &secrets[0]), "{secrets:?}");
        assert_eq!(demo_secret(&dir, "secret").unwrap(), secrets[0]);
        // Only the secret itself is left, readable by its owner alone.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["secret"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_settings_name_themselves() {
        let key = B64.encode([7u8; 32]);
        let secret = "x".repeat(40);
        let base = [
            ("LINLI_JWT_SECRET", secret.as_str()),
            ("LINLI_DATA_KEY", key.as_str()),
        ];
        assert!(settings(&base, false).is_ok());
        for (name, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("LINLI_BIND", "nowhere"),
            ("LINLI_TZ", "Mars/Olympus"),
            ("LINLI_DEV_LOGIN", "maybe"),
            ("LINLI_DATA_KEY", "c2hvcnQ="),
            ("REDIS_URL", "http://x"),
            ("LINLI_H5_REPORT_URL", "h5/report"),
            ("LINLI_H5_REPORT_URL", "ftp://example.cn/h5/report"),
            ("LINLI_H5_REPORT_URL", "https://example.cn/h5/#/report"),
        ] {
            let mut vars = base.to_vec();
            vars.retain(|(k, _)| *k != name);
            vars.push((name, value));
            let e = settings(&vars, false).unwrap_err().to_string();
            assert!(e.starts_with(name), "{name}: {e}");
        }
    }

    #[test]
    fn the_h5_report_page_defaults_to_this_server_and_takes_any_http_url() {
        let s = settings(&[], true).unwrap();
        assert_eq!(s.h5_report_url.as_str(), "http://127.0.0.1:8080/h5/report");
        let s = settings(
            &[(
                "LINLI_H5_REPORT_URL",
                " https://linli.example.cn/h5/report?from=qr ",
            )],
            true,
        )
        .unwrap();
        assert_eq!(
            s.h5_report_url.as_str(),
            "https://linli.example.cn/h5/report?from=qr"
        );
        let e = settings(&[("LINLI_H5_REPORT_URL", "linli.example.cn/h5")], true)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("LINLI_H5_REPORT_URL: not a URL"), "{e}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = settings(&[], true).unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains(s.jwt_secret.expose_secret()));
    }
}
