//! How a server is configured, and the refusal of unsafe configurations.

use std::net::SocketAddr;
use std::path::PathBuf;

use kolo_core::auth::{LoginThrottle, SessionPolicy};

/// Everything `kolo serve` needs to know, from flags and `KOLO_*` variables.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// `None` means the embedded SQLite database in the data directory.
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    /// A reverse proxy in front terminates TLS and sets `X-Forwarded-For` and
    /// `X-Forwarded-Proto`; cookies are then marked `Secure`.
    pub behind_tls_proxy: bool,
    /// The operator accepts plain HTTP on a non-loopback address (a closed LAN).
    pub allow_plain_http: bool,
    pub sessions: SessionPolicy,
    pub login_throttle: LoginThrottle,
}

impl ServerConfig {
    pub fn new(
        data_dir: PathBuf,
        database_url: Option<String>,
        listen: SocketAddr,
    ) -> ServerConfig {
        ServerConfig {
            data_dir,
            database_url,
            listen,
            behind_tls_proxy: false,
            allow_plain_http: false,
            sessions: SessionPolicy::default(),
            login_throttle: LoginThrottle::default(),
        }
    }

    /// Refuses configurations that would expose people's data, and says why.
    pub fn check_safe(&self) -> Result<(), String> {
        let ip = self.listen.ip();
        if !ip.is_loopback() && !self.behind_tls_proxy && !self.allow_plain_http {
            return Err(format!(
                "refusing to listen on {} without TLS: passwords and participants' data would cross \
                 the network in clear text. Put Kolo behind a reverse proxy that terminates TLS and \
                 pass --behind-tls-proxy (KOLO_BEHIND_TLS_PROXY=true), or, on a closed network you \
                 control, pass --allow-plain-http.",
                self.listen
            ));
        }
        Ok(())
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("kolo.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_address_without_tls_is_refused() {
        let mut config = ServerConfig::new("d".into(), None, "0.0.0.0:8080".parse().unwrap());
        let refusal = config.check_safe().unwrap_err();
        assert!(refusal.contains("--behind-tls-proxy"), "{refusal}");
        config.behind_tls_proxy = true;
        assert!(config.check_safe().is_ok());
    }

    #[test]
    fn loopback_is_allowed_without_tls() {
        let config = ServerConfig::new("d".into(), None, "127.0.0.1:8080".parse().unwrap());
        assert!(config.check_safe().is_ok());
    }
}
