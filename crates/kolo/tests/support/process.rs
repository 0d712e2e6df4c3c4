//! Running the real `kolo` binary: a server process and one-shot commands.

// Each test binary uses part of this shared module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const KOLO: &str = env!("CARGO_BIN_EXE_kolo");

/// A `kolo serve` process; killed (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Kills the process at once, as a power cut or the OOM killer would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kolo serve` and waits for the line that says where it serves.
#[allow(clippy::zombie_processes)]
pub fn serve(data: &str, listen: &str, env: &[(&str, &str)]) -> Server {
    let mut command = Command::new(KOLO);
    command
        .args(["serve", "--data", data, "--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("kolo starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .expect("kolo serve exited before serving")
            .expect("readable output");
        if let Some(rest) = line.strip_prefix("Kolo is serving on ") {
            let base = rest.trim_end_matches('/').to_owned();
            std::thread::spawn(move || for _ in lines {});
            return Server { child, base };
        }
    }
}

/// Runs a `kolo` command to its end.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(KOLO);
    command.args(args).stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("kolo runs")
}

/// Runs a command that must succeed; returns its standard output.
pub fn run_ok(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = run(args, env);
    assert!(
        output.status.success(),
        "kolo {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
