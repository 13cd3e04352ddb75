#![cfg(all(feature = "mock", feature = "full"))]
//! A TCP load balancer held by a test: it listens on a port of its own (bound once, kept for the test's life, so no
//! other test can take it), and hands each connection to one of its backends in turn. A backend that refuses the
//! connection (a killed replica) is skipped, as a load balancer's passive health check does; with no backend up, a
//! connection waits up to [`WAIT_FOR_BACKEND`] for one before it is closed unanswered (the sender sees a failed
//! request). Replicas started on port 0 report their address and are added with [`LoadBalancer::add`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// How long a connection waits for a backend to accept it (a replica starting, or all of them down).
const WAIT_FOR_BACKEND: Duration = Duration::from_secs(2);

pub struct LoadBalancer {
    addr: SocketAddr,
    backends: Arc<Mutex<Vec<SocketAddr>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl LoadBalancer {
    pub async fn start() -> LoadBalancer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let backends: Arc<Mutex<Vec<SocketAddr>>> = Arc::default();
        let next = Arc::new(AtomicUsize::new(0));
        let accept = tokio::spawn({
            let backends = backends.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let (backends, next) = (backends.clone(), next.clone());
                    tokio::spawn(async move {
                        if let Some(mut outbound) = connect(&backends, &next).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
            }
        });
        LoadBalancer { addr, backends, accept }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn add(&self, backend: SocketAddr) {
        self.backends.lock().unwrap().push(backend);
    }

    pub fn remove(&self, backend: SocketAddr) {
        self.backends.lock().unwrap().retain(|b| *b != backend);
    }
}

impl Drop for LoadBalancer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A connection to the next backend that accepts one, trying each in turn (round robin) until
/// [`WAIT_FOR_BACKEND`] has passed.
async fn connect(backends: &Mutex<Vec<SocketAddr>>, next: &AtomicUsize) -> Option<TcpStream> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_BACKEND;
    loop {
        let candidates = backends.lock().unwrap().clone();
        let start = next.fetch_add(1, Ordering::Relaxed);
        for i in 0..candidates.len() {
            if let Ok(stream) = TcpStream::connect(candidates[(start + i) % candidates.len()]).await {
                return Some(stream);
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn connections_go_round_robin_skip_a_dead_backend_and_fail_with_none_up() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    /// A backend answering every connection with its `name`.
    async fn backend(name: u8) -> (SocketAddr, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream.write_all(&[name]).await;
            }
        });
        (addr, task)
    }
    async fn ask(lb: &LoadBalancer) -> Option<u8> {
        let mut stream = TcpStream::connect(lb.addr).await.unwrap();
        let mut answer = [0u8; 1];
        match stream.read(&mut answer).await {
            Ok(1) => Some(answer[0]),
            _ => None,
        }
    }
    let lb = LoadBalancer::start().await;
    let (a, task_a) = backend(b'a').await;
    let (b, _task_b) = backend(b'b').await;
    lb.add(a);
    lb.add(b);
    let mut answers: Vec<u8> = Vec::new();
    for _ in 0..4 {
        answers.push(ask(&lb).await.unwrap());
    }
    answers.sort_unstable();
    assert_eq!(answers, b"aabb", "round robin");
    // a dies (its port now refuses): every connection goes to b.
    task_a.abort();
    let _ = task_a.await;
    for _ in 0..3 {
        assert_eq!(ask(&lb).await, Some(b'b'));
    }
    // None left: the connection is closed unanswered once the wait is over.
    lb.remove(b);
    assert_eq!(ask(&lb).await, None);
}
