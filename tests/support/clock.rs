//! A retry clock for tests: time moves only when the client sleeps, and every sleep is kept.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use stage_images::api::retry::Clock;

/// Records the waits between retries instead of sleeping through them.
#[derive(Debug)]
pub struct RecordingClock {
    start: Instant,
    sleeps: Mutex<Vec<Duration>>,
}

impl RecordingClock {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    /// The waits asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().expect("lock").clone()
    }
}

impl Clock for RecordingClock {
    fn now(&self) -> Instant {
        self.start + self.sleeps().iter().sum::<Duration>()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.sleeps.lock().expect("lock").push(duration);
        Box::pin(std::future::ready(()))
    }
}
