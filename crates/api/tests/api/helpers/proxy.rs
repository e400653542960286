//! A TCP proxy a test can cut and restore, to take a service away from one
//! app without touching the shared MariaDB or Redis other tests are using.
//! In front of MariaDB it also counts the commands the app sends.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// MySQL protocol commands, by their first byte.
pub const COM_QUERY: u8 = 0x03;
pub const COM_PING: u8 = 0x0e;
pub const COM_STMT_EXECUTE: u8 = 0x17;

pub struct Proxy {
    pub address: SocketAddr,
    shared: Arc<Shared>,
    accept: AbortHandle,
}

struct Shared {
    up: AtomicBool,
    connections: Mutex<Vec<AbortHandle>>,
    /// Commands sent to MariaDB, by command byte, when counting.
    commands: Option<Vec<AtomicU64>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        Self::listen(target, false).await
    }

    /// A proxy in front of MariaDB that counts the commands sent through it.
    pub async fn start_counting(target: SocketAddr) -> Self {
        Self::listen(target, true).await
    }

    async fn listen(target: SocketAddr, counting: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let address = listener.local_addr().expect("the proxy address");
        let shared = Arc::new(Shared {
            up: AtomicBool::new(true),
            connections: Mutex::new(Vec::new()),
            commands: counting.then(|| (0..=255).map(|_| AtomicU64::new(0)).collect()),
        });
        let accept_shared = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_shared.up.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let shared = accept_shared.clone();
                let task = tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    if shared.commands.is_none() {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        return;
                    }
                    let (mut from_app, to_app) = inbound.into_split();
                    let (from_server, mut to_server) = outbound.into_split();
                    let back = tokio::spawn(async move {
                        let (mut from_server, mut to_app) = (from_server, to_app);
                        let _ = tokio::io::copy(&mut from_server, &mut to_app).await;
                    });
                    let mut packets = Packets::default();
                    let mut buffer = vec![0_u8; 64 * 1024];
                    while let Ok(read @ 1..) = from_app.read(&mut buffer).await {
                        packets.feed(&buffer[..read], |command| {
                            if let Some(counts) = &shared.commands {
                                counts[usize::from(command)].fetch_add(1, Ordering::SeqCst);
                            }
                        });
                        if to_server.write_all(&buffer[..read]).await.is_err() {
                            break;
                        }
                    }
                    back.abort();
                });
                accept_shared
                    .connections
                    .lock()
                    .expect("not poisoned")
                    .push(task.abort_handle());
            }
        })
        .abort_handle();
        Self {
            address,
            shared,
            accept,
        }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.shared.up.store(false, Ordering::SeqCst);
        for connection in self
            .shared
            .connections
            .lock()
            .expect("not poisoned")
            .drain(..)
        {
            connection.abort();
        }
    }

    /// How many commands of this kind went through so far (0 when not counting).
    pub fn commands(&self, command: u8) -> u64 {
        self.shared.commands.as_ref().map_or(0, |counts| {
            counts[usize::from(command)].load(Ordering::SeqCst)
        })
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.shared.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// Splits what an app sends MariaDB into packets (3 bytes of length, 1 of
/// sequence, the payload) and tells the first payload byte of each packet
/// that begins a command (sequence 0).
#[derive(Default)]
struct Packets {
    header: Vec<u8>,
    /// Payload bytes of the current packet still to pass.
    rest: usize,
}

impl Packets {
    fn feed(&mut self, mut bytes: &[u8], mut command: impl FnMut(u8)) {
        while !bytes.is_empty() {
            if self.rest > 0 {
                let skip = self.rest.min(bytes.len());
                self.rest -= skip;
                bytes = &bytes[skip..];
                continue;
            }
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            let length = match self.header.as_slice() {
                [a, b, c, _] => usize::from(*a) | usize::from(*b) << 8 | usize::from(*c) << 16,
                [a, b, c, sequence, first] => {
                    if *sequence == 0 {
                        command(*first);
                    }
                    let length = usize::from(*a) | usize::from(*b) << 8 | usize::from(*c) << 16;
                    self.rest = length - 1;
                    self.header.clear();
                    continue;
                }
                _ => continue,
            };
            if length == 0 {
                self.header.clear();
            }
        }
    }
}
