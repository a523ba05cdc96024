//! Driving the interactive client in a pseudo-terminal, as a person at a terminal does:
//! keys go in, and what the screen shows is read back through a terminal emulator.

use std::{
	io::{Read, Write},
	num::NonZeroU16,
	path::Path,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use portable_pty::{CommandBuilder, PtySize};

/// The terminal's size.
const ROWS: u16 = 32;
const COLUMNS: u16 = 120;

/// A program running in a pseudo-terminal of its own.
pub struct Tui {
	child: Box<dyn portable_pty::Child + Send + Sync>,
	keys: Box<dyn Write + Send>,
	screen: Arc<Mutex<vt100::Parser>>,
	/// Everything the program wrote, raw.
	output: Arc<Mutex<Vec<u8>>>,
	// Kept so that the terminal stays open while the program runs.
	_master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
	/// Runs `program args` under `sh`, in a new terminal, with `env`; once it ends, the
	/// shell prints its exit code and the terminal's settings (`stty -a`), so that a test
	/// sees whether the program gave the terminal back as it found it.
	pub fn start(program: &Path, args: &[String], env: &[(&str, &str)]) -> Self {
		let pty = portable_pty::native_pty_system()
			.openpty(PtySize { rows: ROWS, cols: COLUMNS, pixel_width: 0, pixel_height: 0 })
			.expect("a pseudo-terminal");
		let mut command = CommandBuilder::new("sh");
		command.args(["-c", "\"$@\"; echo \"exited with $?\"; stty -a; sleep 5", "sh"]);
		command.arg(program);
		command.args(args);
		command.env("TERM", "xterm-256color");
		for (key, value) in env {
			command.env(key, value);
		}
		let child = pty.slave.spawn_command(command).expect("start the program in the terminal");
		drop(pty.slave);
		let mut reader = pty.master.try_clone_reader().expect("the terminal's output");
		let keys = pty.master.take_writer().expect("the terminal's input");
		let size = |n| NonZeroU16::new(n).expect("a terminal is not empty");
		let screen = Arc::new(Mutex::new(vt100::Parser::new(size(ROWS), size(COLUMNS), 0)));
		let output = Arc::new(Mutex::new(Vec::new()));
		let (to_screen, to_output) = (screen.clone(), output.clone());
		std::thread::spawn(move || {
			let mut buf = [0u8; 8192];
			while let Ok(n) = reader.read(&mut buf) {
				if n == 0 {
					break;
				}
				to_screen.lock().expect("the screen").process(&buf[..n]);
				to_output.lock().expect("the output").extend_from_slice(&buf[..n]);
			}
		});
		Self { child, keys, screen, output, _master: pty.master }
	}

	/// What the screen shows now, row by row.
	pub fn screen(&self) -> String {
		self.screen.lock().expect("the screen").screen().contents()
	}

	/// Whether the program is on the alternate screen (full-screen mode).
	pub fn full_screen(&self) -> bool {
		self.screen.lock().expect("the screen").screen().alternate_screen()
	}

	/// Everything written to the terminal so far.
	pub fn output(&self) -> Vec<u8> {
		self.output.lock().expect("the output").clone()
	}

	/// Types `keys` (text, or escape sequences such as "\r" for Enter).
	pub fn keys(&mut self, keys: &str) {
		self.keys.write_all(keys.as_bytes()).expect("typing into the terminal");
		self.keys.flush().expect("typing into the terminal");
	}

	/// Types `text` one character at a time, as a person does.
	pub fn type_text(&mut self, text: &str) {
		for c in text.chars() {
			self.keys(c.encode_utf8(&mut [0; 4]));
			std::thread::sleep(Duration::from_millis(5));
		}
	}

	/// Waits until the screen satisfies `pred`; panics with the screen after `timeout`.
	pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
		let deadline = Instant::now() + timeout;
		loop {
			let screen = self.screen();
			if pred(&screen) {
				return screen;
			}
			if Instant::now() > deadline {
				panic!("the screen did not show {what} within {timeout:?}; it shows:\n{screen}");
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}

	/// Waits until the screen shows `text`.
	pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
		self.wait_until(&format!("{text:?}"), timeout, |s| s.contains(text))
	}
}

impl Drop for Tui {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}
