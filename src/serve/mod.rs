//! `zhengce serve`: the officer's workbench, a web page on this machine over a folder of
//! policies. It lists the policies (document number, issuer, validity), opens one, checks it as
//! it is typed (the diagnostics of `check`, at their lines), formats it (`fmt`) and saves it when
//! asked, atomically, keeping the previous version beside it.
//!
//! Safety: it listens on 127.0.0.1 unless told otherwise; on any other address every request
//! must carry the token printed at start ([`safety::Guard`]). It reads and writes only inside
//! its folder ([`safety::resolve`]), holds a request body in memory up to [`safety::BODY_LIMIT`]
//! and refuses a larger one with a message naming the limit and the command to use instead. A
//! bad request gets a message and the server goes on serving. The page (`page.html`) is
//! compiled into the binary: no network, no CDN.

pub mod chart;
pub mod data;
pub mod outline;
pub mod routes;
pub mod safety;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// Where and what `zhengce serve` serves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The folder of policies: nothing outside it is read or written.
    pub dir: PathBuf,
    /// The address to listen on (127.0.0.1 by default).
    pub bind: IpAddr,
    /// The port (0: any free port).
    pub port: u16,
}

/// A started server: its address, the token requests need (on a non-loopback address), and
/// the server itself.
pub struct Started {
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// The token every request must carry, when the address is not a loopback one.
    pub token: Option<String>,
    server: Arc<tiny_http::Server>,
    state: Arc<routes::State>,
}

/// Binds the address; the server does not answer until [`Started::serve`].
pub fn start(config: &Config) -> Result<Started, String> {
    let dir = std::fs::canonicalize(&config.dir).map_err(|e| {
        format!("无法打开目录 / cannot open the folder `{}`: {e}", config.dir.display())
    })?;
    if !dir.is_dir() {
        return Err(format!("`{}` 不是目录 / is not a folder", config.dir.display()));
    }
    let server = tiny_http::Server::http(SocketAddr::new(config.bind, config.port))
        .map_err(|e| format!("无法监听 / cannot listen on {}:{}: {e}", config.bind, config.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| "无法取得监听地址 / no address to listen on".to_string())?;
    let token = (!config.bind.is_loopback()).then(safety::new_token);
    let state = Arc::new(routes::State { dir, guard: safety::Guard { token: token.clone() } });
    Ok(Started { addr, token, server: Arc::new(server), state })
}

impl Started {
    /// The page's address, with the token when one is needed.
    pub fn url(&self) -> String {
        match &self.token {
            Some(t) => format!("http://{}/?token={t}", self.addr),
            None => format!("http://{}/", self.addr),
        }
    }

    /// Answers requests until the process ends, on a few threads (one slow request does not
    /// hold the others).
    pub fn serve(self) {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (server, state) = (Arc::clone(&self.server), Arc::clone(&self.state));
                std::thread::spawn(move || {
                    for request in server.incoming_requests() {
                        routes::answer(&state, request);
                    }
                })
            })
            .collect();
        for w in workers {
            let _ = w.join();
        }
    }
}

/// `zhengce serve`: starts, prints the address (and token), serves.
pub fn run(config: &Config) -> Result<(), String> {
    let started = start(config)?;
    println!("zhengce serve: {} （政策目录 / folder {}）", started.url(), config.dir.display());
    if let Some(t) = &started.token {
        println!(
            "令牌 / token: {t} （非本机地址，每个请求都需要 / needed by every request off this machine）"
        );
    }
    started.serve();
    Ok(())
}
