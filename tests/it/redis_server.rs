//! A real `redis-server` (Debian's package) on a free loopback port, for the tests of the Redis stores: started,
//! killed and restarted on the same port by the tests. No Redis mock.
//!
//! Where `redis-server` is not installed, the tests that need it say so and pass, unless `OKTA_REQUIRE_REDIS=1`
//! (`.ci/run` sets it, after installing the package), where they fail.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    port: u16,
    /// A second port speaking TLS (`start_tls_or_skip`), with a certificate for 127.0.0.1 from `ca.pem`.
    tls_port: Option<u16>,
    dir: PathBuf,
    child: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port()
}

impl RedisServer {
    /// A fresh server, or `None` (the test then returns) where `redis-server` is not installed and not required.
    pub fn start_or_skip(test: &str) -> Option<RedisServer> {
        Self::start(test, false)
    }

    /// A server that also speaks TLS on a port of its own, with a certificate for 127.0.0.1 signed by a CA made
    /// here with `openssl` ([`ca_file`](Self::ca_file)).
    pub fn start_tls_or_skip(test: &str) -> Option<RedisServer> {
        Self::start(test, true)
    }

    fn start(test: &str, tls: bool) -> Option<RedisServer> {
        let installed = Command::new("redis-server").arg("--version").output().is_ok_and(|o| o.status.success());
        if !installed {
            let required = std::env::var("OKTA_REQUIRE_REDIS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{test}: redis-server is not installed (apt-get install redis-server), OKTA_REQUIRE_REDIS=1"
            );
            eprintln!("{test}: skipped, redis-server is not installed (apt-get install redis-server)");
            return None;
        }
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("okta-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = RedisServer { port, tls_port: None, dir, child: None };
        if tls {
            server.make_certificates();
            server.tls_port = Some(free_port());
        }
        server.restart();
        Some(server)
    }

    /// `ca.pem` (a CA) and `server.pem` (127.0.0.1, signed by it), with their keys, in the server's directory.
    fn make_certificates(&self) {
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl").args(args).current_dir(&self.dir).output().expect("openssl runs");
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        let key = ["-newkey", "rsa:2048", "-nodes"];
        openssl(
            &[&["req", "-x509"], &key[..], &["-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test CA"]].concat(),
        );
        openssl(
            &[&["req"], &key[..], &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]].concat(),
        );
        std::fs::write(self.dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "1",
            "-extfile",
            "san.ext",
        ]);
    }

    /// The `rediss://` URL of the TLS port.
    pub fn tls_url(&self) -> String {
        format!("rediss://127.0.0.1:{}/", self.tls_port.expect("started with TLS"))
    }

    /// The CA that signed the TLS port's certificate (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to its clients) and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server as an operator does (`SHUTDOWN SAVE`: its data written to `dump.rdb`, which
    /// [`restart`](Self::restart) loads) and waits for it to be gone.
    pub fn shutdown_saving(&mut self) {
        let _ = self.command("SHUTDOWN SAVE");
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on the same port, empty (no persistence, but a `dump.rdb` saved by
    /// [`shutdown_saving`](Self::shutdown_saving) is loaded), and waits until it answers `PING`.
    pub fn restart(&mut self) {
        self.kill();
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--enable-debug-command", "local", "--dir"])
            .arg(&self.dir);
        if let Some(tls_port) = self.tls_port {
            command
                .args(["--tls-port", &tls_port.to_string(), "--tls-auth-clients", "no", "--tls-cert-file"])
                .arg(self.dir.join("server.pem"))
                .arg("--tls-key-file")
                .arg(self.dir.join("server.key"))
                .arg("--tls-ca-cert-file")
                .arg(self.dir.join("ca.pem"));
        }
        let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.command("PING").as_deref() != Some("+PONG") {
            assert!(Instant::now() < deadline, "redis-server did not answer PING on port {} within 10 s", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends one inline command and returns the first line of the answer.
    pub fn command(&self, command: &str) -> Option<String> {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        stream.write_all(format!("{command}\r\n").as_bytes()).ok()?;
        let mut answer = [0u8; 512];
        let n = stream.read(&mut answer).ok()?;
        Some(String::from_utf8_lossy(&answer[..n]).lines().next()?.to_owned())
    }

    /// The answer to `command` once it is `expected`, asked every 10 ms for up to 2 s (what clients hand back on
    /// tasks of their own, such as leases, lands a moment after their calls return); the last answer otherwise.
    pub async fn settled(&self, command: &str, expected: &str) -> Option<String> {
        let mut answer = self.command(command);
        for _ in 0..200 {
            if answer.as_deref() == Some(expected) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            answer = self.command(command);
        }
        answer
    }

    /// Makes the server busy for `seconds` (`DEBUG SLEEP`): it answers nothing meanwhile. Returns at once.
    pub fn stall(&self, seconds: f64) {
        let port = self.port;
        std::thread::spawn(move || {
            if let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
                let _ = stream.write_all(format!("DEBUG SLEEP {seconds}\r\n").as_bytes());
                let _ = stream.read(&mut [0u8; 64]);
            }
        });
        // The command reaches the server before the caller's next request does.
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
